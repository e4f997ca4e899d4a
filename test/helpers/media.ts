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
export function streamUpload(
  baseUrl: string,
  who: Person,
  head: Buffer,
  total: number,
): Promise<{ status: number; body: { error?: { id: string } }; sent: number }> {
  const url = new URL('/api/media', baseUrl);
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', cookie: who.http.cookie ?? '' },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {}, sent });
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
