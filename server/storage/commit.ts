import type { DomainEvent } from '../../protocol/events.ts';
import type { EventBus, Origin, PublishedEvent } from '../bus/types.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Logger } from '../lib/logger.ts';
import { TransactionAborted } from './errors.ts';
import type { Storage, Tx } from './types.ts';

/** Who may see an event: everyone in a conversation (now or at that moment), or one person. */
export type EventScope = { conversationId: string } | { userId: string };

export interface Emit {
  event: DomainEvent;
  scope: EventScope;
  /** User ids to send it to live (the members after the change, plus anyone it removed). */
  audience: readonly string[];
  origin?: Origin | null;
}

/** What a job gets: the transaction, a way to record events, and hooks for after commit. */
export interface UnitOfWork {
  readonly tx: Tx;
  readonly now: number;
  /** Appends the event to the log (in this transaction) and answers its pos; it is published after commit. */
  emit(e: Emit): Promise<number>;
  /** Runs after the transaction commits, before the events are published. */
  afterCommit(fn: () => void): void;
}

export type Job<T> = (uow: UnitOfWork) => Promise<T>;

interface Pending {
  job: Job<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Every write goes through `run`; the jobs submitted during one turn of the event loop run
 * one after the other inside one transaction (each in its own savepoint, so one failing job fails alone),
 * then the transaction commits once, then — and only then — the jobs' promises settle and their events are
 * published, in pos order. One batch at a time: this is the only writer, so pos order is commit order.
 */
export class Committer {
  private queue: Pending[] = [];
  private scheduled = false;
  private running = false;
  private idle: (() => void)[] = [];
  private readonly rollbackHooks: (() => void)[] = [];
  /** Batches committed and jobs run, for the benchmark and the logs. */
  readonly stats = { batches: 0, jobs: 0, maxBatch: 0 };

  constructor(
    private readonly storage: Storage,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly maxBatch = 2000,
  ) {}

  run<T>(job: Job<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job: job as Job<unknown>, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Called when a batch is lost (the transaction failed): caches built inside jobs must be dropped. */
  onRollback(fn: () => void) {
    this.rollbackHooks.push(fn);
  }

  /** Resolves once every submitted job has settled. */
  drain(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule() {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush() {
    if (this.queue.length === 0) {
      for (const f of this.idle.splice(0)) f();
      return;
    }
    this.running = true;
    const batch = this.queue.splice(0, this.maxBatch);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const published: PublishedEvent[] = [];
    const hooks: (() => void)[] = [];
    const now = Date.now();
    let failure: unknown = null;
    try {
      await this.storage.transaction(async (tx) => {
        for (const p of batch) {
          const events: PublishedEvent[] = [];
          const jobHooks: (() => void)[] = [];
          const uow: UnitOfWork = {
            tx,
            now,
            emit: async (e) => {
              const json = JSON.stringify(e.event);
              const scope = e.scope;
              const pos = await tx.appendEvent({
                conversationId: 'conversationId' in scope ? scope.conversationId : null,
                userId: 'userId' in scope ? scope.userId : null,
                type: e.event.type,
                payload: json,
                createdAt: now,
              });
              events.push({
                pos,
                event: e.event,
                json,
                audience: e.audience,
                origin: e.origin ?? null,
                createdAt: now,
              });
              return pos;
            },
            afterCommit: (fn) => jobHooks.push(fn),
          };
          try {
            const value = await this.storage.savepoint(tx, () => p.job(uow));
            outcomes.push({ ok: true, value });
            for (const e of events) published.push(e);
            for (const h of jobHooks) hooks.push(h);
          } catch (error) {
            if (error instanceof TransactionAborted) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (e) {
      failure = e;
    }

    if (failure !== null) {
      this.log.error({ err: failure, jobs: batch.length }, 'batch transaction failed');
      for (const h of this.rollbackHooks) h();
      const error = new AppError('storage_unavailable', undefined, undefined, { cause: failure });
      for (const p of batch) p.reject(error);
    } else {
      this.stats.batches++;
      this.stats.jobs += batch.length;
      if (batch.length > this.stats.maxBatch) this.stats.maxBatch = batch.length;
      for (const h of hooks) {
        try {
          h();
        } catch (err) {
          this.log.error({ err }, 'after-commit hook failed');
        }
      }
      this.bus.publish(published);
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (!o) return;
        if (o.ok) p.resolve(o.value);
        else {
          if (!isAppError(o.error)) this.log.error({ err: o.error }, 'job failed');
          p.reject(o.error);
        }
      });
    }
    this.running = false;
    if (this.queue.length > 0) this.schedule();
    else for (const f of this.idle.splice(0)) f();
  }
}
