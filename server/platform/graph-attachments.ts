import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { url as httpUrl } from '../../protocol/content.ts';
import type { MediaRecord } from '../media/types.ts';
import { graphParams } from './graph-body.ts';
import { edgePaths, type Grant, type GraphDeps, open, type PageCall, read } from './graph-call.ts';
import { graph } from './graph-errors.ts';
import { readUploadForm, takesFiles } from './graph-form.ts';

/**
 * Reusable attachments (docs/PLATFORM.md): `POST me/message_attachments` saves media for the page — by URL
 * (`{message: {attachment: {type, payload: {url}}}}`, fetched now through media's pipeline) or by upload
 * (a multipart form: `message` without a url, then the file as `filedata`) — and answers its
 * `{attachment_id}`; the Send API sends it again by `payload.attachment_id`. Every saved attachment is
 * reusable, whatever `is_reusable` says.
 */

const type = z.enum(['image', 'audio', 'video', 'file'], 'must be image, audio, video or file');
const isReusable = z.boolean().optional();
const byUrl = z.looseObject({
  message: z.looseObject({
    attachment: z.looseObject({
      type,
      payload: z.looseObject({ url: z.string('a url, or a file as filedata'), is_reusable: isReusable }),
    }),
  }),
});
const byUpload = z.looseObject({
  message: z.looseObject({
    attachment: z.looseObject({
      type,
      payload: z
        .looseObject({ url: z.never('a url or a file, not both').optional(), is_reusable: isReusable })
        .optional(),
    }),
  }),
});

export function attachmentRoutes(g: FastifyInstance, pageCall: PageCall, deps: GraphDeps) {
  const saveIt = (grant: Grant, record: MediaRecord, kind: z.infer<typeof type>, url: string | null) =>
    deps.committer.run((uow) =>
      deps.attachments.saveIn(uow, { pageId: grant.pageId, appId: grant.appId, type: kind, mediaId: record.id, url }),
    );

  const save = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    if (!req.isMultipart()) return { attachment_id: await byUrlSave(req, grant) };
    // By upload: the `message` field is read before the file, which is stored as it arrives.
    let uploaded: MediaRecord | null = null;
    let kind: z.infer<typeof type> = 'file';
    try {
      const form = await readUploadForm(req, async (file, before) => {
        if (before.message === undefined) throw graph.param('message', 'required, before the file (filedata)');
        kind = read(byUpload, graphParams(req, before)).message.attachment.type;
        uploaded = await deps.media.upload(grant, file, true);
      });
      const record = uploaded as MediaRecord | null;
      if (record === null) {
        // No file: a form saving by URL, as a JSON body does.
        return { attachment_id: await byUrlSave(req, grant, form.fields) };
      }
      return { attachment_id: await saveIt(grant, record, kind, null) };
    } catch (e) {
      await deps.media.discard(uploaded);
      throw e;
    }
  };

  /** Saves by URL: checked (http(s), at most 2,048 characters), fetched, stored, saved. */
  const byUrlSave = async (req: FastifyRequest, grant: Grant, fields?: Record<string, unknown>) => {
    const { type: kind, payload } = read(byUrl, graphParams(req, fields ?? req.body)).message.attachment;
    const checked = httpUrl.safeParse(payload.url);
    if (!checked.success)
      throw graph.param('message[attachment][payload][url]', checked.error.issues[0]?.message ?? 'invalid');
    const record = await deps.media.fetch(grant, payload.url, true);
    try {
      return await saveIt(grant, record, kind, payload.url);
    } catch (e) {
      await deps.media.discard(record);
      throw e;
    }
  };

  for (const path of edgePaths('message_attachments')) g.post(takesFiles(path), open, save);
}
