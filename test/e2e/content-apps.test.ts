/**
 * Content apps in real browsers (issue 8), with the example GIF Box (examples/gif-app) set up through
 * Comptoir's API by its developer: Alice turns it on, searches "cat" and picks a GIF — Bob sees it "via GIF
 * Box" with "Enable GIF Box" (he has not turned it on); once he has, "Reply with GIF Box" opens the drawer
 * on his answer and Alice sees it. `@gifbox yes` searches inline and Enter sends a result. A slow app shows
 * that it is slow, then its error in words. The console sets an app’s compose extension.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import type { Page } from 'playwright-core';
import { setUpInComptoir } from '../../examples/gif-app/comptoir.ts';
import { loadGifAppConfig } from '../../examples/gif-app/config.ts';
import { drawIcon, generateLibrary } from '../../examples/gif-app/generate.ts';
import { createGifAppServer, type GifAppServer } from '../../examples/gif-app/server.ts';
import type { MessagesResponse } from '../../protocol/api.ts';
import { signUp } from '../helpers/client.ts';
import { composeApp, startContentApp, type TestContentApp } from '../helpers/content-app.ts';
import { e2eSuite, eventually, messages, type Person, startDirect, waitFocus } from './browser.ts';

const { test, env } = e2eSuite({
  env: {
    WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
    RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '1000',
    RATE_UPLOADS_PER_MINUTE: '1000',
    RATE_CONTENT_APP_QUERIES_PER_MINUTE: '1000',
    CONTENT_APP_TIMEOUT_SECONDS: '5',
  },
});

let gifBox: GifAppServer | null = null;
let settingUp: Promise<string> | null = null;

/** The GIF Box, set up once through Comptoir's API by its developer (the first test that needs it): its app id. */
function gifBoxApp(): Promise<string> {
  settingUp ??= (async () => {
    const url = env().server.url;
    const dev = await signUp(url, undefined, 'a developer’s long password');
    const config = loadGifAppConfig({
      COMPTOIR_URL: url,
      COMPTOIR_USERNAME: dev.user.username,
      COMPTOIR_PASSWORD: dev.password,
      GIF_APP_PORT: '0',
    });
    gifBox = createGifAppServer(config, await generateLibrary(), await drawIcon());
    const appUrl = await gifBox.listen();
    const setup = config.setup;
    assert.ok(setup);
    const made = await setUpInComptoir({ ...setup, appUrl, name: config.name }, (secret) => gifBox?.setSecret(secret));
    return made.appId;
  })();
  return settingUp;
}
after(() => gifBox?.close());

/** The thread's last message sent through a content app. */
const lastVia = (page: Page) =>
  messages(page)
    .filter({ has: page.getByTestId('message-via') })
    .last();

/** Turns the GIF Box on from the composer's drawer (Apps → Manage apps), then opens its search. */
async function enableInDrawer(p: Person, appId: string): Promise<void> {
  const page = p.page;
  await page.getByTestId('app-drawer-button').click();
  await page.getByTestId('app-list-empty').waitFor();
  await page.getByTestId('app-manage').click();
  const toggle = page.locator(`[data-testid="app-manage-toggle"][data-app-id="${appId}"]`);
  await toggle.check();
  await eventually(async () => assert.equal(await toggle.isChecked(), true));
  await page.getByRole('button', { name: /Back/ }).first().click();
  await page.locator(`[data-testid="app-list-item"][data-app-id="${appId}"]`).click();
  await page.getByTestId('app-search').waitFor();
}

test('Alice sends a GIF from the GIF Box; Bob sees it via the app, enables it and replies with it', async (s) => {
  const appId = await gifBoxApp();
  const [alice, bob] = await s.peopleNamed('Alice', 'Bob');
  const convId = await startDirect(alice, bob);
  await bob.page.getByTestId('people-search').fill(alice.username);
  await bob.page.locator(`[data-testid="people-result"][data-user-id="${alice.id}"]`).click();
  await bob.page.waitForURL(/\/c\/[^/]+$/);

  await enableInDrawer(alice, appId);
  await alice.page.getByTestId('app-search-input').fill('cat');
  // The grid fills with the app's previews, served by Comptoir.
  await eventually(async () => assert.equal(await alice.page.getByTestId('app-result').count(), 4));
  const srcs = await alice.page
    .locator('[data-testid="app-result"] img')
    .evaluateAll((els) => els.map((e) => (e as HTMLImageElement).src));
  for (const src of srcs) assert.ok(src.startsWith(`${s.url}/api/compose-apps/${appId}/preview/`), src);
  await eventually(async () =>
    assert.ok(
      await alice.page
        .locator('[data-testid="app-result"] img')
        .first()
        .evaluate((img) => (img as HTMLImageElement).naturalWidth > 0),
      'the preview loaded',
    ),
  );
  // The keyboard: ↓ from the box to the first result, → to the second, Enter sends it.
  await alice.page.getByTestId('app-search-input').press('ArrowDown');
  await alice.page.keyboard.press('ArrowRight');
  await alice.page.keyboard.press('Enter');
  await alice.page.getByTestId('app-drawer').waitFor({ state: 'detached' });

  // Bob sees the GIF, "via GIF Box", and — without the app — "Enable GIF Box".
  const seen = lastVia(bob.page);
  await seen.waitFor();
  assert.match((await seen.getByTestId('message-via').textContent()) ?? '', /via GIF Box/);
  await seen.getByTestId('message-media').waitFor();
  await seen.getByTestId('via-enable').waitFor();
  assert.equal(await seen.getByTestId('via-reply').count(), 0);
  assert.equal(await lastVia(alice.page).getByTestId('via-enable').count(), 0, 'not under one’s own');
  const http = await bob.http();
  const stored = (await http.get<MessagesResponse>(`/api/conversations/${convId}/messages`)).body.messages;
  const gif = stored.find((m) => m.via);
  assert.deepEqual(gif?.via, { appId, name: 'GIF Box' });
  assert.equal(gif?.attachments?.[0]?.mime, 'image/gif');

  // Bob turns it on from the message; "Reply with GIF Box" opens the drawer on his answer.
  await seen.getByTestId('via-enable').click();
  await seen.getByTestId('via-reply').click();
  await bob.page.getByTestId('app-search-reply').waitFor();
  await eventually(async () => assert.ok((await bob.page.getByTestId('app-result').count()) > 0));
  await bob.page.getByTestId('app-result').first().click();
  await bob.page.getByTestId('app-drawer').waitFor({ state: 'detached' });

  // Alice sees Bob's reply, quoting her GIF, via the app — and "Reply with" under it, she has the app.
  await eventually(async () =>
    assert.equal(
      await messages(alice.page)
        .filter({ has: alice.page.getByTestId('message-via') })
        .count(),
      2,
    ),
  );
  const reply = lastVia(alice.page);
  await reply.getByTestId('message-quote').waitFor();
  await reply.getByTestId('via-reply').waitFor();
});

test('@gifbox yes searches inline from the composer; Enter reaches the results and sends one', async (s) => {
  const appId = await gifBoxApp();
  const [alice, bob] = await s.peopleNamed('Alice', 'Bob');
  await startDirect(alice, bob);
  const http = await alice.http();
  assert.equal((await http.put(`/api/compose-apps/${appId}/enabled`)).status, 200);
  await alice.page.reload();
  const composer = alice.page.getByTestId('composer');
  await composer.fill('@gifbox yes');
  await alice.page.getByTestId('app-drawer-inline').waitFor();
  await eventually(async () => assert.ok((await alice.page.getByTestId('app-result').count()) > 0));
  await composer.press('Enter');
  await waitFocus(alice.page, 'app-result');
  await alice.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await composer.inputValue(), ''), { message: 'the @ query went' });
  await lastVia(alice.page).waitFor();
  assert.equal(await alice.page.getByTestId('app-drawer-inline').count(), 0);
  // Escape closes the inline search and keeps the text.
  await composer.fill('@gifbox lol');
  await alice.page.getByTestId('app-drawer-inline').waitFor();
  await composer.press('Escape');
  await alice.page.getByTestId('app-drawer-inline').waitFor({ state: 'detached' });
  assert.equal(await composer.inputValue(), '@gifbox lol');
});

test('a slow app shows it is slow, then says in words that it did not answer; Retry asks again', async (s) => {
  const slow: TestContentApp = await startContentApp();
  try {
    const dev = await signUp(s.url);
    const made = await composeApp(dev, slow, 'Slow Box');
    const alice = await s.person('Alice');
    const bob = await s.person('Bob');
    await startDirect(alice, bob);
    const http = await alice.http();
    await http.put(`/api/compose-apps/${made.appId}/enabled`);
    slow.answer = () => 'hang';
    await alice.page.reload();
    await alice.page.getByTestId('app-drawer-button').click();
    await alice.page.locator(`[data-testid="app-list-item"][data-app-id="${made.appId}"]`).click();
    await alice.page.getByTestId('app-search-input').fill('cat');
    const status = alice.page.getByTestId('app-search-status');
    await eventually(async () => assert.match((await status.textContent()) ?? '', /Searching Slow Box/));
    await eventually(async () => assert.match((await status.textContent()) ?? '', /taking a while/), {
      timeout: 4000,
    });
    const error = alice.page.getByTestId('app-search-error');
    await error.waitFor({ timeout: 8000 });
    assert.match((await error.textContent()) ?? '', /taking too long to answer/);
    slow.answer = () => ({
      status: 200,
      body: {
        results: [
          {
            id: 'a',
            type: 'gif',
            previewUrl: `${slow.origin}/media/cat-1.gif`,
            url: `${slow.origin}/media/cat-1.gif`,
          },
        ],
      },
    });
    await error.getByRole('button').click();
    await eventually(async () => assert.equal(await alice.page.getByTestId('app-result').count(), 1));
    assert.equal(await error.count(), 0);
  } finally {
    await slow.close();
  }
});

test('the console sets an app’s compose extension: an icon it cannot fetch is said in words, then it saves', async (s) => {
  const app: TestContentApp = await startContentApp();
  try {
    const dev = await s.person('Dev');
    const http = await dev.http();
    const made = await http.post<{ app: { id: string }; secret: string }>('/api/apps', { name: 'Sticker shop' });
    app.secret = made.body.secret;
    const page = dev.page;
    await page.goto(`/console/apps/${made.body.app.id}`);
    const section = page.getByTestId('console-extension');
    await section.getByTestId('console-extension-none').waitFor();
    await section.getByTestId('console-extension-edit').click();
    // The form starts from the app's name; the keyboard goes from field to field.
    assert.equal(await section.getByTestId('console-extension-name').inputValue(), 'Sticker shop');
    await section.getByTestId('console-extension-iconUrl').fill(`${app.origin}/missing.png`);
    await section.getByTestId('console-extension-kind-image').check();
    await section.getByTestId('console-extension-queryUrl').fill(app.queryUrl);
    await section.getByTestId('console-extension-save').click();
    const problem = section.getByTestId('console-extension-iconUrl-error');
    await problem.waitFor({ timeout: 10_000 });
    assert.match((await problem.textContent()) ?? '', /answered 404 instead of the image/);
    await waitFocus(page, 'console-extension-iconUrl');

    await section.getByTestId('console-extension-iconUrl').fill(app.iconUrl);
    await section.getByTestId('console-extension-save').click();
    await section.getByTestId('console-extension-saved').waitFor({ timeout: 10_000 });
    assert.equal(await section.getByTestId('console-extension-name').textContent(), 'Sticker shop');
    assert.equal(await section.getByTestId('console-extension-query-url').textContent(), app.queryUrl);
    await eventually(async () =>
      assert.ok(
        await section.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth === 128),
        'Comptoir’s copy of the icon is shown',
      ),
    );
    const stored = await http.get<{ extension: { kinds: string[] } }>(
      `/api/apps/${made.body.app.id}/compose-extension`,
    );
    assert.deepEqual(stored.body.extension.kinds, ['gif', 'image']);
  } finally {
    await app.close();
  }
});
