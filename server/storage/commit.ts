import type { EventBus, Origin, PublishedEvent } from '../bus/types.ts';
import { AppError, isAppError } from '../errors.ts';
import type { LogEvent } from '../events/store.ts';
import type { Logger } from '../lib/logger.ts';
import {
  CommitOutcomeUnknown,
  DeferredWriteError,
  type ReadHint,
  type Storage,
  storeNames,
  type Tx,
  txWrites,
} from './types.ts';

/**
 * Who may see an event: everyone in a conversation (now or at that moment), one person, or a wider scope
 * named `kind:id` (a page's members, an app): events/store.ts.
 */
export type EventScope = { conversationId: string } | { userId: string } | { scope: string };

export interface Emit {
  event: LogEvent;
  scope: EventScope;
  /** User ids to send it to live (the members after the change, plus anyone it removed). */
  audience: readonly string[];
  origin?: Origin | null;
  /** For a message's events, its seq: members who joined after it (history 'joined') do not replay it. */
  messageSeq?: number;
}

/**
 * What a job gets: the transaction, a way to record events, and hooks for after commit.
 *
 * A job checks first and writes after: an AppError thrown before its first write simply fails the job.
 * Any other failure — an unexpected error, or an AppError after a write — cannot be undone inside the
 * shared transaction, so the whole batch is rolled back and run again without that job.
 */
export interface UnitOfWork {
  readonly tx: Tx;
  readonly now: number;
  /** Appends the event to the log (in this transaction) and answers its pos; it is published after commit. */
  emit(e: Emit): Promise<number>;
  /** Runs after the batch is durable, before the events are published. */
  afterCommit(fn: () => void): void;
}

export type Job<T> = (uow: UnitOfWork) => Promise<T>;

/** A batch slower than this is logged (a stalled disk shows here first). */
const SLOW_BATCH_MS = 50;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  job: Job<unknown>;
  hint: ReadHint | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A job failed in a way only a rollback can clean up. */
class Poisoned extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super('a job failed after writing');
  }
}

/**
 * The transaction seen by jobs: the backend's, counting writes. Made once per backend transaction object
 * (SQLite reuses one for every batch): wrapping each write method anew per batch cost a few dozen closures
 * and left objects whose method lookups stayed slow on every statement of the batch.
 */
const counted = new WeakMap<Tx, { tx: Tx; writes: () => number }>();
function countingTx(tx: Tx): { tx: Tx; writes: () => number } {
  const known = counted.get(tx);
  if (known) return known;
  let writes = 0;
  const count = <S extends object>(store: S, names: readonly string[]): S => {
    const counted = Object.create(store) as S;
    const methods = counted as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const name of names) {
      const original = (store as Record<string, (...args: unknown[]) => Promise<unknown>>)[name];
      if (!original) continue;
      methods[name] = (...args: unknown[]) => {
        writes++;
        return original.apply(store, args);
      };
    }
    return counted;
  };
  const stores: PropertyDescriptorMap = {};
  for (const name of storeNames) stores[name] = { value: count(tx[name], txWrites[name]) };
  // Only differences of the count matter (before and after a job), so one counter serves every batch.
  const made = { tx: Object.create(tx, stores) as Tx, writes: () => writes };
  counted.set(tx, made);
  return made;
}

/**
 * Group commit. Every write goes through `run`; the jobs submitted during one turn of the event loop run
 * one after the other inside one transaction, which then commits once. Once it is durable
 * (Storage.durable) — and only then — the jobs' promises settle and their events are published, in pos
 * order, batch after batch. One batch runs at a time: this is the only writer, so pos order is commit
 * order. The next batch may run while the previous one is being made durable.
 *
 * There are no savepoints (SQLite copies every page a savepoint touches: they tripled the cost of a
 * message). A job that fails after writing poisons the batch: it is rolled back and run again without
 * that job. A second such failure in one batch fails the rest with `storage_unavailable`.
 *
 * A backend may defer writes and send them later (PostgreSQL sends a batch's rows in a few statements):
 * their failure (DeferredWriteError) names no job, so the batch is rolled back and run again in strict
 * mode, the deferred writes sent after each job (Tx.flush), which finds the job to run the batch without.
 */
export class Committer {
  private queue: Pending[] = [];
  private scheduled = false;
  private running = false;
  private idle: (() => void)[] = [];
  private readonly rollbackHooks: (() => void)[] = [];
  /** Settles when every committed batch has been made durable and released, in order. */
  private settled: Promise<void> = Promise.resolve();
  /** Batches committed and jobs run, for the benchmark and the logs. */
  readonly stats = { batches: 0, jobs: 0, retries: 0 };
  /** Set when making a batch durable failed: nothing more is written, the process is stopping. */
  private broken: unknown = null;
  /**
   * The highest position of an event this process has published — its batch durable. Readers serve the
   * log up to here only (MessagesService.head): a batch committed but not yet on disk (under
   * SQLITE_SYNCHRONOUS=FULL, or if its fsync fails) is never read back to anyone. Set from the log's
   * head when the process starts (createCore), when everything in it has been recovered.
   */
  durablePosition = 0;

  constructor(
    private readonly storage: Storage,
    private readonly bus: EventBus,
    private readonly log: Logger,
    /**
     * Called once if making a batch durable fails (an fsync error). The batch is neither acknowledged nor
     * published, and nothing is written after it; the server stops (main.ts), as PostgreSQL does since
     * 2018: after a failed fsync the kernel may have dropped the dirty pages, so only a restart that
     * recovers from the log knows what is on disk. Clients reconnect and catch up from the log.
     */
    private readonly onDurabilityFailure: (error: unknown) => void = () => {},
    private readonly maxBatch = 2000,
  ) {}

  /** Submits a job; `hint` says what it will read, for backends that load a batch's reads at once. */
  run<T>(job: Job<T>, hint?: ReadHint): Promise<T> {
    if (this.broken !== null) {
      return Promise.reject(new AppError('storage_unavailable', undefined, undefined, { cause: this.broken }));
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job: job as Job<unknown>, hint, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Called when a transaction is rolled back: state built inside jobs must be dropped. */
  onRollback(fn: () => void) {
    this.rollbackHooks.push(fn);
  }

  /** Resolves once every submitted job has settled. */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      this.idle.push(resolve);
      void this.settled.then(() => this.notifyIdle());
    });
  }

  private schedule() {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private notifyIdle() {
    if (this.running || this.scheduled || this.queue.length > 0) return;
    for (const f of this.idle.splice(0)) f();
  }

  private rolledBack() {
    for (const h of this.rollbackHooks) h();
  }

  private async flush() {
    if (this.broken !== null) {
      const error = new AppError('storage_unavailable', undefined, undefined, { cause: this.broken });
      for (const p of this.queue.splice(0)) p.reject(error);
    }
    if (this.queue.length === 0) {
      void this.settled.then(() => this.notifyIdle());
      return;
    }
    this.running = true;
    const started = performance.now();
    const batch = this.queue.splice(0, this.maxBatch);
    const excluded = new Map<number, unknown>();
    let attempt: Awaited<ReturnType<Committer['attempt']>> | null = null;
    let failure: unknown = null;
    let poisoned = false;
    let strict = false;
    while (attempt === null && failure === null) {
      try {
        attempt = await this.attempt(batch, excluded, strict);
      } catch (e) {
        this.rolledBack();
        if (e instanceof Poisoned && !poisoned) {
          poisoned = true;
          this.stats.retries++;
          excluded.set(e.index, e.error);
          if (!isAppError(e.error)) this.log.error({ err: e.error }, 'job failed; batch retried without it');
          continue;
        }
        if (e instanceof DeferredWriteError && !strict) {
          strict = true;
          this.stats.retries++;
          this.log.warn({ err: e, jobs: batch.length }, 'deferred writes failed; batch retried job by job');
          continue;
        }
        failure = e instanceof Poisoned ? e.error : e;
      }
    }

    if (attempt === null && failure instanceof CommitOutcomeUnknown) {
      // Maybe committed, maybe not: as after a failed fsync, nothing more is written until a restart.
      const first = this.broken === null;
      this.broken ??= failure;
      this.log.fatal({ err: failure, jobs: batch.length }, 'the outcome of a batch is unknown');
      const error = new AppError('storage_unavailable', undefined, undefined, { cause: failure });
      for (const p of batch) p.reject(error);
      if (first) this.onDurabilityFailure(failure);
    } else if (attempt === null) {
      this.log.error({ err: failure, jobs: batch.length }, 'batch transaction failed');
      const error = new AppError('storage_unavailable', undefined, undefined, { cause: failure });
      batch.forEach((p, i) => {
        p.reject(excluded.has(i) ? toJobError(excluded.get(i)) : error);
      });
    } else {
      const { outcomes, published, hooks } = attempt;
      const ms = performance.now() - started;
      if (ms > SLOW_BATCH_MS) this.log.warn({ ms: Math.round(ms), jobs: batch.length }, 'slow write batch');
      for (const [i, error] of excluded) outcomes[i] = { ok: false, error: toJobError(error) };
      // Committed. This batch is acknowledged and published once it is on disk, after the ones before.
      const durable = this.storage.durable();
      this.settled = this.settled
        .then(() => durable)
        .then(
          () => {
            if (this.broken === null) return this.release(batch, outcomes, published, hooks);
            // A batch after the one that failed: it may sit on data that never reached the disk.
            const error = new AppError('storage_unavailable', undefined, undefined, { cause: this.broken });
            for (const p of batch) p.reject(error);
          },
          (err: unknown) => {
            // Committed but maybe not on disk: never acknowledged, never published, nothing after it.
            const first = this.broken === null;
            this.broken ??= err;
            this.log.fatal({ err, jobs: batch.length }, 'making a batch durable failed');
            const error = new AppError('storage_unavailable', undefined, undefined, { cause: err });
            for (const p of batch) p.reject(error);
            if (first) this.onDurabilityFailure(err);
          },
        );
    }
    this.running = false;
    if (this.queue.length > 0) this.schedule();
    else void this.settled.then(() => this.notifyIdle());
  }

  /**
   * Runs the batch (minus the excluded jobs) in one transaction; throws Poisoned to roll it back. In strict
   * mode the backend's deferred writes are sent after each job, so that their failure names the job.
   */
  private async attempt(batch: Pending[], excluded: Map<number, unknown>, strict: boolean) {
    const outcomes: Outcome[] = new Array(batch.length);
    const published: PublishedEvent[] = [];
    const hooks: (() => void)[] = [];
    const now = Date.now();
    await this.storage.transaction(async (backendTx) => {
      if (backendTx.prepare) {
        const hints: ReadHint[] = [];
        for (let i = 0; i < batch.length; i++) {
          const hint = (batch[i] as Pending).hint;
          if (hint && !excluded.has(i)) hints.push(hint);
        }
        await backendTx.prepare({ jobs: batch.length - excluded.size, hints });
      }
      const { tx, writes } = countingTx(backendTx);
      for (let i = 0; i < batch.length; i++) {
        if (excluded.has(i)) continue;
        const events: PublishedEvent[] = [];
        const jobHooks: (() => void)[] = [];
        const uow: UnitOfWork = {
          tx,
          now,
          emit: async (e) => {
            const json = JSON.stringify(e.event);
            const address = e.scope;
            const conversationId = 'conversationId' in address ? address.conversationId : null;
            const scope = 'scope' in address ? address.scope : null;
            const pos = await tx.events.appendEvent({
              conversationId,
              userId: 'userId' in address ? address.userId : null,
              scope,
              type: e.event.type,
              payload: json,
              createdAt: now,
              messageSeq: e.messageSeq ?? null,
            });
            events.push({
              pos,
              event: e.event,
              conversationId,
              scope,
              json,
              audience: e.audience,
              origin: e.origin ?? null,
              createdAt: now,
            });
            return pos;
          },
          afterCommit: (fn) => jobHooks.push(fn),
        };
        const before = writes();
        try {
          outcomes[i] = { ok: true, value: await (batch[i] as Pending).job(uow) };
          if (strict) await backendTx.flush?.();
          for (const e of events) published.push(e);
          for (const h of jobHooks) hooks.push(h);
        } catch (thrown) {
          // Not strict: deferred writes of earlier jobs may be the cause; strict mode will tell.
          if (thrown instanceof DeferredWriteError && !strict) throw thrown;
          // Strict: this job's deferred writes failed; a rule they broke (an order changed by another
          // process since it was read) is the job's answer, as it would have been had they been sent at once.
          const error = thrown instanceof DeferredWriteError && isAppError(thrown.cause) ? thrown.cause : thrown;
          if (!isAppError(error) || writes() !== before) throw new Poisoned(i, error);
          outcomes[i] = { ok: false, error };
        }
      }
    });
    return { outcomes, published, hooks };
  }

  private release(batch: Pending[], outcomes: Outcome[], published: PublishedEvent[], hooks: (() => void)[]) {
    this.stats.batches++;
    this.stats.jobs += batch.length;
    for (const h of hooks) {
      try {
        h();
      } catch (err) {
        this.log.error({ err }, 'after-commit hook failed');
      }
    }
    const last = published.at(-1);
    if (last && last.pos > this.durablePosition) this.durablePosition = last.pos;
    this.bus.publish(published);
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (!o) return;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}

/** What the submitter of a poisoned job is told: its AppError, or `internal` for anything else. */
function toJobError(e: unknown): AppError {
  return isAppError(e) ? e : new AppError('internal', undefined, undefined, { cause: e });
}
