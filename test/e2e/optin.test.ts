/**
 * Opt-in at checkout in Chromium: a merchant's checkout on another origin (a tiny HTTP server of the test's)
 * embeds Comptoir's `/plugins/checkbox.js`. A signed-in person ticks the box in its frame → the merchant's
 * page is told (postMessage) → the page's bot receives `messaging_optins` → it sends to the `user_ref` → the
 * message is in the person's new thread with the page, whose menu then stops its updates. And the link flow,
 * where the frame has no session (a person signed out, a checkout on another site): the link, the sign-in,
 * the confirmation screen (keyboard only), back to the merchant with the reference.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppSecretResponse, PageAccessTokenResponse, PageResponse } from '../../protocol/api.ts';
import type { HttpClient } from '../helpers/client.ts';
import { fastWebhooks, graphCall, type SigningBot, webhookTestEnv } from '../helpers/platform.ts';
import { startWebhookBot } from '../helpers/webhook-bot.ts';
import { e2eSuite, eventually, PASSWORD, type Scene, waitOnline } from './browser.ts';

const { test } = e2eSuite({ env: webhookTestEnv, server: { webhooks: fastWebhooks } });

/** The merchant's site: a checkout page embedding the plugin, logging what the plugin tells it. */
async function merchantSite(comptoir: string, pageIdOf: () => string) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const userRef = url.searchParams.get('ref') ?? 'none';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout</title></head>
<body><h1>Checkout</h1>
<div class="comptoir-checkbox" data-page-id="${pageIdOf()}" data-user-ref="${userRef}" data-ref="cart-7"></div>
<pre id="log"></pre>
<script>
document.addEventListener('comptoir:optin', function (e) {
  document.getElementById('log').textContent += JSON.stringify(e.detail) + '\\n';
});
</script>
<script src="${comptoir}/plugins/checkbox.js" async></script>
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A page of `owner`'s with a bot subscribed to messages and messaging_optins, whitelisting these origins. */
async function shopWithBot(s: Scene, owner: HttpClient, bot: SigningBot, origins: string[]) {
  const page = await owner.post<PageResponse>('/api/pages', {
    name: 'Épicerie Lune',
    username: `lune${process.pid % 1000}x${Date.now() % 100000}`,
  });
  assert.equal(page.status, 201, JSON.stringify(page.body));
  const pageId = page.body.page.id;
  const app = await owner.post<AppSecretResponse>('/api/apps', { name: 'Shop bot' });
  bot.secret = app.body.secret;
  const token = (await owner.post<PageAccessTokenResponse>(`/api/apps/${app.body.app.id}/pages/${pageId}`)).body
    .pageAccessToken;
  const hook = await owner.put(`/api/apps/${app.body.app.id}/webhook`, {
    url: bot.url,
    verifyToken: bot.verifyToken,
    fields: ['messages', 'messaging_optins'],
  });
  assert.equal(hook.status, 200, JSON.stringify(hook.body));
  const set = await graphCall(s.url, 'POST', '/v19.0/me/messenger_profile', token, { whitelisted_domains: origins });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  return { pageId, token };
}

const logOf = async (page: import('playwright-core').Page) =>
  ((await page.locator('#log').textContent()) ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('the checkbox: ticked on the merchant’s checkout → messaging_optins → a send to user_ref → the thread', async (s) => {
  const [owner, ana] = await s.peopleNamed('Owner', 'Ana');
  const bot = (await startWebhookBot()) as SigningBot;
  let site: Awaited<ReturnType<typeof merchantSite>> | null = null;
  try {
    // The site first (its origin), then the page whitelisting it.
    let pageId = '';
    site = await merchantSite(s.url, () => pageId);
    const shop = await shopWithBot(s, await owner.http(), bot, [`http://127.0.0.1:${site.port}`]);
    pageId = shop.pageId;

    const userRef = `order-${Date.now()}`;
    const checkout = await ana.context.newPage();
    await checkout.goto(`http://127.0.0.1:${site.port}/checkout?ref=${userRef}`);
    const frame = checkout.frameLocator('.comptoir-checkbox iframe');
    const box = frame.getByRole('checkbox', { name: 'Send my order updates to Comptoir' });
    await box.waitFor();
    await eventually(async () =>
      assert.deepEqual((await logOf(checkout))[0], {
        type: 'comptoir:optin',
        event: 'rendered',
        pageId: shop.pageId,
        userRef,
        ref: 'cart-7',
        signedIn: true,
      }),
    );
    // Keyboard: focus the box and tick it with Space.
    await box.focus();
    await checkout.keyboard.press('Space');
    await eventually(async () => assert.equal((await logOf(checkout))[1]?.event, 'opted_in'));
    assert.equal(await checkout.locator('.comptoir-checkbox').getAttribute('data-comptoir-state'), 'opted_in');

    // The bot is told, as Messenger tells it: no sender, the user_ref and the merchant's ref.
    const [event] = await bot.waitForEvents(1);
    assert.ok(event);
    assert.equal('sender' in event, false);
    assert.deepEqual(event.recipient, { id: shop.pageId });
    assert.deepEqual(event.optin, { ref: 'cart-7', user_ref: userRef });

    // It sends the order confirmation to the user_ref: Ana's new thread with the page shows it.
    const sent = await graphCall(s.url, 'POST', '/v19.0/me/messages', shop.token, {
      recipient: { user_ref: userRef },
      messaging_type: 'MESSAGE_TAG',
      tag: 'POST_PURCHASE_UPDATE',
      message: { text: 'Votre commande est confirmée.' },
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const app = ana.page;
    await app.bringToFront();
    const item = app.getByTestId('conversation-item').filter({ hasText: 'Épicerie Lune' });
    await item.waitFor();
    await item.click();
    await app.getByTestId('message-text').getByText('Votre commande est confirmée.').waitFor();

    // From the thread's menu, Ana stops the page's updates; a send to the user_ref is then refused (551).
    await app.getByTestId('page-consent-button').click();
    await app.getByTestId('consent-stop').click();
    await app.getByTestId('consent-stop-confirm').click();
    await app.getByTestId('consent-notice').waitFor();
    const refused = await graphCall(s.url, 'POST', '/v19.0/me/messages', shop.token, {
      recipient: { user_ref: userRef },
      message: { text: 'Promo !' },
    });
    assert.equal(refused.body.error?.code, 551);

    // Back on the checkout, the box is no longer ticked: the opt-in went with the page's updates.
    await checkout.reload();
    const again = checkout.frameLocator('.comptoir-checkbox iframe').getByRole('checkbox');
    await again.waitFor();
    assert.equal(await again.isChecked(), false, 'the opt-in was revoked with the page’s updates');

    // Then she blocks the page, with the keyboard: the menu's second item after "Get updates … again".
    await app.bringToFront();
    await app.getByTestId('page-consent-button').focus();
    await app.keyboard.press('Enter');
    await eventually(async () =>
      assert.equal(await app.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'consent-resume'),
    );
    await app.keyboard.press('ArrowDown');
    await app.keyboard.press('Enter');
    await app.getByTestId('consent-block-confirm').click();
    await eventually(async () =>
      assert.match((await app.getByTestId('consent-notice').textContent()) ?? '', /You blocked Épicerie Lune/),
    );
    const psid = (await s.env.server.comptoir.storage.reader.pages.psidOf(shop.pageId, ana.id)) as string;
    const blocked = await graphCall(s.url, 'POST', '/v19.0/me/messages', shop.token, {
      recipient: { id: psid },
      message: { text: 'Toujours là ?' },
    });
    assert.deepEqual([blocked.body.error?.code, blocked.body.error?.error_subcode], [551, 1545041]);

    // Her settings list the page as blocked; she unblocks it there.
    await app.getByTestId('settings-button').click();
    const row = app.getByTestId('settings-optin').filter({ hasText: 'Épicerie Lune' });
    await eventually(async () => assert.match((await row.textContent()) ?? '', /Blocked/));
    await row.getByTestId('settings-optin-unblock').click();
    await eventually(async () => assert.match((await row.textContent()) ?? '', /Updates stopped/));
  } finally {
    await site?.close();
    await bot.close();
  }
});

test('the link flow: no session in the frame → sign in → confirm with the keyboard → back to the merchant', async (s) => {
  const [owner, ben] = await s.peopleNamed('Owner', 'Ben');
  const bot = (await startWebhookBot()) as SigningBot;
  let site: Awaited<ReturnType<typeof merchantSite>> | null = null;
  try {
    const shopHttp = await owner.http();
    const pre = await shopWithBot(s, shopHttp, bot, ['https://placeholder.example']);
    site = await merchantSite(s.url, () => pre.pageId);
    // Whitelisted: the site as reached by localhost (another site than Comptoir's 127.0.0.1) and by 127.0.0.1.
    const set = await graphCall(s.url, 'POST', '/v19.0/me/messenger_profile', pre.token, {
      whitelisted_domains: [`http://localhost:${site.port}`, `http://127.0.0.1:${site.port}`],
    });
    assert.equal(set.status, 200);

    // Signed out (a fresh browser): the frame offers the link.
    const stranger = await s.newContext('Ben, at the shop');
    const checkout = await stranger.newPage();
    const userRef = `order-${Date.now()}`;
    await checkout.goto(`http://localhost:${site.port}/checkout?ref=${userRef}`);
    const link = checkout
      .frameLocator('.comptoir-checkbox iframe')
      .getByRole('link', { name: 'Get updates on Comptoir' });
    await link.waitFor();
    await eventually(async () => assert.equal((await logOf(checkout))[0]?.signedIn, false));
    await link.click();
    await checkout.waitForURL((u) => u.origin === s.url && u.pathname === '/optin');
    assert.equal(
      (await checkout.getByTestId('auth-continue').textContent())?.trim(),
      'Sign in to receive your order updates in Comptoir.',
    );
    await checkout.getByTestId('auth-username').fill(ben.username);
    await checkout.getByTestId('auth-password').fill(PASSWORD);
    await checkout.getByTestId('auth-submit').click();

    // The confirmation names the page; the confirm button has the focus: Enter confirms.
    const card = checkout.getByTestId('optin-confirm');
    await card.getByRole('heading', { name: 'Get Épicerie Lune’s order updates on Comptoir?' }).waitFor();
    await eventually(async () =>
      assert.equal(
        await checkout.evaluate(() => document.activeElement?.getAttribute('data-testid')),
        'optin-confirm-button',
      ),
    );
    await checkout.keyboard.press('Enter');
    await checkout.waitForURL((u) => u.origin === `http://localhost:${site?.port}`);
    const back = new URL(checkout.url());
    assert.equal(back.pathname, '/checkout');
    assert.equal(back.searchParams.get('comptoir_optin'), userRef);
    assert.equal(back.searchParams.get('ref'), userRef, 'the merchant’s own query kept');

    const [event] = await bot.waitForEvents(1);
    assert.deepEqual(event?.optin, { ref: 'cart-7', user_ref: userRef });
    const row = await s.env.server.comptoir.storage.reader.optins.optin(pre.pageId, userRef);
    assert.equal(row?.how, 'link');
    assert.equal(row?.userId, ben.id);

    // In French, a return_to the page did not whitelist is refused plainly, and nothing is recorded.
    const fr = await s.newContext('Ben, en français', { locale: 'fr-FR' });
    const tab = await fr.newPage();
    await tab.goto('/');
    await tab.getByTestId('auth-username').fill(ben.username);
    await tab.getByTestId('auth-password').fill(PASSWORD);
    await tab.getByTestId('auth-submit').click();
    await waitOnline(tab);
    const q = new URLSearchParams({ page_id: pre.pageId, user_ref: 'evil-1', return_to: 'https://evil.example/x' });
    await tab.goto(`/optin?${q}`);
    await eventually(async () =>
      assert.equal(
        (await tab.getByTestId('optin-error').textContent())?.trim(),
        'Ce site n’est pas autorisé à demander les nouvelles de cette page.',
      ),
    );
    assert.equal(await s.env.server.comptoir.storage.reader.optins.optin(pre.pageId, 'evil-1'), null);
  } finally {
    await site?.close();
    await bot.close();
  }
});
