/** Orders for the server's commerce tests. */
import { type HttpAnswer, HttpClient } from './client.ts';
import { type PageWithCustomer, pageWithApp, pageWithCustomer } from './platform.ts';
import type { TestServer } from './server.ts';

let n = 0;

/**
 * An Orders API body that adds up, for the customer `psid`: 2 × 12.50 + 1 × 5.00 − 3.00 + 2.40 tax + 4.90
 * shipping = 34.30 EUR, to an address in Paris; a new number each time unless given.
 */
export const orderBody = (psid: string, number = `O-${process.pid}-${++n}`) => ({
  number,
  customer: { psid },
  currency: 'EUR',
  items: [
    { title: 'Café en grains', subtitle: '1 kg', quantity: 2, unitPrice: 1250 },
    { title: 'Filtres', quantity: 1, unitPrice: 500 },
  ],
  adjustments: [{ label: 'Welcome', amount: -300 }],
  taxes: [{ label: 'VAT', amount: 240 }],
  shippingCost: 490,
  total: 3430,
  shippingAddress: { name: 'Ada', street1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
  paymentMethod: 'Visa 4242',
});

/** The Orders API as a merchant's server calls it: its page access token on every call. */
export type OrdersApi = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<HttpAnswer<Record<string, unknown>>>;

/** A merchant: a page with a customer, an app connected to that page, its page access token, and `api`. */
export async function merchantOf(s: TestServer): Promise<PageWithCustomer & { token: string; api: OrdersApi }> {
  const shop = await pageWithCustomer(s);
  const app = await pageWithApp(shop.owner.http);
  const token = (await shop.owner.http.post<{ pageAccessToken: string }>(`/api/apps/${app.appId}/pages/${shop.pageId}`))
    .body.pageAccessToken;
  const anon = new HttpClient(s.url);
  const api: OrdersApi = (method, path, body, headers = {}) =>
    anon.request(method, path, body, { authorization: `Bearer ${token}`, ...headers });
  return { ...shop, token, api };
}
