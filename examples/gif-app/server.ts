/**
 * The GIF Box's HTTP server (node:http, no framework): `POST /query` — Comptoir's signed queries, answered
 * from the library — and the files Comptoir fetches: `/icon.png`, `/preview/<name>` (what the grid shows),
 * `/media/<name>` (what is sent). People's browsers never come here: Comptoir serves the previews and stores
 * what is sent. `createGifAppServer` builds it; `listen()` starts it (port 0: any free port).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GifAppConfig } from './config.ts';
import type { LibraryFile, LibraryItem } from './generate.ts';
import { answer, parseQuery } from './library.ts';
import { signatureValid } from './signature.ts';

const MAX_BODY = 64 * 1024;

export interface GifAppServer {
  server: http.Server;
  /** The app secret queries are checked with (known once the app is made in Comptoir). */
  setSecret(secret: string): void;
  /** The queries answered and refused so far (for the log and tests). */
  stats: { answered: number; refused: number };
  listen(): Promise<string>;
  url(): string;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createGifAppServer(config: GifAppConfig, library: readonly LibraryItem[], icon: Buffer): GifAppServer {
  let secret = config.secret;
  const stats = { answered: 0, refused: 0 };
  const files = new Map<string, LibraryFile>();
  for (const item of library) {
    files.set(`/media/${item.file.name}`, item.file);
    files.set(`/preview/${item.preview.name}`, item.preview);
  }
  files.set('/icon.png', { name: 'icon.png', mime: 'image/png', bytes: icon });
  let listening = '';
  const baseUrl = () => config.publicUrl ?? listening;

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, {
      'content-type': type,
      'content-length': String(Buffer.byteLength(body)),
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, value: unknown) =>
    send(res, status, 'application/json', JSON.stringify(value));

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/query') {
      void (async () => {
        const raw = await readBody(req);
        if (raw === null) return json(res, 413, { error: 'too large' });
        // The signature first: nothing of an unsigned body is read.
        if (secret === null || !signatureValid(raw, req.headers['x-hub-signature-256'] as string | undefined, secret)) {
          stats.refused++;
          return json(res, 403, { error: 'bad signature' });
        }
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return json(res, 400, { error: 'not JSON' });
        }
        const q = parseQuery(body);
        if (!q) return json(res, 400, { error: 'not a query' });
        stats.answered++;
        json(
          res,
          200,
          answer(library, q, { pageSize: config.pageSize, cacheSeconds: config.cacheSeconds, baseUrl: baseUrl() }),
        );
      })().catch(() => {
        if (!res.headersSent) json(res, 500, { error: 'internal' });
      });
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const file = files.get(path);
      if (file) {
        res.writeHead(200, {
          'content-type': file.mime,
          'content-length': String(file.bytes.length),
          'cache-control': 'public, max-age=86400',
          'x-content-type-options': 'nosniff',
        });
        return res.end(req.method === 'HEAD' ? undefined : file.bytes);
      }
      if (path === '/')
        return send(
          res,
          200,
          'text/plain; charset=utf-8',
          `${config.name}: a content app for Comptoir (examples/gif-app). ${library.length} items.\n`,
        );
    }
    send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
  });

  return {
    server,
    stats,
    setSecret: (s) => {
      secret = s;
    },
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const a = server.address() as AddressInfo;
          const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
          listening = `http://${host}:${a.port}`;
          resolve(baseUrl());
        });
      }),
    url: baseUrl,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
