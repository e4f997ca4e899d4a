import { build } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

/**
 * Starts Comptoir: reads the configuration, builds the app, listens, and shuts down cleanly on SIGINT or
 * SIGTERM (sockets told to reconnect, writes under way committed, database closed).
 */
export async function start(env: Record<string, string | undefined> = process.env) {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  let comptoir: Awaited<ReturnType<typeof build>>;
  try {
    comptoir = await build(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const { app } = comptoir;
  const address = await app.listen({ port: config.port, host: config.host });
  const port = (app.server.address() as { port: number } | null)?.port ?? config.port;
  // On SQLite: whether the WAL is written through the walbatch VFS (storage/sqlite/walbatch.ts), and
  // whether its library keeps the page cache from walking itself at commits (native/walbatch.c, wbRekey).
  const { walBatch, pageCacheFix } = comptoir.storage as { walBatch?: string; pageCacheFix?: boolean };
  app.log.info(
    {
      url: `http://${config.host}:${port}`,
      database: config.database.kind,
      ...(walBatch ? { walBatch } : {}),
      ...(pageCacheFix !== undefined ? { pageCacheFix } : {}),
    },
    `Comptoir listening on http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`,
  );
  void address;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await comptoir.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return comptoir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await start();
}
