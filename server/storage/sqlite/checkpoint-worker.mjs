// The SQLite checkpointer, in its own thread, so that the event loop of the server never waits for it.
// It copies the WAL into the database file (PASSIVE: never blocks the writer) every `everyMs`. Under a
// steady stream of writes a WAL is never fully checkpointed between two commits, so SQLite never starts
// it over and it grows without end: when it passes `restartBytes` and is fully copied, a RESTART
// checkpoint makes the next commit write from its start again. The writer meanwhile gets SQLITE_BUSY
// and retries its batch a moment later, without blocking (see SqliteStorage.transaction).
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, everyMs, restartBytes } = workerData;
const db = new Database(path);
db.pragma('busy_timeout = 200');
let timer = null;

function walBytes() {
  try {
    return fs.statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

function checkpoint() {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  if (r && r.busy === 0 && r.checkpointed === r.log && walBytes() > restartBytes) {
    db.pragma('wal_checkpoint(RESTART)');
  }
}

const run = () => {
  try {
    checkpoint();
  } catch (err) {
    parentPort?.postMessage({ error: String(err) });
  }
  timer = setTimeout(run, everyMs);
};
timer = setTimeout(run, everyMs);

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
