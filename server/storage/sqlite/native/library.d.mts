/** library.mjs: the walbatch VFS's source, and where its build is. */
export const walBatchSource: string;
/** `.build/walbatch-<sha-256 of the source, 16 hex>.so` (`.dylib` on macOS), from the repository's root. */
export function walBatchLibrary(): string;
