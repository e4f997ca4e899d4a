import type { Logger } from '../lib/logger.ts';
import type { EventBus, EventConsumer, PublishedEvent, PublishedSignal } from './types.ts';

/** The in-process bus: delivers synchronously, in order, to every consumer; one failing consumer does not stop the others. */
export class MemoryBus implements EventBus {
  private consumers: EventConsumer[] = [];

  constructor(private readonly log: Logger) {}

  publish(events: readonly PublishedEvent[]): void {
    if (events.length === 0) return;
    for (const c of this.consumers) {
      if (!c.onEvents) continue;
      try {
        c.onEvents(events);
      } catch (err) {
        this.log.error({ err, consumer: c.name }, 'event consumer failed');
      }
    }
  }

  signal(signal: PublishedSignal): void {
    for (const c of this.consumers) {
      if (!c.onSignal) continue;
      try {
        c.onSignal(signal);
      } catch (err) {
        this.log.error({ err, consumer: c.name }, 'signal consumer failed');
      }
    }
  }

  subscribe(consumer: EventConsumer): () => void {
    this.consumers.push(consumer);
    return () => {
      this.consumers = this.consumers.filter((c) => c !== consumer);
    };
  }

  async close() {
    this.consumers = [];
  }
}
