/** The GIF Box's configuration, from its environment (examples/gif-app/README.md lists every variable). */

export interface GifAppConfig {
  host: string;
  port: number;
  /** Where Comptoir reaches this app (its query URL, icon and media are under it); default: where it listens. */
  publicUrl: string | null;
  /** The app secret (64 hex characters): queries are signed with it. Null: set up through Comptoir (setup). */
  secret: string | null;
  /** Set up the app in Comptoir at start, with a developer's account (see README.md). */
  setup: { comptoirUrl: string; username: string; password: string; stateFile: string | null } | null;
  /** Results per page. */
  pageSize: number;
  /** How long Comptoir may keep an answer (its `cacheTime`, seconds). */
  cacheSeconds: number;
  name: string;
}

export class GifAppConfigError extends Error {}

function origin(name: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new GifAppConfigError(`${name} must be a URL such as http://localhost:3000 (got ${JSON.stringify(value)})`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new GifAppConfigError(`${name} must be http(s)`);
  return u.origin;
}

function int(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number) {
  const v = Number(env[name] ?? fallback);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new GifAppConfigError(`${name} must be a whole number from ${min} to ${max}`);
  return v;
}

export function loadGifAppConfig(env: Record<string, string | undefined>): GifAppConfig {
  const secret = env.GIF_APP_SECRET?.trim() || null;
  if (secret !== null && !/^[0-9a-f]{64}$/.test(secret))
    throw new GifAppConfigError('GIF_APP_SECRET must be the 64 hex characters of the app secret');
  const username = env.COMPTOIR_USERNAME?.trim();
  const password = env.COMPTOIR_PASSWORD;
  let setup: GifAppConfig['setup'] = null;
  if (username || password) {
    if (!username || !password || !env.COMPTOIR_URL)
      throw new GifAppConfigError('Setting up needs COMPTOIR_URL, COMPTOIR_USERNAME and COMPTOIR_PASSWORD together');
    setup = {
      comptoirUrl: origin('COMPTOIR_URL', env.COMPTOIR_URL),
      username,
      password,
      stateFile: env.GIF_APP_STATE_FILE?.trim() || null,
    };
  }
  if (secret === null && setup === null)
    throw new GifAppConfigError(
      'Give GIF_APP_SECRET (an app made already), or COMPTOIR_URL, COMPTOIR_USERNAME and COMPTOIR_PASSWORD (to make it): see examples/gif-app/README.md',
    );
  return {
    host: env.GIF_APP_HOST?.trim() || '127.0.0.1',
    port: int(env, 'GIF_APP_PORT', 3302, 0, 65535),
    publicUrl: env.GIF_APP_URL ? origin('GIF_APP_URL', env.GIF_APP_URL) : null,
    secret,
    setup,
    pageSize: int(env, 'GIF_APP_PAGE_SIZE', 8, 1, 50),
    cacheSeconds: int(env, 'GIF_APP_CACHE_SECONDS', 60, 0, 300),
    name: env.GIF_APP_NAME?.trim().slice(0, 30) || 'GIF Box',
  };
}
