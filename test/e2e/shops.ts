/**
 * A shop for the commerce browser tests: a page run by a person, an app connected to it (its page access
 * token), the customer's conversation with it, and the Orders API as the merchant's server calls it.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { type Person, RECONNECT_MS } from './browser.ts';

export interface Shop {
  id: string;
  username: string;
  token: string;
}

/** A page run by `owner` with `agents`, and an app connected to it (its page access token), over HTTP. */
export async function shopOf(owner: Person, name: string, agents: Person[] = []): Promise<Shop> {
  const http = await owner.http();
  const username = `${name.toLowerCase().replace(/[^a-z]/g, '')}_${process.pid % 10000}_${Date.now() % 100000}`;
  const page = await http.post<{ page: { id: string; username: string } }>('/api/pages', { name, username });
  assert.equal(page.status, 201, JSON.stringify(page.body));
  for (const agent of agents) {
    const added = await http.post(`/api/pages/${page.body.page.id}/members`, {
      username: agent.username,
      role: 'agent',
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));
  }
  const app = await http.post<{ app: { id: string } }>('/api/apps', { name: `${name} shop` });
  const token = await http.post<{ pageAccessToken: string }>(`/api/apps/${app.body.app.id}/pages/${page.body.page.id}`);
  assert.equal(token.status, 201, JSON.stringify(token.body));
  return { ...page.body.page, token: token.body.pageAccessToken };
}

/** From the person's messenger: finds the page with the search and opens their conversation with it. */
export async function openPageConversation(person: Person, page: { id: string; username: string }): Promise<string> {
  await person.page.getByTestId('people-search').fill(page.username);
  await person.page.locator(`[data-testid="page-result"][data-page-id="${page.id}"]`).click();
  await person.page.waitForURL(/\/c\/[^/]+$/);
  await person.page.getByTestId('composer').waitFor();
  return decodeURIComponent(new URL(person.page.url()).pathname.split('/').pop() ?? '');
}

/** The page's inbox on that conversation, in a new tab of `agent`'s, connected. */
export async function openInboxOn(agent: Person, shop: Shop, conversationId: string): Promise<Page> {
  const inbox = await agent.context.newPage();
  await inbox.goto(`/inbox/${shop.id}/c/${conversationId}`);
  await inbox
    .locator('[data-testid="inbox-connection-status"][data-state="online"]')
    .waitFor({ timeout: RECONNECT_MS });
  return inbox;
}

/** A call of the Orders API, as the merchant's server makes it; fails the test on an error answer. */
export async function ordersApi(serverUrl: string, shop: Shop, method: string, path: string, body?: unknown) {
  const res = await fetch(`${serverUrl}/api/commerce/orders${path}`, {
    method,
    headers: { authorization: `Bearer ${shop.token}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export const orderBody = (psid: string, number: string) => ({
  number,
  customer: { psid },
  currency: 'EUR',
  items: [
    { title: 'Comté 18 mois', subtitle: '500 g', quantity: 2, unitPrice: 1250 },
    { title: 'Beurre demi-sel', quantity: 1, unitPrice: 500 },
  ],
  adjustments: [{ label: 'Bienvenue', amount: -300 }],
  taxes: [{ label: 'TVA', amount: 240 }],
  shippingCost: 490,
  total: 3430,
  shippingAddress: { name: 'Cleo', street1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
  paymentMethod: 'Visa 4242',
  merchantName: 'Fromagerie Lucie',
});

export const card = (page: Page) => page.getByTestId('order-card');
