import http from 'node:http';
import type { AttachmentView } from '../../protocol/media.ts';
import type { Person } from './client.ts';

/** What an upload answered. */
export interface UploadAnswer {
  status: number;
  body: { attachment?: AttachmentView; error?: { id: string; message: string } };
  headers: Headers;
}

/** `POST /api/media` with `bytes` as the raw body, as `who` (their session cookie), and the query given. */
export async function upload(
  baseUrl: string,
  who: Person | null,
  bytes: Buffer | Uint8Array,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<UploadAnswer> {
  const q = new URLSearchParams(query).toString();
  const h: Record<string, string> = { 'content-type': 'application/octet-stream', ...headers };
  const cookie = who?.http.cookie;
  if (cookie) h.cookie = cookie;
  const res = await fetch(`${baseUrl}/api/media${q ? `?${q}` : ''}`, {
    method: 'POST',
    headers: h,
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

/** An upload that must succeed: its attachment. */
export async function uploaded(
  baseUrl: string,
  who: Person,
  bytes: Buffer | Uint8Array,
  query: Record<string, string> = {},
): Promise<AttachmentView> {
  const r = await upload(baseUrl, who, bytes, query);
  if (r.status !== 201 || !r.body.attachment) throw new Error(`upload failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.attachment;
}

/** A GET of a media path (`/api/media/…`), as `who` or nobody: status, headers, bytes. */
export async function readMedia(
  baseUrl: string,
  path: string,
  who: Person | null,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer; error: string | null }> {
  const h: Record<string, string> = { ...headers };
  const cookie = who?.http.cookie;
  if (cookie) h.cookie = cookie;
  const res = await fetch(path.startsWith('http') ? path : `${baseUrl}${path}`, { headers: h });
  const bytes = Buffer.from(await res.arrayBuffer());
  let error: string | null = null;
  if (res.status >= 400) error = (JSON.parse(bytes.toString('utf8')) as { error: { id: string } }).error.id;
  return { status: res.status, headers: res.headers, bytes, error };
}

/**
 * Streams `total` bytes to `POST /api/media` in chunks (no Content-Length: chunked), starting with `head`,
 * and answers the status and body the server sent — even when it answers and closes before the upload ends.
 */
export async function streamUpload(
  baseUrl: string,
  who: Person,
  head: Buffer,
  total: number,
): Promise<{ status: number; body: { error?: { id: string } }; sent: number }> {
  const headers = { 'content-type': 'application/octet-stream', cookie: who.http.cookie ?? '' };
  const r = await streamBody(new URL('/api/media', baseUrl), headers, head, total);
  return { status: r.status, body: r.body as { error?: { id: string } }, sent: r.sent };
}

/**
 * POSTs `total` bytes in chunks (no Content-Length): `head`, then filler; answers what the server said
 * (status, JSON body, its Connection header, the bytes written by then) — even when it answers and closes
 * before the body is all sent, as it does when it cuts an oversize upload off.
 */
export function streamBody(
  url: URL | string,
  headers: Record<string, string>,
  head: Buffer,
  total: number,
): Promise<{ status: number; body: unknown; sent: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = http.request(url, { method: 'POST', headers });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          body: text ? JSON.parse(text) : {},
          sent,
          connection: res.headers.connection,
        });
      });
      res.on('error', reject);
    });
    // The server may close the connection once it has answered: the write fails, the answer stands.
    req.on('error', () => {});
    const chunk = Buffer.alloc(256 * 1024, 7);
    const write = () => {
      while (sent < total) {
        const piece = sent === 0 ? head : chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}
