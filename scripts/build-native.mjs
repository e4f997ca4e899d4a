// `npm install` builds the walbatch SQLite VFS (server/storage/sqlite/native/walbatch.c) into .build/,
// against the SQLite headers better-sqlite3 ships. Without a C compiler it says so and Comptoir runs on
// SQLite's own WAL writes (server/storage/sqlite/walbatch.ts): never an install failure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { walBatchLibrary, walBatchSource } from '../server/storage/sqlite/native/library.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = walBatchLibrary();

if (process.env.SQLITE_WAL_BATCH === 'off' || process.platform === 'win32') process.exit(0);
if (fs.existsSync(out)) process.exit(0);
let headers;
try {
  headers = path.join(
    path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
    'deps/sqlite3',
  );
} catch {
  process.exit(0); // not installed yet (a partial install): nothing to build against
}
const cc = process.env.CC || 'cc';
fs.mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
try {
  const shared = process.platform === 'darwin' ? ['-dynamiclib', '-undefined', 'dynamic_lookup'] : ['-shared'];
  execFileSync(cc, ['-O2', '-fPIC', ...shared, '-I', headers, walBatchSource, '-o', tmp], { stdio: 'pipe' });
  fs.renameSync(tmp, out);
  for (const old of fs.readdirSync(path.dirname(out))) {
    if (old.startsWith('walbatch-') && path.join(path.dirname(out), old) !== out)
      fs.rmSync(path.join(path.dirname(out), old));
  }
  console.log(`comptoir: built the SQLite WAL batching VFS (${path.relative(root, out)})`);
} catch (e) {
  fs.rmSync(tmp, { force: true });
  const why = e instanceof Error && 'stderr' in e ? String(e.stderr).trim().split('\n')[0] : String(e);
  console.log(`comptoir: no C compiler for the SQLite WAL batching VFS (${why || cc}); SQLite writes its WAL itself`);
}
