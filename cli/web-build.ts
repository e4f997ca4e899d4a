import fs from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** Builds the web app with Vite when its build is missing or older than its sources. */
export async function ensureWebBuild(dist: string): Promise<void> {
  const index = path.join(dist, 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(root, 'web')), newestMtime(path.join(root, 'protocol')));
  if (built >= sources) return;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    if (built > 0) return; // an older build, and no Vite to rebuild (a production install): serve it
    throw new Error('The web app is not built and Vite is not installed: run `npm ci`, then `npm run build`.');
  }
  process.stdout.write('Building the web app…\n');
  await vite.build({ configFile: path.join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
}
