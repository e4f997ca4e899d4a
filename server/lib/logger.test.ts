import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const logger = fileURLToPath(new URL('./logger.ts', import.meta.url));

function run(to: 'stdout' | 'stderr') {
  const script = `import { createLogger } from ${JSON.stringify(logger)};
const log = createLogger('warn', ${JSON.stringify(to)});
log.info('not shown');
log.warn({ ms: 900 }, 'slow write batch');
process.stdout.write('{"ok":true}\\n');`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
}

describe('createLogger', () => {
  it("keeps the CLI's standard output for what the command prints: warnings go to standard error", () => {
    const r = run('stderr');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '{"ok":true}\n');
    const line = JSON.parse(r.stderr.trim()) as { level: number; msg: string; ms: number };
    assert.equal(line.msg, 'slow write batch');
    assert.equal(line.ms, 900);
  });

  it('logs to standard output for the server, at the level asked', () => {
    const r = run('stdout');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg?: string; ok?: boolean });
    assert.deepEqual(lines.map((l) => l.msg ?? l.ok).sort(), ['slow write batch', true].sort());
    assert.equal(r.stderr, '');
  });
});
