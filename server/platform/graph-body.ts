import type { FastifyRequest } from 'fastify';
import { graph } from './graph-errors.ts';

/**
 * The bodies the Graph API takes besides JSON, as Messenger clients send them: form fields each holding
 * JSON (the documentation's curl examples), and multipart forms (JSON fields plus a file, `filedata`).
 * Parameters may also come in the query string, as the Graph API allows.
 */

/** A file part of a multipart body: only what it is, its bytes are not kept. */
export class UploadedFile {
  constructor(
    readonly name: string,
    readonly type: string,
    readonly size: number,
  ) {}
}

/** The credentials are never parameters of the call. */
const CREDENTIALS = new Set(['access_token', 'appsecret_proof']);

/** A field's value: JSON when it parses as JSON, else the text itself. */
const fieldValue = (value: string): unknown => {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

/** Form fields, each holding JSON or plain text. */
export function formBody(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (!CREDENTIALS.has(key)) out[key] = fieldValue(value);
  }
  return out;
}

/**
 * A multipart form (already within the body limit: Fastify refuses a larger one first): its text fields
 * read as form fields are, its files as UploadedFile. A body that is not a valid multipart form is a bad
 * parameter (100).
 */
export async function multipartBody(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(Uint8Array.from(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw graph.param('body', 'not a valid multipart/form-data body');
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (CREDENTIALS.has(key)) continue;
    out[key] = typeof value === 'string' ? fieldValue(value) : new UploadedFile(value.name, value.type, value.size);
  }
  return out;
}

/**
 * Files are taken only once media storage exists (issue 8): until then an upload is refused, naming its
 * field, with how to send the attachment instead.
 */
export function refuseUploads(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  for (const [key, value] of Object.entries(body)) {
    if (value instanceof UploadedFile) {
      throw graph.param(
        key,
        'Comptoir takes attachments by URL only until it has media storage: send message.attachment.payload.url (or save it with me/message_attachments and send its attachment_id)',
      );
    }
  }
}

/**
 * The call's parameters: the query string's (each read as a form field is), overridden by the body's
 * (which must then be a JSON object or a form). The credentials are left out.
 */
export function graphParams(req: FastifyRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (!CREDENTIALS.has(key) && typeof value === 'string') out[key] = fieldValue(value);
  }
  const body = req.body;
  if (body === undefined || body === null) return out;
  if (typeof body !== 'object' || Array.isArray(body)) throw graph.param('body', 'must be a JSON object');
  return { ...out, ...(body as Record<string, unknown>) };
}
