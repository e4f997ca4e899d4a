/**
 * The business inbox's order panel, in the web app: an agent opens a conversation with a customer who has
 * an order, sees it beside the thread (status, total, items, the shipment and its tracking), records a
 * refund (with the keyboard, an amount in euros; a wrong one is said in place) and resends the tracking;
 * the customer sees the refund on the order card and the update sent again, live. A new order of the
 * customer appears in the panel as it is placed, and is cancelled from it after a confirmation. The
 * inbox's search finds the conversation by the order's number and by the parcel's tracking number. Then
 * the panel in French.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { e2eSuite, eventually, RECONNECT_MS, send, waitFocus } from './browser.ts';
import { openPageConversation, orderBody, ordersApi, type Shop, shopOf } from './shops.ts';

const { test, env } = e2eSuite();

const orders = (shop: Shop, method: string, path: string, body?: unknown) =>
  ordersApi(env().server.url, shop, method, path, body);

const panelOrder = (page: Page, number: string) =>
  page.locator(`[data-testid="panel-order"][data-order-number="${number}"]`);
const item = (page: Page, conversationId: string) =>
  page.locator(`[data-testid="inbox-item"][data-conversation-id="${conversationId}"]`);

test('an agent refunds and resends tracking from the order panel; the customer sees both; search by number', async (s) => {
  const [ana, ben, cleo, dora] = await s.peopleNamed('Ana', 'Ben', 'Cleo', 'Dora');
  const shop = await shopOf(ana, 'Fromagerie Lucie', [ben]);
  const conversationId = await openPageConversation(cleo, shop);
  await send(cleo.page, 'Où est mon colis ?');
  const doraConversation = await openPageConversation(dora, shop);
  await send(dora.page, 'Bonjour');
  const psid = await env().server.comptoir.storage.reader.pages.psidOf(shop.id, cleo.id);
  assert.ok(psid);

  const stamp = Date.now() % 1_000_000;
  const number = `FL-${stamp}`;
  const tracking = `6A${stamp}FR`;
  await orders(shop, 'POST', '', orderBody(psid, number));
  const shipped = (await orders(shop, 'POST', `/${number}/shipments`, {
    carrier: 'Colissimo',
    trackingNumber: tracking,
    trackingUrl: `https://example.com/track/${tracking}`,
  })) as { shipment: { id: string } };
  await orders(shop, 'POST', `/${number}/shipments/${shipped.shipment.id}/events`, {
    status: 'in_transit',
    place: 'Lyon',
  });
  await eventually(async () => assert.equal(await cleo.page.getByTestId('shipping-update').count(), 2), {
    timeout: RECONNECT_MS,
  });

  // Ben opens Cleo's conversation in the page's inbox: the order is in the panel beside it.
  const inbox = ben.page;
  await inbox.goto(`/inbox/${shop.id}/c/${conversationId}`);
  await inbox
    .locator('[data-testid="inbox-connection-status"][data-state="online"]')
    .waitFor({ timeout: RECONNECT_MS });
  const mine = panelOrder(inbox, number);
  await mine.waitFor({ timeout: RECONNECT_MS });
  assert.equal((await mine.getByTestId('panel-order-status').textContent())?.trim(), 'Shipped');
  assert.match((await mine.getByTestId('panel-order-total').textContent()) ?? '', /€34\.30/);
  assert.match((await mine.textContent()) ?? '', /2 × Comté 18 mois/);
  const shipment = mine.getByTestId('panel-shipment');
  assert.match((await shipment.textContent()) ?? '', new RegExp(`Colissimo.*In transit.*${tracking}.*Lyon`));
  assert.equal(await mine.getByTestId('panel-cancel').count(), 0, 'a shipped order is not cancelled');

  // A refund, with the keyboard: the amount field has the focus; a wrong amount is said in place.
  await mine.getByTestId('panel-refund-open').click();
  await waitFocus(inbox, 'panel-refund-amount');
  await inbox.keyboard.type('abc');
  await inbox.keyboard.press('Enter');
  await mine.getByTestId('panel-refund-invalid').waitFor();
  await mine.getByTestId('panel-refund-amount').fill('12,50');
  await mine.getByTestId('panel-refund-reason').fill('Colis abîmé');
  await mine.getByTestId('panel-refund-reason').press('Enter');
  await eventually(async () =>
    assert.equal((await mine.getByTestId('panel-refunded').textContent())?.trim(), 'Refunded €12.50 of €34.30'),
  );
  assert.match((await mine.getByTestId('panel-refund').textContent()) ?? '', /€12\.50.*Colis abîmé/);
  assert.match((await mine.getByTestId('panel-order-done').textContent()) ?? '', /Refund of €12\.50 recorded/);
  // The form closed, the focus is back on the button that opened it (some of the total is left).
  await waitFocus(inbox, 'panel-refund-open');

  // Cleo sees the refund on the card, and the refund's message, live.
  await eventually(
    async () => assert.equal((await cleo.page.getByTestId('order-refunded').textContent())?.trim(), '€12.50'),
    { timeout: RECONNECT_MS },
  );
  assert.match(
    (await cleo.page.getByTestId('refund-update').textContent()) ?? '',
    new RegExp(`Refund of €12\\.50 recorded for order ${number}`),
  );

  // Ben resends the tracking: Cleo gets the update again.
  await shipment.getByTestId('panel-resend').click();
  await eventually(async () =>
    assert.match((await mine.getByTestId('panel-order-done').textContent()) ?? '', /sent again/),
  );
  await eventually(
    async () => {
      const updates = await cleo.page.getByTestId('shipping-update').allTextContents();
      assert.equal(updates.length, 3);
      assert.match(updates[2] ?? '', /In transit at Lyon/);
    },
    { timeout: RECONNECT_MS },
  );

  // A new order of Cleo's appears in the panel as it is placed; Ben cancels it after confirming.
  const second = `FL-${stamp}-2`;
  await orders(shop, 'POST', '', orderBody(psid, second));
  const next = panelOrder(inbox, second);
  await next.waitFor({ timeout: RECONNECT_MS });
  await next.getByTestId('panel-cancel').click();
  await waitFocus(inbox, 'panel-cancel-yes');
  await inbox.keyboard.press('Escape');
  await eventually(async () => assert.equal(await next.getByTestId('panel-cancel-form').count(), 0));
  await waitFocus(inbox, 'panel-cancel');
  await inbox.keyboard.press('Enter');
  await waitFocus(inbox, 'panel-cancel-yes');
  await inbox.keyboard.press('Enter');
  // Done: the focus on the line that says so (the Cancel button is gone with the order's new status).
  await waitFocus(inbox, 'panel-order-done');
  assert.match((await next.getByTestId('panel-order-done').textContent()) ?? '', /cancelled/);
  await eventually(async () =>
    assert.equal((await next.getByTestId('panel-order-status').textContent())?.trim(), 'Cancelled'),
  );
  await eventually(
    async () => {
      const card = cleo.page.locator('[data-testid="order-card"]').last();
      assert.equal((await card.getByTestId('order-status').textContent())?.trim(), 'Cancelled');
    },
    { timeout: RECONNECT_MS },
  );

  // The inbox's search: by the order's number and by the tracking number, Cleo's conversation only.
  const search = inbox.getByTestId('work-search');
  await item(inbox, doraConversation).waitFor();
  for (const q of [number, tracking.toLowerCase()]) {
    await search.fill(q);
    await eventually(async () => {
      assert.equal(await item(inbox, conversationId).count(), 1, q);
      assert.equal(await item(inbox, doraConversation).count(), 0, q);
    });
  }
  await search.fill('');
  await item(inbox, doraConversation).waitFor();

  // In French: the panel read again, its words and amounts in Ben's language.
  await inbox.evaluate(() => localStorage.setItem('comptoir.locale', 'fr'));
  await inbox.goto(`/inbox/${shop.id}/c/${conversationId}`);
  await mine.waitFor({ timeout: RECONNECT_MS });
  assert.equal((await inbox.getByTestId('order-panel').locator('h2').textContent())?.trim(), 'Commandes');
  assert.equal((await mine.getByTestId('panel-order-status').textContent())?.trim(), 'Expédiée');
  assert.equal(
    (await mine.getByTestId('panel-refunded').textContent())?.replace(/\s/g, ' ').trim(),
    'Remboursé 12,50 € sur 34,30 €',
  );
  assert.equal(await mine.getByTestId('panel-resend').textContent(), 'Renvoyer le suivi');
});
