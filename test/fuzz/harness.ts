import assert from 'node:assert/strict';
import http from 'node:http';
import type fc from 'fast-check';
import pino from 'pino';
import { type ErrorId, errorIds } from '../../protocol/errors.ts';
import { catalogue } from '../../server/errors.ts';
import type { Logger } from '../../server/lib/logger.ts';
import { type Backend, serverOn } from '../helpers/backends.ts';
import type { TestServer } from '../helpers/server.ts';

/**
 * What the fuzz suites share: how many runs and which seed, a watch on the server process (unhandled
 * rejections, uncaught exceptions, errors it logs), a raw HTTP client that can send anything, and the
 * check that an answer is one the protocol allows. docs/TESTING.md says how to run longer or reproduce.
 */

/** The seed CI runs with; `FUZZ_SEED=<n>` reproduces another run, `FUZZ_SEED=random` picks a fresh one. */
const DEFAULT_SEED = 424242;
const seedEnv = process.env.FUZZ_SEED;
export const seed =
  seedEnv === 'random' ? Math.floor(Math.random() * 2 ** 31) : seedEnv ? Number(seedEnv) : DEFAULT_SEED;
if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", not ${seedEnv}`);
/** `FUZZ_RUNS=<factor>` multiplies every property's number of runs (default 1: what CI runs). */
const factor = Number(process.env.FUZZ_RUNS ?? 1);
if (!(factor > 0)) throw new Error(`FUZZ_RUNS must be a positive number, not ${process.env.FUZZ_RUNS}`);
if (seed !== DEFAULT_SEED || factor !== 1) console.log(`# fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${factor}`);

/** fast-check parameters for a property of `runs` runs (times FUZZ_RUNS), with the suite's seed. */
export function fuzzParams<T>(runs: number): fc.Parameters<T> {
  // FUZZ_SHRINK=0 reports the first failing input as found (shrinking against a live server can be slow).
  return { seed, numRuns: Math.max(1, Math.round(runs * factor)), endOnFailure: process.env.FUZZ_SHRINK === '0' };
}

/** Every rate limit out of the way (sign-in and sign-up included), so that refusals come from validation. */
export const generousRates: Record<string, string> = {
  RATE_MESSAGES_PER_SECOND: '100000',
  RATE_MESSAGES_BURST: '100000',
  RATE_REQUESTS_PER_MINUTE: '10000000',
  RATE_SIGNIN_FAILURES: '100000',
  RATE_SIGNUPS_PER_HOUR: '100000',
  RATE_GROUPS_PER_HOUR: '100000',
  RATE_MEMBER_ADDS_PER_HOUR: '10000000',
  RATE_PROFILE_CHANGES_PER_HOUR: '100000',
  RATE_PAGES_PER_HOUR: '100000',
  RATE_FRAMES_PER_SECOND: '100000',
  RATE_HELLOS_PER_MINUTE: '100000',
  RATE_TYPING_PER_10S: '100000',
  RATE_CATCHUP_EVENTS_PER_SECOND: '10000000',
  RATE_APPS_PER_HOUR: '100000',
  RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '100000',
  RATE_UPLOADS_PER_MINUTE: '100000',
  RATE_CONTENT_APP_QUERIES_PER_MINUTE: '100000',
};

/**
 * Problems seen in this process while the server runs in it: unhandled rejections, uncaught exceptions,
 * and anything the server logs at error level or above (a bug it caught and answered `internal`, a
 * consumer that threw, a failed batch).
 */
export class Watch {
  readonly problems: string[] = [];
  readonly logger: Logger;

  constructor() {
    process.on('unhandledRejection', (reason) => this.problems.push(`unhandled rejection: ${describe(reason)}`));
    process.on('uncaughtException', (err) => this.problems.push(`uncaught exception: ${describe(err)}`));
    const sink = {
      write: (line: string) => {
        const entry = JSON.parse(line) as { level: number; msg?: string; err?: { stack?: string } };
        if (entry.level >= 50) this.problems.push(`server logged an error: ${entry.msg} ${entry.err?.stack ?? ''}`);
      },
    };
    this.logger = pino({ level: 'error' }, sink) as unknown as Logger;
  }

  /** Fails with every problem seen since the last check (and forgets them). */
  check(context = '') {
    if (this.problems.length === 0) return;
    const seen = this.problems.splice(0);
    assert.fail(`${context ? `${context}: ` : ''}${seen.join('\n')}`);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/**
 * A server of the backend for fuzzing: every rate limit generous, its log watched. The world's webhook
 * receiver runs on 127.0.0.1 (its apps' webhooks are set on it): that private address only is allowed.
 */
export function fuzzServer(backend: Backend, watch: Watch, env: Record<string, string> = {}): Promise<TestServer> {
  return serverOn(
    backend,
    { ...generousRates, LOG_LEVEL: 'error', WEBHOOK_ALLOW_PRIVATE: '127.0.0.1', ...env },
    { logger: watch.logger },
  );
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** One HTTP request exactly as given: any method, path, headers and body bytes. */
export function rawRequest(baseUrl: string, r: RawRequest): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: { ...(r.body !== undefined ? { 'content-length': Buffer.byteLength(r.body) } : {}), ...r.headers },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    // The server may answer (413) and close before it has read a large body: that answer counts.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    req.end(r.body);
  });
}

// 202: a replay or a test event queued for an app's webhook.
const knownStatuses = new Set([200, 201, 202, 204, ...Object.values(catalogue).map((c) => c.status)]);

/** The error ids an answer may carry: every catalogued one except those that mean a bug or an outage. */
const acceptable = new Set<string>(errorIds.filter((id) => id !== 'internal' && id !== 'storage_unavailable'));

/**
 * Property 1 for one HTTP answer: a known status, JSON, and for an error the envelope
 * `{error: {id, message, details?}}` with a catalogued id whose status it has — never `internal` (500)
 * nor `storage_unavailable` (503: the database failed on this input).
 */
export function assertWellFormed(a: RawAnswer, what: string): void {
  const where = `${what} → ${a.status} ${a.text.slice(0, 500)}`;
  assert.ok(knownStatuses.has(a.status), `unknown status: ${where}`);
  if (a.status === 204) {
    assert.equal(a.text, '', `204 with a body: ${where}`);
    return;
  }
  assert.match(String(a.headers['content-type']), /^application\/json/, `not JSON: ${where}`);
  assert.notEqual(a.json, undefined, `unparsable JSON: ${where}`);
  if (a.status < 400) return;
  const body = a.json as { error?: unknown };
  assert.ok(isPlainObject(body) && Object.keys(body).join() === 'error', `no error envelope: ${where}`);
  const e = body.error as { id?: unknown; message?: unknown; details?: unknown };
  assert.ok(isPlainObject(e), `no error object: ${where}`);
  const keys = Object.keys(e).sort().join();
  assert.ok(keys === 'id,message' || keys === 'details,id,message', `error keys ${keys}: ${where}`);
  assert.ok(typeof e.id === 'string' && acceptable.has(e.id), `error id ${String(e.id)}: ${where}`);
  assert.equal(typeof e.message, 'string', `error message: ${where}`);
  assert.ok(e.details === undefined || isPlainObject(e.details), `error details: ${where}`);
  assert.equal(a.status, catalogue[e.id as ErrorId].status, `status of ${String(e.id)}: ${where}`);
}

/** The error id of an answer, or null for a success. */
export function errorIdOf(a: RawAnswer): string | null {
  if (a.status < 400) return null;
  return ((a.json as { error?: { id?: string } } | undefined)?.error?.id ?? null) as string | null;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A known socket error id (an `error` frame): catalogued, not a bug nor an outage. */
export function acceptableErrorId(id: unknown): boolean {
  return typeof id === 'string' && acceptable.has(id);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * With FUZZ_STATS=1, what the answers were, per surface (route or frame type): to see that a property
 * reaches past validation, not only that it passes.
 */
export class Stats {
  private readonly counts = new Map<string, Map<string, number>>();
  add(surface: string, outcome: string) {
    let m = this.counts.get(surface);
    if (!m) {
      m = new Map();
      this.counts.set(surface, m);
    }
    m.set(outcome, (m.get(outcome) ?? 0) + 1);
  }
  print(title: string) {
    if (process.env.FUZZ_STATS !== '1') return;
    console.log(`# ${title}`);
    for (const [surface, m] of this.counts) {
      const parts = [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
      console.log(`#   ${surface}: ${parts.join(', ')}`);
    }
  }
}
