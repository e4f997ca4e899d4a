/**
 * The customer's side of the order card, what the web app does on its own: Track opens the shipments'
 * timelines and the carrier's page (with the keyboard); Contact support opens its form in a dialog, focus
 * in its field, Escape closes it and focus comes back to the button; the page's inbox shows the same card
 * without the customer's buttons, its tracking open; the order's history opens with its own button and
 * takes a tracking event live, on both sides, without a reload; the billing address shows under the
 * shipping address. In French, the buttons speak French. The requests
 * themselves (Change, Cancel, Return, the shop's answers) need the requests server: order-requests.pending.ts.
 */
import assert from 'node:assert/strict';
import { e2eSuite, eventually, RECONNECT_MS, waitFocus } from './browser.ts';
import { card, openInboxOn, openPageConversation, orderBody, ordersApi, shopOf } from './shops.ts';

const { test, env } = e2eSuite();

test('the customer tracks a parcel and opens Contact support with the keyboard; the inbox has no customer buttons', async (s) => {
  const [ana, cleo] = await s.peopleNamed('Ana', 'Cleo');
  const shop = await shopOf(ana, 'Fromagerie Lucie');
  const conversationId = await openPageConversation(cleo, shop);
  const psid = await env().server.comptoir.storage.reader.pages.psidOf(shop.id, cleo.id);
  assert.ok(psid);
  const inbox = await openInboxOn(ana, shop, conversationId);
  const number = `FL-${Date.now() % 1_000_000}`;
  const api = (method: string, path: string, body?: unknown) => ordersApi(env().server.url, shop, method, path, body);
  await api('POST', '', {
    ...orderBody(psid, number),
    billingAddress: {
      name: 'Cleo SARL',
      street1: '8 quai Saint-Vincent',
      city: 'Lyon',
      postalCode: '69001',
      country: 'FR',
    },
  });
  const mine = card(cleo.page);
  await mine.waitFor({ timeout: RECONNECT_MS });
  assert.equal(
    (await mine.getByTestId('order-billing-address').textContent())?.trim(),
    'Bill to: Cleo SARL, 8 quai Saint-Vincent, 69001 Lyon, FR',
  );

  // Nothing shipped: no Track. Contact support is there for the customer.
  assert.equal(await mine.getByTestId('order-action-track').count(), 0);
  const support = mine.getByTestId('order-action-support');
  await support.waitFor();

  const shipped = (await api('POST', `/${number}/shipments`, {
    carrier: 'Colissimo',
    trackingNumber: '6A12345',
    trackingUrl: 'https://example.com/track/6A12345',
  })) as { shipment: { id: string } };
  await api('POST', `/${number}/shipments/${shipped.shipment.id}/events`, { status: 'in_transit', place: 'Lyon' });

  // Track comes with the shipment, live; the timeline waits for it.
  const track = mine.getByTestId('order-action-track');
  await track.waitFor({ timeout: RECONNECT_MS });
  assert.equal(await track.getAttribute('aria-expanded'), 'false');
  await eventually(async () => assert.equal(await mine.getByTestId('tracking-event').count(), 2), {
    timeout: RECONNECT_MS,
  });
  assert.equal(await mine.getByTestId('tracking-event').first().isVisible(), false);
  await track.focus();
  await cleo.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await track.getAttribute('aria-expanded'), 'true'));
  assert.equal(await mine.getByTestId('tracking-event').first().isVisible(), true);
  const link = mine.getByTestId('tracking-link');
  assert.equal(await link.getAttribute('href'), 'https://example.com/track/6A12345');
  assert.equal((await link.textContent())?.trim(), 'Follow on the carrier’s site');
  await cleo.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await track.getAttribute('aria-expanded'), 'false'));

  // Contact support: a dialog, focus in its field; Escape closes it, focus back on the button.
  await support.focus();
  await cleo.page.keyboard.press('Enter');
  const dialog = cleo.page.getByTestId('order-form-support');
  await dialog.waitFor();
  await waitFocus(cleo.page, 'order-form-note');
  assert.match((await dialog.textContent()) ?? '', /Your conversation goes to the shop’s team/);
  await cleo.page.keyboard.type('Where is my parcel?');
  await cleo.page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await waitFocus(cleo.page, 'order-action-support');

  // The page's team: the same card, its tracking open, none of the customer's buttons.
  const theirs = card(inbox);
  await eventually(async () => assert.equal(await theirs.getByTestId('tracking-event').count(), 2), {
    timeout: RECONNECT_MS,
  });
  assert.equal(await theirs.getByTestId('tracking-event').first().isVisible(), true);
  assert.equal(await theirs.locator('[data-testid^="order-action-"]').count(), 0);

  // The order's history: its own button (closed), opened with the keyboard; a tracking event added now comes
  // into it live — on the customer's card and in the inbox — without a reload.
  await cleo.page.evaluate(() => {
    (window as unknown as { sameDocument: boolean }).sameDocument = true;
  });
  const historyToggle = mine.getByTestId('order-history-toggle');
  const history = mine.getByTestId('order-history');
  const lines = mine.getByTestId('order-history-entry');
  assert.equal(await historyToggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await history.isVisible(), false);
  assert.equal(await history.getAttribute('aria-label'), 'Order history');
  await historyToggle.focus();
  await cleo.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await historyToggle.getAttribute('aria-expanded'), 'true'));
  assert.equal(await history.isVisible(), true);
  const texts = async () => (await lines.allTextContents()).map((x) => x.trim());
  const expected = [/Order placed$/, /Shipped with Colissimo$/, /Order shipped$/, /In transit · Lyon$/];
  const before = await texts();
  assert.equal(before.length, expected.length, before.join(' | '));
  for (const [i, line] of before.entries()) assert.match(line, expected[i] as RegExp);
  assert.equal(await lines.first().locator('time').count(), 1, 'each line has its time');
  await api('POST', `/${number}/shipments/${shipped.shipment.id}/events`, {
    status: 'out_for_delivery',
    place: 'Paris',
  });
  await eventually(
    async () => {
      const now = await texts();
      assert.equal(now.length, expected.length + 1, now.join(' | '));
      assert.match(now.at(-1) ?? '', /Out for delivery · Paris$/);
    },
    { timeout: RECONNECT_MS },
  );
  assert.equal(await lines.last().isVisible(), true, 'the history stays open');
  assert.equal(await historyToggle.getAttribute('aria-expanded'), 'true');
  await eventually(
    async () => assert.equal(await theirs.getByTestId('order-history-entry').count(), expected.length + 1),
    { timeout: RECONNECT_MS },
  );
  assert.equal(
    await cleo.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    true,
    'no reload',
  );

  // In French.
  await cleo.page.evaluate(() => localStorage.setItem('comptoir.locale', 'fr'));
  await cleo.page.reload();
  await card(cleo.page).waitFor({ timeout: RECONNECT_MS });
  assert.equal((await card(cleo.page).getByTestId('order-action-track').textContent())?.trim(), 'Suivre');
  assert.equal(
    (await card(cleo.page).getByTestId('order-history-toggle').textContent())?.trim(),
    'Historique de la commande',
  );
  assert.equal(
    (await card(cleo.page).getByTestId('order-action-support').textContent())?.trim(),
    'Contacter le service client',
  );
});
