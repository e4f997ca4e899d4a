// The WAL's frame count as SQLite's WAL-index header says it: `mxFrame`, a 32-bit integer at byte 16 of
// the first 48 bytes of the -shm file, in the machine's byte order (https://sqlite.org/walformat.html).
// It falls when the WAL is started over. Plain JavaScript: the checkpointer's thread reads it
// (checkpoint-worker.mjs), and so does the test of the bounded WAL (wal.test.ts).
import fs from 'node:fs';
import os from 'node:os';

/** A reader of the WAL-index header of the database at `path`; `frames()` is null when it cannot be read. */
export function walIndex(path) {
  const header = Buffer.alloc(48);
  const littleEndian = os.endianness() === 'LE';
  let fd = null;
  return {
    frames() {
      try {
        fd ??= fs.openSync(`${path}-shm`, 'r');
        if (fs.readSync(fd, header, 0, 48, 0) < 48) return null;
        return littleEndian ? header.readUInt32LE(16) : header.readUInt32BE(16);
      } catch {
        return null;
      }
    },
    close() {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}
