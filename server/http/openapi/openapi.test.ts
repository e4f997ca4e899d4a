import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { compileErrors, validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyRequest } from 'fastify';
import { commerceLimits } from '../../../protocol/commerce.ts';
import { defaultRequestPolicy } from '../../../protocol/order-requests.ts';
import type { AppView, UserView } from '../../../protocol/views.ts';
import { HttpClient, type Person, signUp, startDirect } from '../../../test/helpers/client.ts';
import { contentAppEnv, startContentApp } from '../../../test/helpers/content-app.ts';
import { startServer, type TestServer } from '../../../test/helpers/server.ts';
import { idempotencyKeyOf } from '../../commerce/calls.ts';
import { openApiDocument, openApiPath, registeredApiRoutes } from './document.ts';
import { objectSchema, string, time } from './schema.ts';

type Doc = {
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; required: boolean; schema: { type?: string } }[];
        responses: Record<
          string,
          {
            headers?: Record<string, { schema: { type?: string } }>;
            content?: Record<string, { schema: object }>;
          }
        >;
      }
    >
  >;
  components: { schemas: Record<string, object> };
};
const doc = openApiDocument() as unknown as Doc;
const DOC_ID = 'https://comptoir.invalid/openapi.json';
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** Ajv in strict mode (an unknown keyword or format in a schema fails), with the document's top-level keys known. */
function ajvWithDocument() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  ajv.addVocabulary(['openapi', 'jsonSchemaDialect', 'info', 'servers', 'tags', 'security', 'paths', 'components']);
  ajv.addSchema({ ...doc, $id: DOC_ID });
  return ajv;
}
const ajv = ajvWithDocument();

/** The schema the document gives for this route's answer with this status (fails when it gives none). */
function answerSchema(method: string, template: string, status: number) {
  const op = doc.paths[template]?.[method];
  assert.ok(op, `${method} ${template} is described`);
  const answer = op.responses[String(status)];
  assert.ok(answer, `${method} ${template} documents status ${status}`);
  return answer;
}

/** The documented path a concrete path falls under (`/api/apps/01H…` → `/api/apps/{id}`). */
function templateOf(method: string, path: string): string {
  const bare = path.split('?')[0] as string;
  const found = Object.keys(doc.paths).filter(
    (t) => doc.paths[t]?.[method] && new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare),
  );
  // A literal segment beats a parameter (`/api/conversations/direct` over `/api/conversations/{id}`).
  found.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  assert.ok(found[0], `no documented route for ${method.toUpperCase()} ${bare}`);
  return found[0];
}

/** Checks an answer against the document: its status is documented, its body valid under its schema. */
function conforms(method: string, path: string, status: number, body: unknown) {
  const template = templateOf(method, path);
  const answer = answerSchema(method, template, status);
  if (!answer.content) {
    assert.equal(body, null, `${method} ${template} ${status} has no body`);
    return;
  }
  const ref = `${DOC_ID}#/${pointer('paths', template, method, 'responses', String(status), 'content', 'application/json', 'schema')}`;
  const check = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  assert.ok(
    check(body),
    `${method.toUpperCase()} ${path} ${status}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(body).slice(0, 600)}`,
  );
}

/** Checks a request body the server accepted against the document's schema for it. */
function accepts(method: string, path: string, body: unknown) {
  const template = templateOf(method, path);
  const ref = `${DOC_ID}#/${pointer('paths', template, method, 'requestBody', 'content', 'application/json', 'schema')}`;
  const check = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  assert.ok(check(body), `${method.toUpperCase()} ${path} body: ${ajv.errorsText(check.errors)}`);
  acceptedBodies++;
}
let acceptedBodies = 0;

/** The API's own headers an answer may carry: the document declares each on the answers that carry it. */
const ownAnswerHeaders = ['Idempotent-Replayed', 'Retry-After'];

/** A header's value under the schema the document gives it at `at` (a JSON pointer into the document). */
function headerValid(at: string, schema: { type?: string }, value: string) {
  const check = ajv.getSchema(`${DOC_ID}#/${at}`) ?? ajv.compile({ $ref: `${DOC_ID}#/${at}` });
  return check(schema.type === 'integer' ? Number(value) : value);
}

/**
 * Checks the headers of a call against the document: each request header it sent is a header parameter of
 * the route (its value valid when the route took it), each of the API's own headers of its answer is
 * declared for that status, its value valid.
 */
function headersConform(method: string, path: string, status: number, sent: Record<string, string>, answered: Headers) {
  const template = templateOf(method, path);
  const op = doc.paths[template]?.[method];
  assert.ok(op);
  for (const [name, value] of Object.entries(sent)) {
    const at = (op.parameters ?? []).findIndex((p) => p.in === 'header' && p.name.toLowerCase() === name.toLowerCase());
    const param = op.parameters?.[at];
    assert.ok(param, `${method.toUpperCase()} ${template} declares the header parameter ${name}`);
    if (status < 300)
      assert.ok(
        headerValid(pointer('paths', template, method, 'parameters', String(at), 'schema'), param.schema, value),
        `${method.toUpperCase()} ${template}: ${name}: ${value} accepted, the document refuses it`,
      );
  }
  for (const name of ownAnswerHeaders) {
    const value = answered.get(name);
    if (value === null) continue;
    const declared = answerSchema(method, template, status).headers?.[name];
    assert.ok(declared, `${method.toUpperCase()} ${template} ${status} carries ${name}: the document declares it`);
    assert.ok(
      headerValid(
        pointer('paths', template, method, 'responses', String(status), 'headers', name, 'schema'),
        declared.schema,
        value,
      ),
      `${method.toUpperCase()} ${template} ${status}: ${name}: ${value} is not what the document says`,
    );
  }
}

/** An HTTP client whose every answer is checked against the document. */
class Checked {
  constructor(readonly http: HttpClient) {}
  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    expect?: number,
    /** Request headers of the API's own (`Idempotency-Key`): each must be a header parameter of the route. */
    headers: Record<string, string> = {},
  ) {
    const r = await this.http.request<T>(method, path, body, headers);
    if (expect !== undefined) assert.equal(r.status, expect, `${method} ${path}: ${JSON.stringify(r.body)}`);
    conforms(method.toLowerCase(), path, r.status, r.body);
    headersConform(method.toLowerCase(), path, r.status, headers, r.headers);
    // What the server accepted, the document accepts too (the request schema is not stricter than the route).
    if (r.status < 300 && body !== undefined) accepts(method.toLowerCase(), path, body);
    checkedAnswers++;
    return r;
  }
}
let checkedAnswers = 0;

describe('the OpenAPI description of the native API', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  it('describes exactly the /api routes Fastify registered, no more, no fewer', () => {
    const registered = registeredApiRoutes(s.comptoir.app).map((r) => `${r.method} ${openApiPath(r.path)}`);
    assert.ok(registered.length > 50, `the routes were noted (${registered.length})`);
    assert.equal(new Set(registered).size, registered.length);
    const described = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    const missing = registered.filter((r) => !described.includes(r));
    const extra = described.filter((d) => !registered.includes(d));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
  });

  it('is served at GET /api/openapi.json without a session, with the version of package.json', async () => {
    const r = await fetch(`${s.url}/api/openapi.json`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    const served = (await r.json()) as Doc;
    assert.deepEqual(served, JSON.parse(JSON.stringify(doc)));
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    assert.equal(served.info.title, 'Comptoir');
    assert.equal(served.info.version, pkg.version);
  });

  it('is a valid OpenAPI 3.1 document (and the validator does catch a broken one)', async () => {
    const r = await validate(structuredClone(doc) as never);
    assert.ok(r.valid, r.valid ? '' : compileErrors(r));
    const broken = structuredClone(doc) as unknown as {
      paths: Record<string, Record<string, { parameters?: unknown[] }>>;
    };
    const get = broken.paths['/api/conversations/{id}']?.get;
    assert.ok(get);
    delete get.parameters;
    assert.equal((await validate(broken as never)).valid, false);
  });

  it('holds only schemas strict Ajv compiles (no unknown keyword or format), every $ref resolved', () => {
    const strict = ajvWithDocument();
    let compiled = 0;
    for (const name of Object.keys(doc.components.schemas)) {
      strict.compile({ $ref: `${DOC_ID}#/${pointer('components', 'schemas', name)}` });
      compiled++;
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, answer] of Object.entries(op.responses)) {
          if (!answer.content?.['application/json']) continue; // a file's bytes (media) have no JSON schema
          strict.compile({
            $ref: `${DOC_ID}#/${pointer('paths', path, method, 'responses', status, 'content', 'application/json', 'schema')}`,
          });
          compiled++;
        }
      }
    }
    assert.ok(compiled > 200, `${compiled} schemas`);
  });

  it('lists each value of an enum once (JSON Schema forbids a repeat: fast-json-stringify refuses the document)', () => {
    const repeated: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) {
        for (const [i, v] of node.entries()) walk(v, `${at}/${i}`);
      } else if (node && typeof node === 'object') {
        const { enum: values } = node as { enum?: unknown };
        if (Array.isArray(values) && new Set(values).size !== values.length) repeated.push(at);
        for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
      }
    };
    walk(doc, '#');
    assert.deepEqual(repeated, []);
  });

  it('says, for each route, which error ids it may answer: an undocumented id fails the check', () => {
    const body = { error: { id: 'app_not_found', message: 'No such app' } };
    assert.throws(
      () => conforms('get', '/api/conversations/x', 404, body),
      /must be equal to one of the allowed values/,
    );
    conforms('get', '/api/conversations/x', 404, { error: { id: 'conversation_not_found', message: '…' } });
    // And a field the interface does not have fails too.
    assert.throws(() => conforms('get', '/api/apps', 200, { apps: [], more: true }), /additional properties/);
  });

  it('declares the Idempotency-Key header on every change that takes one, and Idempotent-Replayed on its answers', () => {
    const key = { type: 'string', minLength: 1, maxLength: commerceLimits.idempotencyKey, pattern: '^[!-~]+$' };
    const order = '/api/commerce/orders/{number}';
    const panel = '/api/pages/{id}/orders/{number}';
    const takes = [
      'post /api/commerce/orders',
      `patch ${order}`,
      `post ${order}/cancel`,
      `post ${order}/refunds`,
      `post ${order}/requests/{requestId}/answer`,
      `post ${order}/shipments`,
      `post ${order}/shipments/{shipmentId}/events`,
      `post ${panel}/cancel`,
      `post ${panel}/refunds`,
    ];
    const declared: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const header = op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
        if (!header) continue;
        declared.push(`${method} ${path}`);
        assert.equal(header.required, false, `${method} ${path}: the key may be left out`);
        assert.deepEqual(header.schema, key, `${method} ${path}: the key's constraints are the route's`);
        const ok = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
        assert.ok(ok.length > 0);
        for (const [status, answer] of ok)
          assert.deepEqual(
            answer.headers?.['Idempotent-Replayed']?.schema,
            { type: 'string', enum: ['true'] },
            `${method} ${path} ${status} declares Idempotent-Replayed`,
          );
      }
    }
    assert.deepEqual(declared.sort(), takes.sort());
    // The tracking event answers 201 {order, shipment}, as the route does (commerce/routes.ts, flows/orders.ts track).
    const tracking = doc.paths[`${order}/shipments/{shipmentId}/events`]?.post;
    assert.deepEqual(
      Object.keys(tracking?.responses ?? {}).filter((status) => status.startsWith('2')),
      ['201'],
    );
    assert.deepEqual(tracking?.responses['201']?.content?.['application/json']?.schema, {
      $ref: '#/components/schemas/ShipmentResponse',
    });
    const shipment = doc.components.schemas.ShipmentResponse as { properties: object; required: string[] };
    assert.deepEqual(Object.keys(shipment.properties).sort(), ['order', 'shipment']);
    assert.deepEqual(shipment.required.sort(), ['order', 'shipment']);
  });

  it('gives the Idempotency-Key the constraints the routes check it with (commerce/calls.ts idempotencyKeyOf)', () => {
    const at = pointer('paths', '/api/commerce/orders', 'post', 'parameters');
    const index = doc.paths['/api/commerce/orders']?.post?.parameters?.findIndex((p) => p.name === 'Idempotency-Key');
    assert.ok(index !== undefined && index >= 0);
    const check = ajv.compile({ $ref: `${DOC_ID}#/${at}/${index}/schema` });
    const max = commerceLimits.idempotencyKey;
    const keys = [
      'k',
      'order-FL-1042',
      '!~',
      'x'.repeat(max),
      'x'.repeat(max + 1),
      '',
      'two words',
      'tab\t',
      'café',
      '\x7f',
    ];
    for (const key of keys) {
      let taken = true;
      try {
        idempotencyKeyOf({ headers: { 'idempotency-key': key } } as unknown as FastifyRequest);
      } catch {
        taken = false;
      }
      assert.equal(check(key), taken, `${JSON.stringify(key)}: the route ${taken ? 'takes' : 'refuses'} it`);
    }
  });

  it('matches what a running server answers: people, conversations, messages, events, pages, apps, errors', async () => {
    const anon = new Checked(new HttpClient(s.url));
    await anon.call('GET', '/api/instance', undefined, 200);
    await anon.call('GET', '/api/me', undefined, 401);
    const signup = await anon.call(
      'POST',
      '/api/auth/signup',
      { username: 'ada_openapi', password: 'correct horse battery' },
      201,
    );
    const ada = anon; // now signed in
    assert.ok(signup.body.user);
    const bob: Person = await signUp(s.url);
    const b = new Checked(bob.http);

    await ada.call('GET', '/api/me', undefined, 200);
    await ada.call('PATCH', '/api/me', { displayName: 'Ada L.' }, 200);
    await ada.call('GET', '/api/sessions', undefined, 200);
    await ada.call('GET', `/api/users?q=${bob.user.username}`, undefined, 200);

    const direct = await ada.call<{ conversation: { id: string } }>(
      'POST',
      '/api/conversations/direct',
      { userId: bob.user.id },
      201,
    );
    await ada.call('POST', '/api/conversations/direct', { userId: bob.user.id }, 200);
    const id = direct.body.conversation.id;
    await ada.call('POST', `/api/conversations/${id}/messages`, { clientId: 'openapi-1', text: 'Hello Bob' }, 201);
    // Presence: bob (never seen), online or hidden; a stranger's id left out; the setting both ways.
    await ada.call('GET', `/api/presence?userIds=${bob.user.id},nobody`, undefined, 200);
    await ada.call('GET', '/api/presence?userIds=', undefined, 400);
    await ada.call('GET', '/api/me/settings', undefined, 200);
    await b.call('PATCH', '/api/me/settings', { showPresence: false }, 200);
    await ada.call('GET', `/api/presence?userIds=${bob.user.id}`, undefined, 200);
    await b.call('PATCH', '/api/me/settings', { showPresence: true }, 200);
    const again = await ada.call<{ message: { id: string } }>(
      'POST',
      `/api/conversations/${id}/messages`,
      { clientId: 'openapi-1', text: 'Hello Bob' },
      200,
    );
    await b.call(
      'POST',
      `/api/conversations/${id}/messages`,
      { clientId: 'openapi-2', text: 'Hi', replyToId: again.body.message.id },
      201,
    );
    await b.call('PATCH', `/api/messages/${again.body.message.id}`, { text: 'mine?' }, 403);
    await ada.call('PATCH', `/api/messages/${again.body.message.id}`, { text: 'Hello, Bob' }, 200);
    await b.call('POST', `/api/conversations/${id}/receipts`, { readSeq: 1 }, 204);
    const group = await ada.call<{ conversation: { id: string } }>(
      'POST',
      '/api/conversations/group',
      { title: 'Readers', memberIds: [bob.user.id], history: 'full' },
      201,
    );
    await ada.call('PATCH', `/api/conversations/${group.body.conversation.id}`, { title: 'Writers' }, 200);
    await ada.call('GET', `/api/conversations/${id}/messages?limit=10`, undefined, 200);
    await ada.call('DELETE', `/api/messages/${again.body.message.id}`, undefined, 200);
    await ada.call('GET', '/api/conversations', undefined, 200);
    await b.call('GET', '/api/events?after=0', undefined, 200);
    await b.call('DELETE', `/api/conversations/${group.body.conversation.id}/members/${bob.user.id}`, undefined, 204);

    // Pages: made, found, messaged, answered from their inbox.
    const page = await ada.call<{ page: { id: string } }>(
      'POST',
      '/api/pages',
      { name: 'Ada’s Shop', username: 'adas_shop' },
      201,
    );
    const pageId = page.body.page.id;
    await b.call('GET', '/api/pages?q=adas', undefined, 200);
    await b.call('GET', `/api/pages/${pageId}`, undefined, 200);
    await b.call('GET', `/api/pages/${pageId}/profile`, undefined, 200);
    const thread = await b.call<{ conversation: { id: string } }>(
      'POST',
      `/api/pages/${pageId}/conversation`,
      undefined,
      201,
    );
    await b.call('POST', `/api/pages/${pageId}/conversation`, undefined, 200);
    await b.call(
      'POST',
      `/api/conversations/${thread.body.conversation.id}/messages`,
      { clientId: 'openapi-3', text: 'Open?' },
      201,
    );
    await ada.call('GET', '/api/me/pages', undefined, 200);
    await ada.call('GET', `/api/pages/${pageId}/members`, undefined, 200);
    await ada.call('GET', `/api/pages/${pageId}/conversations`, undefined, 200);
    await ada.call(
      'POST',
      `/api/pages/${pageId}/conversations/${thread.body.conversation.id}/messages`,
      { clientId: 'openapi-4', text: 'Yes' },
      201,
    );
    await ada.call('GET', `/api/pages/${pageId}/handover`, undefined, 200);
    await ada.call(
      'GET',
      `/api/pages/${pageId}/conversations/${thread.body.conversation.id}/thread-control`,
      undefined,
      200,
    );
    await b.call('GET', `/api/pages/${pageId}/members`, undefined, 403);
    await b.call('GET', '/api/events?after=0', undefined, 200);

    // Apps.
    const app = await ada.call<{ app: { id: string } }>('POST', '/api/apps', { name: 'Bot' }, 201);
    await ada.call('GET', '/api/apps', undefined, 200);
    await ada.call('GET', `/api/apps/${app.body.app.id}`, undefined, 200);
    await ada.call('POST', `/api/apps/${app.body.app.id}/secret`, undefined, 200);
    const connected = await ada.call<{ pageAccessToken: string }>(
      'POST',
      `/api/apps/${app.body.app.id}/pages/${pageId}`,
      undefined,
      201,
    );
    await ada.call('GET', `/api/apps/${app.body.app.id}/deliveries`, undefined, 200);
    await ada.call('GET', `/api/pages/${pageId}/apps`, undefined, 200);
    await b.call('GET', `/api/pages/${pageId}/apps`, undefined, 403);
    await ada.call('POST', `/api/apps/${app.body.app.id}/webhook/test`, undefined, 409);
    await b.call('GET', `/api/apps/${app.body.app.id}`, undefined, 404);

    // The Orders API: a merchant's server with the page's token (in the query here); the order in Bob's thread.
    const merchant = new Checked(new HttpClient(s.url));
    const q = `?access_token=${encodeURIComponent(connected.body.pageAccessToken)}`;
    const psid = await s.comptoir.storage.reader.pages.psidOf(pageId, bob.user.id);
    const orderBody = {
      number: 'OA-1',
      customer: { psid },
      currency: 'EUR',
      items: [{ title: 'Tea', quantity: 2, unitPrice: 450, imageUrl: 'https://example.com/tea.jpg' }],
      adjustments: [{ label: 'Coupon', amount: -100 }],
      taxes: [{ label: 'VAT', amount: 80 }],
      shippingCost: 300,
      total: 1180,
      shippingAddress: { street1: '1 High St', city: 'Leeds', postalCode: 'LS1', country: 'GB' },
      paymentMethod: 'Visa',
    };
    const order = await merchant.call<{ order: { id: string } }>('POST', `/api/commerce/orders${q}`, orderBody, 201);
    await merchant.call('GET', `/api/commerce/orders/OA-1${q}`, undefined, 200);
    await merchant.call('PATCH', `/api/commerce/orders/OA-1${q}`, { status: 'processing' }, 200);
    const parcel = await merchant.call<{ shipment: { id: string } }>(
      'POST',
      `/api/commerce/orders/OA-1/shipments${q}`,
      { carrier: 'Royal Mail', trackingNumber: 'RM1', trackingUrl: 'https://example.com/t/RM1' },
      201,
    );
    await merchant.call(
      'POST',
      `/api/commerce/orders/OA-1/shipments/${parcel.body.shipment.id}/events${q}`,
      { status: 'in_transit', place: 'Leeds', at: '2026-12-02T08:00:00Z' },
      201,
    );
    await merchant.call('POST', `/api/commerce/orders/OA-1/cancel${q}`, {}, 409);
    await merchant.call('POST', `/api/commerce/orders/OA-1/refunds${q}`, { amount: 180, reason: 'Late' }, 201);
    await merchant.call('POST', `/api/commerce/orders/OA-1/refunds${q}`, { amount: 1001 }, 400);
    // The inbox's order panel: the page's people; anyone else gets an unknown order's answer.
    const panel = `/api/pages/${pageId}/orders`;
    await ada.call('GET', `${panel}?conversationId=${thread.body.conversation.id}`, undefined, 200);
    await b.call('GET', `${panel}?conversationId=${thread.body.conversation.id}`, undefined, 404);
    await ada.call('POST', `${panel}/OA-1/refunds`, { amount: 100 }, 201);
    await ada.call('POST', `${panel}/OA-1/refunds`, { amount: -1 }, 400);
    await b.call('POST', `${panel}/OA-1/refunds`, { amount: 100 }, 404);
    await ada.call('POST', `${panel}/OA-1/cancel`, {}, 409);
    await ada.call('POST', `${panel}/OA-1/shipments/${parcel.body.shipment.id}/resend`, undefined, 200);
    await ada.call('POST', `${panel}/OA-1/shipments/nope/resend`, undefined, 404);
    await merchant.call('POST', `/api/commerce/orders${q}`, { ...orderBody, number: 'OA-2', total: 1 }, 400);
    await merchant.call('POST', `/api/commerce/orders${q}`, { ...orderBody, number: 'OA-3', currency: 'ZZZ' }, 400);
    await merchant.call('GET', `/api/commerce/orders/nope${q}`, undefined, 404);
    await merchant.call('GET', '/api/commerce/orders/OA-1', undefined, 401);
    await b.call('GET', `/api/orders/${order.body.order.id}`, undefined, 200);

    // Customers' requests: Bob asks, the merchant or the inbox answers; the page's policy by token and in the inbox.
    await merchant.call('GET', `/api/commerce/policy${q}`, undefined, 200);
    const policy = { ...defaultRequestPolicy, oneOpenRequest: false };
    await merchant.call('PUT', `/api/commerce/policy${q}`, policy, 200);
    await merchant.call('PUT', `/api/commerce/policy${q}`, { ...policy, cancel: {} }, 400);
    await ada.call('GET', `/api/pages/${pageId}/commerce-policy`, undefined, 200);
    await ada.call('PUT', `/api/pages/${pageId}/commerce-policy`, policy, 200);
    await b.call('PUT', `/api/pages/${pageId}/commerce-policy`, policy, 403);
    await b.call('POST', `/api/orders/${order.body.order.id}/requests`, { kind: 'cancel' }, 403);
    const o4 = await merchant.call<{ order: { id: string } }>(
      'POST',
      `/api/commerce/orders${q}`,
      { ...orderBody, number: 'OA-4' },
      201,
    );
    const id4 = o4.body.order.id;
    const asked = await b.call<{ request: { id: string } }>(
      'POST',
      `/api/orders/${id4}/requests`,
      {
        kind: 'change',
        change: { shippingAddress: { ...orderBody.shippingAddress, street1: '2 High St' } },
        note: 'Moved',
      },
      201,
    );
    const rid = asked.body.request.id;
    await merchant.call(
      'POST',
      `/api/commerce/orders/OA-4/requests/${rid}/answer${q}`,
      { decision: 'needs_info', message: 'Which flat?' },
      200,
    );
    await merchant.call('POST', `/api/commerce/orders/OA-4/requests/${rid}/answer${q}`, { decision: 'accept' }, 409);
    await merchant.call('POST', `/api/commerce/orders/OA-4/requests/nope/answer${q}`, { decision: 'accept' }, 404);
    await b.call('POST', `/api/orders/${id4}/requests/${rid}/reply`, { text: 'Flat 3' }, 200);
    await ada.call('POST', `/api/pages/${pageId}/orders/OA-4/requests/${rid}/answer`, { decision: 'accept' }, 200);
    const items = await b.call<{ request: { id: string } }>(
      'POST',
      `/api/orders/${id4}/requests`,
      { kind: 'change', change: { items: [{ item: 0, quantity: 1 }] } },
      201,
    );
    await b.call('POST', `/api/orders/${id4}/requests/${items.body.request.id}/withdraw`, {}, 200);
    await b.call('POST', `/api/orders/${id4}/requests`, { kind: 'cancel' }, 201);
    await b.call('POST', `/api/orders/${id4}/support`, { text: 'Thanks' }, 200);
    await b.call('GET', `/api/orders/${id4}`, undefined, 200);
    await b.call('GET', `/api/conversations/${thread.body.conversation.id}/messages`, undefined, 200);
    await b.call('GET', '/api/events?after=0', undefined, 200);

    // Errors: each in the envelope, with an id the document lists for that route and status.
    await ada.call('GET', '/api/conversations/nope', undefined, 404);
    await ada.call('POST', '/api/conversations/group', { title: '' }, 400);
    await ada.call('POST', '/api/conversations/direct', '{not json', 400);
    await ada.call(
      'PUT',
      `/api/apps/${app.body.app.id}/webhook`,
      { url: 'ftp://x', verifyToken: 't', fields: ['messages'] },
      400,
    );
    await ada.call('POST', '/api/auth/signout', undefined, 204);
    await ada.call('GET', '/api/conversations', undefined, 401);
    assert.ok(checkedAnswers >= 50, `${checkedAnswers} answers checked`);
    assert.ok(acceptedBodies >= 15, `${acceptedBodies} request bodies checked`);
  });

  /** A page with an app's token, and a customer with a thread with it: what the Orders API tests below start from. */
  async function shopWithCustomer(username: string) {
    const owner: Person = await signUp(s.url);
    const customer: Person = await signUp(s.url);
    const o = new Checked(owner.http);
    const c = new Checked(customer.http);
    const page = await o.call<{ page: { id: string } }>('POST', '/api/pages', { name: 'Shop', username }, 201);
    const pageId = page.body.page.id;
    const app = await o.call<{ app: { id: string } }>('POST', '/api/apps', { name: 'Till' }, 201);
    const connected = await o.call<{ pageAccessToken: string }>(
      'POST',
      `/api/apps/${app.body.app.id}/pages/${pageId}`,
      undefined,
      201,
    );
    await c.call('POST', `/api/pages/${pageId}/conversation`, undefined, 201);
    const psid = await s.comptoir.storage.reader.pages.psidOf(pageId, customer.user.id);
    assert.ok(psid);
    const q = `?access_token=${encodeURIComponent(connected.body.pageAccessToken)}`;
    return {
      customer,
      /** The page's owner, in its inbox. */
      o,
      c,
      /** The merchant's server: the page's token in the query. */
      merchant: new Checked(new HttpClient(s.url)),
      q,
      orders: `/api/commerce/orders${q}`,
      panel: `/api/pages/${pageId}/orders`,
      consent: `/api/pages/${pageId}/consent`,
      order: (number: string) => ({
        number,
        customer: { psid },
        currency: 'EUR',
        items: [{ title: 'Tea', quantity: 1, unitPrice: 500 }],
        total: 500,
      }),
    };
  }

  /** Checks a refusal's error id (conforms checked it is one the document lists for the route and status). */
  async function refused(answer: Promise<{ body: unknown }>, id: string) {
    const { body } = await answer;
    assert.equal((body as { error?: { id?: string } }).error?.id, id, JSON.stringify(body));
  }

  it('lists what the Orders API answers a customer who stopped the page’s updates (403), blocked it (403) or deleted their account (410)', async () => {
    const { customer, o, c, merchant, q, orders, panel, consent, order } = await shopWithCustomer(`std_${process.pid}`);
    const path = '/api/commerce/orders/OS-1';
    await merchant.call('POST', orders, order('OS-1'), 201);
    const parcel = await merchant.call<{ shipment: { id: string } }>(
      'POST',
      `${path}/shipments${q}`,
      { carrier: 'DHL', trackingNumber: 'JD1' },
      201,
    );
    const events = `${path}/shipments/${parcel.body.shipment.id}/events${q}`;
    await merchant.call('POST', events, { status: 'in_transit', place: 'Leeds' }, 201);
    const resend = `${panel}/OS-1/shipments/${parcel.body.shipment.id}/resend`;
    const placed = await merchant.call<{ order: { id: string } }>('POST', orders, order('OS-2'), 201);
    const address = { street1: '2 High St', city: 'Leeds', postalCode: 'LS1', country: 'GB' };
    const asked = await c.call<{ request: { id: string } }>(
      'POST',
      `/api/orders/${placed.body.order.id}/requests`,
      { kind: 'change', change: { shippingAddress: address } },
      201,
    );
    const answer = `/api/commerce/orders/OS-2/requests/${asked.body.request.id}/answer`;

    // Updates stopped, then the page blocked: no new order (flows/orders.ts customerIn), no shipping update resent.
    await c.call('POST', consent, { updates: 'stopped' }, 200);
    await refused(merchant.call('POST', orders, order('OS-3'), 403), 'updates_stopped');
    await refused(o.call('POST', resend, undefined, 403), 'updates_stopped');
    await c.call('POST', consent, { blocked: true }, 200);
    await refused(merchant.call('POST', orders, order('OS-3'), 403), 'page_blocked');
    await refused(o.call('POST', resend, undefined, 403), 'page_blocked');
    await c.call('POST', consent, { blocked: false, updates: 'allowed' }, 200);

    // The account deleted: the page's messages to its thread are refused, and with them the changes that post one.
    await c.call('DELETE', '/api/me', { password: customer.password }, 204);
    await refused(merchant.call('POST', orders, order('OS-4'), 410), 'account_deleted');
    const shipment = { carrier: 'DHL', trackingNumber: 'JD2' };
    await refused(merchant.call('POST', `/api/commerce/orders/OS-2/shipments${q}`, shipment, 410), 'account_deleted');
    await refused(merchant.call('POST', events, { status: 'delivered' }, 410), 'account_deleted');
    await refused(merchant.call('POST', `${path}/refunds${q}`, { amount: 50 }, 410), 'account_deleted');
    await refused(merchant.call('POST', `${answer}${q}`, { decision: 'reject' }, 410), 'account_deleted');
    await refused(o.call('POST', `${panel}/OS-1/refunds`, { amount: 50 }, 410), 'account_deleted');
    await refused(o.call('POST', resend, undefined, 410), 'account_deleted');
    const asMember = `${panel}/OS-2/requests/${asked.body.request.id}/answer`;
    await refused(o.call('POST', asMember, { decision: 'reject' }, 410), 'account_deleted');
  });

  it('declares the Idempotency-Key a retry carries, and the Idempotent-Replayed header of the answer sent again', async () => {
    const { o, merchant, q, orders, panel, order } = await shopWithCustomer(`idem_${process.pid}`);
    const key = (k: string) => ({ 'Idempotency-Key': k });
    // An order: the first answer again, said to be replayed; another body under the key, or a malformed key, refused.
    const first = await merchant.call('POST', orders, order('OI-1'), 201, key('oi-1'));
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const again = await merchant.call('POST', orders, order('OI-1'), 201, key('oi-1'));
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
    await refused(merchant.call('POST', orders, order('OI-9'), 409, key('oi-1')), 'idempotency_key_reused');
    await refused(merchant.call('POST', orders, order('OI-9'), 400, key('two words')), 'bad_request');
    // A tracking event: 201 {order, shipment}, the same again.
    const path = '/api/commerce/orders/OI-1';
    const parcel = await merchant.call<{ shipment: { id: string } }>(
      'POST',
      `${path}/shipments${q}`,
      { carrier: 'DHL', trackingNumber: 'JD1' },
      201,
      key('ship-oi-1'),
    );
    const events = `${path}/shipments/${parcel.body.shipment.id}/events${q}`;
    const event = { status: 'in_transit', place: 'Leeds' };
    const tracked = await merchant.call('POST', events, event, 201, key('track-oi-1'));
    assert.deepEqual(Object.keys(tracked.body).sort(), ['order', 'shipment']);
    const replayed = await merchant.call('POST', events, event, 201, key('track-oi-1'));
    assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replayed.body, tracked.body);
    // The inbox's refund takes the same keys.
    await o.call('POST', `${panel}/OI-1/refunds`, { amount: 100 }, 201, key('refund-oi-1'));
    const refund = await o.call('POST', `${panel}/OI-1/refunds`, { amount: 100 }, 201, key('refund-oi-1'));
    assert.equal(refund.headers.get('idempotent-replayed'), 'true');
  });

  it('matches what content apps’ routes answer (against a real app on 127.0.0.1)', async () => {
    const server = await startServer(contentAppEnv);
    const app = await startContentApp();
    try {
      const dev = await signUp(server.url);
      const ana = await signUp(server.url);
      const bob = await signUp(server.url);
      const d = new Checked(dev.http);
      const a = new Checked(ana.http);
      const made = await d.call<{ app: { id: string }; secret: string }>('POST', '/api/apps', { name: 'Gifs' }, 201);
      const appId = made.body.app.id;
      app.secret = made.body.secret;
      await d.call('GET', `/api/apps/${appId}/compose-extension`, undefined, 200);
      const extension = { name: 'GIF Box', iconUrl: app.iconUrl, kinds: ['gif'], queryUrl: app.queryUrl };
      await d.call('PUT', `/api/apps/${appId}/compose-extension`, extension, 200);
      await d.call(
        'PUT',
        `/api/apps/${appId}/compose-extension`,
        { ...extension, iconUrl: `${app.origin}/x.png` },
        400,
      );
      await a.call('GET', '/api/compose-apps', undefined, 200);
      await a.call('GET', `/api/compose-apps/${appId}/results?q=cat`, undefined, 409);
      await a.call('PUT', `/api/compose-apps/${appId}/enabled`, undefined, 200);
      await a.call('GET', `/api/compose-apps/${appId}/results?q=cat`, undefined, 200);
      const conversation = await startDirect(ana, bob);
      const send = { conversationId: conversation.id, clientId: 'openapi-content-1', resultId: 'cat-1', q: 'cat' };
      await a.call('POST', `/api/compose-apps/${appId}/send`, send, 201);
      await a.call('POST', `/api/compose-apps/${appId}/send`, send, 200);
      await a.call(
        'POST',
        `/api/compose-apps/${appId}/send`,
        { ...send, clientId: 'openapi-content-2', resultId: 'x' },
        404,
      );
      app.answer = () => ({ status: 200, body: 'garbage' });
      await a.call('GET', `/api/compose-apps/${appId}/results?q=garbage`, undefined, 502);
      await a.call('DELETE', `/api/compose-apps/${appId}/enabled`, undefined, 200);
      await d.call('DELETE', `/api/apps/${appId}/compose-extension`, undefined, 204);
      await a.call('PUT', `/api/compose-apps/${appId}/enabled`, undefined, 404);
    } finally {
      await app.close();
      await server.close();
    }
  });
});

// objectSchema holds a schema to its interface: these fail to compile (tsc), as a drifted schema would.
// @ts-expect-error a property the interface does not have
objectSchema<AppView>({ id: string, name: string, createdAt: time, secret: string }, {});
// @ts-expect-error a property of the interface left out
objectSchema<AppView>({ id: string, name: string }, {});
// @ts-expect-error an optional property not said to be optional
objectSchema<UserView>({ id: string, username: string, displayName: string, kind: string }, {});
// @ts-expect-error a required property said to be optional
objectSchema<AppView>({ id: string, name: string, createdAt: time }, { name: true });
