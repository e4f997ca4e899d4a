import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Durability of the SQLite writer without blocking the event loop. The writer commits with
 * synchronous=NORMAL (the WAL frames reach the OS, no fsync), then `durable()` fdatasyncs the WAL file on
 * the libuv thread pool: once it resolves, every transaction committed before the call is on disk — the
 * guarantee of synchronous=FULL. Concurrent calls share syncs: a call made while a sync runs waits for
 * the next one, which starts when the running one ends.
 */
export class WalSync {
  private fd: number | null = null;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly dbPath: string) {}

  durable(): Promise<void> {
    if (!this.running) {
      this.running = this.sync().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = null;
      return this.durable();
    });
    return this.queued;
  }

  private async sync(): Promise<void> {
    if (this.fd === null) {
      this.fd = fs.openSync(`${this.dbPath}-wal`, 'r');
      // The WAL file is new: make its directory entry durable too.
      const dir = fs.openSync(path.dirname(this.dbPath), 'r');
      try {
        fs.fsyncSync(dir);
      } finally {
        fs.closeSync(dir);
      }
    }
    const fd = this.fd;
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  close() {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/** The checkpointer thread, as the writer sees it. */
export interface Checkpointer {
  /**
   * The checkpointer has caught up with a long WAL and asks the writer for a pause to restart it (an
   * overrun: the WAL is past twice its size, the writer outruns the checkpoints and should wait longer).
   */
  readonly restartWanted: null | { overrun: boolean };
  /**
   * Called by the writer between two transactions when `restartWanted`: resolves once the checkpointer
   * has copied the WAL's last frames (`caught-up`: the writer's next commit then writes from the start
   * of the file; `behind`: it could not), or after `timeoutMs` whatever happened (`timeout`) — the
   * writer never waits longer.
   */
  pause(timeoutMs: number): Promise<'caught-up' | 'behind' | 'timeout'>;
  close(): Promise<void>;
}

/** Starts the checkpointer thread (checkpoint-worker.mjs). */
export function startCheckpointer(
  dbPath: string,
  options: { idleMs: number; maxIntervalMs: number; restartBytes: number; pollMs: number },
  onError: (message: string) => void,
): Checkpointer {
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
    workerData: { path: dbPath, ...options },
  });
  let restartWanted: null | { overrun: boolean } = null;
  let answered: ((answer: 'caught-up' | 'behind') => void) | null = null;
  worker.on('message', (m: unknown) => {
    if (typeof m !== 'object' || m === null) return;
    if ('error' in m) onError(String((m as { error: unknown }).error));
    const restart = 'restart' in m ? (m as { restart: unknown }).restart : undefined;
    if (restart === 'ready') restartWanted = { overrun: (m as { overrun?: unknown }).overrun === true };
    else if (restart !== undefined) answered?.(restart === 'caught-up' ? 'caught-up' : 'behind');
  });
  worker.on('error', (err) => onError(String(err)));
  worker.unref();
  return {
    get restartWanted() {
      return restartWanted;
    },
    pause: (timeoutMs) => {
      restartWanted = null;
      return new Promise((resolve) => {
        const timer = setTimeout(() => done('timeout'), timeoutMs);
        const done = (answer: 'caught-up' | 'behind' | 'timeout') => {
          clearTimeout(timer);
          answered = null;
          resolve(answer);
        };
        answered = done;
        worker.postMessage('paused');
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        worker.ref(); // keep the process alive until the last checkpoint is done
        const done = () => resolve();
        worker.once('exit', done);
        worker.once('message', (m) => {
          if (m === 'closed') void worker.terminate().then(done, done);
        });
        worker.postMessage('close');
        setTimeout(() => void worker.terminate().then(done, done), 5000).unref();
      }),
  };
}
