/**
 * Browser test harness: one Chromium and one Comptoir server (serving web/dist) per test file, a fresh
 * "scene" per test with its own people (one browser context each, signed up through the UI), helpers that
 * wait for the DOM with short explicit timeouts, and full-page screenshots of every open page when a test
 * fails (`test-results/e2e/<test>-<person>.png`).
 *
 * Skipped, with one line, when COMPTOIR_SKIP_BROWSER is set or Chromium is missing — outside CI only:
 * under CI=true nothing is skipped (a missing Chromium, or COMPTOIR_SKIP_BROWSER, fails the file).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { HttpClient } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const root = path.join(import.meta.dirname, '..', '..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WEB_DIST = path.join(root, 'web', 'dist');
export const RESULTS_DIR = path.join(root, 'test-results', 'e2e');
export const PASSWORD = 'correct horse battery';

/** Default wait for anything in the DOM (ms). Generous enough for a loaded 2-core machine, short enough to fail fast. */
export const WAIT_MS = 5000;
/** Wait for a reconnection (backoff after a network cut or a new page). */
export const RECONNECT_MS = 10_000;

/** Why the browser tests of this file are skipped, or false to run them. Throws under CI=true without Chromium. */
export function browserSkip(env: NodeJS.ProcessEnv = process.env, chromium = CHROMIUM_PATH): string | false {
  const ci = env.CI === 'true';
  const asked = env.COMPTOIR_SKIP_BROWSER;
  if (asked && ci) throw new Error(`COMPTOIR_SKIP_BROWSER is set (${asked}) but nothing is skipped under CI=true`);
  if (asked) return `browser tests skipped: ${asked}`;
  if (!fs.existsSync(chromium)) {
    if (ci) {
      throw new Error(`Chromium is required under CI=true but was not found at ${chromium} (set CHROMIUM_PATH)`);
    }
    return `Chromium not found at ${chromium} (install Debian chromium or set CHROMIUM_PATH): browser tests skipped`;
  }
  return false;
}

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A fake microphone and camera (a beep and a test pattern), granted without asking: for the tests that record
 * (`e2eSuite({ fakeMedia: true })`). Other files launch without them.
 */
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

interface Env {
  browser: Browser;
  server: TestServer;
}

export interface SuiteTestOptions {
  /** Whole-test timeout (ms). */
  timeout?: number;
}

/**
 * Registers the file's browser and server (before/after hooks) and returns `test`, which runs its body with
 * a fresh Scene, screenshots every page when the body throws, and closes the scene's contexts after.
 */
export function e2eSuite(
  options: {
    env?: Record<string, string>;
    /** The server's options beyond its environment (e.g. shorter webhook delays). */
    server?: Parameters<typeof startServer>[1];
    /** Launch Chromium with a fake microphone and camera (FAKE_MEDIA_ARGS). */
    fakeMedia?: boolean;
  } = {},
): {
  test: (name: string, fn: (s: Scene) => Promise<void>, opts?: SuiteTestOptions) => void;
  env: () => Env;
} {
  const skip = browserSkip();
  let env: Env | null = null;
  if (skip) {
    console.log(`# ${skip}`);
  } else {
    before(async () => {
      if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
        throw new Error(`web/dist is not built: run \`npx vite build --config web/vite.config.ts\` first`);
      }
      const [browser, server] = await Promise.all([
        chromium.launch({
          executablePath: CHROMIUM_PATH,
          headless: true,
          args: options.fakeMedia ? [...LAUNCH_ARGS, ...FAKE_MEDIA_ARGS] : LAUNCH_ARGS,
        }),
        startServer({ WEB_DIST, RATE_SIGNUPS_PER_HOUR: '1000', ...options.env }, options.server),
      ]);
      env = { browser, server };
    });
    after(async () => {
      await env?.browser.close();
      await env?.server.close();
    });
  }
  const getEnv = () => {
    if (!env) throw new Error('the e2e environment is not started');
    return env;
  };
  return {
    env: getEnv,
    test: (name, fn, opts = {}) => {
      const timeout = opts.timeout ?? 45_000;
      test(name, { skip, timeout }, async () => {
        const scene = new Scene(getEnv(), name);
        // Fail a little before node:test's own timeout, which would cancel the test without screenshots.
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the test took over ${(timeout - 5000) / 1000} s`)),
            timeout - 5000,
          );
        });
        try {
          await Promise.race([fn(scene), deadline]);
        } catch (e) {
          await scene.screenshots();
          scene.printDiagnostics();
          throw e;
        } finally {
          clearTimeout(timer);
          await scene.close();
        }
      });
    },
  };
}

let counter = 0;
/** A username unique on this server: lowercase, 3–32 chars of [a-z0-9_.]. */
function uniqueUsername(name: string): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 12) || 'user';
  return `${base}_${process.pid % 10000}_${++counter}${Math.floor(Math.random() * 1000)}`;
}

function fileSafe(s: string): string {
  return s
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
}

/** What one test works with: its people (browser contexts), closed at the end. */
export class Scene {
  readonly people: Person[] = [];
  private readonly contexts: { label: string; context: BrowserContext }[] = [];
  private readonly logs: string[] = [];

  constructor(
    readonly env: Env,
    readonly testName: string,
  ) {}

  get url(): string {
    return this.env.server.url;
  }

  private async open(label: string, options: BrowserContextOptions): Promise<BrowserContext> {
    const context = await this.env.browser.newContext({ baseURL: this.url, ...options });
    context.setDefaultTimeout(WAIT_MS);
    context.setDefaultNavigationTimeout(RECONNECT_MS);
    context.on('page', (page) => this.watch(label, page));
    this.contexts.push({ label, context });
    return context;
  }

  /** A bare browser context (not signed in), tracked for screenshots and cleanup. */
  async newContext(label: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
    return this.open(label, options);
  }

  /**
   * A person signed up through the sign-up screen, in a browser context of their own; their page is left on
   * the conversation list, connected.
   */
  async person(name: string, options: BrowserContextOptions = {}): Promise<Person> {
    const context = await this.open(name, options);
    const page = await context.newPage();
    const username = uniqueUsername(name);
    const displayName = `${name} ${username.split('_').pop()}`;
    await page.goto('/');
    await page.getByTestId('auth-switch').click();
    await page.getByTestId('auth-username').fill(username);
    await page.getByTestId('auth-display-name').fill(displayName);
    await page.getByTestId('auth-password').fill(PASSWORD);
    await page.getByTestId('auth-submit').click();
    await waitOnline(page);
    const me = await context.request.get('/api/me');
    assert.equal(me.status(), 200, `GET /api/me after sign-up: ${me.status()}`);
    const { user } = (await me.json()) as { user: { id: string } };
    const person = new Person(this, name, username, displayName, user.id, context, page);
    this.people.push(person);
    return person;
  }

  /** Several people at once (sign-ups in parallel). */
  peopleNamed<const N extends readonly string[]>(...names: N): Promise<{ [K in keyof N]: Person }> {
    return Promise.all(names.map((n) => this.person(n))) as Promise<{ [K in keyof N]: Person }>;
  }

  private watch(label: string, page: Page): void {
    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(2)}s`;
    page.on('websocket', (ws) => {
      this.logs.push(`[${label}] ${at()} ws open`);
      ws.on('close', () => this.logs.push(`[${label}] ${at()} ws closed`));
      ws.on('framesent', (f) => this.logs.push(`[${label}] ${at()} → ${String(f.payload).slice(0, 160)}`));
      ws.on('framereceived', (f) => this.logs.push(`[${label}] ${at()} ← ${String(f.payload).slice(0, 160)}`));
    });
    page.on('pageerror', (e) => this.logs.push(`[${label}] page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.logs.push(`[${label}] console: ${m.text()}`);
    });
  }

  /** Full-page PNG of every open page, `<test>-<person>[-n].png`. */
  async screenshots(): Promise<void> {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    for (const { label, context } of this.contexts) {
      const pages = context.pages();
      for (const [i, page] of pages.entries()) {
        const file = path.join(
          RESULTS_DIR,
          `${fileSafe(this.testName)}-${fileSafe(label)}${pages.length > 1 ? `-${i + 1}` : ''}.png`,
        );
        try {
          await page.screenshot({ path: file, fullPage: true, timeout: WAIT_MS });
          console.log(`# screenshot: ${path.relative(root, file)}`);
        } catch (e) {
          console.log(`# screenshot of ${label} failed: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
  }

  printDiagnostics(): void {
    const interesting = this.logs.filter((l) => !/status of 401 \(Unauthorized\)/.test(l));
    for (const line of interesting.slice(-(Number(process.env.E2E_LOG_LINES) || 40))) console.log(`# ${line}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map(({ context }) => context.close().catch(() => {})));
  }
}

/** One person: a browser context (their device) and the page the test drives. */
export class Person {
  constructor(
    readonly scene: Scene,
    readonly name: string,
    readonly username: string,
    public displayName: string,
    readonly id: string,
    readonly context: BrowserContext,
    /** The page (tab) being driven; replaced when the test closes it and opens another. */
    public page: Page,
  ) {}

  /** Another tab of the same account, on `/` (or `url`), connected. */
  async newPage(url = '/'): Promise<Page> {
    const page = await this.context.newPage();
    await page.goto(url);
    await waitOnline(page, RECONNECT_MS);
    return page;
  }

  /** An HTTP client with this person's session cookie (to check the server's view). */
  async http(): Promise<HttpClient> {
    const cookie = (await this.context.cookies()).find((c) => c.name === 'comptoir_session');
    assert.ok(cookie, `${this.name} has no session cookie`);
    const client = new HttpClient(this.scene.url);
    client.cookie = `${cookie.name}=${cookie.value}`;
    return client;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Waiting

/** Retries `check` (an assertion) until it passes, or throws its last error after `timeout` ms. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  { timeout = WAIT_MS, interval = 50, message }: { timeout?: number; interval?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() >= deadline) {
        if (message && e instanceof Error) e.message = `${message}: ${e.message}`;
        throw e;
      }
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Holds for `ms`: `check` keeps passing the whole time (to assert that something does NOT happen). */
export async function stays(check: () => Promise<void> | void, ms: number, interval = 100): Promise<void> {
  const end = Date.now() + ms;
  do {
    await check();
    await new Promise((r) => setTimeout(r, interval));
  } while (Date.now() < end);
  await check();
}

/** The data-testid of the element that has focus. */
export function focusedTestId(page: Page): Promise<string | null | undefined> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
}

/** Waits for the element with `testId` to have focus (the app moves focus on the next animation frame). */
export async function waitFocus(page: Page, testId: string): Promise<void> {
  await eventually(async () => assert.equal(await focusedTestId(page), testId));
}

/** The page's connection state (`connection-status` data-state). */
export function connectionState(page: Page): Promise<string | null> {
  return page.locator('[data-testid="connection-status"]').first().getAttribute('data-state', { timeout: WAIT_MS });
}

export async function waitConnection(page: Page, state: 'online' | 'offline' | 'connecting', timeout = WAIT_MS) {
  await page
    .locator(`[data-testid="connection-status"][data-state="${state}"]`)
    .first()
    .waitFor({ state: 'attached', timeout });
}

export function waitOnline(page: Page, timeout = RECONNECT_MS): Promise<void> {
  return waitConnection(page, 'online', timeout);
}

// ---------------------------------------------------------------------------------------------------------
// The UI

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The open thread's messages (bubbles), oldest first. */
export function messages(page: Page): Locator {
  return page.locator('[data-testid="thread"] [data-testid="message"]');
}

/** The bubble whose text is exactly `text`. */
export function bubble(page: Page, text: string): Locator {
  return messages(page).filter({
    has: page.locator('[data-testid="message-text"]', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }),
  });
}

/** Texts of the open thread's messages, oldest first. */
export async function messageTexts(page: Page): Promise<string[]> {
  return (await messages(page).locator('[data-testid="message-text"]').allTextContents()).map((t) => t.trim());
}

/** Waits until the open thread shows exactly `expected`, in order (no more, no fewer, no duplicates). */
export async function expectTexts(page: Page, expected: string[], timeout = WAIT_MS): Promise<void> {
  await eventually(async () => assert.deepEqual(await messageTexts(page), expected), { timeout });
}

/** Waits until a message's status is `status`, or one of them (`acked`: the server has it, seen or not). */
export async function waitStatus(b: Locator, status: string | readonly string[], timeout = WAIT_MS): Promise<void> {
  const wanted = typeof status === 'string' ? [status] : status;
  await eventually(
    async () => {
      const now = await b.getAttribute('data-status', { timeout });
      assert.ok(now !== null && wanted.includes(now), `data-status ${now}, expected ${wanted.join(' or ')}`);
    },
    { timeout, message: 'message data-status' },
  );
}

/** The statuses of a message the server has acknowledged: sent, and then delivered or read by the others. */
export const acked = ['sent', 'delivered', 'read'] as const;

/** Types in the composer and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer');
  await composer.fill(text);
  await composer.press('Enter');
}

/** From `a`'s list: finds `b` with the people search and starts (or opens) their one-to-one. Returns its id. */
export async function startDirect(a: Person, b: Person): Promise<string> {
  const page = a.page;
  const before = page.url();
  await page.getByTestId('people-search').fill(b.username);
  await page.locator(`[data-testid="people-result"][data-user-id="${b.id}"]`).click();
  // Another conversation may be open already: its URL is not the answer (a race that gave its id).
  try {
    await page.waitForURL((url) => /\/c\/[^/]+$/.test(url.pathname) && url.href !== before, { timeout: 5000 });
  } catch {
    await page.waitForURL(/\/c\/[^/]+$/); // the conversation with b was the one open
  }
  await page.getByTestId('composer').waitFor();
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  assert.ok(id, 'conversation id in the URL');
  return id;
}

export function conversationItem(page: Page, conversationId: string): Locator {
  return page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`);
}

/** Opens a conversation from the list. */
export async function openConversation(page: Page, conversationId: string): Promise<void> {
  await conversationItem(page, conversationId).click();
  await page.waitForURL(new RegExp(`/c/${escapeRegExp(encodeURIComponent(conversationId))}$`));
  await page.locator('[data-testid="thread"][aria-busy="false"]').waitFor();
}

/** The unread badge count of a conversation in the list (0 when there is none). */
export async function unreadBadge(page: Page, conversationId: string): Promise<number> {
  const badge = conversationItem(page, conversationId).getByTestId('unread-badge');
  if ((await badge.count()) === 0) return 0;
  return Number((await badge.textContent())?.trim());
}

/**
 * Records every `data-status` each message bubble (by clientId) takes from now on, including the
 * short-lived `pending` one. Read with `statusHistory`.
 */
export async function recordStatuses(page: Page): Promise<void> {
  // A string, not a function: tsx would wrap nested functions in a `__name` helper the page does not have.
  await page.evaluate(STATUS_RECORDER);
}

const STATUS_RECORDER = `(() => {
  if (window.__statuses) return;
  const log = {};
  window.__statuses = log;
  const note = (el) => {
    const id = el.getAttribute('data-client-id');
    const status = el.getAttribute('data-status');
    if (!id || !status) return;
    const list = log[id] || (log[id] = []);
    if (list[list.length - 1] !== status) list.push(status);
  };
  const scan = (node) => {
    if (!(node instanceof Element)) return;
    if (node.matches('[data-testid="message"]')) note(node);
    for (const el of node.querySelectorAll('[data-testid="message"]')) note(el);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') scan(r.target);
      else for (const n of r.addedNodes) scan(n);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  scan(document.body);
})()`;

export async function statusHistory(b: Locator): Promise<string[]> {
  const clientId = await b.getAttribute('data-client-id');
  assert.ok(clientId, 'the bubble has a clientId');
  return b
    .page()
    .evaluate(
      (id) => (window as unknown as { __statuses?: Record<string, string[]> }).__statuses?.[id] ?? [],
      clientId,
    );
}
