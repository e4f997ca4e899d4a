import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  /** Everything the process printed. */
  output: () => string;
  /** Resolves with the exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Comptoir as its own process (`server/main.ts`), as a user runs it, on a random port. Resolves once it
 * is listening.
 */
export function spawnServer(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  options: {
    /**
     * The process's file-size limit, in KiB (`ulimit -f`, as systemd's LimitFSIZE): a disk that fills at a
     * known size. Node ignores SIGXFSZ (its default would kill the process): a write past it fails with EFBIG.
     */
    fileSizeLimitKiB?: number;
  } = {},
): Promise<ServerProcess> {
  const command = [process.execPath, ...nodeArgs, '--import', 'tsx', path.join(root, 'server', 'main.ts')];
  const limit = options.fileSizeLimitKiB;
  const [file, ...args] =
    limit === undefined ? command : ['bash', '-c', `ulimit -f ${Math.floor(limit)} && exec "$@"`, 'bash', ...command];
  const child = spawn(file as string, args, {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        const url = m[1];
        resolve({ child, url, wsUrl: `${url.replace('http', 'ws')}/ws`, output: () => out, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}
