// The SQLite checkpointer, in its own thread, so that the event loop of the server never waits for it.
// Every `syncEveryMs` it fdatasyncs the WAL (with synchronous=NORMAL commits do not: this bounds what a
// power loss can take to that interval). Every `everyMs` it copies the WAL into the database file
// (PASSIVE: never blocks the writer; the longer the interval, the more of a page's versions one copy
// covers). Under a
// steady stream of writes a WAL is never fully checkpointed between two commits, so SQLite never starts
// it over and it grows without end: when it passes `restartBytes` and is fully copied, a RESTART
// checkpoint makes the next commit write from its start again. The writer meanwhile gets SQLITE_BUSY
// and retries its batch a moment later, without blocking (see SqliteStorage.transaction).
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, everyMs, syncEveryMs, restartBytes } = workerData;
const db = new Database(path);
db.pragma('busy_timeout = 200');
let timer = null;
let walFd = null;
let lastCheckpoint = Date.now();

function syncWal() {
  try {
    walFd ??= fs.openSync(`${path}-wal`, 'r');
    fs.fdatasyncSync(walFd);
  } catch {
    // No WAL yet (nothing written), or it was just recreated: the next round opens it again.
    if (walFd !== null) fs.closeSync(walFd);
    walFd = null;
  }
}

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
    if (Date.now() - lastCheckpoint >= everyMs) {
      lastCheckpoint = Date.now();
      checkpoint();
    } else if (syncEveryMs > 0) {
      syncWal();
    }
  } catch (err) {
    parentPort?.postMessage({ error: String(err) });
  }
  timer = setTimeout(run, Math.min(everyMs, syncEveryMs || everyMs));
};
timer = setTimeout(run, Math.min(everyMs, syncEveryMs || everyMs));

parentPort?.on('message', (m) => {
  if (m !== 'close') return;
  if (timer) clearTimeout(timer);
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    if (walFd !== null) fs.closeSync(walFd);
    db.close();
    parentPort?.postMessage('closed');
  }
});
