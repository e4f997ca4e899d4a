import type { Readable } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { limits } from '../../protocol/limits.ts';
import { mediaLimits } from '../../protocol/media.ts';
import { AppError } from '../errors.ts';
import { fieldValue, isCredential } from './graph-body.ts';
import { GraphError, graph } from './graph-errors.ts';
import { FILE_FIELD } from './send-body.ts';

/**
 * Multipart forms on the Graph API, as Messenger's clients send uploads (`message` and `recipient` as JSON
 * fields, the file as `filedata`), read as a stream (@fastify/multipart): the file goes straight into
 * media's pipeline, never whole in memory, limited by media's limits — not by the 64 KiB of a body. The
 * fields are read as form fields are (JSON, or the text itself), each within 64 KiB.
 */

/** The most a file may be: the largest of media's limits (the pipeline then holds it to its kind's). */
const largestFile = Math.max(...Object.values(mediaLimits.bytes));

const formLimits = {
  fieldNameSize: 100,
  fieldSize: limits.httpBodyBytes,
  fields: 20,
  files: 1,
  parts: 21,
  headerPairs: 100,
  // One byte over: the pipeline refuses first, naming the limit (media_too_large).
  fileSize: largestFile + 1,
};

/** A file part of a form: its name as sent, and its bytes as they arrive. */
export interface FormFile {
  filename: string;
  stream: Readable;
}

/** The routes whose handlers read their form themselves, with its file (readUploadForm). */
const uploadRoutes = new Set<string>();

/** Marks a route (its path, as registered) as one that takes a file. */
export function takesFiles(path: string): string {
  uploadRoutes.add(path);
  return path;
}

/**
 * Multipart forms in the Graph context: a route that takes no file gets its form's fields as its body (a
 * file is refused naming its field), before its handler; one that does reads it itself (readUploadForm).
 */
export function registerForms(g: FastifyInstance) {
  void g.register(fastifyMultipart, { limits: formLimits, throwFileSizeLimit: true });
  g.addHook('preValidation', async (req) => {
    if (!req.isMultipart() || uploadRoutes.has(req.routeOptions.url ?? '')) return;
    req.body = await readForm(req, null);
  });
}

/**
 * Reads a form to its end: its fields, and its file (`filedata`, one at most) handed to `onFile`, which
 * must read it whole (or throw) — the fields after the file are read once it has. Another file field, a
 * second file, a field over 64 KiB or a form that is not one: refused naming the field (100).
 */
export async function readUploadForm(
  req: FastifyRequest,
  onFile: (file: FormFile, fieldsBefore: Readonly<Record<string, unknown>>) => Promise<void>,
): Promise<{ fields: Record<string, unknown>; file: boolean }> {
  let file = false;
  const fields = await readForm(req, async (f, before) => {
    file = true;
    await onFile(f, before);
  });
  return { fields, file };
}

async function readForm(
  req: FastifyRequest,
  onFile: ((file: FormFile, fieldsBefore: Readonly<Record<string, unknown>>) => Promise<void>) | null,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let fromFile: unknown = null;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (onFile === null || part.fieldname !== FILE_FIELD) {
          part.file.resume(); // its bytes are not wanted; the refusal ends the request
          throw graph.param(
            part.fieldname,
            onFile === null
              ? 'this edge takes no file (files are sent to me/messages and me/message_attachments)'
              : `the file is sent as ${FILE_FIELD}`,
          );
        }
        try {
          await onFile({ filename: part.filename, stream: part.file }, { ...out });
        } catch (e) {
          fromFile = e; // what storing the file threw is the answer, as it is
          throw e;
        } finally {
          // Whatever onFile did, nothing more is read of this file (a refusal leaves the rest unread).
          if (!part.file.readableEnded) part.file.destroy();
        }
        continue;
      }
      if (part.valueTruncated || part.fieldnameTruncated)
        throw graph.param(part.fieldname, 'The request is too large', 2018109);
      if (!isCredential(part.fieldname)) out[part.fieldname] = fieldValue(String(part.value));
    }
  } catch (e) {
    throw e === fromFile ? e : formError(e);
  }
  return out;
}

/** What reading a form threw, as a Graph error: a limit of the form, or a body that is no form. */
function formError(e: unknown): unknown {
  if (e instanceof GraphError || e instanceof AppError) return e;
  const code = (e as { code?: unknown }).code;
  switch (code) {
    case 'FST_FILES_LIMIT':
      return graph.param(FILE_FIELD, 'one file per call');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return graph.param('body', `at most ${formLimits.fields} fields`);
    case 'FST_REQ_FILE_TOO_LARGE':
      return graph.param(FILE_FIELD, 'The attachment is too large', 2018109);
    case 'FST_PROTO_VIOLATION':
      return graph.param('body', 'a field name is reserved');
    case undefined:
      // busboy's own: a boundary missing, a part cut short, the form's end missing.
      if (e instanceof Error && !(e as { statusCode?: unknown }).statusCode)
        return graph.param('body', 'not a valid multipart/form-data body');
      return e;
    default:
      return e;
  }
}
