// The SQLite checkpointer, in its own thread, so that the event loop of the server never runs a
// checkpoint. A checkpoint copies the WAL into the database file and fsyncs both (PASSIVE: it never
// blocks the writer). It runs as soon as writes pause for `idleMs`; under a steady stream of writes, each
// time the WAL has grown by `restartBytes` (read from the WAL-index header in the -shm file,
// https://sqlite.org/walformat.html), and at least every `maxIntervalMs`.
//
// Under such a stream SQLite would never start the WAL over: it does so only when a write transaction
// begins on a WAL checkpointed to its last frame, and the writer always commits more while a checkpoint
// runs. Left alone the file grows by every frame written (gigabytes), each new page of it zeroed by the
// kernel. So once a checkpoint has caught up with what the WAL held when it started, and the WAL is past
// `restartBytes`, the worker asks the writer for a pause (`{ restart: 'ready' }`); the writer answers
// `'paused'` at the start of its next transaction and waits; the worker checkpoints the few frames written
// since — nothing else writes now — and answers `'caught-up'`; the writer's next commit then writes from
// the start of the file again. A checkpoint that took long left a long tail: it is followed at once by
// another, so that the pause only covers a short one — unless the WAL is already past twice its size
// (an overrun: the writer outruns the checkpoints), when the writer is asked at once and waits longer.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { walIndex } from './wal-index.mjs';

const { path, idleMs, maxIntervalMs, restartBytes, pollMs } = workerData;
/** A checkpoint this quick leaves a tail short enough to be checkpointed during a pause of the writer. */
const QUICK_MS = 4;
/** Checkpoints in a row to shorten the tail before the pause is asked for anyway. */
const MAX_CATCH_UPS = 4;

const db = new Database(path);
db.pragma('busy_timeout = 200');
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
// Not more often: each checkpoint's fsyncs can stall the writer's next WAL write (docs/ARCHITECTURE.md).
const streamFrames = Math.max(1, Math.floor(restartBytes / frameBytes));
let timer = null;
/** The WAL's frames when the last checkpoint ran (fewer now: the WAL was started over since). */
let framesAtCheckpoint = 0;
let version = db.pragma('data_version', { simple: true });
let lastChange = Date.now();
let lastCheckpoint = Date.now();
let dirty = false;
/** A pause asked of the writer and not yet answered. */
let asked = false;

/** The frames in the WAL now (its WAL-index header), null if it cannot be read. */
const walIndexHeader = walIndex(path);
const walFrames = () => walIndexHeader.frames();

/** A PASSIVE checkpoint: whether it copied every frame the WAL held when it started, and that many. */
function checkpoint() {
  lastCheckpoint = Date.now();
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  framesAtCheckpoint = r?.log ?? 0;
  const caughtUp = r !== undefined && r.busy === 0 && r.checkpointed === r.log;
  if (caughtUp) dirty = Date.now() - lastChange < idleMs; // writes during the checkpoint leave work for later
  return { caughtUp, frames: r?.log ?? 0, ms: Date.now() - lastCheckpoint };
}

/**
 * Checkpoints; past `restartBytes`, shortens the tail, then asks the writer for its pause. Past twice
 * `restartBytes` the writer writes faster than checkpoints copy (the WAL was not started over in time):
 * catching up would only let it grow, so the pause is asked at once, as an overrun — the writer then
 * waits as long as the checkpoint of the tail takes (within PAUSE_OVERRUN_TIMEOUT_MS, index.ts).
 */
function checkpointAndMaybeRestart() {
  for (let i = 0; ; i++) {
    const r = checkpoint();
    if (!r.caughtUp || asked || r.frames * frameBytes < restartBytes) return;
    const overrun = r.frames * frameBytes >= 2 * restartBytes;
    if (overrun || r.ms <= QUICK_MS || i + 1 >= MAX_CATCH_UPS) {
      asked = true;
      parentPort?.postMessage({ restart: 'ready', overrun });
      return;
    }
  }
}

function tick() {
  const now = Date.now();
  // data_version changes when another connection (the server's writer) has committed.
  const v = db.pragma('data_version', { simple: true });
  if (v !== version) {
    version = v;
    lastChange = now;
    dirty = true;
  }
  if (!dirty) return;
  if (now - lastChange >= idleMs || now - lastCheckpoint >= maxIntervalMs) return checkpointAndMaybeRestart();
  const frames = walFrames();
  if (frames === null) return;
  if (frames < framesAtCheckpoint) framesAtCheckpoint = 0; // the WAL was started over
  if (frames - framesAtCheckpoint >= streamFrames) checkpointAndMaybeRestart();
}

const run = () => {
  try {
    tick();
  } catch (err) {
    parentPort?.postMessage({ error: String(err) });
  }
  timer = setTimeout(run, pollMs);
};
timer = setTimeout(run, pollMs);

parentPort?.on('message', (m) => {
  if (m === 'paused') {
    // The writer waits: this checkpoint reaches the WAL's last frame, and its next commit restarts it.
    asked = false;
    let caughtUp = false;
    try {
      caughtUp = checkpoint().caughtUp;
    } catch (err) {
      parentPort?.postMessage({ error: String(err) });
    }
    parentPort?.postMessage({ restart: caughtUp ? 'caught-up' : 'behind' });
    return;
  }
  if (m !== 'close') return;
  if (timer) clearTimeout(timer);
  walIndexHeader.close();
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    db.close();
    parentPort?.postMessage('closed');
  }
});
