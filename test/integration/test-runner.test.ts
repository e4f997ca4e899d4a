import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

/**
 * `npm test`'s runner (scripts/test.ts) is what CI trusts: with a browser file among the files it runs two
 * lanes (one with TEST_STREAMS=1), and a failing test, a file that throws as it loads, or a run in which no
 * test ran must fail the run, counted in its totals.
 */
const root = path.join(import.meta.dirname, '..', '..');
const files = ['test/fixtures/runner', 'test/e2e/harness.test.ts'];

/**
 * The runner as `npm test` starts it: not inside this test's own node:test run (whose NODE_TEST_CONTEXT
 * makes node:test's run() skip every file), and on the web app as built — a build now would empty web/dist
 * under the browser test running beside this one.
 */
function runnerEnv(fixture: 'pass' | 'fail', inside: boolean, oneLane: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, COMPTOIR_RUNNER_FIXTURE: fixture, TEST_NO_BUILD: '1' };
  for (const name of ['TEST_STREAMS', 'TEST_TIMES', ...(inside ? [] : ['NODE_TEST_CONTEXT'])]) delete env[name];
  if (oneLane) env.TEST_STREAMS = '1';
  return env;
}

function runner(fixture: 'pass' | 'fail', { inside = false, oneLane = false } = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/test.ts', ...files], {
    cwd: root,
    encoding: 'utf8',
    env: runnerEnv(fixture, inside, oneLane),
  });
  const out = `${r.stdout}${r.stderr}`;
  const count = (label: string) => Number(out.match(new RegExp(`^ℹ ${label} (\\d+)$`, 'm'))?.[1]);
  return { status: r.status, out, count };
}

describe('the test runner (scripts/test.ts)', () => {
  it('runs the browser file and the others in two lanes; all passing, the run passes', () => {
    const r = runner('pass');
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /in two lanes/);
    assert.match(r.out, /# first lane \(browser files first\): \d+ files? in \d+ s; second lane: \d+ files? in \d+ s/);
    assert.equal(r.count('fail'), 0, r.out);
    assert.ok(r.count('pass') >= 4, r.out);
  });

  it('fails the run when a test fails or a file throws as it loads, and counts them', () => {
    const r = runner('fail');
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /# tests failed/);
    assert.match(r.out, /fails when asked/);
    assert.match(r.out, /throws\.test\.ts/);
    assert.equal(r.count('fail'), 2, r.out);
  });

  it('fails a run in which no test ran (node:test skips every file when started inside a test)', () => {
    const r = runner('pass', { inside: true });
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /# no test ran/);
    assert.equal(r.count('tests'), 0, r.out);
  });

  it('in one lane (TEST_STREAMS=1): counts and fails the same way', () => {
    const passing = runner('pass', { oneLane: true });
    assert.equal(passing.status, 0, passing.out);
    assert.match(passing.out, /in one lane/);
    assert.match(passing.out, /# one lane: \d+ files in \d+ s/);
    assert.ok(passing.count('pass') >= 4, passing.out);
    const failing = runner('fail', { oneLane: true });
    assert.equal(failing.status, 1, failing.out);
    assert.equal(failing.count('fail'), 2, failing.out);
    const none = runner('pass', { oneLane: true, inside: true });
    assert.equal(none.status, 1, none.out);
    assert.match(none.out, /# no test ran/);
  });
});
