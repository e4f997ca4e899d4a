import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type {
  ConversationResponse,
  ConversationSettingsResponse,
  ConversationsResponse,
  ForwardResponse,
  MessageResponse,
  MessagesResponse,
} from '../../protocol/api.ts';
import * as schemas from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import type { ConversationsService } from './conversations.ts';
import type { ForwardService } from './forward.ts';
import type { HiddenMessages } from './hidden.ts';
import type { MessagesService } from './messages.ts';
import type { ReactionsService } from './reactions.ts';
import type { ConversationSettingsService } from './settings.ts';
import { tapOf } from './taps.ts';

type Id = { Params: { id: string } };
const memberParams = z.strictObject({ id: schemas.id, userId: schemas.id });
const emptyBody = z.strictObject({});

/** Chat management: each person's own settings of a conversation (settings.ts). */
export interface ChatManagement {
  settings: ConversationSettingsService;
  /** Delete for me (hidden.ts). */
  hidden: HiddenMessages;
  forward: ForwardService;
}

export function messagingRoutes(
  app: FastifyInstance,
  conversations: ConversationsService,
  messages: MessagesService,
  chat: ChatManagement,
) {
  const me = (req: FastifyRequest) => authOf(req).user.id;
  const idOf = (params: unknown) => parse(schemas.idParams, params).id;

  app.get('/api/conversations', async (req): Promise<ConversationsResponse> => conversations.list(me(req)));

  app.post('/api/conversations/direct', async (req, reply) => {
    const { userId } = parse(schemas.startDirectBody, req.body);
    const r = await conversations.startDirect(me(req), userId);
    return reply.status(r.created ? 201 : 200).send({ conversation: r.conversation } satisfies ConversationResponse);
  });

  app.post('/api/conversations/group', async (req, reply) => {
    const body = parse(schemas.createGroupBody, req.body);
    const conversation = await conversations.createGroup(me(req), body.title, body.memberIds, body.history);
    return reply.status(201).send({ conversation } satisfies ConversationResponse);
  });

  app.get<Id>(
    '/api/conversations/:id',
    async (req): Promise<ConversationResponse> => ({
      conversation: await conversations.get(me(req), idOf(req.params)),
    }),
  );

  app.patch<Id>('/api/conversations/:id', async (req): Promise<ConversationResponse> => {
    const change = parse(schemas.updateConversationBody, req.body);
    return { conversation: await conversations.update(me(req), idOf(req.params), change) };
  });

  app.post<Id>('/api/conversations/:id/members', async (req): Promise<ConversationResponse> => {
    const { userIds } = parse(schemas.addMembersBody, req.body);
    return { conversation: await conversations.addMembers(me(req), idOf(req.params), userIds) };
  });

  app.delete('/api/conversations/:id/members/:userId', async (req, reply) => {
    const p = parse(memberParams, req.params);
    await conversations.removeMember(me(req), p.id, p.userId);
    return reply.status(204).send();
  });

  app.get<Id>('/api/conversations/:id/messages', async (req): Promise<MessagesResponse> => {
    const q = parse(schemas.threadHistoryQuery, req.query);
    if (q.after !== undefined) return messages.historyAfter(me(req), idOf(req.params), q.after, q.limit);
    if (q.around !== undefined) return messages.historyAround(me(req), idOf(req.params), q.around, q.limit);
    return messages.history(me(req), idOf(req.params), q.before, q.limit);
  });

  app.post<Id>('/api/conversations/:id/messages', async (req, reply) => {
    const { quickReply, postback, attachmentIds, ...body } = parse(schemas.sendMessageBody, req.body);
    const tap = tapOf({ quickReply, postback });
    const r = await messages.send(me(req), { conversationId: idOf(req.params), ...body, tap, mediaIds: attachmentIds });
    return reply.status(r.created ? 201 : 200).send({ message: r.message } satisfies MessageResponse);
  });

  app.patch<Id>('/api/messages/:id', async (req): Promise<MessageResponse> => {
    const { text } = parse(schemas.editMessageBody, req.body);
    return { message: (await messages.edit(me(req), idOf(req.params), text)).message };
  });

  app.delete<Id>(
    '/api/messages/:id',
    async (req): Promise<MessageResponse> => ({
      message: (await messages.delete(me(req), idOf(req.params))).message,
    }),
  );

  app.post<Id>('/api/conversations/:id/receipts', async (req, reply) => {
    const body = parse(schemas.receiptBody, req.body);
    await messages.receipt(me(req), idOf(req.params), body.deliveredSeq, body.readSeq);
    return reply.status(204).send();
  });

  app.patch<Id>('/api/conversations/:id/settings', async (req): Promise<ConversationSettingsResponse> => {
    const change = parse(schemas.conversationSettingsBody, req.body);
    return { settings: await chat.settings.update(me(req), idOf(req.params), change) };
  });

  app.post<Id>('/api/messages/:id/hide', async (req, reply) => {
    parse(emptyBody, req.body ?? {});
    await chat.hidden.hide(me(req), idOf(req.params));
    return reply.status(204).send();
  });

  app.post<Id>('/api/messages/:id/forward', async (req, reply) => {
    const body = parse(schemas.forwardBody, req.body);
    const r = await chat.forward.forward(me(req), idOf(req.params), body.conversationIds, body.clientId);
    return reply.status(r.created ? 201 : 200).send({ messages: r.messages } satisfies ForwardResponse);
  });
}

/**
 * Emoji reactions over HTTP, as over the socket (`react`): `PUT` puts one, `DELETE` takes it back; both
 * answer the message with its reactions as they now are, whether or not anything changed.
 */
export function reactionRoutes(app: FastifyInstance, reactions: ReactionsService) {
  const path = '/api/conversations/:id/messages/:messageId/reactions/:emoji';
  const react = async (req: FastifyRequest, on: boolean): Promise<MessageResponse> => {
    const p = parse(schemas.reactionParams, req.params);
    const userId = authOf(req).user.id;
    const r = await reactions.react(userId, { messageId: p.messageId, emoji: p.emoji, on, conversationId: p.id });
    return { message: r.message };
  };
  app.put(path, (req) => react(req, true));
  app.delete(path, (req) => react(req, false));
}
