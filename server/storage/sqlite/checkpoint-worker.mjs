// The SQLite checkpointer, in its own thread, so that the event loop of the server never runs a
// checkpoint. A checkpoint copies the WAL into the database file and fsyncs both (PASSIVE: it never
// blocks the writer). On the disks we measured, an fsync from any thread can stall the writer's next
// WAL write for tens of milliseconds, so checkpoints are few: as soon as writes pause for `idleMs`, and
// at least every `maxIntervalMs` under a steady stream of writes. Under such a stream the WAL is never
// fully checkpointed between two commits, so SQLite never starts it over: past `restartBytes`, a
// RESTART checkpoint makes the next commit write from its start again (the writer meanwhile gets
// SQLITE_BUSY and retries a moment later without blocking; see SqliteStorage.begin).
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, idleMs, maxIntervalMs, restartBytes, pollMs } = workerData;
const db = new Database(path);
db.pragma('busy_timeout = 200');
let timer = null;
let version = db.pragma('data_version', { simple: true });
let lastChange = Date.now();
let lastCheckpoint = Date.now();
let dirty = false;

function walBytes() {
  try {
    return fs.statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

function checkpoint() {
  lastCheckpoint = Date.now();
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  if (r && r.busy === 0 && r.checkpointed === r.log) {
    dirty = Date.now() - lastChange < idleMs; // writes during the checkpoint leave work for later
    if (walBytes() > restartBytes) db.pragma('wal_checkpoint(RESTART)');
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
  if (now - lastChange >= idleMs || now - lastCheckpoint >= maxIntervalMs) checkpoint();
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
  if (m !== 'close') return;
  if (timer) clearTimeout(timer);
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    db.close();
    parentPort?.postMessage('closed');
  }
});
