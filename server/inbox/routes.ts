import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { InboxThreadView, SetInboxStatusBody } from '../../protocol/inbox.ts';
import * as s from '../../protocol/inbox.ts';
import { idParams } from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import type { CannedReplies } from './canned.ts';
import type { InboxService } from './service.ts';

/** What the routes ask of the flow that spans domains (flows/business-inbox.ts): resolving sends the question. */
export interface InboxFlowPort {
  setStatus(userId: string, pageId: string, conversationId: string, body: SetInboxStatusBody): Promise<InboxThreadView>;
  /** A thread was snoozed: the waker looks at the next end again. */
  snoozed(): void;
}

/**
 * The business inbox's routes, for the people who run a page (session, origin-checked writes: http/guards.ts):
 * `/api/pages/:id/inbox/…`. Thin: validate, call the service, present.
 */
export function inboxRoutes(app: FastifyInstance, inbox: InboxService, canned: CannedReplies, flow: InboxFlowPort) {
  const me = (req: FastifyRequest) => authOf(req).user.id;
  const pageOf = (params: unknown) => parse(idParams, params).id;
  const base = '/api/pages/:id/inbox';
  const thread = `${base}/threads/:conversationId`;

  app.get(`${base}/threads`, async (req): Promise<s.InboxThreadsResponse> => {
    const q = parse(s.inboxThreadsQuery, req.query);
    return inbox.list(me(req), pageOf(req.params), q);
  });

  app.get(thread, async (req): Promise<s.InboxThreadResponse> => {
    const p = parse(s.inboxThreadParams, req.params);
    return { thread: await inbox.get(me(req), p.id, p.conversationId) };
  });

  app.put(`${thread}/status`, async (req): Promise<s.InboxThreadResponse> => {
    const p = parse(s.inboxThreadParams, req.params);
    const body = parse(s.setInboxStatusBody, req.body);
    const view = await flow.setStatus(me(req), p.id, p.conversationId, body);
    if (body.status === 'snoozed') flow.snoozed();
    return { thread: view };
  });

  app.put(`${thread}/assignee`, async (req): Promise<s.InboxThreadResponse> => {
    const p = parse(s.inboxThreadParams, req.params);
    const body = parse(s.setAssigneeBody, req.body);
    return { thread: await inbox.assign(me(req), p.id, p.conversationId, body.userId) };
  });

  app.put(`${thread}/labels/:labelId`, async (req): Promise<s.InboxThreadResponse> => {
    const p = parse(s.inboxLabelParams, req.params);
    return { thread: await inbox.label(me(req), p.id, p.conversationId, p.labelId, true) };
  });

  app.delete(`${thread}/labels/:labelId`, async (req): Promise<s.InboxThreadResponse> => {
    const p = parse(s.inboxLabelParams, req.params);
    return { thread: await inbox.label(me(req), p.id, p.conversationId, p.labelId, false) };
  });

  app.get(`${thread}/notes`, async (req): Promise<s.InboxNotesResponse> => {
    const p = parse(s.inboxThreadParams, req.params);
    return { notes: await inbox.notes(me(req), p.id, p.conversationId) };
  });

  app.post(`${thread}/notes`, async (req, reply): Promise<s.InboxNoteResponse> => {
    const p = parse(s.inboxThreadParams, req.params);
    const body = parse(s.noteBody, req.body);
    const note = await inbox.addNote(me(req), p.id, p.conversationId, body.text);
    reply.status(201);
    return { note };
  });

  app.get(`${thread}/canned-replies/:replyId`, async (req): Promise<s.ExpandedCannedReplyResponse> => {
    const p = parse(s.expandCannedParams, req.params);
    return canned.expand(me(req), p.id, p.conversationId, p.replyId);
  });

  app.get(
    `${base}/labels`,
    async (req): Promise<s.InboxLabelsResponse> => ({
      labels: await inbox.labels(me(req), pageOf(req.params)),
    }),
  );

  app.post(`${base}/labels`, async (req, reply) => {
    const body = parse(s.createLabelBody, req.body);
    const label = await inbox.createLabel(me(req), pageOf(req.params), body.name);
    return reply.status(201).send({ labels: [label] } satisfies s.InboxLabelsResponse);
  });

  app.delete(`${base}/labels/:labelId`, async (req, reply) => {
    const p = parse(s.pageLabelParams, req.params);
    await inbox.deleteLabel(me(req), p.id, p.labelId);
    return reply.status(204).send();
  });

  app.get(
    `${base}/canned-replies`,
    async (req): Promise<s.CannedRepliesResponse> => ({
      cannedReplies: await inbox.cannedReplies(me(req), pageOf(req.params)),
    }),
  );

  app.post(`${base}/canned-replies`, async (req, reply) => {
    const body = parse(s.createCannedReplyBody, req.body);
    const cannedReply = await inbox.saveCannedReply(me(req), pageOf(req.params), null, body);
    return reply.status(201).send({ cannedReply } satisfies s.CannedReplyResponse);
  });

  app.patch(`${base}/canned-replies/:replyId`, async (req): Promise<s.CannedReplyResponse> => {
    const p = parse(s.cannedReplyParams, req.params);
    const body = parse(s.updateCannedReplyBody, req.body);
    return { cannedReply: await inbox.saveCannedReply(me(req), p.id, p.replyId, body) };
  });

  app.delete(`${base}/canned-replies/:replyId`, async (req, reply) => {
    const p = parse(s.cannedReplyParams, req.params);
    await inbox.deleteCannedReply(me(req), p.id, p.replyId);
    return reply.status(204).send();
  });

  app.get(
    `${base}/settings`,
    async (req): Promise<s.InboxSettingsResponse> => ({
      settings: await inbox.settings(me(req), pageOf(req.params)),
    }),
  );

  app.put(`${base}/settings`, async (req): Promise<s.InboxSettingsResponse> => {
    const body = parse(s.inboxSettingsBody, req.body);
    return { settings: await inbox.setSettings(me(req), pageOf(req.params), body) };
  });

  app.get(
    `${base}/csat`,
    async (req): Promise<s.CsatReportResponse> => ({
      report: await inbox.csatReport(me(req), pageOf(req.params)),
    }),
  );
}
