import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A temporary directory removed by `cleanup()`. */
export function tempDir(prefix = 'comptoir-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
