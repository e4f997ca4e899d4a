/** The shop's configuration, from its environment (examples/shop/README.md lists every variable). */

export interface ShopConfig {
  /** Where browsers reach Comptoir: the plugin's script and the link flow come from there. */
  comptoirUrl: string;
  /** Where this server calls Comptoir's API (default: comptoirUrl). */
  comptoirApiUrl: string;
  pageId: string;
  pageToken: string;
  /** The app's secret: the webhooks Comptoir sends are signed with it. */
  appSecret: string;
  /** The token the webhook's subscribe handshake must name. */
  verifyToken: string;
  host: string;
  port: number;
  /** Where people reach this shop (the receipt card's link to the order, the link flow's return); default: where it listens. */
  publicUrl: string | null;
  /** HTTP Basic password of /admin (any user name); null: the admin is open (demo only). */
  adminPassword: string | null;
  /** A JSON file the shop keeps its checkouts and orders in; null: in memory. */
  dataFile: string | null;
  name: string;
}

export class ShopConfigError extends Error {}

function origin(name: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ShopConfigError(`${name} must be a URL such as http://localhost:3000 (got ${JSON.stringify(value)})`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ShopConfigError(`${name} must be http(s)`);
  return u.origin;
}

export function loadShopConfig(env: Record<string, string | undefined>): ShopConfig {
  const need = (name: string): string => {
    const v = env[name]?.trim();
    if (!v) throw new ShopConfigError(`${name} is required (examples/shop/README.md)`);
    return v;
  };
  const comptoirUrl = origin('COMPTOIR_URL', need('COMPTOIR_URL'));
  const port = Number(env.SHOP_PORT ?? '3301');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ShopConfigError('SHOP_PORT must be a port number');
  const secret = need('COMPTOIR_APP_SECRET');
  if (!/^[0-9a-f]{64}$/.test(secret))
    throw new ShopConfigError('COMPTOIR_APP_SECRET must be the 64 hex characters of the app secret');
  return {
    comptoirUrl,
    comptoirApiUrl: env.COMPTOIR_API_URL ? origin('COMPTOIR_API_URL', env.COMPTOIR_API_URL) : comptoirUrl,
    pageId: need('COMPTOIR_PAGE_ID'),
    pageToken: need('COMPTOIR_PAGE_TOKEN'),
    appSecret: secret,
    verifyToken: env.SHOP_VERIFY_TOKEN?.trim() || 'comptoir-example-shop',
    host: env.SHOP_HOST?.trim() || '127.0.0.1',
    port,
    publicUrl: env.SHOP_URL ? origin('SHOP_URL', env.SHOP_URL) : null,
    adminPassword: env.SHOP_ADMIN_PASSWORD || null,
    dataFile: env.SHOP_DATA_FILE?.trim() || null,
    name: env.SHOP_NAME?.trim() || 'Fromagerie Demo',
  };
}
