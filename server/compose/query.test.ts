/**
 * The query protocol against a real content app on 127.0.0.1 (test/helpers/content-app.ts): the signed
 * body, paging, the cache (the app asked once), and every way an app fails — each a stable error id.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { catalogue, startContentApp, type TestContentApp } from '../../test/helpers/content-app.ts';
import { AppError } from '../errors.ts';
import { parseAllowance } from '../lib/ip.ts';
import { AppCaller } from './caller.ts';
import { AppQueries, type Question } from './query.ts';
import type { ComposeExtensionRecord } from './store.ts';

const rejectsWith = (p: Promise<unknown>, id: string, details?: Record<string, unknown>) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.id, id, e.message);
    if (details) for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details?.[k], v, k);
    return true;
  });

describe('content app queries', () => {
  let app: TestContentApp;
  let now = 1_000_000;
  let queries: AppQueries;
  const caller = new AppCaller({ allowance: parseAllowance('127.0.0.1/32') });
  const make = (over: Partial<ConstructorParameters<typeof AppQueries>[3]> = {}) =>
    new AppQueries(
      caller,
      async () => app.secret,
      (appId, userId) => `u:${appId}:${userId}`,
      { timeoutMs: 2000, perMinute: 1000, cacheEntries: 100, clock: () => now, ...over },
    );
  let version = 0;
  const extension = (over: Partial<ComposeExtensionRecord> = {}): ComposeExtensionRecord => ({
    appId: 'app1',
    name: 'GIF Box',
    iconUrl: `${app.origin}/icon.png`,
    kinds: ['gif'],
    queryUrl: app.queryUrl,
    createdAt: 1,
    updatedAt: ++version, // a new version each test: nothing kept from another
    ...over,
  });
  const ask = (text: string, offset = '', over: Partial<Question> = {}) => ({
    query: text,
    locale: 'fr-CA',
    offset,
    replyTo: null,
    ...over,
  });

  before(async () => {
    app = await startContentApp();
    app.secret = 'a'.repeat(64);
  });
  after(() => app.close());
  beforeEach(() => {
    app.queries.length = 0;
    app.answer = (q) => catalogue(app, q);
    queries = make();
  });

  it('POSTs the signed query (never the account id) and takes the answer, page by page', async () => {
    const e = extension();
    const first = await queries.ask('ana', e, ask('cat'));
    assert.deepEqual(
      first.results.map((r) => r.id),
      ['cat-1', 'cat-2'],
    );
    assert.equal(first.nextOffset, '2');
    const second = await queries.ask('ana', e, ask('cat', first.nextOffset ?? ''));
    assert.deepEqual(
      second.results.map((r) => r.id),
      ['cat-3'],
    );
    assert.equal(second.nextOffset, null);
    assert.equal(app.queries.length, 2);
    const [q] = app.queries;
    assert.ok(q?.signed, 'X-Hub-Signature-256 with the app secret');
    assert.equal(q?.headers['content-type'], 'application/json');
    assert.deepEqual(q?.body, { query: 'cat', locale: 'fr-CA', offset: '', user: { id: 'u:app1:ana' } });
  });

  it('keeps an answer for its cacheTime (the app asked once), per query, offset and locale', async () => {
    const e = extension();
    await queries.ask('ana', e, ask('cat'));
    await queries.ask('ben', e, ask('cat'));
    assert.equal(app.queries.length, 1, 'the second came from the cache');
    await queries.ask('ana', e, ask('cat', '2'));
    await queries.ask('ana', e, ask('cat', '', { locale: 'en' }));
    await queries.ask('ana', e, ask('dog'));
    assert.equal(app.queries.length, 4);
    now += 61_000;
    await queries.ask('ana', e, ask('cat'));
    assert.equal(app.queries.length, 5, 'asked again once its cacheTime passed');
    await queries.ask('ana', extension({ updatedAt: e.updatedAt + 1 }), ask('cat'));
    assert.equal(app.queries.length, 6, 'an extension set again is asked again');
  });

  it('keeps an answer at most 300 s, and not at all without cacheTime; one call for the same question at once', async () => {
    const e = extension();
    app.answer = () => ({ status: 200, body: { results: [], cacheTime: 86_400 } });
    await queries.ask('ana', e, ask('x'));
    now += 299_000;
    await queries.ask('ana', e, ask('x'));
    assert.equal(app.queries.length, 1);
    now += 2000;
    await queries.ask('ana', e, ask('x'));
    assert.equal(app.queries.length, 2, 'capped at 300 s');
    app.answer = () => ({ status: 200, body: { results: [] } });
    await queries.ask('ana', e, ask('y'));
    await queries.ask('ana', e, ask('y'));
    assert.equal(app.queries.length, 4, 'no cacheTime: not kept');
    await Promise.all([queries.ask('ana', e, ask('z')), queries.ask('ben', e, ask('z'))]);
    assert.equal(app.queries.length, 5, 'asked at once: one call');
  });

  it('answers app_query_timeout for an app that hangs, and the server goes on', async () => {
    const q = make({ timeoutMs: 300 });
    app.answer = () => 'hang';
    const started = Date.now();
    await rejectsWith(q.ask('ana', extension(), ask('cat')), 'app_query_timeout', { timeoutMs: 300 });
    assert.ok(Date.now() - started < 2000);
    app.answer = (x) => catalogue(app, x);
    assert.equal((await q.ask('ana', extension(), ask('cat'))).results.length, 2);
  });

  it('answers app_query_failed naming why: status, JSON, shape, kinds, duplicates, size, connection, address', async () => {
    const failsWith = async (answer: TestContentApp['answer'], details: Record<string, unknown>) => {
      app.answer = answer;
      await rejectsWith(queries.ask('ana', extension(), ask('cat')), 'app_query_failed', details);
    };
    await failsWith(() => ({ status: 500, body: 'oops' }), { reason: 'status', status: 500 });
    await failsWith(() => ({ status: 302, body: '' }), { reason: 'status', status: 302 });
    await failsWith(() => ({ status: 200, body: '<html>not json' }), { reason: 'json' });
    await failsWith(() => ({ status: 200, body: { results: 'none' } }), { reason: 'shape' });
    await failsWith(() => ({ status: 200, body: { results: [{ id: 'a', type: 'gif', url: 'x', previewUrl: 'y' }] } }), {
      reason: 'shape',
      fields: {
        'results.0.previewUrl': 'an http(s) URL without credentials',
        'results.0.url': 'an http(s) URL without credentials',
      },
    });
    const item = (id: string, type: string) => ({ id, type, url: `${app.origin}/a`, previewUrl: `${app.origin}/a` });
    await failsWith(() => ({ status: 200, body: { results: [item('a', 'audio')] } }), {
      reason: 'shape',
      fields: { 'results.0.type': "not one of the extension's kinds (gif)" },
    });
    await failsWith(() => ({ status: 200, body: { results: [item('a', 'gif'), item('a', 'gif')] } }), {
      reason: 'shape',
      fields: { 'results.1.id': 'given to another result of the answer' },
    });
    await failsWith(() => ({ status: 200, body: { results: [], pad: 'x'.repeat(300 * 1024) } }), {
      reason: 'too_large',
    });
    await failsWith(() => 'close', { reason: 'unreachable' });

    await rejectsWith(
      queries.ask('ana', extension({ queryUrl: 'http://127.0.0.1:1/query' }), ask('cat')),
      'app_query_failed',
      { reason: 'unreachable', code: 'ECONNREFUSED' },
    );
    await rejectsWith(
      queries.ask('ana', extension({ queryUrl: 'http://10.0.0.1/query' }), ask('cat')),
      'app_query_failed',
      { reason: 'address', kind: 'private' },
    );
    await rejectsWith(
      queries.ask('ana', extension({ queryUrl: 'http://169.254.169.254/latest' }), ask('cat')),
      'app_query_failed',
      { reason: 'address', kind: 'link-local' },
    );
  });

  it('limits the queries a person sends to apps, not those answered from the cache', async () => {
    const q = make({ perMinute: 2 });
    const e = extension();
    await q.ask('ana', e, ask('cat'));
    await q.ask('ana', e, ask('dog'));
    await q.ask('ana', e, ask('cat'));
    await rejectsWith(q.ask('ana', e, ask('bird')), 'rate_limited');
    await q.ask('ben', e, ask('bird'));
  });
});
