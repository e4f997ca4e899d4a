/**
 * Commerce in the thread, in the web app: a merchant's server creates an order through the Orders API; its
 * receipt card appears live in the customer's conversation with the page (items, totals in the person's
 * language and the order's currency); a shipment and tracking events add shipping updates to the thread
 * and change the card in place — the same element, a new status, no reload. The page's inbox shows the
 * same card, updated the same way. Then the card in French.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { e2eSuite, eventually, RECONNECT_MS } from './browser.ts';
import { card, openPageConversation, orderBody, ordersApi, type Shop, shopOf } from './shops.ts';

const { test, env } = e2eSuite();

const orders = (shop: Shop, method: string, path: string, body?: unknown) =>
  ordersApi(env().server.url, shop, method, path, body);
const cardStatus = async (page: Page) => (await card(page).getByTestId('order-status').textContent())?.trim();

test('an order created through the API appears in the thread; tracking updates its card in place', async (s) => {
  const [ana, cleo] = await s.peopleNamed('Ana', 'Cleo');
  const shop = await shopOf(ana, 'Fromagerie Lucie');
  const conversationId = await openPageConversation(cleo, shop);
  const psid = await env().server.comptoir.storage.reader.pages.psidOf(shop.id, cleo.id);
  assert.ok(psid);
  // Ana, an admin of the page, has its inbox open on the same conversation.
  const inbox = await ana.context.newPage();
  await inbox.goto(`/inbox/${shop.id}/c/${conversationId}`);
  await inbox
    .locator('[data-testid="inbox-connection-status"][data-state="online"]')
    .waitFor({ timeout: RECONNECT_MS });

  const number = `FL-${Date.now() % 1_000_000}`;
  // The Comté's picture is on another site: the app's Content-Security-Policy refuses it (no third-party
  // request from the person's browser), and the card hides it rather than show it broken.
  const body = orderBody(psid, number);
  const items = body.items.map((item, i) =>
    i === 0 ? { ...item, imageUrl: 'https://images.example.com/comte.png' } : item,
  );
  await orders(shop, 'POST', '', { ...body, items });

  // The receipt card arrives live: items, totals in English and euros, status placed.
  await card(cleo.page).waitFor({ timeout: RECONNECT_MS });
  assert.equal(await cardStatus(cleo.page), 'Placed');
  assert.equal((await card(cleo.page).getByTestId('order-total').textContent())?.trim(), '€34.30');
  assert.match((await card(cleo.page).textContent()) ?? '', /Comté 18 mois.*× 2.*€25\.00/);
  await eventually(async () => assert.equal(await card(cleo.page).locator('img.order-item-img').isHidden(), true));
  await card(inbox).waitFor({ timeout: RECONNECT_MS });
  assert.equal(await cardStatus(inbox), 'Placed');

  // Marks the card's element and the page: the same element must change, and the page never reload.
  await cleo.page.evaluate(() => {
    (window as unknown as { stillHere: boolean }).stillHere = true;
    (document.querySelector('[data-testid="order-card"]') as HTMLElement).dataset.marked = 'yes';
  });

  const shipped = (await orders(shop, 'POST', `/${number}/shipments`, {
    carrier: 'Colissimo',
    trackingNumber: '6A12345',
    trackingUrl: 'https://example.com/track/6A12345',
  })) as { shipment: { id: string } };
  await eventually(async () => assert.equal(await cardStatus(cleo.page), 'Shipped'), { timeout: RECONNECT_MS });
  await orders(shop, 'POST', `/${number}/shipments/${shipped.shipment.id}/events`, {
    status: 'in_transit',
    place: 'Lyon',
  });
  await eventually(
    async () => {
      assert.equal(await cleo.page.getByTestId('shipping-update').count(), 2);
      assert.equal((await card(cleo.page).getByTestId('shipment-status').textContent())?.trim(), 'In transit');
    },
    { timeout: RECONNECT_MS },
  );
  await orders(shop, 'POST', `/${number}/shipments/${shipped.shipment.id}/events`, {
    status: 'delivered',
    place: 'Paris',
  });
  await eventually(async () => assert.equal(await cardStatus(cleo.page), 'Delivered'), { timeout: RECONNECT_MS });

  // One card, the same element as before, and the same page.
  assert.equal(await card(cleo.page).count(), 1);
  assert.equal(await card(cleo.page).getAttribute('data-marked'), 'yes');
  assert.equal(await cleo.page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere), true);
  const updates = await cleo.page.getByTestId('shipping-update').allTextContents();
  assert.equal(updates.length, 3);
  assert.match(updates[0] ?? '', /shipped with Colissimo/);
  assert.match(updates[1] ?? '', /In transit at Lyon/);
  assert.equal(await card(cleo.page).getByTestId('tracking-event').count(), 3);

  // The inbox's card followed too.
  await eventually(async () => assert.equal(await cardStatus(inbox), 'Delivered'), { timeout: RECONNECT_MS });

  // Reloaded (history, not events), the card shows the order as it now is, in French.
  await cleo.page.evaluate(() => localStorage.setItem('comptoir.locale', 'fr'));
  await cleo.page.reload();
  await card(cleo.page).waitFor({ timeout: RECONNECT_MS });
  await eventually(async () => assert.equal(await cardStatus(cleo.page), 'Livrée'), { timeout: RECONNECT_MS });
  assert.equal((await card(cleo.page).getByTestId('order-total').textContent())?.replace(/\s/g, ' ').trim(), '34,30 €');
});

test('a card whose read of the order crossed a tracking change reads the order again', async (s) => {
  const [ana, cleo] = await s.peopleNamed('Ana', 'Cleo');
  const shop = await shopOf(ana, 'Fromagerie Lucie');
  const conversationId = await openPageConversation(cleo, shop);
  const psid = await env().server.comptoir.storage.reader.pages.psidOf(shop.id, cleo.id);
  assert.ok(psid && conversationId);
  const number = `FX-${Date.now() % 1_000_000}`;
  const placed = (await orders(shop, 'POST', '', orderBody(psid, number))) as { order: { id: string } };
  const shipped = (await orders(shop, 'POST', `/${number}/shipments`, {
    carrier: 'Colissimo',
    trackingNumber: '6A777',
  })) as { shipment: { id: string } };
  await eventually(async () => assert.equal(await cardStatus(cleo.page), 'Shipped'), { timeout: RECONNECT_MS });

  // After a reload the card reads the order (GET /api/orders/:id); that read is answered with the order as
  // it was before a tracking event, after the event's change (`order.tracked`) reached the page: the change
  // found no order to apply to, and the read that arrives is already behind.
  let reached: () => void = () => {};
  const readHeld = new Promise<void>((r) => {
    reached = r;
  });
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  let reads = 0;
  await cleo.page.route(`**/api/orders/${placed.order.id}`, async (route) => {
    if (++reads > 1) return route.continue();
    const stale = await route.fetch();
    reached();
    await held;
    await route.fulfill({ response: stale });
  });
  await cleo.page.reload();
  await readHeld;
  const updates = cleo.page.getByTestId('shipping-update');
  await updates.first().waitFor({ timeout: RECONNECT_MS });
  await orders(shop, 'POST', `/${number}/shipments/${shipped.shipment.id}/events`, {
    status: 'in_transit',
    place: 'Lyon',
  });
  await eventually(async () => assert.equal(await updates.count(), 2), { timeout: RECONNECT_MS });
  await cleo.page.waitForTimeout(300); // the order's change follows its shipping update in the same frame batch
  release();
  await eventually(
    async () =>
      assert.equal((await card(cleo.page).getByTestId('shipment-status').textContent())?.trim(), 'In transit'),
    { timeout: RECONNECT_MS },
  );
  assert.ok(reads >= 2, 'the order was read again');
});
