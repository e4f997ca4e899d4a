import type { ClientFrame } from '../../protocol/frames.ts';
import type { MessageView } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import { takeAll } from '../lib/ratelimit.ts';
import type { Connection } from './connection.ts';
import type { Gateway } from './gateway.ts';

type Request = Exclude<ClientFrame, { type: 'hello' }>;

function ack(conn: Connection, ref: string | null | undefined, message?: MessageView, pos?: number | null) {
  const frame: Record<string, unknown> = { type: 'ack', ref: ref ?? null };
  if (pos !== undefined && pos !== null) frame.pos = pos;
  if (message) frame.message = message;
  conn.sendRaw(JSON.stringify(frame));
}

/**
 * One request frame → one service call. When the call emits an event, the socket that asked gets its
 * `ack` from the gateway's fan-out, in the event's place in the stream; otherwise (an idempotent retry,
 * an edit that changed nothing, a receipt) it is answered here.
 */
export async function handleFrame(gw: Gateway, conn: Connection, frame: Request): Promise<void> {
  const origin = { connectionId: conn.id, ref: 'ref' in frame ? (frame.ref ?? null) : null };
  switch (frame.type) {
    case 'send': {
      const r = await gw.messages.send(
        conn.userId,
        {
          conversationId: frame.conversationId,
          clientId: frame.clientId,
          text: frame.text,
          replyToId: frame.replyToId,
        },
        origin,
      );
      if (r.pos === null) ack(conn, frame.ref, r.message);
      return;
    }
    case 'edit': {
      const r = await gw.messages.edit(conn.userId, frame.messageId, frame.text, origin);
      if (r.pos === null) ack(conn, frame.ref, r.message);
      return;
    }
    case 'delete': {
      const r = await gw.messages.delete(conn.userId, frame.messageId, origin);
      if (r.pos === null) ack(conn, frame.ref, r.message);
      return;
    }
    case 'receipt':
      await gw.messages.receipt(conn.userId, frame.conversationId, frame.deliveredSeq, frame.readSeq);
      if (frame.ref) ack(conn, frame.ref);
      return;
    case 'typing': {
      const audience = await gw.messages.audienceOf(conn.userId, frame.conversationId);
      // Typing fans out to every member: limited per member and per conversation, not only per socket. A
      // signal refused by one bucket takes nothing from the other (one member cannot spend everyone's).
      const wait = takeAll([
        [gw.typingPerMember, `${conn.userId}\u0000${frame.conversationId}`],
        [gw.typingPerConversation, frame.conversationId],
      ]);
      if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
      gw.signal({
        signal: { type: 'typing', conversationId: frame.conversationId, userId: conn.userId, typing: frame.typing },
        audience: audience.filter((u) => u !== conn.userId),
        exceptConnection: conn.id,
      });
      return;
    }
    case 'ping':
      conn.sendRaw(JSON.stringify({ type: 'pong', ref: frame.ref ?? null }));
      return;
  }
}
