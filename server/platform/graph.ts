import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newId } from '../lib/ids.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import type { MediaRecord } from '../media/types.ts';
import { directKeyOf } from '../messaging/store.ts';
import { attachmentRoutes } from './graph-attachments.ts';
import { formBody } from './graph-body.ts';
import { edgePaths, type Grant, type GraphAuth, type GraphDeps, open, type PageCall } from './graph-call.ts';
import { GraphError, graph, toGraphError } from './graph-errors.ts';
import { readUploadForm, registerForms, takesFiles } from './graph-form.ts';
import { handoverRoutes } from './graph-handover.ts';
import { claimUserRef, consentAllows, releaseUserRef } from './graph-optin.ts';
import { profileRoutes } from './graph-profile.ts';
import { messengerProfileRoutes } from './profile.ts';
import { attachmentIdsIn, FILE_FIELD, readSendBody } from './send-body.ts';

export interface GraphOptions {
  /** Graph API calls per second, per app and page (a burst of ten seconds' worth). */
  callsPerSecond: number;
  /** The clock of the messaging window (tests move it). */
  now?: () => number;
}

/** `v2.9`, `v19.0`…: any version a client sends is served the same. */
const VERSION = /^v[0-9]{1,2}\.[0-9]{1,2}$/;

/**
 * The Graph-compatible API (docs/PLATFORM.md): the Send API (`POST /{version}/me/messages`), the Messenger
 * Profile API (profile.ts), the handover protocol (graph-handover.ts), the user profile (graph-profile.ts)
 * and reusable attachments (graph-attachments.ts), the version optional and `me` or the page's id.
 * Authenticated by a page access token (`access_token` in the query, or `Authorization: Bearer`),
 * `appsecret_proof` checked when sent; bodies as JSON, as form fields holding JSON, or multipart. Its own
 * Fastify context: its parsers and its error envelope (Graph errors) apply to these routes only, and the
 * session guards do not (`auth: false`).
 */
export function graphRoutes(app: FastifyInstance, deps: GraphDeps, options: GraphOptions) {
  const now = options.now ?? Date.now;
  const calls = new RateLimiter(options.callsPerSecond * 10, 10_000);

  const pageCall: PageCall = async (req) => {
    const params = req.params as { version?: string; pageId?: string };
    if (params.version !== undefined && !VERSION.test(params.version)) throw graph.unknownPath();
    const { grant } = await authenticate(req, deps.auth);
    if (params.pageId !== undefined && params.pageId !== grant.pageId)
      throw graph.token('The access token is not this page’s');
    if (calls.take(`${grant.appId}\u0000${grant.pageId}`) > 0) throw graph.rate();
    return grant;
  };

  void app.register(async (g) => {
    g.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, formBody(String(body)));
    });
    // Multipart forms, streamed: a file goes to media's pipeline, never whole in memory (graph-form.ts).
    registerForms(g);
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
      // A form refused before its end (an upload over its limit): the rest is not read, the connection closed.
      if (req.isMultipart() && !req.raw.readableEnded) reply.header('connection', 'close');
      return reply.status(e.status).send(e.toBody());
    });

    const send = async (req: FastifyRequest, reply: FastifyReply) => {
      const grant = await pageCall(req);
      if (!req.isMultipart()) return sendBody(reply, grant, req.body, null);
      // A multipart call's file is stored as it arrives (the recipient may come after it: clients send
      // `message`, `filedata`, then `recipient`), and deleted if the message is not sent.
      let uploaded: MediaRecord | null = null;
      try {
        const form = await readUploadForm(req, async (file, before) => {
          uploaded = await deps.media.upload(grant, file, reusableIn(before.message));
        });
        const stored = uploaded as MediaRecord | null;
        if (stored !== null && reusableIn(form.fields.message) && !stored.reusable)
          throw graph.param(FILE_FIELD, 'with is_reusable, the message field comes before the file');
        return await sendBody(reply, grant, form.fields, stored);
      } catch (e) {
        await deps.media.discard(uploaded);
        throw e;
      }
    };

    const sendBody = async (reply: FastifyReply, grant: Grant, raw: unknown, uploaded: MediaRecord | null) => {
      const saved = await deps.attachments.find(grant.pageId, attachmentIdsIn(raw));
      const body = readSendBody(raw, (id) => saved.get(id) ?? null, uploaded !== null);
      // A PSID, or the user_ref of a checkout's opt-in (graph-optin.ts): the first message to a user_ref
      // opens the person's thread with the page (and their PSID).
      let userId: string;
      let conversationId: string | null;
      let claimed: { userRef: string; first: boolean } | null = null;
      const psid = 'id' in body.recipient ? body.recipient.id : null;
      if ('id' in body.recipient) {
        const thread = await deps.threads.find(grant.pageId, body.recipient.id);
        if (!thread) throw graph.noUser();
        ({ userId, conversationId } = thread);
      } else {
        if (body.senderAction !== null)
          throw graph.param('sender_action', 'a sender action is sent to a PSID, not to a user_ref');
        const claim = await claimUserRef(deps.committer, grant.pageId, body.recipient.userRef);
        claimed = { userRef: body.recipient.userRef, first: claim.first };
        userId = claim.userId;
        const key = directKeyOf(userId, grant.pageId);
        conversationId = (await deps.storage.reader.messaging.conversationByDirectKey(key))?.id ?? null;
      }
      try {
        return await deliver(reply, grant, body, userId, conversationId, psid, uploaded);
      } catch (e) {
        if (claimed?.first) await releaseUserRef(deps.committer, grant.pageId, claimed.userRef);
        throw e;
      }
    };

    const deliver = async (
      reply: FastifyReply,
      grant: Grant,
      body: ReturnType<typeof readSendBody>,
      userId: string,
      known: string | null,
      psid: string | null,
      uploaded: MediaRecord | null,
    ) => {
      // Only the thread's owner answers it (handover protocol); the other apps stand by.
      if ((await deps.handover.owner(grant.pageId, userId)) !== grant.appId) throw graph.threadControlled();
      // What the person allows the page (blocked, updates stopped, an opt-in) and the messaging window. The
      // cached time can only be older than the truth: asked again before refusing.
      const lastAt = (fresh: boolean) =>
        known === null ? Promise.resolve(null) : deps.threads.lastFromPersonAt(grant.pageId, known, userId, fresh);
      let verdict = consentAllows(body, await deps.standing(grant.pageId, userId, false), await lastAt(false), now());
      if (verdict !== true)
        verdict = consentAllows(body, await deps.standing(grant.pageId, userId, true), await lastAt(true), now());
      if (verdict !== true) throw verdict;
      const attachment = body.message?.content?.attachment;
      const receipt =
        attachment?.type === 'template' && attachment.template.templateType === 'receipt' ? attachment.template : null;
      // A receipt refused as invalid writes nothing: checked before a first send to a user_ref opens the
      // person's thread with the page, and their PSID.
      if (receipt && known === null) await deps.receipts.checkFirstReceipt(receipt, grant.pageId, userId);
      else if (receipt) deps.receipts.checkReceipt(receipt);
      const conversationId = known ?? (await deps.openThread(userId, grant.pageId));
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
      if (receipt) {
        // A receipt is an order's card: the page's order with its number, created or updated (never twice).
        const content = {
          ...message.content,
          attachment: { type: 'template' as const, template: receipt },
          appId: grant.appId,
        };
        // To a user_ref, the thread and the person's PSID were made just now (openThread).
        const customerPsid = psid ?? (await deps.storage.reader.pages.psidOf(grant.pageId, userId));
        if (!customerPsid) throw graph.noUser();
        const thread = { userId, conversationId, psid: customerPsid };
        const sent = await deps.receipts.receipt(grant.pageId, thread, content, message.text);
        // Messenger leaves recipient_id out of the answer to a send to a user_ref.
        return reply.send(
          psid === null ? { message_id: `m_${sent.id}` } : { recipient_id: psid, message_id: `m_${sent.id}` },
        );
      }
      const input = {
        conversationId,
        clientId: `graph-${newId()}`,
        freshClientId: true, // unique: never a retry of another, nothing to look up
        consentChecked: true, // the person's standing with the page was read above
        text: message.text,
        // The sending app, named in the echo its webhook (and the page's other apps) receive.
        content: { ...message.content, appId: grant.appId },
      };
      let id: string;
      let attachmentId: string | null = null;
      if (message.media === null) {
        id = (await deps.messages.send(grant.pageId, input, null, false)).message.id;
      } else {
        // Media: stored first (fetched, or the call's file), then claimed by the message in its job, with
        // the page's saved attachment when the call asked is_reusable (Messenger answers its id).
        const stored = await deps.media.forMessage(grant, message.media, uploaded);
        let unkept: boolean;
        try {
          ({ id, attachmentId, unkept } = await deps.committer.run(async (uow) => {
            const saved = await stored.saveIn(uow);
            const sent = await deps.messages.sendIn(uow, grant.pageId, { ...input, mediaIds: [stored.mediaId] });
            return { id: sent.message.id, ...saved };
          }));
        } catch (e) {
          await deps.media.discard(stored.fetched);
          throw e;
        }
        if (unkept) await deps.media.discard(stored.fetched);
      }
      // Messenger leaves recipient_id out of the answer to a send to a user_ref.
      return reply.send({
        ...(psid === null ? {} : { recipient_id: psid }),
        message_id: `m_${id}`,
        ...(attachmentId === null ? {} : { attachment_id: attachmentId }),
      });
    };

    for (const path of edgePaths('messages')) g.post(takesFiles(path), open, send);
    messengerProfileRoutes(g, pageCall, deps.profiles);
    handoverRoutes(g, pageCall, deps);
    profileRoutes(g, pageCall, deps.storage);
    attachmentRoutes(g, pageCall, deps);
  });
}

/** Whether a `message` field asks its attachment to be saved for reuse (`is_reusable: true`). */
function reusableIn(message: unknown): boolean {
  const payload = (message as { attachment?: { payload?: { is_reusable?: unknown } } } | null)?.attachment?.payload;
  return typeof payload === 'object' && payload !== null && payload.is_reusable === true;
}

/** The token from `?access_token=` or `Authorization: Bearer`, its grant, and its proof when one is sent. */
async function authenticate(req: FastifyRequest, auth: GraphAuth) {
  const query = req.query as Record<string, unknown>;
  const header = req.headers.authorization;
  const bearer = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
  const fromQuery = typeof query.access_token === 'string' ? query.access_token : undefined;
  const token = fromQuery ?? bearer;
  if (!token || token.length > 512)
    throw graph.token('An active access token must be used to query information about the current user.');
  const grant = await auth.grant(token);
  if (!grant) throw graph.token();
  const proof = query.appsecret_proof;
  if (proof !== undefined) {
    if (typeof proof !== 'string' || !(await auth.checkProof(grant.appId, token, proof))) throw graph.proof();
  }
  return { token, grant };
}
