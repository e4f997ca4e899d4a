import { z } from 'zod';
import type { ErrorBody } from './errors.ts';
import type { DomainEvent, Signal } from './events.ts';
import {
  attachmentIds,
  clientId,
  cursor,
  id,
  messageText,
  oneTap,
  oneTapMessage,
  reactionEmoji,
  seq,
  tap,
} from './schemas.ts';
import type { MessageView } from './views.ts';

/**
 * WebSocket frames: one JSON object per text frame, discriminated by `type`. Requests may carry a `ref`
 * (any short string) which the server echoes in the `ack` or `error` that answers them.
 * See docs/PROTOCOL.md.
 */

const ref = z.string().min(1).max(64).optional();

export const clientFrame = z.discriminatedUnion('type', [
  /** First frame on every connection. `cursor` is the last `pos` the client applied, or null for "from now". */
  z.strictObject({ type: z.literal('hello'), cursor: cursor.nullable(), ref }),
  z
    .strictObject({
      type: z.literal('send'),
      ref,
      conversationId: id,
      clientId,
      text: messageText,
      replyToId: id.optional(),
      /** Uploaded media (`POST /api/media`), at most 10; with some, the text (their caption) may be empty. */
      attachmentIds: attachmentIds.optional(),
      /** A quick reply the person tapped (the text is its title). */
      quickReply: tap.optional(),
      /** A postback button the person tapped: a template's, the persistent menu's, Get Started (the text is its title). */
      postback: tap.optional(),
    })
    .refine(oneTap, oneTapMessage),
  z.strictObject({ type: z.literal('edit'), ref, messageId: id, text: messageText }),
  z.strictObject({ type: z.literal('delete'), ref, messageId: id }),
  z
    .strictObject({
      type: z.literal('receipt'),
      ref,
      conversationId: id,
      deliveredSeq: seq.optional(),
      readSeq: seq.optional(),
    })
    .refine((f) => f.deliveredSeq !== undefined || f.readSeq !== undefined, 'deliveredSeq or readSeq'),
  z.strictObject({ type: z.literal('typing'), conversationId: id, typing: z.boolean() }),
  z.strictObject({ type: z.literal('ping'), ref }),
  /** Delete a message for yourself (any message you may read). */
  z.strictObject({ type: z.literal('hide'), ref, messageId: id }),
  /** Puts (`on: true`) or takes back an emoji reaction on a message; the emoji is checked by the server. */
  z.strictObject({ type: z.literal('react'), ref, messageId: id, emoji: reactionEmoji, on: z.boolean() }),
]);

export type ClientFrame = z.infer<typeof clientFrame>;
export type ClientFrameType = ClientFrame['type'];
export const clientFrameTypes: readonly ClientFrameType[] = [
  'hello',
  'send',
  'edit',
  'delete',
  'receipt',
  'typing',
  'ping',
  'hide',
  'react',
];

export type ServerFrame =
  /** Catch-up is over: every event up to `cursor` has been sent; live events follow. */
  | { type: 'ready'; cursor: number }
  | { type: 'event'; pos: number; event: DomainEvent }
  | { type: 'signal'; signal: Signal }
  /**
   * Answer to a request. For `send`, `edit` and `delete` it carries the message; for `send` it also stands
   * in for the `message.created` event on the socket that sent it, at the same place in the stream (`pos`).
   */
  | { type: 'ack'; ref: string | null; pos?: number; message?: MessageView }
  | { type: 'error'; ref: string | null; error: ErrorBody }
  /** The cursor cannot be served (unknown, or older than what the server keeps): reload state, then hello. */
  | { type: 'reset'; reason: 'cursor_ahead' | 'cursor_expired' }
  | { type: 'pong'; ref: string | null };

export type ServerFrameType = ServerFrame['type'];
