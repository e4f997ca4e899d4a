/**
 * The customer's requests in the web app, in Chromium: Cleo asks to remove an item with the keyboard (the
 * Change dialog, Enter sends); the card shows her request in place and the thread a line naming it; the
 * shop asks a question through the Orders API, Cleo answers it on the card, then withdraws the request;
 * the page's inbox follows read-only. The shop moves the order on while Change is open: the server's
 * refusal shows in the dialog. Cleo cancels the order (automatic by default); in French. After delivery,
 * she returns part of an order (reason, items, note, a photo of what arrived — uploaded with its progress,
 * a second one removed), the page's people see the photo in the inbox's order panel and open it full
 * size, the shop accepts it, and Contact support hands the thread to the page's inbox with her words.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { e2eSuite, eventually, RECONNECT_MS, waitFocus } from './browser.ts';
import { card, openInboxOn, openPageConversation, orderBody, ordersApi, shopOf } from './shops.ts';

const { test, env } = e2eSuite();

const request = (page: Page) => card(page).getByTestId('order-request');
const stateOf = async (page: Page) => request(page).last().getAttribute('data-state');

test('a customer asks, answers, withdraws and cancels on the order card; the inbox follows', async (s) => {
  const [ana, cleo] = await s.peopleNamed('Ana', 'Cleo');
  const shop = await shopOf(ana, 'Fromagerie Lucie');
  const conversationId = await openPageConversation(cleo, shop);
  const psid = await env().server.comptoir.storage.reader.pages.psidOf(shop.id, cleo.id);
  assert.ok(psid);
  const inbox = await openInboxOn(ana, shop, conversationId);
  const number = `FL-${Date.now() % 1_000_000}`;
  const api = (method: string, path: string, body?: unknown) => ordersApi(env().server.url, shop, method, path, body);
  await api('POST', '', orderBody(psid, number));
  const mine = card(cleo.page);
  await mine.waitFor({ timeout: RECONNECT_MS });

  // Placed, by the default policy: Change and Cancel, no Return before delivery.
  await eventually(async () => assert.equal(await mine.getByTestId('order-action-change').count(), 1), {
    timeout: RECONNECT_MS,
  });
  assert.equal(await mine.getByTestId('order-action-cancel').count(), 1);
  assert.equal(await mine.getByTestId('order-action-return').count(), 0);
  // The inbox's card (the page's side) shows the same order, without the customer's buttons.
  await card(inbox).first().waitFor({ timeout: RECONNECT_MS });
  assert.equal(await card(inbox).locator('[data-testid^="order-action-"]').count(), 0);

  // Change, with the keyboard: the butter removed (0), Enter sends.
  await mine.getByTestId('order-action-change').focus();
  await cleo.page.keyboard.press('Enter');
  const change = cleo.page.getByTestId('order-form-change');
  await change.waitFor();
  await waitFocus(cleo.page, 'order-form-quantity');
  const quantities = change.getByTestId('order-form-quantity');
  assert.equal(await quantities.nth(0).inputValue(), '2');
  assert.equal(await change.getByTestId('order-form-address-city').inputValue(), 'Paris', 'the address prefilled');
  await quantities.nth(1).fill('0');
  await quantities.nth(1).press('Enter');
  await change.waitFor({ state: 'detached' });

  // In place on the card, and a line in the thread.
  await eventually(async () => assert.equal(await stateOf(cleo.page), 'requested'), { timeout: RECONNECT_MS });
  const asked = request(cleo.page).last();
  assert.equal(await asked.getAttribute('data-kind'), 'change');
  assert.match((await asked.getByTestId('order-request-asked').textContent()) ?? '', /Beurre demi-sel: remove/);
  await eventually(
    async () =>
      assert.match(
        (await cleo.page.getByTestId('order-request-line').last().textContent()) ?? '',
        new RegExp(`Change requested — order ${number}`),
      ),
    { timeout: RECONNECT_MS },
  );
  // The line takes her to the request on the card.
  await cleo.page.getByTestId('order-request-line-goto').last().click();
  await waitFocus(cleo.page, 'order-request');
  // One open request at a time (oneOpenRequest): no new one until it is answered or withdrawn.
  await eventually(async () => assert.equal(await mine.getByTestId('order-action-change').count(), 0));
  assert.equal(await mine.getByTestId('order-action-cancel').count(), 0);

  // The shop asks a question through the Orders API: the card shows it, with the answer field.
  const requestId = await asked.getAttribute('data-request-id');
  assert.ok(requestId);
  await api('POST', `/${number}/requests/${requestId}/answer`, {
    decision: 'needs_info',
    message: 'Garder le Comté ?',
  });
  await eventually(async () => assert.equal(await stateOf(cleo.page), 'needs_info'), { timeout: RECONNECT_MS });
  assert.match(
    (await asked.getByTestId('order-request-question').textContent()) ?? '',
    /Fromagerie Lucie asks: Garder le Comté \?/,
  );
  // The inbox's card follows, read-only.
  await eventually(async () => assert.equal(await stateOf(inbox), 'needs_info'), { timeout: RECONNECT_MS });
  assert.equal(await card(inbox).getByTestId('order-request-reply').count(), 0);
  assert.equal(await card(inbox).getByTestId('order-request-withdraw').count(), 0);

  // Cleo answers on the card (Enter sends): back to requested, her answer in the history.
  const reply = asked.getByTestId('order-request-reply');
  await reply.fill('Oui, seulement le beurre');
  await reply.press('Enter');
  await eventually(async () => assert.equal(await stateOf(cleo.page), 'requested'), { timeout: RECONNECT_MS });
  assert.match((await asked.textContent()) ?? '', /You answered.*Oui, seulement le beurre/s);
  // The answer field is gone with the question: focus stays on the request.
  await waitFocus(cleo.page, 'order-request');

  // She withdraws it: Change and Cancel are back.
  await asked.getByTestId('order-request-withdraw').click();
  await eventually(async () => assert.equal(await stateOf(cleo.page), 'withdrawn'), { timeout: RECONNECT_MS });
  await waitFocus(cleo.page, 'order-request');
  await eventually(async () => assert.equal(await mine.getByTestId('order-action-change').count(), 1), {
    timeout: RECONNECT_MS,
  });

  // Change open while the shop moves the order on (processing: no more changes of items by default): the
  // server's refusal shows in the dialog, in place; Escape closes it.
  await mine.getByTestId('order-action-change').click();
  const late = cleo.page.getByTestId('order-form-change');
  await late.waitFor();
  await api('PATCH', `/${number}`, { status: 'processing' });
  await late.getByTestId('order-form-quantity').nth(0).fill('1');
  await late.getByTestId('order-form-submit').click();
  await eventually(async () =>
    assert.equal(
      (await late.getByTestId('order-form-error').textContent())?.trim(),
      'The shop does not allow this request on this order now.',
    ),
  );
  await cleo.page.keyboard.press('Escape');
  await late.waitFor({ state: 'detached' });

  // A form's own check: nothing changed is said before anything is sent.
  await eventually(async () => assert.equal(await mine.getByTestId('order-action-change').count(), 1), {
    timeout: RECONNECT_MS,
  });
  await mine.getByTestId('order-action-change').click();
  const same = cleo.page.getByTestId('order-form-change');
  await same.getByTestId('order-form-submit').click();
  assert.equal(
    (await same.getByTestId('order-form-error').textContent())?.trim(),
    'Change a quantity or the address first.',
  );
  await cleo.page.keyboard.press('Escape');
  await same.waitFor({ state: 'detached' });

  // Cancel, with a note: automatic by default, the order is cancelled on the card.
  await mine.getByTestId('order-action-cancel').click();
  const cancel = cleo.page.getByTestId('order-form-cancel');
  await cancel.waitFor();
  await waitFocus(cleo.page, 'order-form-note');
  await cleo.page.keyboard.type('Commandé deux fois');
  await cleo.page.keyboard.press('Enter');
  await cancel.waitFor({ state: 'detached' });
  await eventually(
    async () => assert.equal((await mine.getByTestId('order-status').textContent())?.trim(), 'Cancelled'),
    { timeout: RECONNECT_MS },
  );
  assert.equal(await stateOf(cleo.page), 'applied');
  assert.equal(await request(cleo.page).last().getAttribute('data-kind'), 'cancel');

  // In French, after a reload (history, not events).
  await cleo.page.evaluate(() => localStorage.setItem('comptoir.locale', 'fr'));
  await cleo.page.reload();
  await card(cleo.page).waitFor({ timeout: RECONNECT_MS });
  await eventually(
    async () =>
      assert.equal(
        (await request(cleo.page).last().getByTestId('order-request-state').textContent())?.trim(),
        'Appliquée',
      ),
    { timeout: RECONNECT_MS },
  );
  assert.match(
    (await cleo.page.getByTestId('order-request-line').first().textContent()) ?? '',
    new RegExp(`Modification demandée — commande ${number}`),
  );
});

test('after delivery the customer returns part of the order and contacts support; the inbox gets the thread', async (s) => {
  const [ana, cleo] = await s.peopleNamed('Ana', 'Cleo');
  const shop = await shopOf(ana, 'Fromagerie Lucie');
  const conversationId = await openPageConversation(cleo, shop);
  const psid = await env().server.comptoir.storage.reader.pages.psidOf(shop.id, cleo.id);
  assert.ok(psid);
  const inbox = await openInboxOn(ana, shop, conversationId);
  const number = `FL-${Date.now() % 1_000_000}`;
  const api = (method: string, path: string, body?: unknown) => ordersApi(env().server.url, shop, method, path, body);
  await api('POST', '', orderBody(psid, number));
  const shipped = (await api('POST', `/${number}/shipments`, { carrier: 'Colissimo', trackingNumber: '6A1' })) as {
    shipment: { id: string };
  };
  await api('POST', `/${number}/shipments/${shipped.shipment.id}/events`, { status: 'delivered', place: 'Paris' });
  const mine = card(cleo.page);
  await eventually(
    async () => assert.equal((await mine.getByTestId('order-status').textContent())?.trim(), 'Delivered'),
    {
      timeout: RECONNECT_MS,
    },
  );

  // Delivered: Return (30 days by default), no Change or Cancel any more.
  await eventually(async () => assert.equal(await mine.getByTestId('order-action-return').count(), 1), {
    timeout: RECONNECT_MS,
  });
  assert.equal(await mine.getByTestId('order-action-change').count(), 0);
  assert.equal(await mine.getByTestId('order-action-cancel').count(), 0);

  // Return: the reason, the Comté only (the butter stays), a note; Enter sends.
  await mine.getByTestId('order-action-return').click();
  const form = cleo.page.getByTestId('order-form-return');
  await form.waitFor();
  await waitFocus(cleo.page, 'order-form-reason');
  await form.getByTestId('order-form-reason').selectOption('wrong_item');
  const back = form.getByTestId('order-form-return-quantity');
  assert.equal(await back.nth(1).inputValue(), '1', 'everything goes back unless changed');
  await back.nth(1).fill('0');
  await form.getByTestId('order-form-note').fill('Pas le bon affinage');
  // Photos: two chosen, each uploaded at once and shown; the second removed with the keyboard.
  const photo = (r: number, g: number, b: number) =>
    sharp({ create: { width: 640, height: 480, channels: 3, background: { r, g, b } } })
      .png()
      .toBuffer();
  await form.getByTestId('order-form-photo-input').setInputFiles([
    { name: 'meule.png', mimeType: 'image/png', buffer: await photo(200, 160, 40) },
    { name: 'carton.png', mimeType: 'image/png', buffer: await photo(90, 60, 30) },
  ]);
  const chosen = form.getByTestId('order-form-photo');
  await eventually(async () =>
    assert.deepEqual(await chosen.evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))), [
      'done',
      'done',
    ]),
  );
  await chosen.nth(1).getByTestId('order-form-photo-remove').focus();
  await cleo.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await chosen.count(), 1));
  await form.getByTestId('order-form-note').press('Enter');
  await form.waitFor({ state: 'detached' });
  const asked = mine.getByTestId('order-request').last();
  await eventually(async () => assert.equal(await asked.getAttribute('data-kind'), 'return'), {
    timeout: RECONNECT_MS,
  });
  assert.equal(await asked.getAttribute('data-state'), 'requested');
  const what = (await asked.getByTestId('order-request-asked').textContent()) ?? '';
  assert.match(what, /Reason: Wrong item/);
  assert.match(what, /Comté 18 mois × 2/);
  assert.doesNotMatch(what, /Beurre/);
  assert.match((await asked.textContent()) ?? '', /You asked.*Pas le bon affinage/s, 'her note, in the history');
  // Her photo is on her card: one, loaded (her session reads it).
  const shown = asked.getByTestId('order-request-photos').locator('img');
  await eventually(async () => assert.equal(await shown.count(), 1));
  await eventually(async () => assert.ok(await shown.evaluate((img: HTMLImageElement) => img.naturalWidth > 0)));
  assert.equal(await shown.getAttribute('alt'), 'meule.png');

  // The page's people see it in the inbox's order panel, and open it full size in a new tab.
  const panelPhotos = inbox.getByTestId('panel-request-photos');
  await panelPhotos.waitFor({ timeout: RECONNECT_MS });
  const thumb = panelPhotos.locator('img');
  await eventually(async () => assert.ok(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth > 0)));
  const link = panelPhotos.getByTestId('panel-request-photos-link');
  assert.equal(await link.getAttribute('target'), '_blank');
  const [full] = await Promise.all([inbox.context().waitForEvent('page'), link.click()]);
  await full.waitForLoadState();
  const size = await full.evaluate(() => {
    const img = document.querySelector('img');
    return img ? [img.naturalWidth, img.naturalHeight] : null;
  });
  assert.deepEqual(size, [640, 480], 'the original, full size');
  await full.close();

  // The shop accepts it through the Orders API: in place, on both cards.
  const requestId = await asked.getAttribute('data-request-id');
  await api('POST', `/${number}/requests/${requestId}/answer`, { decision: 'accept', message: 'Renvoyez-le' });
  await eventually(async () => assert.equal(await asked.getAttribute('data-state'), 'accepted'), {
    timeout: RECONNECT_MS,
  });
  await eventually(
    async () =>
      assert.equal(await card(inbox).getByTestId('order-request').last().getAttribute('data-state'), 'accepted'),
    { timeout: RECONNECT_MS },
  );

  // Contact support, with words: they reach the thread, which the page's inbox now holds.
  await mine.getByTestId('order-action-support').click();
  const support = cleo.page.getByTestId('order-form-support');
  await support.waitFor();
  await cleo.page.keyboard.type('Quand passe le transporteur ?');
  await cleo.page.keyboard.press('Enter');
  await support.waitFor({ state: 'detached' });
  await eventually(
    async () =>
      assert.ok(
        (await inbox.getByTestId('message-text').allTextContents()).some((t) =>
          t.includes('Quand passe le transporteur'),
        ),
      ),
    { timeout: RECONNECT_MS },
  );
});
