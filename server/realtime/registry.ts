import type { Signal } from '../../protocol/events.ts';
import type { ClientFrame, ClientFrameType } from '../../protocol/frames.ts';
import type { MessageView } from '../../protocol/views.ts';
import type { Origin } from '../bus/types.ts';
import { AppError } from '../errors.ts';

/** Frames the gateway answers itself: `hello` (the catch-up) and `ping`. The domains register the others. */
export type CoreFrameType = 'hello' | 'ping';
/** A request frame's type: what a domain registers a handler for. */
export type RequestFrameType = Exclude<ClientFrameType, CoreFrameType>;
type FrameOf = { [T in RequestFrameType]: Extract<ClientFrame, { type: T }> };
/** A parsed request frame of one type (all of them when the type is not given). */
export type RequestFrame<T extends RequestFrameType = RequestFrameType> = FrameOf[T];

/** What a handler knows of the request: who asked, on which socket, and how to reach people at once. */
export interface FrameContext {
  /** The signed-in person the socket belongs to; on a socket acting as a page (`/ws?page=`), the page. */
  readonly userId: string;
  /** The person behind the socket: `userId` itself, or on a page's socket the member acting as the page. */
  readonly actorId: string;
  readonly connectionId: string;
  /** The request's `ref` (null without one), echoed in its `ack` or `error`. */
  readonly ref: string | null;
  /**
   * Names this request; a service puts it on the event the request causes, so that the socket that asked
   * gets its ack in that event's place (realtime/acks.ts).
   */
  readonly origin: Origin;
  /** Sends an ephemeral signal (never stored) to the live sockets of `audience`, never back to this one. */
  signal(audience: readonly string[], signal: Signal): void;
}

/**
 * What a handler answers, which decides the request's `ack` (realtime/acks.ts, the one place):
 * - `{pos, message?}` with the position of the event the request caused: the ack goes out from the
 *   fan-out, in that event's place in the stream (the service must have put `ctx.origin` on it);
 * - `{pos: null, message?}`: nothing new happened (a retried send, an edit that changed nothing): the ack
 *   goes at once, with the message;
 * - nothing: an ack `{ref}` at once when the request carried a `ref`, else no answer.
 * A handler that throws is answered with an `error` frame (an AppError's id, else `internal`).
 */
export type FrameOutcome = { pos: number | null; message?: MessageView } | undefined;

export type FrameHandler<T extends RequestFrameType> = (
  ctx: FrameContext,
  frame: RequestFrame<T>,
) => Promise<FrameOutcome> | FrameOutcome;

type HandlerOf = { [T in RequestFrameType]: FrameHandler<T> };

/**
 * The socket's request frames, each with the handler its domain registered (messaging/frames.ts for
 * send, edit, delete, receipt and typing), so that the gateway knows no domain: app.ts fills this and
 * hands it to the gateway. A frame's shape is the protocol's (protocol/frames.ts, parsed before it gets
 * here); a type nobody registered is answered like a type the protocol does not know (`unknown_frame`).
 */
export class FrameHandlers {
  private readonly handlers: Partial<HandlerOf> = {};

  /** Registers the handler of one frame type; a second handler for the same type is a wiring mistake. */
  register<T extends RequestFrameType>(type: T, handler: HandlerOf[T]): this {
    if (this.handlers[type]) throw new Error(`A handler for "${type}" frames is already registered`);
    this.handlers[type] = handler;
    return this;
  }

  /** Whether a handler answers this frame type. */
  has(type: RequestFrameType): boolean {
    return this.handlers[type] !== undefined;
  }

  /**
   * Runs the frame's handler: its outcome, or a rejection (`unknown_frame` when none is registered).
   * `type` is `frame.type`, passed apart so that the compiler ties the handler found to the frame.
   */
  async handle<T extends RequestFrameType>(ctx: FrameContext, type: T, frame: RequestFrame<T>): Promise<FrameOutcome> {
    const handler: FrameHandler<T> | undefined = this.handlers[type];
    if (!handler) throw new AppError('unknown_frame', undefined, { type });
    return handler(ctx, frame);
  }
}
