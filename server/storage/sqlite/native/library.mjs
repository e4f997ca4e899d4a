// Where the build of the walbatch VFS (walbatch.c) is: `.build/walbatch-<hash of the source>.so`. One
// place for both sides — scripts/build-native.mjs (npm install) writes it, walbatch.ts loads it — so a
// stale build is never loaded and the two never disagree on the name.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const walBatchSource = fileURLToPath(new URL('./walbatch.c', import.meta.url));

export function walBatchLibrary() {
  const root = path.resolve(path.dirname(walBatchSource), '../../../..');
  const hash = crypto.createHash('sha256').update(fs.readFileSync(walBatchSource)).digest('hex').slice(0, 16);
  return path.join(root, '.build', `walbatch-${hash}${process.platform === 'darwin' ? '.dylib' : '.so'}`);
}
