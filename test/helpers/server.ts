import path from 'node:path';
import { build, type Comptoir, type CoreOptions } from '../../server/app.ts';
import { type Config, loadConfig } from '../../server/config.ts';
import type { Logger } from '../../server/lib/logger.ts';
import { createLogger } from '../../server/lib/logger.ts';
import type { Storage } from '../../server/storage/types.ts';
import { tempDir } from './tmp.ts';

export interface TestServer {
  comptoir: Comptoir;
  url: string;
  wsUrl: string;
  config: Config;
  dataDir: string;
  close: () => Promise<void>;
}

/**
 * A real Comptoir on 127.0.0.1:<random port>, with its own SQLite database in a temporary directory
 * (or the storage given). Environment overrides tune limits for a test; `logger` replaces the silent one.
 */
export async function startServer(
  env: Record<string, string> = {},
  options: {
    storage?: Storage;
    dataDir?: string;
    logger?: Logger;
    apps?: CoreOptions['apps'];
    graphClock?: CoreOptions['graphClock'];
    webhooks?: CoreOptions['webhooks'];
    mediaFetchTimeoutMs?: number;
    presence?: CoreOptions['presence'];
  } = {},
): Promise<TestServer> {
  const tmp = options.dataDir ? null : tempDir();
  const dataDir = options.dataDir ?? (tmp as { dir: string }).dir;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_SIGNUPS_PER_HOUR: '1000',
    RATE_REQUESTS_PER_MINUTE: '100000',
    WEB_DIST: path.join(dataDir, 'no-web'),
    // Every use of a kept order is checked against the database (commerce/aggregates.ts).
    ORDER_CACHE_CHECK: 'true',
    ...env,
  });
  const comptoir = await build(config, {
    logger: options.logger ?? createLogger(config.logLevel),
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.apps ? { apps: options.apps } : {}),
    ...(options.graphClock ? { graphClock: options.graphClock } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(options.mediaFetchTimeoutMs ? { mediaFetchTimeoutMs: options.mediaFetchTimeoutMs } : {}),
    ...(options.presence ? { presence: options.presence } : {}),
  });
  await comptoir.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = comptoir.app.server.address() as { port: number };
  return {
    comptoir,
    config,
    dataDir,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    close: async () => {
      await comptoir.close();
      tmp?.cleanup();
    },
  };
}
