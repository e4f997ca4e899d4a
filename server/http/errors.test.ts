import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signUp } from '../../test/helpers/client.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';

type Err = { error: { id: string; message: string } };

describe('errors Fastify answers itself', () => {
  let s: TestServer;
  let cookie: string;
  before(async () => {
    s = await startServer();
    cookie = (await signUp(s.url)).http.cookie ?? '';
  });
  after(() => s.close());

  // Found by the fuzz suite (test/fuzz/http.test.ts): these left in Fastify's own shape, not the envelope.
  it('answers an undecodable path and an over-long path parameter with the error envelope', async () => {
    for (const [method, path] of [
      ['GET', '/api/conversations/%ED%A0%80'],
      ['GET', '/healthz/%E0%A4%A'],
      ['DELETE', '/api/messages/%ED%A0%80'],
      ['GET', `/api/conversations/${'a'.repeat(101)}`],
      ['DELETE', `/api/sessions/${'a'.repeat(5000)}`],
    ]) {
      const r = await fetch(s.url + path, { method, headers: { cookie } });
      assert.equal(r.status, 400, `${method} ${path}`);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await r.json()) as Err;
      assert.deepEqual(Object.keys(body), ['error']);
      assert.equal(body.error.id, 'bad_request', `${method} ${path}`);
      assert.equal(typeof body.error.message, 'string');
    }
  });
});
