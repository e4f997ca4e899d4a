import type { FastifyRequest } from 'fastify';
import { graph } from './graph-errors.ts';

/**
 * The bodies the Graph API takes besides JSON, as Messenger clients send them: form fields each holding
 * JSON (the documentation's curl examples); multipart forms (JSON fields plus a file, `filedata`) are read
 * as streams (graph-form.ts). Parameters may also come in the query string, as the Graph API allows.
 */

/** The credentials are never parameters of the call. */
const CREDENTIALS = new Set(['access_token', 'appsecret_proof']);
export const isCredential = (name: string) => CREDENTIALS.has(name);

/** A field's value: JSON when it parses as JSON, else the text itself. */
export const fieldValue = (value: string): unknown => {
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
 * The call's parameters: the query string's (each read as a form field is), overridden by the body's
 * (which must then be a JSON object or a form: by default the parsed body, or the fields of a form its
 * route read itself). The credentials are left out.
 */
export function graphParams(req: FastifyRequest, body: unknown = req.body): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (!CREDENTIALS.has(key) && typeof value === 'string') out[key] = fieldValue(value);
  }
  if (body === undefined || body === null) return out;
  if (typeof body !== 'object' || Array.isArray(body)) throw graph.param('body', 'must be a JSON object');
  return { ...out, ...(body as Record<string, unknown>) };
}
