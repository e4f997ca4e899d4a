import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ErrorId } from '../../../protocol/errors.ts';
import { id as schemasId } from '../../../protocol/schemas.ts';
import { catalogue } from '../../errors.ts';
import { SESSION_COOKIE } from '../cookies.ts';
import { type Header, type Operation, operations, tags } from './operations.ts';
import { fromZod, type JsonSchema, ref } from './schema.ts';
import { componentSchemas } from './views.ts';

/**
 * The OpenAPI 3.1 description of the native API (every `/api/…` route; the Graph-compatible API is
 * docs/PLATFORM.md's), served at `GET /api/openapi.json`. Built once from operations.ts (the routes),
 * views.ts (the answers) and the zod schemas the routes validate with.
 */

const version = (
  JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);

/** The errors a route gives besides its own: from the guards (http/guards.ts), the body parser, storage. */
export function errorsOf(op: Operation): ErrorId[] {
  const ids = new Set<ErrorId>();
  const inputs =
    op.path.includes(':') ||
    op.query !== undefined ||
    op.body !== undefined ||
    op.rawBody !== undefined ||
    UNSAFE.has(op.method);
  if (inputs) ids.add('bad_request');
  if (UNSAFE.has(op.method)) {
    for (const id of ['forbidden_origin', 'invalid_json', 'unsupported_media_type', 'payload_too_large'] as const)
      ids.add(id);
  }
  if (op.auth === undefined) {
    ids.add('unauthenticated');
    ids.add('session_expired');
  }
  for (const id of op.errors ?? []) ids.add(id);
  ids.add('rate_limited');
  ids.add('storage_unavailable');
  ids.add('internal');
  return [...ids];
}

/** `/api/conversations/:id` → `/api/conversations/{id}`. */
export const openApiPath = (fastifyPath: string) => fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const paramsOf = (fastifyPath: string) => [...fastifyPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
const operationId = (op: Operation) =>
  op.method +
  op.path
    .split(/[/.:-]/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');

function json(schema: JsonSchema) {
  return { 'application/json': { schema } };
}

function errorAnswers(op: Operation): Record<string, unknown> {
  const byStatus = new Map<number, ErrorId[]>();
  for (const id of errorsOf(op)) {
    const status = catalogue[id].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), id]);
  }
  const out: Record<string, unknown> = {};
  for (const [status, ids] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: ids.map((id) => `\`${id}\``).join(', '),
      ...(status === 429
        ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
        : {}),
      content: json({
        type: 'object',
        properties: { error: { type: 'object', allOf: [ref('ErrorBody')], properties: { id: { enum: ids } } } },
        required: ['error'],
        additionalProperties: false,
      }),
    };
  }
  return out;
}

function queryParameters(op: Operation) {
  if (!op.query) return [];
  const s = fromZod(op.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: s.required?.includes(name) ?? false,
    schema,
  }));
}

/** The request headers a route reads, as header parameters. */
const headerParameters = (op: Operation) =>
  (op.headers ?? []).map((h) => ({
    name: h.name,
    in: 'header',
    description: h.description,
    required: h.required ?? false,
    schema: h.schema,
  }));

/** Response headers (an answer's `headers`: by name, the header's name left out). */
const responseHeaders = (headers: readonly Header[]) =>
  Object.fromEntries(headers.map((h) => [h.name, { description: h.description, schema: h.schema }]));

function describe(op: Operation) {
  const id = fromZod(schemasId, 'input');
  const parameters = [
    ...paramsOf(op.path).map((name) => ({ name, in: 'path', required: true, schema: id })),
    ...queryParameters(op),
    ...headerParameters(op),
  ];
  const ok: Record<string, { description: string; headers?: Record<string, unknown>; content?: unknown }> = {};
  for (const [status, name] of Object.entries(op.ok)) {
    const setsCookie = op.path === '/api/auth/signup' || op.path === '/api/auth/signin';
    if (name === 'file') {
      ok[status] = {
        description: status === '206' ? 'The range asked for (`Content-Range` says which)' : 'The file',
        content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
      };
      continue;
    }
    ok[status] =
      name === null && status === '304'
        ? { description: 'Not modified: the ETag matched' }
        : name === null
          ? op.path === '/api/openapi.json'
            ? { description: 'This document', content: json({ type: 'object' }) }
            : { description: 'Done; no body' }
          : {
              description: setsCookie ? 'Signed in: the session cookie is set' : 'Done',
              ...(setsCookie
                ? {
                    headers: {
                      'Set-Cookie': {
                        description: `\`${SESSION_COOKIE}\` (\`__Host-${SESSION_COOKIE}\` under https) and the device cookie`,
                        schema: { type: 'string' },
                      },
                    },
                  }
                : {}),
              content: json(ref(name)),
            };
  }
  // Headers every success answer may carry (an answer sent again under an Idempotency-Key).
  if (op.okHeaders?.length) {
    for (const answer of Object.values(ok)) answer.headers = { ...answer.headers, ...responseHeaders(op.okHeaders) };
  }
  return {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.auth === false
      ? { security: [] }
      : op.auth === 'pageToken'
        ? { security: [{ pageAccessToken: [] }, { pageAccessTokenQuery: [] }] }
        : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.rawBody
      ? {
          requestBody: {
            required: true,
            description: op.rawBody,
            content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
          },
        }
      : {}),
    ...(op.body
      ? {
          requestBody: {
            // The route reads a missing body as `{}`: the body is needed unless `{}` is a valid one.
            required: !op.body.safeParse({}).success,
            content: json(fromZod(op.body, 'input')),
          },
        }
      : {}),
    responses: { ...ok, ...errorAnswers(op) },
  };
}

let cached: Record<string, unknown> | null = null;

/** The whole document (built once). */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const p = openApiPath(op.path);
    paths[p] = { ...paths[p], [op.method]: describe(op) };
  }
  cached = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Comptoir',
      version,
      description: [
        'The native HTTP API of a Comptoir server: what its web app uses, and what scripts may use with a',
        "person's session. The WebSocket protocol, the event cursor and the rules behind each answer are in",
        'docs/PROTOCOL.md; the Graph-compatible API for bots (`/v{n}/…`) is docs/PLATFORM.md’s, not described here.',
        '',
        'Every route needs the session cookie unless it says otherwise (`security: []`). State-changing',
        'requests (POST, PUT, PATCH, DELETE) whose `Origin` header names another origin than the server’s',
        'are refused with `403 forbidden_origin` (there is no CSRF token: the origin check and SameSite=Lax',
        'cookies stand for it). Bodies are JSON (`Content-Type: application/json`), at most 64 KiB. Every',
        'error answer is `{"error": {"id", "message", "details"?}}`; each route lists its ids by status.',
      ].join('\n'),
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: Object.entries(tags).map(([name, description]) => ({ name, description })),
    security: [{ sessionCookie: [] }, { secureSessionCookie: [] }],
    paths,
    components: {
      securitySchemes: {
        pageAccessToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A page access token (an app connected to the page): the Orders API.',
        },
        pageAccessTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'access_token',
          description: 'The same page access token in the query, as the Graph API takes it.',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'The session cookie sign-up and sign-in set (HttpOnly, SameSite=Lax), over http.',
        },
        secureSessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: `__Host-${SESSION_COOKIE}`,
          description: 'The same cookie when the server is reached over https (Secure, this host only).',
        },
      },
      schemas: componentSchemas,
    },
  };
  return cached;
}

/** Method and path of each `/api` route Fastify registered, per app (HEAD routes aside: Fastify adds them). */
const registered = new WeakMap<FastifyInstance, { method: string; path: string }[]>();

export function registeredApiRoutes(app: FastifyInstance): readonly { method: string; path: string }[] {
  return registered.get(app) ?? [];
}

/**
 * Serves the description at `GET /api/openapi.json` (no session needed), and notes every `/api` route
 * registered from now on (call it before the domains register theirs) for the test that compares them.
 */
export function registerOpenApi(app: FastifyInstance) {
  const routes: { method: string; path: string }[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method: method.toLowerCase(), path: route.url });
    }
  });
  app.get('/api/openapi.json', { config: { auth: false } }, async (_req, reply) => {
    reply.header('cache-control', 'no-cache');
    return openApiDocument();
  });
}
