/**
 * `npm run demo` (scripts/demo.ts) as a newcomer runs it, on free ports and in a temporary directory: it
 * starts Comptoir, the example shop and the example content app (the GIF Box), seeds them and prints where
 * to click; the printed accounts sign in, the shop is connected to the page (its origin may frame the
 * plugin, its webhook is subscribed), the GIF Box is on for every seeded person and answers a search;
 * Ctrl-C (SIGINT) stops them all. Run again on the same directory, it reuses what it made.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { AppResponse } from '../../protocol/api.ts';
import type { ComposeAppsResponse, ComposeResultsResponse } from '../../protocol/compose.ts';
import { HttpClient } from '../helpers/client.ts';
import { tempDir } from '../helpers/tmp.ts';

const root = path.join(import.meta.dirname, '..', '..');
const tmp = tempDir('comptoir-demo-');
after(() => tmp.cleanup());

interface Running {
  child: ChildProcess;
  output: () => string;
  comptoir: string;
  shop: string;
  gifBox: string;
  pageId: string;
  exited: Promise<number | null>;
}

/** Starts the demo; resolves once it printed its URLs. */
function startDemo(): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'demo.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DEMO_DIR: tmp.dir,
      DEMO_COMPTOIR_PORT: '0',
      DEMO_SHOP_PORT: '0',
      DEMO_GIF_APP_PORT: '0',
      DEMO_NO_BUILD: '1',
      // The user's own settings must not reach the demo's Comptoir.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/not-the-demo',
      DATA_DIR: '/nonexistent-user-data',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not print its URLs:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk;
      const comptoir = /Comptoir {7}(http:\/\/localhost:\d+)/.exec(out)?.[1];
      const shop = /Example shop {3}(http:\/\/localhost:\d+)/.exec(out)?.[1];
      const gifBox = /GIF Box {8}(http:\/\/[\d.]+:\d+)/.exec(out)?.[1];
      const pageId = /Page inbox .*\/inbox\/(\w+)/.exec(out)?.[1];
      if (comptoir && shop && gifBox && pageId && /Ctrl-C stops it/.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out, comptoir, shop, gifBox, pageId, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before printing its URLs:\n${out}`));
    });
  });
}

async function signIn(base: string, username: string): Promise<HttpClient> {
  const http = new HttpClient(base);
  const r = await http.post('/api/auth/signin', { username, password: 'fromage de garde 2026' });
  assert.equal(r.status, 200, `${username} signs in: ${JSON.stringify(r.body)}`);
  return http;
}

async function stopDemo(d: Running): Promise<void> {
  d.child.kill('SIGINT');
  assert.equal(await d.exited, 0, d.output());
  await assert.rejects(fetch(d.shop), 'the shop stopped');
  await assert.rejects(fetch(d.gifBox), 'the GIF Box stopped');
  await assert.rejects(fetch(`${d.comptoir}/api/instance`), 'Comptoir stopped');
}

test('npm run demo: Comptoir, the shop and the GIF Box, seeded and connected; Ctrl-C stops them all; a second run reuses it all', async () => {
  const first = await startDemo();
  let state: { appId: string; pageToken: string };
  let gifAppId = '';
  try {
    assert.match(first.output(), /the password "fromage de garde 2026"/);
    // Its own data directory: the user's DATABASE_URL and DATA_DIR were not used.
    assert.ok(fs.existsSync(path.join(tmp.dir, 'comptoir', 'comptoir.db')));
    state = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'demo.json'), 'utf8'));

    // The customer signs in; the agent runs the page as its agent; the admin's app has its webhook verified.
    const cleo = await signIn(first.comptoir, 'cleo');
    assert.equal((await cleo.get<{ user: { username: string } }>('/api/me')).body.user.username, 'cleo');
    const ben = await signIn(first.comptoir, 'ben');
    const pages = await ben.get<{ pages: { page: { id: string; name: string }; role: string }[] }>('/api/me/pages');
    assert.deepEqual(
      pages.body.pages.map((p) => [p.page.id, p.page.name, p.role]),
      [[first.pageId, 'Fromagerie Demo', 'agent']],
    );
    const margot = await signIn(first.comptoir, 'margot');
    const app = await margot.get<AppResponse>(`/api/apps/${state.appId}`);
    assert.equal(app.status, 200, JSON.stringify(app.body));
    assert.deepEqual(app.body.webhook?.fields, ['messaging_optins']);
    assert.equal(app.body.webhook?.verified, true, 'the shop answered the handshake');
    assert.deepEqual(
      app.body.pages.map((p) => p.pageId),
      [first.pageId],
    );

    // The shop answers, and its origin may frame the plugin's checkbox for the page.
    const home = await fetch(first.shop);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /Fromagerie Demo/);

    // The GIF Box: margot's content app, on for the customer, answering her search through Comptoir.
    const gif = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'gif-app.json'), 'utf8')) as { appId: string };
    gifAppId = gif.appId;
    const apps = await cleo.get<ComposeAppsResponse>('/api/compose-apps');
    assert.deepEqual(
      apps.body.apps.map((a) => [a.appId, a.name, a.enabled]),
      [[gif.appId, 'GIF Box', true]],
    );
    const found = await cleo.get<ComposeResultsResponse>(`/api/compose-apps/${gif.appId}/results?q=cat`);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.ok(found.body.results.length > 0);
    const q = new URLSearchParams({ page_id: first.pageId, user_ref: 'demo-test-1', origin: first.shop });
    const frame = await fetch(`${first.comptoir}/plugins/checkbox?${q}`);
    assert.equal(frame.status, 200, await frame.text());
    assert.match(frame.headers.get('content-security-policy') ?? '', new RegExp(`frame-ancestors ${first.shop}`));
  } finally {
    await stopDemo(first);
  }

  // Again: the same page, app and token; nobody signed up twice (the accounts sign in).
  const second = await startDemo();
  try {
    assert.equal(second.pageId, first.pageId);
    const again = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'demo.json'), 'utf8'));
    assert.equal(again.appId, state.appId);
    assert.equal(again.pageToken, state.pageToken);
    const gifAgain = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'gif-app.json'), 'utf8')) as { appId: string };
    const cleo = await signIn(second.comptoir, 'cleo');
    const apps = await cleo.get<ComposeAppsResponse>('/api/compose-apps');
    assert.deepEqual(
      apps.body.apps.map((a) => [a.appId, a.enabled]),
      [[gifAgain.appId, true]],
      'still on',
    );
    assert.equal(gifAgain.appId, gifAppId, 'the same GIF Box');
    const margot = await signIn(second.comptoir, 'margot');
    const mine = await margot.get<{ pages: unknown[] }>('/api/me/pages');
    assert.equal(mine.body.pages.length, 1);
    const probe = await fetch(`${second.comptoir}/api/commerce/orders/none`, {
      headers: { authorization: `Bearer ${again.pageToken}` },
    });
    assert.equal(probe.status, 404, 'the kept token still works');
  } finally {
    await stopDemo(second);
  }
});
