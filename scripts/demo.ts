/**
 * `npm run demo`: Comptoir, the example shop (examples/shop) and the example content app (examples/gif-app)
 * together, seeded, in a minute.
 *
 * Comptoir starts as `npm start` starts it (`comptoir start`: the web app built if needed, migrations, serve)
 * but with its own data directory (`.demo/`, or DEMO_DIR) and database, so it never touches the user's data;
 * the demo seeds it through the public API (scripts/demo-seed.ts), starts the shop and the GIF Box in this
 * process, connects them, turns the GIF Box on for the seeded people, and prints where to click. Run again,
 * it reuses what it made. Ctrl-C stops them all.
 *
 * Environment: DEMO_DIR (default .demo), DEMO_COMPTOIR_PORT (3300), DEMO_SHOP_PORT (3301), DEMO_GIF_APP_PORT
 * (3302) — 0 picks free ports; a port already taken stops the demo before anything starts, in one line
 * naming its variable —, DEMO_NO_BUILD=1 serves without building the web app (tests).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setUpInComptoir } from '../examples/gif-app/comptoir.ts';
import { loadGifAppConfig } from '../examples/gif-app/config.ts';
import { drawIcon, generateLibrary } from '../examples/gif-app/generate.ts';
import { createGifAppServer, type GifAppServer } from '../examples/gif-app/server.ts';
import { loadShopConfig } from '../examples/shop/config.ts';
import { createShopServer, type ShopServer } from '../examples/shop/server.ts';
import { connectShop, DEMO_PAGE, DEMO_PASSWORD, DEMO_PEOPLE, enableContentApp, seedDemo } from './demo-seed.ts';

const root = path.join(import.meta.dirname, '..');
const dir = path.resolve(process.env.DEMO_DIR ?? path.join(root, '.demo'));
const HOST = '127.0.0.1';

function port(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 0 || v > 65535) {
    console.error(`${name} must be a port number (0: any free port)`);
    process.exit(2);
  }
  return v;
}

/** A free port on 127.0.0.1 (for port 0: the shop's origin must be known before it is whitelisted). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Something already listens on the port: the one line the demo says about it, naming the variable to change. */
class PortInUse extends Error {
  constructor(variable: string, port: number) {
    super(
      `port ${port} is already in use (another demo, or another program, listens there): stop it, or set ${variable} to another port (${variable}=0: any free one).`,
    );
  }
}

/** Refused at once when something listens on a port the demo needs, before anything starts. */
function ensureFree(variable: string, p: number): Promise<void> {
  if (p === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new PortInUse(variable, p) : e));
    s.listen(p, HOST, () => s.close(() => resolve()));
  });
}

/** A server's listen, a busy port said as PortInUse (it may be taken between the check and the listen). */
async function listening<T>(variable: string, p: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new PortInUse(variable, p) : e;
  }
}

/** Variables of the user's Comptoir that must not reach the demo's (its data, its address, its keys). */
const NOT_INHERITED = ['DATABASE_URL', 'DATA_DIR', 'PORT', 'HOST', 'PUBLIC_ORIGIN', 'SECRETS_KEY', 'SECRETS_KEY_FILE'];

/** Starts Comptoir as `npm start` does; resolves with its URL once it listens. Its log goes to <dir>/comptoir.log. */
function startComptoir(p: number): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of NOT_INHERITED) delete env[k];
  Object.assign(env, {
    DATA_DIR: path.join(dir, 'comptoir'),
    PORT: String(p),
    HOST,
    SIGNUP: 'open',
    LOG_LEVEL: 'info',
    // Comptoir calls the shop's webhook on this machine.
    WEBHOOK_ALLOW_PRIVATE: HOST,
  });
  const args = [path.join(root, 'cli', 'bin.mjs'), 'start'];
  if (process.env.DEMO_NO_BUILD === '1') args.push('--no-build');
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logName = path.join(dir, 'comptoir.log');
  const log = fs.createWriteStream(logName, { flags: 'a' });
  return new Promise((resolve, reject) => {
    let tail = '';
    let started = false;
    let shown = false;
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      // Its log lines (JSON) go to the file; what it says to people (building the web app…) is shown — but
      // not its busy port, which names its own PORT: the demo says it with DEMO_COMPTOIR_PORT.
      for (const line of text.split('\n')) {
        if (line.trim() && !line.startsWith('{') && !started && !/already in use|EADDRINUSE/.test(line)) {
          console.log(`  comptoir: ${line}`);
          shown = true;
        }
      }
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(tail);
      if (m?.[1] && !started) {
        started = true;
        resolve({ child, url: m[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      log.end();
      if (started) return;
      if (/already in use|EADDRINUSE/.test(tail)) reject(new PortInUse('DEMO_COMPTOIR_PORT', p));
      // What it said is above already; else its last words (its log's), once.
      else if (shown) reject(new Error(`Comptoir stopped (${code ?? signal}) before listening; see ${logName}`));
      else reject(new Error(`Comptoir stopped (${code ?? signal}) before listening:\n${tail}`));
    });
  });
}

async function main(): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const comptoirPort = port('DEMO_COMPTOIR_PORT', 3300) || (await freePort());
  const shopPort = port('DEMO_SHOP_PORT', 3301) || (await freePort());
  const gifPort = port('DEMO_GIF_APP_PORT', 3302) || (await freePort());
  const relative = path.relative(process.cwd(), dir);
  const rel = relative && !relative.startsWith('..') ? relative : dir;
  try {
    await ensureFree('DEMO_COMPTOIR_PORT', comptoirPort);
    await ensureFree('DEMO_SHOP_PORT', shopPort);
    await ensureFree('DEMO_GIF_APP_PORT', gifPort);
  } catch (e) {
    console.error(`The demo could not start: ${(e as Error).message}`);
    process.exit(1);
  }
  console.log(`Starting the Comptoir demo (its data in ${rel}/, never your own)…`);

  let comptoir: ChildProcess | null = null;
  let shop: ShopServer | null = null;
  let gifApp: GifAppServer | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await shop?.close();
    await gifApp?.close();
    if (comptoir && comptoir.exitCode === null && comptoir.signalCode === null) {
      const exited = new Promise((r) => comptoir?.once('exit', r));
      comptoir.kill('SIGTERM');
      const force = setTimeout(() => comptoir?.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(force);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const started = await startComptoir(comptoirPort);
    comptoir = started.child;
    comptoir.once('exit', (code, signal) => {
      if (stopping) return;
      // Ctrl-C in a terminal reaches Comptoir too: it stops cleanly (0), and so does the demo.
      if (code === 0) return void stop(0);
      console.error(`Comptoir stopped (${code ?? signal}); see ${rel}/comptoir.log`);
      void stop(1);
    });
    const api = started.url;
    const { state, admin } = await seedDemo(api, dir);

    const publicComptoir = `http://localhost:${comptoirPort}`;
    const publicShop = `http://localhost:${shopPort}`;
    shop = createShopServer(
      loadShopConfig({
        COMPTOIR_URL: publicComptoir,
        COMPTOIR_API_URL: api,
        COMPTOIR_PAGE_ID: state.pageId,
        COMPTOIR_PAGE_TOKEN: state.pageToken,
        COMPTOIR_APP_SECRET: state.appSecret,
        SHOP_VERIFY_TOKEN: state.verifyToken,
        SHOP_HOST: HOST,
        SHOP_PORT: String(shopPort),
        SHOP_URL: publicShop,
        SHOP_DATA_FILE: path.join(dir, 'shop.json'),
        SHOP_NAME: DEMO_PAGE.name,
      }),
    );
    const shopServer = shop;
    await listening('DEMO_SHOP_PORT', shopPort, () => shopServer.listen());
    await connectShop(api, admin, state, {
      origins: [publicShop, `http://${HOST}:${shopPort}`],
      webhook: `http://${HOST}:${shopPort}/webhook`,
    });

    // The content app: margot's second app, set up through the API once it listens, on for everyone.
    const gifConfig = loadGifAppConfig({
      COMPTOIR_URL: api,
      COMPTOIR_USERNAME: DEMO_PEOPLE.admin.username,
      COMPTOIR_PASSWORD: DEMO_PASSWORD,
      GIF_APP_STATE_FILE: path.join(dir, 'gif-app.json'),
      GIF_APP_HOST: HOST,
      GIF_APP_PORT: String(gifPort),
    });
    gifApp = createGifAppServer(gifConfig, await generateLibrary(), await drawIcon());
    const gifServer = gifApp;
    const gifUrl = await listening('DEMO_GIF_APP_PORT', gifPort, () => gifServer.listen());
    const { appId: gifAppId } = await setUpInComptoir(
      { ...(gifConfig.setup as NonNullable<typeof gifConfig.setup>), appUrl: gifUrl, name: gifConfig.name },
      (secret) => gifApp?.setSecret(secret),
    );
    await enableContentApp(api, gifAppId);

    const c = DEMO_PEOPLE.customer.username;
    console.log(`
The Comptoir demo is running. Ctrl-C stops it.

  Comptoir       ${publicComptoir}
  Example shop   ${publicShop}
  Shop admin     ${publicShop}/admin   (no password: a demo on your machine)
  GIF Box        http://${HOST}:${gifPort}   (a content app, on for everyone)
  Page inbox     ${publicComptoir}/inbox/${state.pageId}

  Accounts, all with the password "${DEMO_PASSWORD}":
    ${c.padEnd(8)} the customer
    ${DEMO_PEOPLE.agent.username.padEnd(8)} an agent of the page ${DEMO_PAGE.name}
    ${DEMO_PEOPLE.admin.username.padEnd(8)} the page's admin, owner of its app (developer console)

  1. Sign in to Comptoir as ${c}: ${publicComptoir}
  2. In the same browser, open the shop, put cheese in the cart, check out and tick
     "Send my order updates to Comptoir", then place the order: the receipt card
     arrives in ${c}'s conversation with ${DEMO_PAGE.name}.
  3. On the card, ${c} asks to change the delivery address (Change). Sign in as
     ${DEMO_PEOPLE.agent.username} in a private window, open the page inbox and the conversation: the order
     panel beside it shows the request; Accept it, and the card shows the new address
     (so does the shop's admin).
  4. In the shop's admin, Ship the order, then add tracking events: each one arrives
     in the same conversation, and the receipt card changes in place. Once delivered,
     ${c} can ask for a return from the card; ${DEMO_PEOPLE.agent.username} accepts it in the panel, then
     "Mark returned" in the shop's admin (the parcel is back) applies it.
  And: a note written in the page inbox reaches the team only, never ${c}.
  5. In any conversation, the composer's Apps button (four squares) opens the GIF Box:
     search "cat", pick a GIF, and it arrives "via GIF Box"; typing "@gifbox yes" searches
     too. The other side answers with "Reply with GIF Box" under it.

  Data: ${rel}/ (delete it to start afresh). Comptoir's log: ${rel}/comptoir.log
`);
  } catch (e) {
    console.error(`The demo could not start: ${(e as Error).message}`);
    await stop(1);
  }
}

await main();
