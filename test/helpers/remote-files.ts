import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';

/** How a path of the remote server answers: a status and bytes with a type, or never. */
export type RemoteFile = { status?: number; type?: string; body: Buffer } | 'hang';

export interface RemoteFiles {
  /** `http://127.0.0.1:<port><path>` */
  url(path: string): string;
  /** GETs of a path so far. */
  hits(path: string): number;
  close(): Promise<void>;
}

/**
 * Another site's files on 127.0.0.1 (a CDN, a bot's server), for what Comptoir fetches by URL: each path
 * answers as told (an unknown path is a 404), and counts its GETs.
 */
export async function startRemoteFiles(files: Record<string, RemoteFile>): Promise<RemoteFiles> {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(p, (hits.get(p) ?? 0) + 1);
    const file = files[p];
    if (file === 'hang') return; // never answers: the fetch's deadline ends it
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(file.status ?? 200, { 'content-type': file.type ?? 'application/octet-stream' });
    res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    hits: (p) => hits.get(p) ?? 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A PNG of one colour, `width` × `height`. */
export const png = (width: number, height: number, r = 200, g = 120, b = 40) =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

/** A PNG's signature, then garbage: what a broken server labels `image/png`. */
export const brokenPng = () =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4000, 0x5a)]);

/** Files under a directory, recursively (the media store's blobs, the pipeline's temporary files). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile());
}
