/**
 * The developer console in the people's web app: opened from the sidebar's menu with the keyboard; an app
 * made, its secret shown once (copied, then gone for good), replaced; the app connected to a page its
 * owner administers, the page access token shown once and copied, replaced, revoked — each checked against
 * the Send API; a webhook set against a receiver in this test that answers the handshake, after a failed
 * handshake said in words; its disabled state shown with its reason; removed. Then the same in French.
 * The delivery log against a real bot endpoint: a person's message delivered and opened (the bot's answer,
 * the payload), a test event to a chosen page retried then delivered, a delivery replayed, older ones
 * paged in; then the bot keeps failing until the dispatcher disables the webhook, and another admin of the
 * page sees why in the page's settings (its URL's origin only), an agent sees nothing of it.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import type { AppResponse, AppSecretResponse, PageConversationResponse } from '../../protocol/api.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { startWebhookBot } from '../helpers/webhook-bot.ts';
import { e2eSuite, eventually, type Person, waitFocus } from './browser.ts';

const { test, env } = e2eSuite({
  env: { WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32', RATE_MESSAGES_PER_SECOND: '1000', RATE_MESSAGES_BURST: '1000' },
  // A failed delivery is retried within 100–400 ms; an endpoint failing for 2 s without a success is disabled.
  server: { webhooks: { timeoutMs: 3000, backoffMs: 100, maxBackoffMs: 400, disableAfterMs: 2000 } },
});

let rx: Receiver;
before(async () => {
  rx = await startReceiver();
});
after(async () => {
  await rx?.close();
});

const clipboard = { permissions: ['clipboard-read', 'clipboard-write'] };

/** A page run by `owner` (its admin), made over HTTP: the pages' own UI is tested in pages.test.ts. */
async function pageOf(owner: Person, name: string): Promise<{ id: string; name: string }> {
  const http = await owner.http();
  const username = `${name.toLowerCase().replace(/[^a-z]/g, '')}_${process.pid % 10000}_${Date.now() % 100000}`;
  const r = await http.post<{ page: { id: string; name: string } }>('/api/pages', { name, username });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.page;
}

/** What the Send API answers a call with this token (and the proof of `secret`, when given). */
async function graphCall(token: string, secret?: string): Promise<{ code: number | null; subcode: number | null }> {
  const q = new URLSearchParams({ access_token: token });
  if (secret) q.set('appsecret_proof', createHmac('sha256', secret).update(token).digest('hex'));
  const res = await fetch(`${env().server.url}/v19.0/me/messages?${q}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ recipient: { id: '1234567890123456' }, message: { text: 'hello' } }),
  });
  const body = (await res.json()) as { error?: { code: number; error_subcode?: number } };
  return { code: body.error?.code ?? null, subcode: body.error?.error_subcode ?? null };
}
/** The token works (and the proof of this secret is right): only the made-up recipient is refused. */
const accepted = { code: 100, subcode: 2018001 };

/** Reads what the once dialog shows, copies it with its button, checks the clipboard, and closes it. */
async function copyOnce(page: Page, pattern: RegExp): Promise<string> {
  const dialog = page.getByTestId('once-dialog');
  await dialog.waitFor();
  const value = await dialog.getByTestId('once-value').inputValue();
  assert.match(value, pattern);
  assert.match(
    (await dialog.getByTestId('once-warning').textContent()) ?? '',
    /you will not see it again/,
    'said plainly',
  );
  await waitFocus(page, 'once-value-copy');
  await page.keyboard.press('Enter');
  await eventually(async () =>
    assert.equal((await dialog.getByTestId('once-value-copied').textContent())?.trim(), 'Copied to the clipboard.'),
  );
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), value);
  await dialog.getByTestId('once-done').click();
  await dialog.waitFor({ state: 'detached' });
  const html = await page.content();
  assert.ok(!html.includes(value), 'gone from the page once the dialog is closed');
  return value;
}

test('the console: an app, its secret once, a page token once, a webhook verified', async (s) => {
  const ana = await s.person('Ana', clipboard);
  const shop = await pageOf(ana, 'Épicerie <Fine>');
  const page = ana.page;

  // From the sidebar's menu, with the keyboard.
  await page.getByTestId('sidebar-menu-button').focus();
  await page.keyboard.press('Enter');
  await waitFocus(page, 'menu-new-page');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await waitFocus(page, 'menu-console');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/console$/);
  const consoleView = page.getByTestId('console');
  await consoleView.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  await consoleView.getByText('You have no app yet.').waitFor();

  // A new app: its id and its secret, once.
  await page.getByTestId('new-app-name').fill('Shop <bot>');
  await page.getByTestId('new-app-name').press('Enter');
  await page.waitForURL(/\/console\/apps\/[^/]+$/);
  const appId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  const dialog = page.getByTestId('once-dialog');
  await dialog.waitFor();
  assert.equal((await dialog.locator('h2').textContent())?.trim(), 'The secret of “Shop <bot>”');
  assert.equal(await dialog.getByTestId('once-extra').inputValue(), appId);
  const secret = await copyOnce(page, /^[0-9a-f]{64}$/);
  // The focus is back where she pressed Enter: the name of a new app, empty.
  await waitFocus(page, 'new-app-name');
  assert.equal(await page.getByTestId('new-app-name').inputValue(), '');
  const app = page.getByTestId('console-app');
  assert.equal((await app.locator('h2').first().textContent())?.trim(), 'Shop <bot>');
  assert.equal(await app.getByTestId('console-app-id').inputValue(), appId);
  await page.getByTestId('console-app-item').filter({ hasText: 'Shop <bot>' }).waitFor();

  // Read again (a reload): the secret is nowhere; only replacing it gives one.
  await page.reload();
  await app.getByTestId('console-secret-hidden').waitFor();
  assert.ok(!(await page.content()).includes(secret));
  const fromServer = await (await ana.http()).get(`/api/apps/${appId}`);
  assert.ok(!JSON.stringify(fromServer.body).includes(secret));

  // Connected to the page she administers: the token once, copied.
  const connectPick = app.getByTestId('console-connect-page');
  await eventually(async () => assert.equal(await connectPick.inputValue(), shop.id));
  assert.equal((await connectPick.locator('option').textContent())?.trim(), 'Épicerie <Fine>');
  await app.getByTestId('console-connect').click();
  assert.equal((await dialog.locator('h2').textContent())?.trim(), 'Page access token for “Épicerie <Fine>”');
  const token = await copyOnce(page, /^cpt_[A-Za-z0-9_-]{43}$/);
  const row = app.locator(`[data-testid="console-page"][data-page-id="${shop.id}"]`);
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /Épicerie <Fine>.*Connected/);
  assert.equal(await app.getByTestId('console-connect-page').count(), 0, 'no page left to connect');
  assert.deepEqual(await graphCall(token, secret), accepted, 'the token and the secret shown are the real ones');

  // The secret replaced, confirmed first: the new one once; proofs with the old one are refused.
  await app.getByTestId('console-rotate').click();
  await page.getByTestId('console-rotate-confirm').click();
  assert.equal((await dialog.locator('h2').textContent())?.trim(), 'The new secret of “Shop <bot>”');
  const secret2 = await copyOnce(page, /^[0-9a-f]{64}$/);
  assert.notEqual(secret2, secret);
  await waitFocus(page, 'console-rotate');
  assert.deepEqual(await graphCall(token, secret2), accepted);
  assert.deepEqual(await graphCall(token, secret), { code: 100, subcode: null }, 'the old proof is refused');

  // A new token for the page, confirmed: the old one stops working.
  await row.getByTestId('console-page-new-token').click();
  await page.getByTestId('console-page-new-token-confirm').click();
  const token2 = await copyOnce(page, /^cpt_/);
  assert.notEqual(token2, token);
  assert.deepEqual((await graphCall(token)).code, 190);
  assert.deepEqual(await graphCall(token2), accepted);
  // Revoked, confirmed: no page left, the token refused, the page can be connected again.
  await row.getByTestId('console-page-revoke').click();
  await page.getByTestId('console-page-revoke-confirm').click();
  await row.waitFor({ state: 'detached' });
  await app.getByText('The app is not connected to any page.').waitFor();
  assert.deepEqual((await graphCall(token2)).code, 190);
  await app.getByTestId('console-connect-page').waitFor();

  // The webhook: a handshake that fails is said in words, and nothing is stored.
  const webhook = app.getByTestId('console-webhook');
  await webhook.getByTestId('console-webhook-none').waitFor();
  const url = webhook.getByTestId('console-webhook-url-input');
  const verifyToken = webhook.getByTestId('console-webhook-token-input');
  assert.equal(await webhook.getByTestId('console-webhook-field-messages').isChecked(), true);
  assert.equal(await webhook.getByTestId('console-webhook-field-messaging_postbacks').isChecked(), true);
  assert.equal(await webhook.getByTestId('console-webhook-field-standby').isChecked(), false);
  // Checked before asking: a URL that is not one, no token, no field.
  await url.fill('bot.example/hook');
  await webhook.getByTestId('console-webhook-field-messages').uncheck();
  await webhook.getByTestId('console-webhook-field-messaging_postbacks').uncheck();
  await webhook.getByTestId('console-webhook-save').click();
  assert.equal(
    (await webhook.getByTestId('console-webhook-url-error').textContent())?.trim(),
    'This is not a valid URL.',
  );
  await webhook.getByTestId('console-webhook-token-error').waitFor();
  await webhook.getByTestId('console-webhook-fields-error').waitFor();
  await waitFocus(page, 'console-webhook-url-input');
  assert.equal(await url.getAttribute('aria-invalid'), 'true');
  await webhook.getByTestId('console-webhook-field-messages').check();
  await webhook.getByTestId('console-webhook-field-standby').check();
  await verifyToken.fill('my verify token');
  await url.fill(rx.url('error', 'my verify token'));
  const before = rx.requests.length;
  await webhook.getByTestId('console-webhook-save').click();
  const error = webhook.getByTestId('console-webhook-error');
  await error.waitFor({ timeout: 15_000 });
  assert.equal(
    (await error.textContent())?.trim(),
    'Your webhook answered 500 to the verification request, instead of 200 with the challenge.',
  );
  assert.equal(rx.requests.length, before + 1, 'the server did call it');
  assert.equal(rx.requests.at(-1)?.query.get('hub.verify_token'), 'my verify token');
  // The right callback, but another verify token than the one it expects: refused with 403.
  await url.fill(rx.url('echo', 'the bot’s token'));
  await webhook.getByTestId('console-webhook-save').click();
  await eventually(async () => assert.match((await error.textContent()) ?? '', /answered 403/), { timeout: 15_000 });
  assert.equal((await (await ana.http()).get<{ webhook: unknown }>(`/api/apps/${appId}`)).body.webhook, null);
  // A private address the server is not allowed to call: said under the URL.
  await url.fill('http://10.1.2.3/hook');
  await webhook.getByTestId('console-webhook-save').click();
  await eventually(async () =>
    assert.equal(
      (await webhook.getByTestId('console-webhook-url-error').textContent())?.trim(),
      'This URL points to a local or private address (private), which this server does not call.',
    ),
  );

  // Then the right token: verified and stored.
  await url.fill(rx.url('echo', 'my verify token'));
  await verifyToken.press('Enter');
  await webhook.getByTestId('console-webhook-saved').waitFor({ timeout: 15_000 });
  const state = webhook.getByTestId('console-webhook-state');
  assert.equal(await state.getAttribute('data-state'), 'verified');
  assert.equal(
    (await webhook.getByTestId('console-webhook-url').textContent())?.trim(),
    rx.url('echo', 'my verify token'),
  );
  assert.match((await webhook.getByTestId('console-webhook-badge').textContent()) ?? '', /^Verified /);
  assert.deepEqual(await webhook.getByTestId('console-webhook-fields').locator('li').allTextContents(), [
    'messages',
    'standby',
  ]);
  await waitFocus(page, 'console-webhook-edit');
  const stored = await (await ana.http()).get<{ webhook: { url: string; fields: string[]; verified: boolean } }>(
    `/api/apps/${appId}`,
  );
  assert.deepEqual(stored.body.webhook.fields, ['messages', 'standby']);
  assert.equal(stored.body.webhook.verified, true);

  // Disabled by deliveries that kept failing (the dispatcher's doing): shown with why.
  const { committer } = env().server.comptoir;
  await committer.run(async ({ tx, now }) => {
    const w = await tx.apps.webhookOf(appId);
    assert.ok(w);
    await tx.apps.upsertWebhook({ ...w, disabledAt: now, disabledReason: 'HTTP 500 for 24 hours' });
  });
  await page.reload();
  await state.waitFor();
  assert.equal(await state.getAttribute('data-state'), 'disabled');
  assert.match((await webhook.getByTestId('console-webhook-badge').textContent()) ?? '', /^Disabled /);
  assert.equal(
    (await webhook.getByTestId('console-webhook-disabled-reason').textContent())?.trim(),
    'Why: HTTP 500 for 24 hours',
  );

  // Verified again (the URL and fields kept, the token typed again), then removed, confirmed.
  await webhook.getByTestId('console-webhook-edit').click();
  assert.equal(await url.inputValue(), rx.url('echo', 'my verify token'));
  assert.equal(await verifyToken.inputValue(), '');
  await verifyToken.fill('my verify token');
  await verifyToken.press('Enter');
  await eventually(async () => assert.equal(await state.getAttribute('data-state'), 'verified'), { timeout: 15_000 });
  await webhook.getByTestId('console-webhook-remove').click();
  await page.getByTestId('console-webhook-remove-confirm').click();
  await webhook.getByTestId('console-webhook-none').waitFor();
  assert.equal((await (await ana.http()).get<{ webhook: unknown }>(`/api/apps/${appId}`)).body.webhook, null);

  // Back to her messages.
  await page.getByTestId('console-back').click();
  await page.waitForURL(/\/$/);
  await page.getByTestId('people-search').waitFor();
});

let said = 0;
/** `who` writes to the page (their conversation with it, opened over HTTP: the pages' UI is tested elsewhere). */
async function writeToPage(who: Person, pageId: string, text: string): Promise<void> {
  const http = await who.http();
  const { conversation } = (await http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`)).body;
  const sent = await http.post(`/api/conversations/${conversation.id}/messages`, {
    clientId: `delivery-log-${++said}`,
    text,
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
}

test(
  'the delivery log: deliveries, one opened, replayed, a test event; a page admin sees why a webhook was disabled',
  async (s) => {
    const [ana, bea, cy, dora] = [
      await s.person('Ana'),
      await s.person('Bea'),
      await s.person('Cy'),
      await s.person('Dora'),
    ];
    const bot = await startWebhookBot('the bot’s verify token');
    try {
      // Ana's app, connected to her two pages, its webhook on the bot (the URL holds the bot's own key).
      const shop = await pageOf(ana, 'Crèmerie');
      const annex = await pageOf(ana, 'Annexe');
      const http = await ana.http();
      const made = await http.post<AppSecretResponse>('/api/apps', { name: 'Cheese bot' });
      const appId = made.body.app.id;
      bot.secret = made.body.secret;
      for (const p of [shop, annex]) assert.equal((await http.post(`/api/apps/${appId}/pages/${p.id}`)).status, 201);
      const hook = `${bot.url}?key=bot-own-key`;
      const set = await http.put(`/api/apps/${appId}/webhook`, {
        url: hook,
        verifyToken: bot.verifyToken,
        fields: ['messages'],
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));

      const page = ana.page;
      await page.goto(`/console/apps/${appId}`);
      const log = page.getByTestId('console-deliveries');
      assert.equal((await log.locator('h3').textContent())?.trim(), 'Deliveries');
      await log.getByTestId('console-deliveries-empty').waitFor();
      const rows = log.getByTestId('console-delivery');

      // Dora writes to the shop: the delivery shows once the log is read again (Refresh, with the keyboard).
      await writeToPage(dora, shop.id, 'Bonjour, du comté ?');
      await bot.waitForEvents(1);
      await log.getByTestId('console-deliveries-refresh').focus();
      await eventually(async () => {
        await page.keyboard.press('Enter');
        assert.equal(await rows.count(), 1);
      });
      const first = rows.first();
      const firstId = await first.getAttribute('data-delivery-id');
      assert.equal(bot.deliveries[0]?.ids[0], firstId, 'the id the bot was sent');
      assert.equal((await first.getByTestId('console-delivery-field').textContent())?.trim(), 'messages');
      assert.equal((await first.getByTestId('console-delivery-page').textContent())?.trim(), 'Crèmerie');
      assert.equal((await first.getByTestId('console-delivery-status').textContent())?.trim(), 'Delivered');
      assert.equal((await first.getByTestId('console-delivery-attempts').textContent())?.trim(), '1');
      assert.equal(await first.getByTestId('console-delivery-test-tag').count(), 0);

      // Opened with the keyboard: the bot's answer and the event sent.
      const toggle = first.getByTestId('console-delivery-toggle');
      assert.match((await toggle.getAttribute('aria-label')) ?? '', /^Details of the messages delivery of /);
      await toggle.focus();
      await page.keyboard.press('Enter');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      const detail = log.getByTestId('console-delivery-detail');
      assert.equal(await detail.getAttribute('id'), await toggle.getAttribute('aria-controls'));
      assert.equal((await detail.getByTestId('console-delivery-http').textContent())?.trim(), '200');
      assert.equal((await detail.getByTestId('console-delivery-snippet').textContent())?.trim(), 'EVENT_RECEIVED');
      const payload = JSON.parse((await detail.getByTestId('console-delivery-payload').textContent()) ?? '');
      assert.equal(payload.message.text, 'Bonjour, du comté ?');
      assert.deepEqual(payload.recipient, { id: shop.id });
      await page.keyboard.press('Enter');
      await detail.waitFor({ state: 'detached' });

      // A test event to the page chosen; the bot fails it once: retried, then delivered.
      const pick = log.getByTestId('console-deliveries-test-page');
      assert.deepEqual((await pick.locator('option').allTextContents()).sort(), ['Annexe', 'Crèmerie']);
      await pick.selectOption(annex.id);
      bot.answers.push('error');
      await log.getByTestId('console-deliveries-test').click();
      assert.equal(
        (await log.getByTestId('console-deliveries-notice').textContent())?.trim(),
        'Test event queued: it shows at the top of the log in a moment.',
      );
      await eventually(
        async () => {
          assert.equal(await rows.count(), 2);
          const top = rows.first();
          assert.equal(await top.getByTestId('console-delivery-test-tag').count(), 1);
          assert.equal((await top.getByTestId('console-delivery-page').textContent())?.trim(), 'Annexe');
          assert.equal(await top.getAttribute('data-status'), 'delivered');
          assert.equal((await top.getByTestId('console-delivery-attempts').textContent())?.trim(), '2');
        },
        { timeout: 10_000 },
      );
      assert.deepEqual(
        bot.deliveries.slice(-2).map((d) => [d.answered, d.body.entry[0]?.messaging?.[0]?.sender?.id]),
        [
          ['error', '0'],
          ['ok', '0'],
        ],
      );

      // Dora's delivery replayed (its button, with the keyboard): a new delivery of the same event on top.
      const replay = log.locator(`[data-testid="console-delivery"][data-delivery-id="${firstId}"]`);
      await replay.getByTestId('console-delivery-replay').focus();
      await page.keyboard.press('Enter');
      await log.getByTestId('console-deliveries-notice').getByText('Replay queued').waitFor();
      await eventually(
        async () => {
          assert.equal(await rows.count(), 3);
          const top = rows.first();
          assert.notEqual(await top.getAttribute('data-delivery-id'), firstId, 'a new delivery');
          assert.equal((await top.getByTestId('console-delivery-page').textContent())?.trim(), 'Crèmerie');
          assert.equal(await top.getAttribute('data-status'), 'delivered');
        },
        { timeout: 10_000 },
      );
      const texts = bot.events().map((e) => (e.message as { text?: string } | undefined)?.text);
      assert.equal(texts.filter((t) => t === 'Bonjour, du comté ?').length, 2, 'the bot got the same event again');

      // Read again, what is loaded stays loaded: 18 more on top, Dora's still at the bottom.
      for (let i = 0; i < 18; i++) {
        assert.equal((await http.post(`/api/apps/${appId}/webhook/test`, { pageId: shop.id })).status, 202);
      }
      await bot.waitForEvents(21);
      await eventually(async () => {
        await log.getByTestId('console-deliveries-refresh').click();
        assert.equal(await rows.count(), 21);
      });
      assert.equal(await rows.last().getAttribute('data-delivery-id'), firstId);
      // Opened anew, a page of the log (20): older ones come with "Load older", the focus on the first of them.
      await page.reload();
      await eventually(async () => assert.equal(await rows.count(), 20));
      assert.equal((await log.getByTestId('console-deliveries-count').textContent())?.trim(), '20 deliveries shown');
      await log.getByTestId('console-deliveries-older').focus();
      await page.keyboard.press('Enter');
      await eventually(async () => assert.equal(await rows.count(), 21));
      await log.getByTestId('console-deliveries-older').waitFor({ state: 'detached' });
      assert.equal(await rows.last().getAttribute('data-delivery-id'), firstId, 'the oldest: Dora’s');
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-index')),
          '20',
        ),
      );

      // Bea helps Ana run the shop (admin), Cy answers its messages (agent); neither owns the app.
      for (const [who, role] of [
        [bea, 'admin'],
        [cy, 'agent'],
      ] as const) {
        assert.equal((await http.post(`/api/pages/${shop.id}/members`, { username: who.username, role })).status, 200);
      }
      // The bot now fails every delivery: after 2 s without a success the webhook is disabled.
      bot.answers.push(...Array<'error'>(500).fill('error'));
      await writeToPage(dora, shop.id, 'Il y a quelqu’un ?');
      await eventually(
        async () => {
          const w = (await http.get<AppResponse>(`/api/apps/${appId}`)).body.webhook;
          assert.ok(w?.disabled, 'disabled');
        },
        { timeout: 15_000, interval: 200 },
      );

      // Bea, in the shop's settings, sees the app, its webhook disabled, since when, why, whom to ask.
      await bea.page.getByTestId('sidebar-menu-button').click();
      await bea.page.getByTestId('menu-my-pages').click();
      await bea.page.locator(`[data-testid="my-page-item"][data-page-id="${shop.id}"]`).click();
      const settings = bea.page.getByTestId('page-settings-dialog');
      const app = settings.locator(`[data-testid="page-app"][data-app-id="${appId}"]`);
      await app.waitFor();
      assert.equal(await app.getAttribute('data-status'), 'disabled');
      assert.equal((await app.getByTestId('page-app-status').textContent())?.trim(), 'Webhook disabled');
      assert.match((await app.textContent()) ?? '', new RegExp(`Cheese bot.*Made by @${ana.username}`));
      assert.equal((await app.getByTestId('page-app-origin').textContent())?.trim(), new URL(bot.url).origin);
      assert.match(
        (await app.getByTestId('page-app-disabled-since').textContent()) ?? '',
        /^Disabled .+, after failing for less than a minute\.$/,
      );
      assert.match(
        (await app.getByTestId('page-app-disabled-reason').textContent()) ?? '',
        /^Why: Deliveries failed for .* the last attempt answered HTTP 500/,
      );
      assert.match(
        (await app.getByTestId('page-app-disabled').textContent()) ?? '',
        new RegExp(`Ask its owner, @${ana.username}`),
      );
      const html = await bea.page.content();
      for (const hidden of ['bot-own-key', '/webhook', made.body.secret, 'the bot’s verify token']) {
        assert.ok(!html.includes(hidden), `${hidden} is not shown to the page's admins`);
      }

      // Cy, an agent, sees the page's people but not its apps.
      await cy.page.getByTestId('sidebar-menu-button').click();
      await cy.page.getByTestId('menu-my-pages').click();
      await cy.page.locator(`[data-testid="my-page-item"][data-page-id="${shop.id}"]`).click();
      const cySettings = cy.page.getByTestId('page-settings-dialog');
      await eventually(async () => assert.equal(await cySettings.getByTestId('page-member-item').count(), 3));
      assert.equal(await cySettings.getByTestId('page-apps').count(), 0);

      // Ana's console says it too, over the log.
      await page.reload();
      await eventually(async () =>
        assert.match(
          (await log.getByTestId('console-deliveries-hint').textContent()) ?? '',
          /^The webhook is disabled/,
        ),
      );
    } finally {
      await bot.close();
    }
  },
  { timeout: 90_000 },
);

test('the console in French; someone else’s app is not found', async (s) => {
  const [cleo, dan] = [await s.person('Cleo', { locale: 'fr-FR' }), await s.person('Dan')];
  const made = await (await dan.http()).post<{ app: { id: string } }>('/api/apps', { name: 'Dan’s bot' });
  const page = cleo.page;
  await page.getByTestId('sidebar-menu-button').click();
  assert.equal((await page.getByTestId('menu-console').textContent())?.trim(), 'Console développeur');
  await page.getByTestId('menu-console').click();
  const consoleView = page.getByTestId('console');
  assert.equal((await consoleView.locator('h1').textContent())?.trim(), 'Console développeur');
  await consoleView.getByText('Vous n’avez encore aucune app.').waitFor();
  await page.getByTestId('new-app-name').fill('Robot');
  await page.getByTestId('new-app-submit').click();
  const dialog = page.getByTestId('once-dialog');
  await dialog.waitFor();
  assert.equal((await dialog.locator('h2').textContent())?.trim(), 'Le secret de «\u00a0Robot\u00a0»');
  assert.match((await dialog.getByTestId('once-warning').textContent()) ?? '', /vous ne le reverrez pas/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  const webhook = page.getByTestId('console-webhook');
  await webhook.getByTestId('console-webhook-url-input').fill(rx.url('wrong', 'x'));
  await webhook.getByTestId('console-webhook-token-input').fill('x');
  await webhook.getByTestId('console-webhook-save').click();
  const error = webhook.getByTestId('console-webhook-error');
  await error.waitFor({ timeout: 15_000 });
  assert.match((await error.textContent()) ?? '', /^Votre webhook a répondu 200, mais pas avec le défi seul/);
  await page.getByText('Vous n’administrez aucune page', { exact: false }).waitFor();
  // The delivery log: empty; a test event without a webhook says what to do first.
  const log = page.getByTestId('console-deliveries');
  assert.equal((await log.locator('h3').textContent())?.trim(), 'Envois');
  assert.match((await log.getByTestId('console-deliveries-empty').textContent()) ?? '', /^Aucun envoi pour l’instant/);
  await log.getByTestId('console-deliveries-test').click();
  assert.equal(
    (await log.getByTestId('console-deliveries-error').textContent())?.trim(),
    'Définissez et vérifiez d’abord le webhook de l’app\u00a0: les renvois et les événements de test lui sont envoyés.',
  );

  // Dan's app, by its address: not found, and nothing of it shown.
  await page.goto(`/console/apps/${made.body.app.id}`);
  assert.equal(
    (await page.getByTestId('console-app-error').textContent({ timeout: 10_000 }))?.trim(),
    'Cette app est introuvable.',
  );
  assert.ok(!(await page.content()).includes('Dan’s bot'));
});
