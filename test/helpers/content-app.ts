import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { ComposeQuery } from '../../protocol/compose.ts';
import type { Person } from './client.ts';

/** One query the app received: its body, and whether its signature checks against the app secret. */
export interface ReceivedQuery {
  body: ComposeQuery;
  signed: boolean;
  headers: http.IncomingHttpHeaders;
}

/** How the app answers a query: a status and a body (an object is sent as JSON), or never. */
export type QueryAnswer = { status: number; body: unknown } | 'hang' | 'close';

export interface TestContentApp {
  /** Its origin (`http://127.0.0.1:<port>`). */
  origin: string;
  queryUrl: string;
  iconUrl: string;
  /** Set once the app is made: the queries' signatures are checked with it. */
  secret: string;
  queries: ReceivedQuery[];
  /** Files it serves (GET), by path: its icon, its GIFs and clips. */
  files: Map<string, { type: string; bytes: Buffer }>;
  /** How it answers each query (default: `catalogue`, paged 2 by 2, kept 60 s). */
  answer: (q: ComposeQuery) => QueryAnswer;
  /** GETs of files, by path, in order. */
  fetched: string[];
  close(): Promise<void>;
}

/** A small animated GIF of `frames` colours, drawn by sharp. */
export async function gif(colours: readonly string[], side = 24): Promise<Buffer> {
  const frames = await Promise.all(
    colours.map((c) =>
      sharp({ create: { width: side, height: side, channels: 3, background: c } })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(frames, { join: { animated: true } })
    .gif({ delay: 100, loop: 0 })
    .toBuffer();
}

/** The default catalogue: three GIFs tagged "cat" and one "dog", each its own preview. */
export function catalogue(app: TestContentApp, q: ComposeQuery): QueryAnswer {
  const all = [
    { id: 'cat-1', tags: 'cat', path: '/media/cat-1.gif' },
    { id: 'cat-2', tags: 'cat', path: '/media/cat-2.gif' },
    { id: 'cat-3', tags: 'cat', path: '/media/cat-3.gif' },
    { id: 'dog-1', tags: 'dog', path: '/media/dog-1.gif' },
  ].filter((r) => q.query === '' || r.tags.includes(q.query.toLowerCase()));
  const from = q.offset === '' ? 0 : Number(q.offset);
  const page = all.slice(from, from + 2);
  return {
    status: 200,
    body: {
      results: page.map((r) => ({
        id: r.id,
        type: 'gif',
        previewUrl: app.origin + r.path,
        url: app.origin + r.path,
        width: 24,
        height: 24,
        title: r.id,
      })),
      nextOffset: from + 2 < all.length ? String(from + 2) : null,
      cacheTime: 60,
    },
  };
}

/**
 * A content app on 127.0.0.1 (node:http), as a developer would write one: it checks each query's
 * `X-Hub-Signature-256` against the app secret (recording whether it held), answers as told, and serves
 * its icon and media.
 */
export async function startContentApp(): Promise<TestContentApp> {
  const hanging = new Set<http.ServerResponse>();
  const app: TestContentApp = {
    origin: '',
    queryUrl: '',
    iconUrl: '',
    secret: '',
    queries: [],
    files: new Map(),
    fetched: [],
    answer: (q) => catalogue(app, q),
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const colours = ['#e11', '#1e1', '#11e', '#eb1'];
  app.files.set('/icon.png', {
    type: 'image/png',
    bytes: await sharp({ create: { width: 64, height: 64, channels: 3, background: '#f60' } })
      .png()
      .toBuffer(),
  });
  for (const [i, name] of ['cat-1', 'cat-2', 'cat-3', 'dog-1'].entries())
    app.files.set(`/media/${name}.gif`, {
      type: 'image/gif',
      bytes: await gif([colours[i] as string, colours[(i + 1) % 4] as string]),
    });
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET') {
      app.fetched.push(path);
      const file = app.files.get(path);
      if (!file) {
        res.writeHead(404);
        return res.end('no such file');
      }
      res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.bytes.length) });
      return res.end(file.bytes);
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', app.secret).update(raw).digest('hex')}`;
      const body = JSON.parse(raw.toString('utf8')) as ComposeQuery;
      app.queries.push({ body, signed: req.headers['x-hub-signature-256'] === expected, headers: req.headers });
      const answer = app.answer(body);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      if (answer === 'close') {
        req.socket.destroy();
        return;
      }
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.queryUrl = `${app.origin}/query`;
  app.iconUrl = `${app.origin}/icon.png`;
  return app;
}

/** A content app made by `dev` on a Comptoir, its extension pointing at `app` (the app told its secret). */
export async function composeApp(
  dev: Person,
  app: TestContentApp,
  name = 'GIF Box',
  kinds: readonly string[] = ['gif'],
): Promise<{ appId: string; secret: string }> {
  const made = await dev.http.post<{ app: { id: string }; secret: string }>('/api/apps', { name });
  if (made.status !== 201) throw new Error(`app: ${made.status} ${JSON.stringify(made.body)}`);
  app.secret = made.body.secret;
  const set = await dev.http.put(`/api/apps/${made.body.app.id}/compose-extension`, {
    name,
    iconUrl: app.iconUrl,
    kinds,
    queryUrl: app.queryUrl,
  });
  if (set.status !== 200) throw new Error(`extension: ${set.status} ${JSON.stringify(set.body)}`);
  return { appId: made.body.app.id, secret: made.body.secret };
}

/** A Comptoir that may call content apps (and fetch their media) on 127.0.0.1, with roomy rates. */
export const contentAppEnv = {
  WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
  RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '1000',
  RATE_MESSAGES_PER_SECOND: '1000',
  RATE_MESSAGES_BURST: '1000',
  RATE_UPLOADS_PER_MINUTE: '1000',
  RATE_CONTENT_APP_QUERIES_PER_MINUTE: '1000',
  CONTENT_APP_TIMEOUT_SECONDS: '2',
};
