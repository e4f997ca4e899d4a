import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PublishedSignal } from '../bus/types.ts';
import { newToken } from '../lib/ids.ts';
import type { MessagesService } from '../messaging/messages.ts';
import type { Storage } from '../storage/types.ts';
import { GraphError, graph, toGraphError } from './graph-errors.ts';
import { type GraphAuth, GraphGuard } from './guard.ts';
import { type ProfilePort, profileRoutes } from './profile.ts';
import { readSendBody } from './send-body.ts';
import type { PageThreads } from './threads.ts';
import { windowAllows } from './window.ts';

export interface GraphOptions {
  /** Graph API calls per second, per app and page (a burst of ten seconds' worth). */
  callsPerSecond: number;
  /** The clock of the messaging window (tests move it). */
  now?: () => number;
}

/**
 * The Graph-compatible API (docs/PLATFORM.md): the Send API, `POST /{version}/me/messages` and
 * `/{version}/{page-id}/messages`, and the Messenger Profile API (profile.ts), the version optional.
 * Authenticated by a page access token (`access_token` in the query, or `Authorization: Bearer`),
 * `appsecret_proof` checked when sent (guard.ts); bodies as JSON or as form fields holding JSON. Its own
 * Fastify context: its parsers and its error envelope (Graph errors) apply to these routes only, and the
 * session guards do not (`auth: false`).
 */
export function graphRoutes(
  app: FastifyInstance,
  deps: {
    auth: GraphAuth;
    storage: Storage;
    messages: MessagesService;
    threads: PageThreads;
    profiles: ProfilePort;
    signal: (s: PublishedSignal) => void;
  },
  options: GraphOptions,
) {
  const now = options.now ?? Date.now;
  const guard = new GraphGuard(deps.auth, options.callsPerSecond);

  void app.register(async (g) => {
    g.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, formBody(String(body)));
    });
    g.setErrorHandler((error, req, reply) => {
      // Fastify's own refusals (a body that is not JSON, too large, an unknown content type) are bad input.
      const status = (error as { statusCode?: unknown }).statusCode;
      const e =
        typeof status === 'number' && status >= 400 && status < 500 && !(error instanceof GraphError)
          ? status === 413
            ? graph.param('body', 'The request is too large', 2018109)
            : graph.param('body', error instanceof Error ? error.message : 'invalid')
          : toGraphError(error);
      if (e.status >= 500) req.log.error({ err: error }, 'graph request failed');
      return reply.status(e.status).send(e.toBody());
    });

    const send = async (req: FastifyRequest, reply: FastifyReply, pagePath: string | null) => {
      const grant = await guard.page(req, pagePath);
      const body = readSendBody(req.body);
      const psid = 'id' in body.recipient ? body.recipient.id : null;
      if (psid === null) throw graph.noUser(); // user_ref (checkbox opt-in) comes with the opt-in plugin
      const thread = await deps.threads.find(grant.pageId, psid);
      if (!thread) throw graph.noUser();
      const { userId, conversationId } = thread;
      // The cached time can only be older than the truth: asked again before refusing.
      const last = await deps.threads.lastFromPersonAt(conversationId, userId);
      if (
        !windowAllows(body, last, now()) &&
        !windowAllows(body, await deps.threads.lastFromPersonAt(conversationId, userId, true), now())
      )
        throw graph.window();
      if (body.senderAction !== null) {
        if (body.senderAction === 'mark_seen') {
          const conversation = await deps.storage.reader.messaging.conversationById(conversationId);
          if (!conversation) throw graph.noUser();
          await deps.messages.receipt(grant.pageId, conversation.id, undefined, conversation.lastSeq);
        } else {
          deps.signal({
            signal: {
              type: 'typing',
              conversationId,
              userId: grant.pageId,
              typing: body.senderAction === 'typing_on',
            },
            audience: [userId],
            exceptConnection: null,
          });
        }
        return reply.send({ recipient_id: psid });
      }
      const message = body.message;
      if (!message) throw graph.param('message', 'a message or a sender_action is required');
      const sent = await deps.messages.send(
        grant.pageId,
        {
          conversationId,
          clientId: `graph-${newToken().slice(0, 40)}`,
          text: message.text,
          // The sending app, named in the echo its webhook (and the page's other apps) receive.
          content: { ...message.content, appId: grant.appId },
        },
        null,
        false,
      );
      return reply.send({ recipient_id: psid, message_id: `m_${sent.message.id}` });
    };

    const open = { config: { auth: false } };
    g.post('/:version/me/messages', open, (req, reply) => send(req, reply, null));
    g.post('/me/messages', open, (req, reply) => send(req, reply, null));
    g.post('/:version/:pageId/messages', open, (req, reply) =>
      send(req, reply, (req.params as { pageId: string }).pageId),
    );
    g.post('/:pageId/messages', open, (req, reply) => send(req, reply, (req.params as { pageId: string }).pageId));
    profileRoutes(g, guard, deps.profiles);
  });
}

/** Form fields, each holding JSON (the documentation's curl examples) or plain text. */
function formBody(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === 'access_token' || key === 'appsecret_proof') continue;
    try {
      out[key] = JSON.parse(value);
    } catch {
      out[key] = value;
    }
  }
  return out;
}
