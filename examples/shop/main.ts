/** `node --import tsx examples/shop/main.ts`: the example shop, configured from its environment (README.md). */
import { loadShopConfig, ShopConfigError } from './config.ts';
import { createShopServer } from './server.ts';

let config: ReturnType<typeof loadShopConfig>;
try {
  config = loadShopConfig(process.env);
} catch (e) {
  if (!(e instanceof ShopConfigError)) throw e;
  console.error(e.message);
  process.exit(2);
}
const shop = createShopServer(config);
const url = await shop.listen();
console.log(`${config.name}: the shop is listening on ${url} (admin: ${url}/admin, webhook: ${url}/webhook)`);
const stop = () => void shop.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
