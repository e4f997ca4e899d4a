/** wal-index.mjs: the WAL's frame count from the WAL-index header of the -shm file. */
export function walIndex(path: string): {
  /** `mxFrame`: the frames in the WAL now; null when the header cannot be read. */
  frames(): number | null;
  close(): void;
};
