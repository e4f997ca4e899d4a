/**
 * The example shop over HTTP, against a real Comptoir (in-process, SQLite, port 0) and the shop's own server
 * (port 0): checkout with and without the opt-in, a double submit, the webhook's handshake and signatures,
 * and the admin's shipments and tracking events reaching the customer's thread.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { OrderView } from '../../protocol/commerce.ts';
import type { MessageView } from '../../protocol/views.ts';
import { type Person, signUp } from '../../test/helpers/client.ts';
import {
  conversationWithPage,
  fastWebhooks,
  graphCall,
  pageWithApp,
  webhookTestEnv,
} from '../../test/helpers/platform.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { until } from '../../test/helpers/until.ts';
import { ComptoirError } from './comptoir.ts';
import { loadShopConfig } from './config.ts';
import { createShopServer, type ShopServer } from './server.ts';

let comptoir: TestServer;
let shop: ShopServer;
let owner: Person;
let page: Awaited<ReturnType<typeof pageWithApp>>;
const ADMIN = 'une tomme bien affinée';

before(async () => {
  comptoir = await startServer(webhookTestEnv, { webhooks: fastWebhooks });
  owner = await signUp(comptoir.url);
  page = await pageWithApp(owner.http, 'Fromagerie Test');
  shop = createShopServer(
    loadShopConfig({
      COMPTOIR_URL: comptoir.url,
      COMPTOIR_PAGE_ID: page.pageId,
      COMPTOIR_PAGE_TOKEN: page.token,
      COMPTOIR_APP_SECRET: page.secret,
      SHOP_VERIFY_TOKEN: 'verify-me',
      SHOP_PORT: '0',
      SHOP_ADMIN_PASSWORD: ADMIN,
    }),
  );
  const url = await shop.listen();
  // The page whitelists the shop (the plugin's frame and the opt-ins it records) and subscribes its webhook:
  // Comptoir runs the handshake against the shop before storing it.
  const wl = await graphCall(comptoir.url, 'POST', '/v19.0/me/messenger_profile', page.token, {
    whitelisted_domains: [url],
  });
  assert.equal(wl.status, 200, JSON.stringify(wl.body));
  const hook = await owner.http.put(`/api/apps/${page.appId}/webhook`, {
    url: `${url}/webhook`,
    verifyToken: 'verify-me',
    fields: ['messaging_optins'],
  });
  assert.equal(hook.status, 200, JSON.stringify(hook.body));
});

after(async () => {
  await shop?.close();
  await comptoir?.close();
});

/** A browser of the shop's, as far as the shop sees one: its cookie (the cart), forms, redirects not followed. */
class Visitor {
  private cart = '';
  async request(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cart) h.cookie = this.cart;
    if (form) h['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(shop.url() + path, {
      method,
      headers: h,
      body: form ? new URLSearchParams(form).toString() : null,
      redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      if (c.startsWith('shop_cart=')) this.cart = /Max-Age=0/.test(c) ? '' : (c.split(';')[0] ?? '');
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }
  /** Fills a cart and starts its checkout: the checkout's id and its opt-in reference. */
  async checkout(items: Record<string, number>) {
    for (const [product, quantity] of Object.entries(items)) {
      const added = await this.request('POST', '/cart/add', { product, quantity: String(quantity) });
      assert.equal(added.status, 303, added.text);
    }
    const started = await this.request('POST', '/checkout');
    assert.equal(started.status, 303, started.text);
    const id = /^\/checkout\/([\w-]+)$/.exec(started.location ?? '')?.[1];
    assert.ok(id, started.location ?? 'no location');
    const page = await this.request('GET', `/checkout/${id}`);
    assert.equal(page.status, 200);
    const userRef = /data-user-ref="(checkout-[\w-]+)"/.exec(page.text)?.[1];
    const number = /Your order (FD-[0-9A-F]+)/.exec(page.text)?.[1];
    assert.ok(userRef && number, 'the checkout names its user_ref and number');
    return { id, userRef, number, html: page.text };
  }
  place(id: string, optin = '', name = 'Cleo Martin') {
    return this.request('POST', `/checkout/${id}/place`, {
      name,
      street1: '1 rue de la Paix',
      postalCode: '75002',
      city: 'Paris',
      country: 'FR',
      optin,
    });
  }
}

const ordersApi = (path: string) =>
  fetch(`${comptoir.url}/api/commerce/orders${path}`, { headers: { authorization: `Bearer ${page.token}` } }).then(
    async (r) => ({ status: r.status, body: (await r.json()) as { order: OrderView } }),
  );

/** The page's answer to a customer's request, through the Orders API (as the merchant's server, or the inbox, would). */
async function answer(number: string, requestId: string, decision: 'accept' | 'reject') {
  const r = await fetch(`${comptoir.url}/api/commerce/orders/${number}/requests/${requestId}/answer`, {
    method: 'POST',
    headers: { authorization: `Bearer ${page.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ decision }),
  });
  assert.equal(r.status, 200, await r.text());
}

/** A customer's request on their order (`POST /api/orders/{id}/requests`): the request's id. */
async function ask(customer: Person, orderId: string, body: Record<string, unknown>): Promise<string> {
  const r = await customer.http.post<{ request: { id: string } }>(`/api/orders/${orderId}/requests`, body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.request.id;
}

/** The customer's opt-in, as the plugin's frame records it when they tick the box. */
async function optIn(customer: Person, userRef: string) {
  const r = await customer.http.post('/api/optins', {
    pageId: page.pageId,
    userRef,
    origin: shop.url(),
    how: 'checkbox',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

async function threadOrders(customer: Person): Promise<NonNullable<MessageView['order']>[]> {
  const conversationId = await conversationWithPage(customer.http, page.pageId);
  const r = await customer.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages?limit=50`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.messages.flatMap((m) => (m.order ? [m.order] : []));
}

test('the checkout embeds Comptoir’s plugin for the page, with a fresh user_ref, and the link flow', async () => {
  const v = new Visitor();
  const a = await v.checkout({ comte: 1 });
  const b = await new Visitor().checkout({ comte: 1 });
  assert.notEqual(a.userRef, b.userRef, 'one user_ref per checkout');
  assert.match(a.html, new RegExp(`<script src="${comptoir.url}/plugins/checkbox.js" async>`));
  assert.match(
    a.html,
    new RegExp(`class="comptoir-checkbox" data-page-id="${page.pageId}" data-user-ref="${a.userRef}"`),
  );
  const link = /href="([^"]+)" data-testid="optin-link"/.exec(a.html)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(link);
  const u = new URL(link);
  assert.equal(u.origin + u.pathname, `${comptoir.url}/optin`);
  assert.equal(u.searchParams.get('user_ref'), a.userRef);
  assert.equal(u.searchParams.get('return_to'), `${shop.url()}/checkout/${a.id}`);
  // Comptoir accepts that return_to for the page (the shop's origin is whitelisted).
  const customer = await signUp(comptoir.url);
  const check = await customer.http.get(`/api/optins/check?${u.searchParams}`);
  assert.equal(check.status, 200, JSON.stringify(check.body));

  // The link flow comes back with comptoir_optin: the checkout says so, and drops the parameter.
  await optIn(customer, a.userRef);
  const back = await v.request('GET', `/checkout/${a.id}?comptoir_optin=${a.userRef}`);
  assert.equal(back.status, 303);
  assert.equal(back.location, `/checkout/${a.id}`);
  assert.match((await v.request('GET', `/checkout/${a.id}`)).text, /data-testid="optin-done"/);
  // Someone else's reference is not this checkout's opt-in.
  await v.request('GET', `/checkout/${b.id}?comptoir_optin=${a.userRef}`);
  assert.doesNotMatch((await v.request('GET', `/checkout/${b.id}`)).text, /data-testid="optin-done"/);
});

test('checkout with the opt-in: the order goes to Comptoir for the user_ref, its receipt in the customer’s thread', async () => {
  const customer = await signUp(comptoir.url);
  const v = new Visitor();
  const c = await v.checkout({ comte: 2, beurre: 1 });
  await optIn(customer, c.userRef);
  // The plugin told the page's script, which put the user_ref in the form.
  const placed = await v.place(c.id, c.userRef);
  assert.equal(placed.status, 303, placed.text);
  assert.equal(placed.location, `/confirmation/${c.id}`);
  const confirmation = await v.request('GET', placed.location);
  assert.match(confirmation.text, /data-testid="comptoir-followed"/);
  assert.match(confirmation.text, new RegExp(c.number));
  assert.match((await v.request('GET', '/')).text, /data-testid="cart-count">0</, 'the cart is emptied');

  const order = await ordersApi(`/${c.number}`);
  assert.equal(order.status, 200, JSON.stringify(order.body));
  assert.equal(order.body.order.status, 'placed');
  assert.equal(order.body.order.total, 2 * 1250 + 500 + 490);
  assert.equal(order.body.order.shippingCost, 490);
  assert.equal(order.body.order.merchantName, 'Fromagerie Demo');
  assert.equal(order.body.order.orderUrl, `${shop.url()}/confirmation/${c.id}`);
  const cards = await threadOrders(customer);
  assert.deepEqual(
    cards.map((o) => [o.kind, o.snapshot?.number]),
    [['receipt', c.number]],
  );
});

test('the webhook alone is enough: a messaging_optins event makes the order go to Comptoir', async () => {
  const customer = await signUp(comptoir.url);
  const v = new Visitor();
  const c = await v.checkout({ brie: 5 });
  await optIn(customer, c.userRef);
  await until('the shop is told of the opt-in', () => shop.shop.store.optin(c.userRef) !== null);
  // No script ran on the checkout (the form's field is empty): the webhook said it.
  assert.equal((await v.place(c.id, '')).status, 303);
  const order = await ordersApi(`/${c.number}`);
  assert.equal(order.status, 200, JSON.stringify(order.body));
  assert.equal(order.body.order.total, 5 * 890, 'free shipping from 40 €');
});

test('checkout without the opt-in: the order is the shop’s alone; a user_ref nobody opted in with is refused by Comptoir', async () => {
  const v = new Visitor();
  const c = await v.checkout({ tomme: 1 });
  assert.equal((await v.place(c.id, '')).status, 303);
  assert.match((await v.request('GET', `/confirmation/${c.id}`)).text, /did not ask for updates in Comptoir/);
  assert.equal((await ordersApi(`/${c.number}`)).status, 404);

  // The form says "ticked", but nobody opted in with this reference (or they unticked the box).
  const d = await new Visitor().checkout({ tomme: 1 });
  const w = new Visitor();
  assert.equal((await w.place(d.id, d.userRef)).status, 303);
  assert.match((await w.request('GET', `/confirmation/${d.id}`)).text, /Comptoir box was not ticked/);
  assert.equal((await ordersApi(`/${d.number}`)).status, 404);
  assert.equal(shop.shop.store.order(d.number)?.comptoir, null);
});

test('the checkout’s fields are checked, and nothing is placed until they are right', async () => {
  const v = new Visitor();
  const c = await v.checkout({ comte: 1 });
  const r = await v.request('POST', `/checkout/${c.id}/place`, { name: '', street1: 'x', postalCode: '!', city: 'P' });
  assert.equal(r.status, 400);
  assert.match(r.text, /id="e-name">Tell us who receives the parcel/);
  assert.match(r.text, /id="e-postalCode">A postal code such as 75002/);
  assert.match(r.text, /aria-invalid="true" aria-describedby="e-name"/);
  assert.equal(shop.shop.store.order(c.number), null);
  assert.equal((await v.request('POST', '/cart/add', { product: 'gruyere', quantity: '1' })).status, 400);
  assert.equal((await v.request('POST', '/cart/add', { product: 'comte', quantity: '99' })).status, 400);
  assert.equal((await new Visitor().request('POST', '/checkout')).status, 400, 'an empty cart');
  assert.equal((await v.request('GET', '/checkout/nosuchcheckout')).status, 404);
});

test('a double submit makes one order: one in Comptoir, one receipt in the thread', async () => {
  const customer = await signUp(comptoir.url);
  const v = new Visitor();
  const c = await v.checkout({ comte: 1 });
  await optIn(customer, c.userRef);
  const answers = await Promise.all([v.place(c.id, c.userRef), v.place(c.id, c.userRef)]);
  assert.deepEqual(
    answers.map((a) => [a.status, a.location]),
    [
      [303, `/confirmation/${c.id}`],
      [303, `/confirmation/${c.id}`],
    ],
  );
  // Later, again (the back button): the confirmation, nothing more.
  const again = await v.place(c.id, c.userRef, 'Someone Else');
  assert.equal(again.location, `/confirmation/${c.id}`);
  assert.equal(shop.shop.store.orders().filter((o) => o.checkoutId === c.id).length, 1);
  assert.equal(shop.shop.store.order(c.number)?.address.name, 'Cleo Martin');
  assert.equal((await threadOrders(customer)).length, 1);
});

test('the webhook: the handshake needs the verify token; a POST needs the app secret’s signature', async () => {
  const hs = (token: string) =>
    fetch(`${shop.url()}/webhook?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=4242`);
  const ok = await hs('verify-me');
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '4242');
  assert.equal((await hs('wrong')).status, 403);

  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: page.pageId,
        time: 1,
        messaging: [{ recipient: { id: page.pageId }, timestamp: 1, optin: { user_ref: 'forged-1' } }],
      },
    ],
  });
  const post = (sig: string | null) =>
    fetch(`${shop.url()}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature-256': sig } : {}) },
      body,
    });
  const hmac = (key: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
  assert.equal((await post(null)).status, 403);
  assert.equal((await post(hmac('0'.repeat(64)))).status, 403, 'signed with another secret');
  assert.equal((await post('sha256=zz')).status, 403);
  assert.equal(shop.shop.store.optin('forged-1'), null, 'nothing recorded from an unsigned delivery');
  const signed = await post(hmac(page.secret));
  assert.equal(signed.status, 200);
  assert.equal(await signed.text(), 'EVENT_RECEIVED');
  assert.notEqual(shop.shop.store.optin('forged-1'), null);
});

test('the admin: its password; Ship and tracking events reach the customer’s thread; a refusal is shown', async () => {
  const customer = await signUp(comptoir.url);
  const v = new Visitor();
  const c = await v.checkout({ comte: 1, brie: 1 });
  await optIn(customer, c.userRef);
  await v.place(c.id, c.userRef);

  const auth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` };
  assert.equal((await v.request('GET', '/admin')).status, 401);
  assert.equal(
    (await v.request('GET', '/admin', undefined, { authorization: `Basic ${Buffer.from('a:no').toString('base64')}` }))
      .status,
    401,
  );
  const list = await v.request('GET', '/admin', undefined, auth);
  assert.equal(list.status, 200);
  assert.match(list.text, new RegExp(`data-number="${c.number}"[^]*?data-testid="admin-status">Placed<`));
  const nonce = /name="nonce" value="([\w-]+)"/.exec(list.text)?.[1] ?? '';

  // Ship, twice with the same form (a double click): one shipment.
  const ship = { nonce, carrier: 'Colissimo', trackingNumber: '6A123', trackingUrl: 'https://example.com/t/6A123' };
  const shipped = await Promise.all([
    v.request('POST', `/admin/orders/${c.number}/ship`, ship, auth),
    v.request('POST', `/admin/orders/${c.number}/ship`, ship, auth),
  ]);
  assert.deepEqual(
    shipped.map((s) => s.status),
    [303, 303],
  );
  let order = (await ordersApi(`/${c.number}`)).body.order;
  assert.equal(order.status, 'shipped');
  assert.equal(order.shipments.length, 1);
  const shipmentId = order.shipments[0]?.id ?? '';

  // Each tracking form comes from the admin page as it is after the last change (a fresh nonce).
  const freshNonce = async () =>
    /name="nonce" value="([\w-]+)"/.exec((await v.request('GET', '/admin', undefined, auth)).text)?.[1] ?? '';
  const track = async (status: string, place: string) =>
    v.request(
      'POST',
      `/admin/orders/${c.number}/shipments/${shipmentId}/events`,
      { nonce: await freshNonce(), status, place },
      auth,
    );
  assert.equal((await track('in_transit', 'Lyon')).status, 303);
  assert.equal((await track('delivered', 'Paris')).status, 303);
  order = (await ordersApi(`/${c.number}`)).body.order;
  assert.equal(order.status, 'delivered');
  assert.deepEqual(
    (await threadOrders(customer)).map((o) => [o.kind, o.status]),
    [
      ['receipt', null],
      ['shipment', 'label_created'],
      ['tracking', 'in_transit'],
      ['tracking', 'delivered'],
    ],
  );
  const after = await v.request('GET', '/admin', undefined, auth);
  assert.match(after.text, new RegExp(`data-number="${c.number}"[^]*?data-testid="admin-status">Delivered<`));

  // Comptoir's rule, said plainly: no tracking after delivery.
  const refused = await track('in_transit', 'Dijon');
  assert.equal(refused.status, 400);
  assert.match(refused.text, /data-testid="admin-error">Comptoir refused it: [^<]*delivered/);

  // An order that is not in Comptoir cannot be shipped through it.
  const d = await new Visitor().checkout({ comte: 1 });
  await new Visitor().place(d.id, '');
  const notFollowed = await v.request('POST', `/admin/orders/${d.number}/ship`, { ...ship, nonce: 'n-12345678' }, auth);
  assert.equal(notFollowed.status, 409);
});

test('the confirmation and the admin show the order as Comptoir now has it: the address the customer changed there; Comptoir unreachable is said', async () => {
  const customer = await signUp(comptoir.url);
  const v = new Visitor();
  const c = await v.checkout({ comte: 1 });
  await optIn(customer, c.userRef);
  await v.place(c.id, c.userRef);
  const placed = (await ordersApi(`/${c.number}`)).body.order;
  const auth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` };

  // The customer asks, from the card, to deliver it to Lyon; the page accepts.
  const requestId = await ask(customer, placed.id, {
    kind: 'change',
    change: {
      shippingAddress: {
        name: 'Cleo Martin',
        street1: '8 quai Saint-Vincent',
        postalCode: '69001',
        city: 'Lyon',
        country: 'FR',
      },
    },
  });
  await answer(c.number, requestId, 'accept');
  assert.equal((await ordersApi(`/${c.number}`)).body.order.shippingAddress?.city, 'Lyon');

  const confirmation = await v.request('GET', `/confirmation/${c.id}`);
  assert.match(
    confirmation.text,
    /data-testid="confirmation-address">Cleo Martin, 8 quai Saint-Vincent, 69001 Lyon, FR</,
  );
  assert.doesNotMatch(confirmation.text, /rue de la Paix/);
  const admin = await v.request('GET', '/admin', undefined, auth);
  assert.match(
    admin.text,
    new RegExp(
      `data-number="${c.number}"[^]*?data-testid="admin-address">Cleo Martin, 8 quai Saint-Vincent, 69001 Lyon, FR<`,
    ),
  );
  assert.match(admin.text, new RegExp(`data-number="${c.number}"[^]*?data-kind="change" data-state="applied"`));

  // Comptoir does not answer: the pages show what it last said, and say so.
  const get = shop.shop.api.get;
  shop.shop.api.get = () => Promise.reject(new ComptoirError('network', 0, 'Comptoir did not answer'));
  try {
    const stale = await v.request('GET', `/confirmation/${c.id}`);
    assert.equal(stale.status, 200);
    assert.match(stale.text, /data-testid="comptoir-unreachable">Comptoir could not be reached/);
    assert.match(stale.text, /69001 Lyon/, 'the order as Comptoir last answered it');
    const staleAdmin = await v.request('GET', '/admin', undefined, auth);
    assert.match(staleAdmin.text, new RegExp(`data-number="${c.number}"[^]*?data-testid="comptoir-unreachable"`));
  } finally {
    shop.shop.api.get = get;
  }
  assert.doesNotMatch((await v.request('GET', `/confirmation/${c.id}`)).text, /comptoir-unreachable/);
});

test('the admin marks a delivered order returned: the return the page accepted is applied, the card says so', async () => {
  const customer = await signUp(comptoir.url);
  const v = new Visitor();
  const c = await v.checkout({ comte: 1, beurre: 1 });
  await optIn(customer, c.userRef);
  await v.place(c.id, c.userRef);
  const auth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` };
  const nonceOf = (html: string) => /name="nonce" value="([\w-]+)"/.exec(html)?.[1] ?? '';
  const adminPage = async () => (await v.request('GET', '/admin', undefined, auth)).text;
  const block = (html: string) => html.slice(html.indexOf(`data-number="${c.number}"`)).split('</section>')[0] ?? '';

  const ship = { nonce: nonceOf(await adminPage()), carrier: 'Colissimo', trackingNumber: '6A999' };
  assert.equal((await v.request('POST', `/admin/orders/${c.number}/ship`, ship, auth)).status, 303);
  assert.doesNotMatch(block(await adminPage()), /data-testid="mark-returned"/, 'not before delivery');
  const shipmentId = (await ordersApi(`/${c.number}`)).body.order.shipments[0]?.id ?? '';
  const delivered = await v.request(
    'POST',
    `/admin/orders/${c.number}/shipments/${shipmentId}/events`,
    { nonce: nonceOf(await adminPage()), status: 'delivered', place: 'Paris' },
    auth,
  );
  assert.equal(delivered.status, 303);

  // Delivered: the customer asks to return the Comté, the page accepts.
  const order = (await ordersApi(`/${c.number}`)).body.order;
  assert.equal(order.status, 'delivered');
  const requestId = await ask(customer, order.id, {
    kind: 'return',
    reason: 'damaged',
    items: [{ item: 0, quantity: 1 }],
  });
  await answer(c.number, requestId, 'accept');

  const before = block(await adminPage());
  assert.match(before, /data-kind="return" data-state="accepted"/);
  assert.match(before, /The customer’s return is accepted in Comptoir/);
  assert.match(before, /data-testid="mark-returned">Mark returned</);
  const marked = await v.request(
    'POST',
    `/admin/orders/${c.number}/returned`,
    { nonce: nonceOf(await adminPage()) },
    auth,
  );
  assert.equal(marked.status, 303, marked.text);
  assert.equal(marked.location, '/admin');

  const returned = (await ordersApi(`/${c.number}`)).body.order;
  assert.equal(returned.status, 'returned');
  assert.equal(returned.requests.find((r) => r.id === requestId)?.state, 'applied');
  const card = await customer.http.get<{ order: OrderView }>(`/api/orders/${order.id}`);
  assert.equal(card.body.order.status, 'returned', 'the customer’s card');
  const after = block(await adminPage());
  assert.match(after, /data-testid="admin-status">Returned</);
  assert.doesNotMatch(after, /data-testid="mark-returned"/, 'once only');

  // Again (a stale page): Comptoir's refusal, said plainly.
  const again = await v.request('POST', `/admin/orders/${c.number}/returned`, { nonce: 'again-12345678' }, auth);
  assert.equal(again.status, 400);
  assert.match(again.text, /data-testid="admin-error">Comptoir refused it: /);
});

test('a form from another site changes nothing', async () => {
  const v = new Visitor();
  const r = await v.request(
    'POST',
    '/cart/add',
    { product: 'comte', quantity: '1' },
    { origin: 'https://evil.example' },
  );
  assert.equal(r.status, 403);
  assert.match((await v.request('GET', '/')).text, /data-testid="cart-count">0</);
});

test('the shop’s configuration: each missing or malformed variable is named', () => {
  const ok = {
    COMPTOIR_URL: 'http://localhost:3000',
    COMPTOIR_PAGE_ID: 'p',
    COMPTOIR_PAGE_TOKEN: 't',
    COMPTOIR_APP_SECRET: 'a'.repeat(64),
  };
  assert.equal(loadShopConfig(ok).port, 3301);
  assert.equal(loadShopConfig(ok).adminPassword, null, 'no password: the admin is open (the demo)');
  const refused: [Record<string, string>, RegExp][] = [
    [{ ...ok, COMPTOIR_URL: '' }, /^COMPTOIR_URL is required/],
    [{ ...ok, COMPTOIR_URL: 'not a url' }, /^COMPTOIR_URL must be a URL such as http:\/\/localhost:3000/],
    [{ ...ok, COMPTOIR_URL: 'localhost:3000' }, /^COMPTOIR_URL must be http\(s\)/],
    [{ ...ok, COMPTOIR_URL: 'ftp://x' }, /^COMPTOIR_URL must be http\(s\)/],
    [{ ...ok, COMPTOIR_PAGE_TOKEN: ' ' }, /^COMPTOIR_PAGE_TOKEN is required/],
    [{ ...ok, COMPTOIR_APP_SECRET: 'secret' }, /^COMPTOIR_APP_SECRET must be the 64 hex characters/],
    [{ ...ok, SHOP_PORT: '70000' }, /^SHOP_PORT must be a port number/],
    [{ ...ok, SHOP_URL: 'nope' }, /^SHOP_URL must be a URL/],
  ];
  for (const [env, message] of refused)
    assert.throws(
      () => loadShopConfig(env),
      (e: Error) => message.test(e.message),
    );
});

test('the cart: quantities added up, changed, and a line set to 0 removed', async () => {
  const v = new Visitor();
  await v.request('POST', '/cart/add', { product: 'comte', quantity: '2' });
  await v.request('POST', '/cart/add', { product: 'comte', quantity: '1' });
  await v.request('POST', '/cart/add', { product: 'beurre', quantity: '1' });
  let cart = await v.request('GET', '/cart');
  assert.match(cart.text, /data-testid="cart-count">4</);
  assert.match(cart.text, /name="quantity" value="3"/);
  assert.match(cart.text, /data-testid="total">€42\.50</, 'free shipping from 40 €');
  assert.equal((await v.request('POST', '/cart/set', { product: 'comte', quantity: '0' })).location, '/cart');
  cart = await v.request('GET', '/cart');
  assert.doesNotMatch(cart.text, /Comté/);
  assert.match(cart.text, /data-testid="total">€9\.90</);
});
