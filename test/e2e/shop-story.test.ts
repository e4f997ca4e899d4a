/**
 * The whole story of commerce in the thread, in Chromium, with the example shop (examples/shop) as the
 * merchant: the customer, signed in to Comptoir, shops on the merchant's site and checks out ticking
 * "Send my order updates to Comptoir" → the receipt card arrives in her conversation with the page → the
 * merchant ships and posts tracking events in the shop's admin → each arrives in the same thread as a
 * shipping update and the card changes in place, without a reload. On the way, the customer asks from the
 * card to change the delivery address and an agent accepts it in the business inbox's order panel (the
 * card shows the new address, and so does the shop's admin); once delivered, she asks to return it, the agent
 * accepts the return and the merchant marks the order returned in the shop's admin; the agent's internal
 * note in the inbox never reaches her.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { loadShopConfig } from '../../examples/shop/config.ts';
import { createShopServer } from '../../examples/shop/server.ts';
import type { AppSecretResponse, PageAccessTokenResponse, PageResponse } from '../../protocol/api.ts';
import { fastWebhooks, graphCall, webhookTestEnv } from '../helpers/platform.ts';
import { e2eSuite, eventually, type Person, RECONNECT_MS, send, stays } from './browser.ts';

const { test } = e2eSuite({ env: webhookTestEnv, server: { webhooks: fastWebhooks } });

const card = (page: Page) => page.getByTestId('order-card');
const cardStatus = async (page: Page) => (await card(page).getByTestId('order-status').textContent())?.trim();

/** Margot's page "Fromagerie Demo" with `agent` as its agent, and the example shop connected to it (as `npm run demo` does). */
async function pageAndShop(margot: Person, agent: Person, url: string, origins: (shopUrl: string) => string[]) {
  const admin = await margot.http();
  const username = `fromagerie_${process.pid % 10000}_${Date.now() % 100000}`;
  const created = await admin.post<PageResponse>('/api/pages', { name: 'Fromagerie Demo', username });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const pageId = created.body.page.id;
  if (agent !== margot) {
    const member = await admin.post(`/api/pages/${pageId}/members`, { username: agent.username, role: 'agent' });
    assert.equal(member.status, 200, JSON.stringify(member.body));
  }
  const app = await admin.post<AppSecretResponse>('/api/apps', { name: 'Fromagerie shop' });
  const token = (await admin.post<PageAccessTokenResponse>(`/api/apps/${app.body.app.id}/pages/${pageId}`)).body
    .pageAccessToken;
  const shop = createShopServer(
    loadShopConfig({
      COMPTOIR_URL: url,
      COMPTOIR_PAGE_ID: pageId,
      COMPTOIR_PAGE_TOKEN: token,
      COMPTOIR_APP_SECRET: app.body.secret,
      SHOP_VERIFY_TOKEN: 'story',
      SHOP_PORT: '0',
    }),
  );
  const shopUrl = await shop.listen();
  try {
    const wl = await graphCall(url, 'POST', '/v19.0/me/messenger_profile', token, {
      whitelisted_domains: origins(shopUrl),
    });
    assert.equal(wl.status, 200, JSON.stringify(wl.body));
    const hook = await admin.put(`/api/apps/${app.body.app.id}/webhook`, {
      url: `${shopUrl}/webhook`,
      verifyToken: 'story',
      fields: ['messaging_optins'],
    });
    assert.equal(hook.status, 200, JSON.stringify(hook.body));
  } catch (e) {
    await shop.close();
    throw e;
  }
  return { pageId, shop, shopUrl };
}

/** Fills the checkout's address (the page is on the checkout). */
async function fillAddress(tab: Page): Promise<void> {
  await tab.getByLabel('Full name').fill('Cleo Martin');
  await tab.getByLabel('Street and number').fill('1 rue de la Paix');
  await tab.getByLabel('Postal code').fill('75002');
  await tab.getByLabel('City').fill('Paris');
}

test(
  'the whole story: checkout with the opt-in → receipt in the thread → address changed on request, accepted in the inbox, shown in the shop → shipping updates in place → a return after delivery, marked returned in the shop → the agent’s note stays in the team',
  async (s) => {
    const [margot, ben, cleo] = await s.peopleNamed('Margot', 'Ben', 'Cleo');
    const { pageId, shop, shopUrl } = await pageAndShop(margot, ben, s.url, (shopUrl) => [shopUrl]);
    try {
      // 1. Cleo, signed in to Comptoir, shops in another tab: a Comté with the keyboard, a butter with the mouse.
      const tab = await cleo.context.newPage();
      await tab.goto(shopUrl);
      await tab.getByTestId('add-comte').focus();
      await tab.keyboard.press('Enter');
      await tab.getByTestId('added').waitFor();
      await tab.getByTestId('add-beurre').click();
      await eventually(async () => assert.equal(await tab.getByTestId('cart-count').textContent(), '2'));
      await tab.getByTestId('cart-link').click();
      await tab.getByTestId('checkout').click();
      await tab.waitForURL(/\/checkout\/[\w-]+$/);
      await fillAddress(tab);

      // She ticks Comptoir's box (its frame: she is signed in there), with the keyboard.
      const box = tab
        .frameLocator('.comptoir-checkbox iframe')
        .getByRole('checkbox', { name: 'Send my order updates to Comptoir' });
      await box.waitFor();
      // The frame showed: the shop's own fallback link (for when it does not) is hidden.
      await eventually(async () => assert.equal(await tab.locator('#optin-fallback').isVisible(), false));
      await box.focus();
      await tab.keyboard.press('Space');
      await eventually(async () =>
        assert.equal(await tab.locator('.comptoir-checkbox').getAttribute('data-comptoir-state'), 'opted_in'),
      );
      assert.equal(
        (await tab.locator('#optin-status').textContent())?.trim(),
        'Your order updates will go to Comptoir.',
      );
      await tab.getByTestId('place-order').click();
      await tab.getByTestId('confirmation').waitFor();
      await tab.getByTestId('comptoir-followed').waitFor();
      const number = (await tab.getByTestId('order-number').textContent())?.trim() ?? '';
      assert.match(number, /^FD-[0-9A-F]{8}$/);

      // 2. The receipt card is in her conversation with the page, which appeared in her list.
      const messenger = cleo.page;
      await messenger.bringToFront();
      const item = messenger.getByTestId('conversation-item').filter({ hasText: 'Fromagerie Demo' });
      await item.waitFor({ timeout: RECONNECT_MS });
      await item.click();
      await messenger.waitForURL(/\/c\/[^/]+$/);
      const conversationId = decodeURIComponent(new URL(messenger.url()).pathname.split('/').pop() ?? '');
      await card(messenger).waitFor({ timeout: RECONNECT_MS });
      assert.equal(await cardStatus(messenger), 'Placed');
      assert.equal((await card(messenger).getByTestId('order-total').textContent())?.trim(), '€22.40');
      assert.match((await card(messenger).textContent()) ?? '', new RegExp(`${number}[^]*Comté 18 mois`));
      // The same element must change from now on, and the page never reload.
      await messenger.evaluate(() => {
        (window as unknown as { stillHere: boolean }).stillHere = true;
        (document.querySelector('[data-testid="order-card"]') as HTMLElement).dataset.marked = 'yes';
      });
      // She thanks the shop (her first message: the thread enters the page's inbox).
      await send(messenger, 'Merci ! Vous pouvez le laisser à la gardienne.');

      // 2b. She moved: from the card, she asks to change the delivery address (the page's policy allows it
      // until the order is processing, approved by hand).
      const mine = card(messenger);
      await mine.getByTestId('order-action-change').click();
      const change = messenger.getByTestId('order-form-change');
      await change.waitFor();
      assert.equal(await change.getByTestId('order-form-address-city').inputValue(), 'Paris', 'the address prefilled');
      await change.getByTestId('order-form-address-street1').fill('8 quai Saint-Vincent');
      await change.getByTestId('order-form-address-postalCode').fill('69001');
      await change.getByTestId('order-form-address-city').fill('Lyon');
      await change.getByTestId('order-form-address-city').press('Enter');
      await change.waitFor({ state: 'detached' });
      const addressChange = mine.getByTestId('order-request').last();
      await eventually(async () => assert.equal(await addressChange.getAttribute('data-state'), 'requested'), {
        timeout: RECONNECT_MS,
      });
      assert.match((await addressChange.getByTestId('order-request-asked').textContent()) ?? '', /Lyon/);

      // Ben, the page's agent, sees the request in the inbox's order panel beside the conversation and accepts it.
      const inbox = ben.page;
      await inbox.goto(`/inbox/${pageId}`);
      await inbox
        .locator('[data-testid="inbox-connection-status"][data-state="online"]')
        .waitFor({ timeout: RECONNECT_MS });
      await inbox.locator(`[data-testid="inbox-item"][data-conversation-id="${conversationId}"]`).click();
      const panel = inbox.getByTestId('order-panel');
      const asked = panel.locator('[data-testid="panel-request"][data-state="requested"]');
      await asked.waitFor({ timeout: RECONNECT_MS });
      await asked.getByTestId('panel-request-message').fill('C’est noté, livraison à Lyon.');
      await asked.getByTestId('panel-request-accept').click();
      await panel.locator('[data-testid="panel-request"][data-state="applied"]').waitFor({ timeout: RECONNECT_MS });

      // Cleo sees it applied, in place: the card's address is the new one, and the shop's words in the thread.
      await eventually(
        async () => {
          assert.equal(await addressChange.getAttribute('data-state'), 'applied');
          assert.match(
            (await mine.getByTestId('order-address').textContent()) ?? '',
            /8 quai Saint-Vincent.*69001 Lyon/,
          );
        },
        { timeout: RECONNECT_MS },
      );
      await messenger.getByText('C’est noté, livraison à Lyon.').first().waitFor({ timeout: RECONNECT_MS });
      assert.equal(await card(messenger).getAttribute('data-marked'), 'yes', 'the same card, changed in place');

      // 3. Margot ships it in the shop's admin, then posts tracking events.
      const shopAdmin = await margot.context.newPage();
      await shopAdmin.goto(`${shopUrl}/admin`);
      const order = shopAdmin.locator(`[data-testid="admin-order"][data-number="${number}"]`);
      assert.equal((await order.getByTestId('admin-status').textContent())?.trim(), 'Placed');
      // The shop shows the order as Comptoir now has it: Margot ships to the address Ben accepted.
      assert.match((await order.getByTestId('admin-address').textContent()) ?? '', /8 quai Saint-Vincent, 69001 Lyon/);
      await order.getByTestId('ship-carrier').fill('Colissimo');
      await order.getByTestId('ship-number').fill('6A12345');
      await order.getByTestId('ship-url').fill('https://example.com/track/6A12345');
      await order.getByTestId('ship-submit').click();
      await eventually(async () =>
        assert.equal((await order.getByTestId('admin-status').textContent())?.trim(), 'Shipped'),
      );
      await messenger.bringToFront();
      await eventually(async () => assert.equal(await cardStatus(messenger), 'Shipped'), { timeout: RECONNECT_MS });
      await messenger.getByTestId('shipping-update').first().waitFor();

      const track = async (status: string, place: string) => {
        await order.getByTestId('track-status').selectOption(status);
        await order.getByTestId('track-place').fill(place);
        await order.getByTestId('track-submit').click();
        await shopAdmin.waitForLoadState();
      };
      await track('in_transit', 'Lyon');
      await eventually(
        async () => {
          assert.equal(await messenger.getByTestId('shipping-update').count(), 2);
          assert.equal((await card(messenger).getByTestId('shipment-status').textContent())?.trim(), 'In transit');
        },
        { timeout: RECONNECT_MS },
      );
      await track('delivered', 'Paris');
      await eventually(async () => assert.equal(await cardStatus(messenger), 'Delivered'), { timeout: RECONNECT_MS });
      const updates = await messenger.getByTestId('shipping-update').allTextContents();
      assert.equal(updates.length, 3);
      assert.match(updates[0] ?? '', /shipped with Colissimo/);
      assert.match(updates[1] ?? '', /In transit at Lyon/);
      // One card, the same element, the same page: changed in place.
      assert.equal(await card(messenger).count(), 1);
      assert.equal(await card(messenger).getAttribute('data-marked'), 'yes');
      assert.equal(await messenger.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere), true);
      await eventually(async () =>
        assert.equal((await order.getByTestId('admin-status').textContent())?.trim(), 'Delivered'),
      );

      // 4. Delivered: Cleo reports a problem — the Comté arrived damaged — and asks to return it.
      await mine.getByTestId('order-action-return').click();
      const form = messenger.getByTestId('order-form-return');
      await form.waitFor();
      await form.getByTestId('order-form-reason').selectOption('damaged');
      const back = form.getByTestId('order-form-return-quantity');
      await back.nth(1).fill('0'); // the butter stays
      await form.getByTestId('order-form-note').fill('La croûte est écrasée');
      await form.getByTestId('order-form-submit').click();
      await form.waitFor({ state: 'detached' });
      const returned = mine.getByTestId('order-request').last();
      await eventually(async () => assert.equal(await returned.getAttribute('data-kind'), 'return'), {
        timeout: RECONNECT_MS,
      });
      assert.match((await returned.getByTestId('order-request-asked').textContent()) ?? '', /Reason: Damaged/);

      // Ben accepts the return in the inbox's panel; Cleo's card shows it accepted, in place.
      await inbox.bringToFront();
      const askedReturn = panel.locator('[data-testid="panel-request"][data-state="requested"]');
      await askedReturn.waitFor({ timeout: RECONNECT_MS });
      await askedReturn.getByTestId('panel-request-accept').click();
      await panel.locator('[data-testid="panel-request"][data-state="accepted"]').waitFor({ timeout: RECONNECT_MS });
      await messenger.bringToFront();
      await eventually(async () => assert.equal(await returned.getAttribute('data-state'), 'accepted'), {
        timeout: RECONNECT_MS,
      });
      assert.equal(await card(messenger).count(), 1);
      assert.equal(await card(messenger).getAttribute('data-marked'), 'yes');

      // The Comté is back: Margot marks the order returned in the shop's admin; the return is applied, and
      // Cleo's card says so, in place.
      await shopAdmin.bringToFront();
      await shopAdmin.reload();
      assert.match((await order.getByTestId('admin-request').last().textContent()) ?? '', /Return: accepted/);
      await order.getByTestId('mark-returned').click();
      await eventually(async () =>
        assert.equal((await order.getByTestId('admin-status').textContent())?.trim(), 'Returned'),
      );
      await messenger.bringToFront();
      await eventually(
        async () => {
          assert.equal(await cardStatus(messenger), 'Returned');
          assert.equal(await returned.getAttribute('data-state'), 'applied');
        },
        { timeout: RECONNECT_MS },
      );
      assert.equal(await card(messenger).getAttribute('data-marked'), 'yes');

      // 5. Ben, the page's agent, works the conversation in the business inbox and writes an internal note.
      await inbox.bringToFront();
      await inbox.goto(`/inbox/${pageId}`);
      await inbox
        .locator('[data-testid="inbox-connection-status"][data-state="online"]')
        .waitFor({ timeout: RECONNECT_MS });
      await inbox.locator(`[data-testid="inbox-item"][data-conversation-id="${conversationId}"]`).click();
      await inbox.getByTestId('thread-tools').waitFor();
      // The inbox shows the same order, as it now is.
      await eventually(async () => assert.equal(await cardStatus(inbox), 'Returned'), { timeout: RECONNECT_MS });
      await inbox.getByTestId('composer-mode-note').click();
      const note = 'NOTE-INTERNE : cliente fidèle, offrir la livraison la prochaine fois';
      await send(inbox, note);
      await inbox.locator('[data-testid="inbox-note"]', { hasText: note }).waitFor();

      // Cleo never sees it: not live, not after a reload.
      await stays(async () => assert.ok(!(await messenger.content()).includes('NOTE-INTERNE')), 1000);
      await messenger.reload();
      await card(messenger).waitFor({ timeout: RECONNECT_MS });
      await eventually(async () => assert.equal(await cardStatus(messenger), 'Returned'), { timeout: RECONNECT_MS });
      assert.ok(!(await messenger.content()).includes('NOTE-INTERNE'));
    } finally {
      await shop?.close();
    }
  },
  { timeout: 120_000 },
);

test(
  'the link flow: the shop on another site (no Comptoir session in the frame) → sign in on Comptoir, confirm → back at the checkout, the address kept → the receipt in the thread',
  async (s) => {
    const [margot, cleo] = await s.peopleNamed('Margot', 'Cleo');
    // Comptoir is http://127.0.0.1:…, the shop http://localhost:…: another site, so the frame gets no cookie
    // (as on a shop of its own domain, or in a browser that blocks third-party cookies).
    const { shop, shopUrl } = await pageAndShop(margot, margot, s.url, (url) => [
      url.replace('127.0.0.1', 'localhost'),
    ]);
    try {
      const site = shopUrl.replace('127.0.0.1', 'localhost');
      const tab = await cleo.context.newPage();
      await tab.goto(site);
      await tab.getByTestId('add-brie').click();
      await tab.goto(`${site}/cart`);
      await tab.getByTestId('checkout').click();
      await tab.waitForURL(/\/checkout\/[\w-]+$/);
      const checkoutUrl = tab.url();
      await fillAddress(tab);
      const link = tab.frameLocator('.comptoir-checkbox iframe').getByRole('link', { name: 'Get updates on Comptoir' });
      await link.waitFor();
      await link.click();
      // On Comptoir (signed in there): the confirmation names the page; Enter confirms.
      await tab.waitForURL((u) => u.origin === s.url && u.pathname === '/optin');
      await tab
        .getByTestId('optin-confirm')
        .getByRole('heading', { name: 'Get Fromagerie Demo’s order updates on Comptoir?' })
        .waitFor({ timeout: RECONNECT_MS });
      await eventually(async () =>
        assert.equal(
          await tab.evaluate(() => document.activeElement?.getAttribute('data-testid')),
          'optin-confirm-button',
        ),
      );
      await tab.keyboard.press('Enter');
      // Back at the same checkout (the shop took comptoir_optin and dropped it from the address), typed fields kept.
      await tab.waitForURL(checkoutUrl);
      await tab.getByTestId('optin-done').waitFor();
      assert.equal(await tab.getByLabel('Full name').inputValue(), 'Cleo Martin');
      assert.equal(await tab.getByLabel('City').inputValue(), 'Paris');
      await tab.getByTestId('place-order').click();
      await tab.getByTestId('comptoir-followed').waitFor();

      const messenger = cleo.page;
      await messenger.bringToFront();
      const item = messenger.getByTestId('conversation-item').filter({ hasText: 'Fromagerie Demo' });
      await item.waitFor({ timeout: RECONNECT_MS });
      await item.click();
      await card(messenger).waitFor({ timeout: RECONNECT_MS });
      assert.equal(await cardStatus(messenger), 'Placed');
      assert.equal((await card(messenger).getByTestId('order-total').textContent())?.trim(), '€13.80');
    } finally {
      await shop.close();
    }
  },
  { timeout: 60_000 },
);
