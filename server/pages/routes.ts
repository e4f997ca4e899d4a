import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type {
  ConversationResponse,
  ConversationsResponse,
  HandoverResponse,
  MessageResponse,
  MessagesResponse,
  MyPagesResponse,
  PageAppsResponse,
  PageConversationResponse,
  PageMembersResponse,
  PageProfileResponse,
  PageResponse,
  PagesResponse,
  ThreadControlResponse,
} from '../../protocol/api.ts';
import { limits } from '../../protocol/limits.ts';
import type { CreatePageBody, ThreadControlBody } from '../../protocol/schemas.ts';
import * as schemas from '../../protocol/schemas.ts';
import type {
  ConversationView,
  HandoverView,
  MessageView,
  PageAppView,
  PageView,
  ThreadControlView,
} from '../../protocol/views.ts';
import { authOf, parse } from '../http/validate.ts';
import type { MessengerProfiles } from './profile.ts';
import type { PagesService } from './service.ts';

/** The page's inbox: its conversations, read and answered as the page (server/flows/page-inbox.ts). */
export interface PageInboxPort {
  list(userId: string, pageId: string): Promise<ConversationsResponse>;
  get(userId: string, pageId: string, conversationId: string): Promise<ConversationView>;
  history(
    userId: string,
    pageId: string,
    conversationId: string,
    before: number | undefined,
    limit: number,
  ): Promise<MessagesResponse>;
  send(
    userId: string,
    pageId: string,
    input: {
      conversationId: string;
      clientId: string;
      text: string;
      replyToId?: string | undefined;
      /** Uploads of the person answering as the page (`POST /api/media`), sent as the page's. */
      mediaIds?: readonly string[] | undefined;
      /** Taps are people's: sent as the page, they are refused (`not_a_person`). */
      quickReply?: { payload: string } | undefined;
      postback?: { payload: string } | undefined;
    },
  ): Promise<{ message: MessageView; created: boolean }>;
  receipt(
    userId: string,
    pageId: string,
    conversationId: string,
    deliveredSeq?: number,
    readSeq?: number,
  ): Promise<void>;
}

/** What the routes ask of flows that span domains (server/flows/pages.ts). */
export interface PagesFlows {
  create(ownerId: string, body: CreatePageBody): Promise<PageView>;
  update(userId: string, pageId: string, change: { name?: string; description?: string }): Promise<PageView>;
  openConversation(
    userId: string,
    pageId: string,
    ref?: string,
  ): Promise<{ conversation: ConversationView; created: boolean }>;
}

/** The handover protocol, as the people who run the page see it (server/flows/handover.ts). */
export interface PageHandoverPort {
  settings(userId: string, pageId: string): Promise<HandoverView>;
  setPrimary(userId: string, pageId: string, primaryAppId: string | null): Promise<HandoverView>;
  threadControl(userId: string, pageId: string, conversationId: string): Promise<ThreadControlView>;
  act(userId: string, pageId: string, conversationId: string, body: ThreadControlBody): Promise<ThreadControlView>;
}

/** The apps connected to the page and their webhooks' state, for its admins (server/flows/page-apps.ts). */
export interface PageAppsPort {
  list(userId: string, pageId: string): Promise<PageAppView[]>;
}

const memberParams = z.strictObject({ id: schemas.id, userId: schemas.id });
const threadParams = z.strictObject({ id: schemas.id, conversationId: schemas.id });

export function pagesRoutes(
  app: FastifyInstance,
  pages: PagesService,
  flows: PagesFlows,
  inbox: PageInboxPort,
  profiles: MessengerProfiles,
  handover: PageHandoverPort,
  apps: PageAppsPort,
) {
  const me = (req: FastifyRequest) => authOf(req).user.id;
  const idOf = (params: unknown) => parse(schemas.idParams, params).id;

  app.post('/api/pages', async (req, reply): Promise<PageResponse> => {
    const body = parse(schemas.createPageBody, req.body);
    const page = await flows.create(me(req), body);
    reply.status(201);
    return { page };
  });

  app.get('/api/pages', async (req): Promise<PagesResponse> => {
    const q = parse(schemas.pageSearchQuery, req.query);
    if (q.username !== undefined) return { pages: await pages.byUsername(q.username) };
    return { pages: await pages.search(q.q ?? '', limits.pageSearch.results) };
  });

  app.get('/api/me/pages', async (req): Promise<MyPagesResponse> => ({ pages: await pages.mine(me(req)) }));

  app.get('/api/pages/:id', async (req): Promise<PageResponse> => ({ page: await pages.get(idOf(req.params)) }));

  /** The page's greeting, Get Started button and persistent menu (its messenger profile): public, like the page. */
  app.get(
    '/api/pages/:id/profile',
    async (req): Promise<PageProfileResponse> => ({ profile: await profiles.view(idOf(req.params)) }),
  );

  app.patch('/api/pages/:id', async (req): Promise<PageResponse> => {
    const body = parse(schemas.updatePageBody, req.body);
    return { page: await flows.update(me(req), idOf(req.params), body) };
  });

  app.get(
    '/api/pages/:id/members',
    async (req): Promise<PageMembersResponse> => ({ members: await pages.members(me(req), idOf(req.params)) }),
  );

  app.post('/api/pages/:id/members', async (req): Promise<PageMembersResponse> => {
    const body = parse(schemas.addPageMemberBody, req.body);
    return { members: await pages.addMember(me(req), idOf(req.params), body.username, body.role) };
  });

  app.patch('/api/pages/:id/members/:userId', async (req): Promise<PageMembersResponse> => {
    const p = parse(memberParams, req.params);
    const body = parse(schemas.setPageRoleBody, req.body);
    return { members: await pages.setRole(me(req), p.id, p.userId, body.role) };
  });

  app.delete('/api/pages/:id/members/:userId', async (req, reply) => {
    const p = parse(memberParams, req.params);
    await pages.removeMember(me(req), p.id, p.userId);
    return reply.status(204).send();
  });

  /** The apps connected to the page, each with its webhook's state (admins: whoever owns the apps). */
  app.get(
    '/api/pages/:id/apps',
    async (req): Promise<PageAppsResponse> => ({ apps: await apps.list(me(req), idOf(req.params)) }),
  );

  /**
   * A person starts, or reopens, their conversation with the page: the same one every time. Through the
   * page's short link, with its `ref` for the page's apps (docs/PLATFORM.md, "Short links").
   */
  app.post('/api/pages/:id/conversation', async (req, reply): Promise<PageConversationResponse> => {
    const body = parse(schemas.openPageConversationBody, req.body ?? {});
    const r = await flows.openConversation(me(req), idOf(req.params), body.ref);
    if (r.created) reply.status(201);
    return r;
  });

  // The page's inbox: its conversations, as the page (the people who run it).

  app.get(
    '/api/pages/:id/conversations',
    async (req): Promise<ConversationsResponse> => inbox.list(me(req), idOf(req.params)),
  );

  app.get('/api/pages/:id/conversations/:conversationId', async (req): Promise<ConversationResponse> => {
    const p = parse(threadParams, req.params);
    return { conversation: await inbox.get(me(req), p.id, p.conversationId) };
  });

  app.get('/api/pages/:id/conversations/:conversationId/messages', async (req): Promise<MessagesResponse> => {
    const p = parse(threadParams, req.params);
    const q = parse(schemas.historyQuery, req.query);
    return inbox.history(me(req), p.id, p.conversationId, q.before, q.limit);
  });

  app.post('/api/pages/:id/conversations/:conversationId/messages', async (req, reply) => {
    const p = parse(threadParams, req.params);
    const { attachmentIds, ...body } = parse(schemas.sendMessageBody, req.body);
    const r = await inbox.send(me(req), p.id, { conversationId: p.conversationId, ...body, mediaIds: attachmentIds });
    return reply.status(r.created ? 201 : 200).send({ message: r.message } satisfies MessageResponse);
  });

  app.post('/api/pages/:id/conversations/:conversationId/receipts', async (req, reply) => {
    const p = parse(threadParams, req.params);
    const body = parse(schemas.receiptBody, req.body);
    await inbox.receipt(me(req), p.id, p.conversationId, body.deliveredSeq, body.readSeq);
    return reply.status(204).send();
  });

  // The handover protocol: which of the page's receivers (its apps, its inbox) owns each conversation.

  app.get(
    '/api/pages/:id/handover',
    async (req): Promise<HandoverResponse> => ({ handover: await handover.settings(me(req), idOf(req.params)) }),
  );

  app.put('/api/pages/:id/handover', async (req): Promise<HandoverResponse> => {
    const body = parse(schemas.setHandoverBody, req.body);
    return { handover: await handover.setPrimary(me(req), idOf(req.params), body.primaryAppId) };
  });

  app.get(
    '/api/pages/:id/conversations/:conversationId/thread-control',
    async (req): Promise<ThreadControlResponse> => {
      const p = parse(threadParams, req.params);
      return { threadControl: await handover.threadControl(me(req), p.id, p.conversationId) };
    },
  );

  app.post(
    '/api/pages/:id/conversations/:conversationId/thread-control',
    async (req): Promise<ThreadControlResponse> => {
      const p = parse(threadParams, req.params);
      const body = parse(schemas.threadControlBody, req.body);
      return { threadControl: await handover.act(me(req), p.id, p.conversationId, body) };
    },
  );
}
