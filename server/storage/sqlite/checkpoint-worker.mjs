// The SQLite checkpointer, in its own thread: it copies the WAL into the database file (and fsyncs it)
// so that the event loop of the server never waits for that. PASSIVE checkpoints never block the writer.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
let timer = null;
const run = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort?.postMessage({ error: String(err) });
  }
  timer = setTimeout(run, workerData.everyMs);
};
timer = setTimeout(run, workerData.everyMs);
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
