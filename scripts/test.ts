/**
 * `npm test`: typecheck, lint, build the web app, then every test file — unit, integration, both storage
 * backends, browser — with node:test, in two lanes side by side (lanes(), below). Outside CI, a missing
 * PostgreSQL or Chromium is reported in one line and those tests are skipped; under CI=true nothing is
 * skipped (Chromium is installed with apt-get when missing and we are root, and the Postgres suites fail if
 * the database is unreachable).
 *
 * Arguments narrow the run: `npm test -- server/messaging` runs the test files under that path only
 * (and skips typecheck, lint and build unless --all is given).
 */
import { spawnSync } from 'node:child_process';
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
  // TEST_NO_BUILD=1: the web app as last built (a browser test run again; the runner's own test).
  if (chromium && process.env.TEST_NO_BUILD !== '1')
    run('build the web app', 'npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
}

/** The counts node:test reports at the end of a run (test:summary), added up over the files. */
type Counts = {
  tests: number;
  suites: number;
  passed: number;
  failed: number;
  cancelled: number;
  skipped: number;
  todo: number;
};
const noCounts = (): Counts => ({ tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0 });
/** The lines node:test prints its counts in: each file's are left out, the sum over all is printed once. */
const COUNT_LINE = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /;

/**
 * Two lanes, one test file at a time in each, taking files from one list as they finish. Much of a test
 * file's time is spent waiting on a child server, PostgreSQL or Chromium, so two files at a time take less
 * time on two cores than one; but two browser files at once starve each other's Chromium (actions time out
 * waiting for a page to settle), so the browser files all run in the first lane, one after the other, which
 * then takes the other files from the end of their list while the second lane takes them from its start.
 * That list is the longest first, by the seconds each file took when last measured (scripts/test-times.json;
 * a file not there counts as short): the second lane starts on the long ones, and the lanes end on short
 * ones, together, whichever kind of file is slower on the day. Each lane has its reporter; the first lane's
 * report is kept and printed after the second's. One lane only (`two` false: TEST_STREAMS=1, a run of one
 * kind of file, or no Chromium): every file in turn, the browser files first — counted and checked the same
 * way, so that a run in which no test ran fails there too.
 * TEST_TIMES=write: the files' seconds of this run written to scripts/test-times.json (a quiet machine).
 */
async function lanes(browserFiles: string[], others: string[], two: boolean): Promise<void> {
  const { run: runTests } = await import('node:test');
  const { spec } = await import('node:test/reporters');
  const { PassThrough } = await import('node:stream');
  const logPath = path.join(os.tmpdir(), `comptoir-browser-tests-${process.pid}.log`);
  const timesPath = path.join(root, 'scripts', 'test-times.json');
  const known = JSON.parse(fs.readFileSync(timesPath, 'utf8')) as Record<string, number>;
  const queue = [...others].sort((a, b) => (known[b] ?? 1) - (known[a] ?? 1));
  const took = new Map<string, number>();
  const total = noCounts();
  let ok = true;
  console.log(
    `\n# tests: ${browserFiles.length} browser files and ${others.length} others, ${two ? 'in two lanes' : 'in one lane'}`,
  );

  async function lane(name: string, first: string[], next: () => string | undefined, out: NodeJS.WritableStream) {
    const events = new PassThrough({ objectMode: true });
    const reporter = events.compose(new spec());
    reporter.pipe(out);
    // A file is finished once written; standard output is never ended, so its report is done at its end.
    const done = new Promise<void>((resolve) =>
      out === process.stdout ? reporter.on('end', resolve) : out.on('finish', resolve),
    );
    const started = Date.now();
    let files = 0;
    for (let file = first.shift() ?? next(); file !== undefined; file = first.shift() ?? next()) {
      files++;
      const fileStarted = Date.now();
      for await (const event of runTests({ files: [path.join(root, file)], env, execArgv: ['--import', 'tsx'] })) {
        if (event.type === 'test:summary') {
          if (event.data.file === undefined) {
            for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += event.data.counts[k];
            if (!event.data.success) ok = false;
          }
          continue;
        }
        if (event.type === 'test:diagnostic' && event.data.nesting === 0 && COUNT_LINE.test(event.data.message))
          continue;
        events.write(event);
      }
      took.set(file, (Date.now() - fileStarted) / 1000);
    }
    events.end();
    await done;
    return `${name}: ${files} file${files === 1 ? '' : 's'} in ${Math.round((Date.now() - started) / 1000)} s`;
  }

  if (two) {
    const log = fs.createWriteStream(logPath);
    const [rest, browserLane] = await Promise.all([
      lane('second lane', [], () => queue.shift(), process.stdout),
      lane('first lane (browser files first)', [...browserFiles], () => queue.pop(), log),
    ]);
    console.log('\n# the first lane: browser files, then others');
    process.stdout.write(fs.readFileSync(logPath));
    fs.rmSync(logPath, { force: true });
    console.log(`\n# ${browserLane}; ${rest}`);
  } else console.log(`\n# ${await lane('one lane', [...browserFiles], () => queue.shift(), process.stdout)}`);
  const slowest = [...took].sort((a, b) => b[1] - a[1]);
  console.log(
    `# the slowest: ${slowest
      .slice(0, 5)
      .map(([f, s]) => `${f} ${Math.round(s)} s`)
      .join(', ')}`,
  );
  if (process.env.TEST_TIMES === 'write') {
    // The files of this run measured again (3 s or more: listed; less: short, as unlisted), the others kept.
    const merged = new Map(Object.entries(known));
    for (const [f, s] of took)
      if (s >= 3) merged.set(f, Math.round(s));
      else merged.delete(f);
    const sorted = [...merged].sort((a, b) => b[1] - a[1]);
    fs.writeFileSync(timesPath, `${JSON.stringify(Object.fromEntries(sorted), null, 2)}\n`);
  }
  for (const [label, n] of [
    ['tests', total.tests],
    ['suites', total.suites],
    ['pass', total.passed],
    ['fail', total.failed],
    ['cancelled', total.cancelled],
    ['skipped', total.skipped],
    ['todo', total.todo],
  ] as const)
    console.log(`ℹ ${label} ${n}`);
  if (!ok || total.failed > 0 || total.tests === 0) {
    console.error(total.tests === 0 ? '\n# no test ran' : '\n# tests failed');
    process.exit(1);
  }
}

console.log(`\n# ${files.length} test files`);
const browserFiles = files.filter((f) => f.startsWith('test/e2e/'));
const others = files.filter((f) => !f.startsWith('test/e2e/'));
await lanes(
  browserFiles,
  others,
  process.env.TEST_STREAMS !== '1' && browserFiles.length > 0 && others.length > 0 && !env.COMPTOIR_SKIP_BROWSER,
);
