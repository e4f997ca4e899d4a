import type { Signal } from '../../protocol/events.ts';
import type { LogEvent } from '../events/store.ts';

/** Which request caused an event: lets the socket that sent a message get an `ack` in its place. */
export interface Origin {
  connectionId: string;
  ref: string | null;
}

/** A committed event, as consumers receive it. */
export interface PublishedEvent {
  pos: number;
  event: LogEvent;
  /** Where the log files it (events/store.ts EventRecord): its conversation, or a wider scope (`page:…`). */
  conversationId: string | null;
  scope: string | null;
  /** The JSON of `event`, as stored in the log: serialised once, sent as is. */
  json: string;
  /** The user ids that may see it, decided in the transaction that made it. */
  audience: readonly string[];
  origin: Origin | null;
  createdAt: number;
}

export interface PublishedSignal {
  signal: Signal;
  audience: readonly string[];
  /** The connection that raised it does not get it back. */
  exceptConnection: string | null;
}

export interface EventConsumer {
  readonly name: string;
  onEvents?(events: readonly PublishedEvent[]): void;
  onSignal?(signal: PublishedSignal): void;
}

/**
 * The stream of domain events and ephemeral signals. Producers publish after commit, in pos order;
 * consumers (the socket gateway now, the webhook dispatcher next) subscribe. One interface, an
 * in-process implementation today, a distributed one when Comptoir runs on several nodes.
 */
export interface EventBus {
  publish(events: readonly PublishedEvent[]): void;
  signal(signal: PublishedSignal): void;
  subscribe(consumer: EventConsumer): () => void;
  close(): Promise<void>;
}
