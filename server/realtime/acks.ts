import type { ServerFrame } from '../../protocol/frames.ts';
import type { MessageView } from '../../protocol/views.ts';
import type { PublishedEvent } from '../bus/types.ts';
import type { FrameOutcome } from './registry.ts';

type AckFrame = Extract<ServerFrame, { type: 'ack' }>;

/*
 * How a request is acknowledged — decided here and nowhere else, from its handler's outcome
 * (registry.ts):
 * - it caused an event (`pos` set): the socket that asked gets the ack *in place of* that event, from the
 *   fan-out, at the event's place in the stream, carrying the event's message and pos (`ackInPlaceOf`).
 *   The event is published before the handler's promise settles, so nothing is left to send then;
 * - nothing new happened (`pos: null`): the ack goes at once, with the message (`ackOf`);
 * - no outcome: an ack `{ref}` at once when the request carried a ref, else nothing (`ackOf`).
 */

/** The ack to send once a handler's outcome is known, or null when there is none to send now. */
export function ackOf(ref: string | null, outcome: FrameOutcome): string | null {
  if (outcome === undefined) return ref === null ? null : ack(ref);
  if (outcome.pos !== null) return null; // the fan-out answers it: ackInPlaceOf
  return ack(ref, null, outcome.message);
}

/**
 * The ack that stands in for an event on the socket whose request caused it (its `origin`), or null for
 * every other socket, which gets the event itself.
 */
export function ackInPlaceOf(e: PublishedEvent, connectionId: string): string | null {
  if (e.origin === null || e.origin.connectionId !== connectionId) return null;
  const ev = e.event;
  const message =
    ev.type === 'message.created' || ev.type === 'message.edited' || ev.type === 'message.deleted'
      ? ev.message
      : undefined;
  return ack(e.origin.ref, e.pos, message);
}

function ack(ref: string | null, pos: number | null = null, message?: MessageView): string {
  const frame: AckFrame = { type: 'ack', ref };
  if (pos !== null) frame.pos = pos;
  if (message) frame.message = message;
  return JSON.stringify(frame);
}
