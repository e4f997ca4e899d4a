/**
 * `node --import tsx examples/gif-app/main.ts`: the GIF Box, configured from its environment (README.md).
 * It draws its library, listens, and — given a developer's account — makes itself an app in Comptoir with
 * its compose extension (or, given GIF_APP_SECRET, answers for an app made already).
 */
import { setUpInComptoir } from './comptoir.ts';
import { GifAppConfigError, loadGifAppConfig } from './config.ts';
import { drawIcon, generateLibrary } from './generate.ts';
import { createGifAppServer } from './server.ts';

let config: ReturnType<typeof loadGifAppConfig>;
try {
  config = loadGifAppConfig(process.env);
} catch (e) {
  if (!(e instanceof GifAppConfigError)) throw e;
  console.error(e.message);
  process.exit(2);
}
const app = createGifAppServer(config, await generateLibrary(), await drawIcon());
const url = await app.listen();
console.log(`${config.name}: listening on ${url} (query URL ${url}/query, icon ${url}/icon.png)`);
if (config.setup) {
  const { appId } = await setUpInComptoir({ ...config.setup, appUrl: url, name: config.name }, (secret) =>
    app.setSecret(secret),
  );
  console.log(
    `${config.name}: app ${appId} set up in ${config.setup.comptoirUrl}; people enable it from the composer's apps.`,
  );
}
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
