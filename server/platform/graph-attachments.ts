import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { messageContent } from '../../protocol/content.ts';
import { graphParams, refuseUploads } from './graph-body.ts';
import { edgePaths, type GraphDeps, open, type PageCall, read } from './graph-call.ts';
import { graph } from './graph-errors.ts';

/**
 * Reusable attachments (docs/PLATFORM.md): `POST me/message_attachments` with
 * `{message: {attachment: {type, payload: {url, is_reusable}}}}` → `{attachment_id}`, saved for the page;
 * the Send API sends it again by `payload.attachment_id`. By URL only: a multipart upload (`filedata`) is
 * refused (100) until media storage exists — after the body limit (100 / 2018109), which comes first.
 */

const body = z.looseObject({
  message: z.looseObject({
    attachment: z.looseObject({
      type: z.enum(['image', 'audio', 'video', 'file'], 'must be image, audio, video or file'),
      payload: z.looseObject({
        url: z.string('attachments are saved by URL'),
        is_reusable: z.boolean().optional(),
      }),
    }),
  }),
});

export function attachmentRoutes(g: FastifyInstance, pageCall: PageCall, deps: GraphDeps) {
  const save = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    refuseUploads(req.body);
    const { type, payload } = read(body, graphParams(req)).message.attachment;
    // The same rules as a message's media (an http(s) URL, at most 2,048 characters).
    const checked = messageContent.safeParse({ attachment: { type, url: payload.url } });
    if (!checked.success)
      throw graph.param('message[attachment][payload][url]', checked.error.issues[0]?.message ?? 'invalid');
    const saved = await deps.attachments.save(grant.pageId, grant.appId, type, payload.url);
    return { attachment_id: saved.id };
  };
  for (const path of edgePaths('message_attachments')) g.post(path, open, save);
}
