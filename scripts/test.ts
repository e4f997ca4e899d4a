/**
 * `npm test`: typecheck, lint, build the web app, then every test file — unit, integration, both storage
 * backends, browser — with node:test, the browser files in a stream of their own beside the others. Outside CI, a missing PostgreSQL or Chromium is reported in one
 * line and those tests are skipped; under CI=true nothing is skipped (Chromium is installed with apt-get
 * when missing and we are root, and the Postgres suites fail if the database is unreachable).
 *
 * Arguments narrow the run: `npm test -- server/messaging` runs the test files under that path only
 * (and skips typecheck, lint and build unless --all is given).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const ci = process.env.CI === 'true';
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const full = filters.length === 0 || args.includes('--all');

function run(label: string, cmd: string, cmdArgs: string[], env: NodeJS.ProcessEnv = process.env): void {
  console.log(`\n# ${label}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`\n# ${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((c): c is string => !!c && fs.existsSync(c)) ?? null;
}

/** Chromium for the browser tests: found, installed (root + apt-get), or skipped with one line (not in CI). */
function ensureChromium(): string | null {
  const found = findChromium();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log('# Chromium is missing: installing Debian chromium with apt-get (about 2 minutes)');
    const r = spawnSync(
      'sh',
      ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null'],
      {
        stdio: 'inherit',
      },
    );
    if (r.status === 0) return findChromium();
  }
  if (ci) {
    console.error('# Chromium is required under CI=true and could not be found or installed');
    process.exit(1);
  }
  console.log('# Chromium not found (install Debian chromium or set CHROMIUM_PATH): browser tests skipped');
  return null;
}

function testFiles(): string[] {
  const dirs = ['server', 'web', 'protocol', 'cli', 'test', 'examples'];
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.test.ts')) out.push(path.relative(root, p));
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return out.sort().filter((f) => filters.length === 0 || filters.some((x) => f.startsWith(x.replace(/^\.\//, ''))));
}

if (full) {
  run('typecheck', 'npx', ['tsc', '-p', '.']);
  run('lint', 'npx', ['biome', 'check', '.']);
}
const files = testFiles();
if (files.length === 0) {
  console.error(`# no test files found${filters.length ? ` under ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
const browser = files.some((f) => f.startsWith('test/e2e/'));
const env: NodeJS.ProcessEnv = { ...process.env };
if (browser) {
  const chromium = ensureChromium();
  if (chromium) env.CHROMIUM_PATH = chromium;
  else env.COMPTOIR_SKIP_BROWSER = 'Chromium not found';
  if (chromium)
    run('build the web app', 'npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
}
const testArgs = (list: string[]) => ['--import', 'tsx', '--test', '--test-reporter=spec', ...list];

/**
 * Two streams of test files, one file at a time in each: the browser tests, and everything else. Much of a
 * test file's time is spent waiting on a child server, PostgreSQL or Chromium, so two files at a time take
 * less time on two cores than one; but two browser files at once starve each other's Chromium (actions time
 * out waiting for a page to settle), so they never run together. The browser stream's report is kept and
 * printed after the other's. TEST_STREAMS=1: every file in one stream, one at a time.
 */
async function twoStreams(browserFiles: string[], others: string[]): Promise<void> {
  const logPath = path.join(os.tmpdir(), `comptoir-browser-tests-${process.pid}.log`);
  const log = fs.openSync(logPath, 'w');
  const exit = (child: ReturnType<typeof spawn>) =>
    new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  console.log(
    `\n# tests: ${others.length} files, and beside them ${browserFiles.length} browser files (reported after)`,
  );
  const browserStream = spawn(process.execPath, testArgs(browserFiles), {
    cwd: root,
    env,
    stdio: ['ignore', log, log],
  });
  const restStream = spawn(process.execPath, testArgs(others), { cwd: root, env, stdio: 'inherit' });
  const [restCode, browserCode] = await Promise.all([exit(restStream), exit(browserStream)]);
  fs.closeSync(log);
  console.log('\n# browser tests');
  process.stdout.write(fs.readFileSync(logPath));
  fs.rmSync(logPath, { force: true });
  for (const [label, code] of [
    ['tests', restCode],
    ['browser tests', browserCode],
  ] as const)
    if (code !== 0) console.error(`\n# ${label} failed (exit ${code})`);
  if (restCode !== 0 || browserCode !== 0) process.exit(1);
}

console.log(`\n# ${files.length} test files`);
const browserFiles = files.filter((f) => f.startsWith('test/e2e/'));
const others = files.filter((f) => !f.startsWith('test/e2e/'));
if (process.env.TEST_STREAMS !== '1' && browserFiles.length > 0 && others.length > 0 && !env.COMPTOIR_SKIP_BROWSER)
  await twoStreams(browserFiles, others);
else run('tests', process.execPath, testArgs(files), env);
