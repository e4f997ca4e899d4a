import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { HttpClient } from '../test/helpers/client.ts';
import { spawnServer } from '../test/helpers/process.ts';
import { tempDir } from '../test/helpers/tmp.ts';

const bin = path.join(import.meta.dirname, 'bin.mjs');

function comptoir(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('comptoir command', () => {
  const tmp = tempDir();
  const env = { DATA_DIR: tmp.dir };
  after(() => tmp.cleanup());

  it('creates a user and prints it as JSON; that user can sign in', async () => {
    const r = comptoir(
      [
        'user',
        'create',
        '--username',
        'Margot',
        '--password',
        'a long password',
        '--display-name',
        'Margot L.',
        '--json',
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const user = JSON.parse(r.stdout) as { id: string; username: string; displayName: string; createdAt: string };
    assert.equal(user.username, 'margot');
    assert.equal(user.displayName, 'Margot L.');
    assert.match(user.id, /^[0-9a-z]{26}$/);
    assert.ok(!Number.isNaN(Date.parse(user.createdAt)));
    const server = await spawnServer(env);
    try {
      const http = new HttpClient(server.url);
      const signin = await http.post<{ user: { id: string } }>('/api/auth/signin', {
        username: 'margot',
        password: 'a long password',
      });
      assert.equal(signin.status, 200);
      assert.equal(signin.body.user.id, user.id);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('answers a taken username and invalid input with an error and exit code 1', () => {
    const taken = comptoir(['user', 'create', '--username', 'margot', '--password', 'another password', '--json'], env);
    assert.equal(taken.code, 1);
    assert.deepEqual(JSON.parse(taken.stdout).error.id, 'username_taken');
    const short = comptoir(['user', 'create', '--username', 'x', '--password', 'short'], env);
    assert.equal(short.code, 1);
    assert.match(short.stderr, /username|password/);
  });

  it('migrates, explains itself, and refuses unknown commands and options', () => {
    const m = comptoir(['migrate', '--json'], env);
    assert.equal(m.code, 0, m.stderr);
    assert.deepEqual(JSON.parse(m.stdout), { ok: true, database: 'sqlite' });
    const help = comptoir(['help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /user create --username U --password P/);
    assert.equal(comptoir(['frobnicate'], env).code, 2);
    assert.equal(comptoir(['user', 'create', '--nope'], env).code, 2);
    const badConfig = comptoir(['migrate'], { ...env, PORT: 'not-a-port' });
    assert.equal(badConfig.code, 2);
    assert.match(badConfig.stderr, /PORT/);
  });
});
