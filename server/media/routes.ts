import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { mediaLimits, type UploadMediaResponse, uploadMediaQuery } from '../../protocol/media.ts';
import * as schemas from '../../protocol/schemas.ts';
import type { SessionsService } from '../accounts/sessions.ts';
import { AppError } from '../errors.ts';
import { type CookiePolicy, readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { authOf, parse } from '../http/validate.ts';
import { parseRange } from './range.ts';
import type { Media, MediaFile } from './service.ts';
import type { MediaReader, MediaVariant } from './types.ts';

/** The largest upload of any kind: the upload route's body limit (the global 64 KB stays for every other route). */
export const MAX_UPLOAD_BYTES = Math.max(...Object.values(mediaLimits.bytes));

/** A signed link's query (media/links.ts); both or neither. */
export const signedQuery = z.strictObject({
  expires: z.string().max(20).optional(),
  sig: z.string().max(100).optional(),
});

/** The thumbnails the pipeline makes are WebP (protocol/media.ts, AttachmentView.thumbnailUrl). */
const THUMBNAIL_TYPE = 'image/webp';

/** The voice clip's fields of the upload query, checked together. */
function voiceOf(q: z.infer<typeof uploadMediaQuery>): { durationMs: number; waveform: number[] | null } | null {
  if (q.voice !== '1') {
    if (q.durationMs !== undefined || q.waveform !== undefined)
      throw new AppError('bad_request', 'durationMs and waveform describe a voice clip (voice=1)');
    return null;
  }
  if (q.durationMs === undefined) throw new AppError('bad_request', 'durationMs: a voice clip says how long it is');
  let waveform: number[] | null = null;
  if (q.waveform !== undefined) {
    waveform = q.waveform.split(',').map(Number);
    if (waveform.length > mediaLimits.waveformBars || waveform.some((v) => v > 255))
      throw new AppError('bad_request', `waveform: at most ${mediaLimits.waveformBars} bars, each 0–255`, {
        fields: { waveform: 'at most 64 bars, each 0–255' },
      });
  }
  return { durationMs: q.durationMs, waveform };
}

/**
 * Media over HTTP (docs/MEDIA.md): `POST /api/media` streams an upload (its raw body, never buffered) through
 * the service; `GET /api/media/:id[/thumbnail]` reads one, by session or signed link, whole or by range.
 */
export function mediaRoutes(app: FastifyInstance, media: Media, sessions: SessionsService, cookie: CookiePolicy) {
  // Its own context: the raw body is handed to the route as a stream, whatever its type — the global
  // parsers (JSON, within the 64 KB body limit) stay as they are for every other route.
  void app.register(async (uploads) => {
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    uploads.post('/api/media', { bodyLimit: MAX_UPLOAD_BYTES }, async (req, reply) => {
      const q = parse(uploadMediaQuery, req.query);
      const voice = voiceOf(q);
      const length = Number(req.headers['content-length']);
      try {
        const record = await media.upload({
          ownerId: authOf(req).user.id,
          body: (req.body ?? req.raw) as Readable,
          declaredLength: Number.isSafeInteger(length) ? length : null,
          name: q.name ?? null,
          voice,
        });
        return reply.status(201).send({ attachment: media.view(media.ref(record)) } satisfies UploadMediaResponse);
      } catch (e) {
        // The client may still be sending (a refusal mid-way): the connection is closed after the answer
        // rather than the rest of the body read for nothing.
        if (!req.raw.complete) reply.header('connection', 'close');
        throw e;
      }
    });
  });

  const read = (variant: MediaVariant) => async (req: FastifyRequest, reply: FastifyReply) => {
    const { id } = parse(schemas.idParams, req.params);
    const file = await media.file(await readerOf(req, sessions, cookie), id, variant);
    return serve(req, reply, media, file, variant);
  };
  // No session needed when the link is signed: these routes check the session themselves (readerOf).
  app.get('/api/media/:id', { config: { auth: false } }, read('original'));
  app.get('/api/media/:id/thumbnail', { config: { auth: false } }, read('thumbnail'));
}

/** A signed link's bearer, or the session's account (`unauthenticated` without one). */
async function readerOf(req: FastifyRequest, sessions: SessionsService, cookie: CookiePolicy): Promise<MediaReader> {
  const q = parse(signedQuery, req.query);
  if (q.expires !== undefined || q.sig !== undefined) {
    return { signature: { expires: q.expires === undefined ? Number.NaN : Number(q.expires), sig: q.sig ?? '' } };
  }
  const token = readCookie(req.cookies, SESSION_COOKIE, cookie.secure(req));
  const auth = await sessions.authenticate(token);
  return { accountId: auth.user.id };
}

/** Streams the file (or the range asked), with the headers that keep it safe to serve from our origin. */
async function serve(req: FastifyRequest, reply: FastifyReply, media: Media, file: MediaFile, variant: MediaVariant) {
  const { record } = file;
  const etag = `"${record.sha256}${variant === 'thumbnail' ? '.thumbnail' : ''}"`;
  reply
    .header('etag', etag)
    .header('cache-control', `private, max-age=${media.ttlSeconds}, immutable`)
    .header('accept-ranges', 'bytes')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('content-disposition', disposition(record.kind, record.name, variant));
  if (matches(req.headers['if-none-match'], etag)) return reply.status(304).send();
  const type = variant === 'thumbnail' ? THUMBNAIL_TYPE : record.mime;
  const ifRange = req.headers['if-range'];
  const answer =
    ifRange !== undefined && ifRange !== etag ? { kind: 'whole' as const } : parseRange(req.headers.range, file.size);
  if (answer.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${file.size}`);
    throw new AppError('range_not_satisfiable', undefined, { size: file.size });
  }
  const range = answer.kind === 'partial' ? answer.range : undefined;
  const got = await media.blobs.get(file.key, range);
  if (!got) throw new AppError('media_not_found');
  reply.type(type);
  if (range) {
    reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
      .header('content-length', String(range.end - range.start + 1));
  } else {
    reply.header('content-length', String(file.size));
  }
  return reply.send(got.body);
}

/** `If-None-Match`: `*`, or a list of tags of which one is ours (weak comparison, RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Images, video and audio are shown in place; any other file is downloaded under its name. */
function disposition(kind: string, name: string, variant: MediaVariant): string {
  if (variant === 'thumbnail' || kind !== 'file') return 'inline';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

const encodeRfc5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
