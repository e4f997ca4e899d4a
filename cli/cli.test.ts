import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { HttpClient } from '../test/helpers/client.ts';
import { spawnServer } from '../test/helpers/process.ts';
import { tempDir } from '../test/helpers/tmp.ts';

const bin = path.join(import.meta.dirname, 'bin.mjs');

function comptoir(args: string[], env: Record<string, string>, input = '') {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
    input,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The command run in a pseudo-terminal (util-linux `script`), answering each prompt as it appears, as a
 * person would: `answers` maps a prompt to the keys typed at it.
 */
function comptoirInTerminal(
  args: string[],
  env: Record<string, string>,
  answers: [prompt: string, keys: string][],
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  let next = 0;
  let seenUpTo = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
    const answer = answers[next];
    if (!answer) return;
    const at = output.indexOf(answer[0], seenUpTo);
    if (at < 0) return;
    seenUpTo = at + answer[0].length;
    next++;
    // Typed once the terminal is in no-echo mode, a moment after the prompt is shown.
    setTimeout(() => child.stdin.write(answer[1]), 100);
  });
  const timer = setTimeout(() => child.kill(), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe('comptoir command', () => {
  const tmp = tempDir();
  const env = { DATA_DIR: tmp.dir };
  after(() => tmp.cleanup());

  it('creates a user (password on standard input) and prints it as JSON; that user can sign in', async () => {
    const r = comptoir(
      ['user', 'create', '--username', 'Margot', '--display-name', 'Margot L.', '--json'],
      env,
      'a long password\n',
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

  it('creates a business page while the server runs: the exact JSON, served at once; clear errors', async () => {
    const owner = comptoir(['user', 'create', '--username', 'paulette', '--json'], env, 'a long password\n');
    assert.equal(owner.code, 0, owner.stderr);
    const server = await spawnServer(env);
    try {
      const r = comptoir(
        [
          'page',
          'create',
          '--owner',
          'paulette',
          '--name',
          'Épicerie Paulette',
          '--username',
          'epicerie.paulette',
          '--json',
        ],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { page: { id: string; username: string; name: string } };
      assert.deepEqual(Object.keys(out), ['page']);
      assert.deepEqual(Object.keys(out.page), ['id', 'username', 'name']);
      assert.deepEqual([out.page.username, out.page.name], ['epicerie.paulette', 'Épicerie Paulette']);
      const http = new HttpClient(server.url);
      const page = await http.get<{ page: { id: string; name: string } }>(`/api/pages/${out.page.id}`);
      assert.equal(page.status, 401, 'signed in only');
      await http.post('/api/auth/signin', { username: 'paulette', password: 'a long password' });
      const mine = await http.get<{ pages: { page: { id: string }; role: string }[] }>('/api/me/pages');
      assert.deepEqual(
        mine.body.pages.map((x) => [x.page.id, x.role]),
        [[out.page.id, 'admin']],
        'the running server sees it at once, run by its owner',
      );
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const taken = comptoir(['page', 'create', '--owner', 'paulette', '--name', 'X', '--username', 'paulette'], env);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /taken/);
    const noOwner = comptoir(['page', 'create', '--owner', 'nobody', '--name', 'X', '--username', 'xshop'], env);
    assert.equal(noOwner.code, 1);
    assert.match(noOwner.stderr, /nobody/);
    const pageOwner = comptoir(
      ['page', 'create', '--owner', 'epicerie.paulette', '--name', 'X', '--username', 'yshop'],
      env,
    );
    assert.equal(pageOwner.code, 1, 'a page does not own a page');
    const bad = comptoir(['page', 'create', '--owner', 'paulette', '--name', '', '--username', 'zshop'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /name/);
    const missing = comptoir(['page', 'create', '--name', 'X', '--username', 'wshop'], env);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /--owner/);
  });

  it('asks for the password twice at a terminal, without echoing it', async () => {
    const twice: [string, string][] = [
      ['Password: ', 'typed at the prompt\r'],
      ['Password again: ', 'typed at the prompt\r'],
    ];
    const r = await comptoirInTerminal(['user', 'create', '--username', 'prompted', '--json'], env, twice);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /Password: /);
    assert.match(r.output, /Password again: /);
    assert.doesNotMatch(r.output, /typed at the prompt/, 'not echoed');
    assert.match(r.output, /"username":"prompted"/);
    const differ = await comptoirInTerminal(['user', 'create', '--username', 'prompted2'], env, [
      ['Password: ', 'one long password\r'],
      ['Password again: ', 'other long password\r'],
    ]);
    assert.equal(differ.code, 1);
    assert.match(differ.output, /differ/);
  });

  it('answers a taken username, a weak password and invalid input with an error and exit code 1', () => {
    const taken = comptoir(['user', 'create', '--username', 'margot', '--json'], env, 'another password\n');
    assert.equal(taken.code, 1);
    assert.deepEqual(JSON.parse(taken.stdout).error.id, 'username_taken');
    const weak = comptoir(['user', 'create', '--username', 'weakling', '--json'], env, 'password1234\n');
    assert.equal(weak.code, 1);
    assert.deepEqual(JSON.parse(weak.stdout).error.id, 'weak_password');
    const short = comptoir(['user', 'create', '--username', 'x'], env, 'short\n');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /username|password/);
    const none = comptoir(['user', 'create', '--username', 'nopassword'], env, '');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /standard input/);
  });

  it('refuses a password on the command line', () => {
    const r = comptoir(['user', 'create', '--username', 'leaky', '--password', 'a long password'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not taken on the command line/);
  });

  it('migrates, explains itself, and refuses unknown commands and options', () => {
    const m = comptoir(['migrate', '--json'], env);
    assert.equal(m.code, 0, m.stderr);
    assert.deepEqual(JSON.parse(m.stdout), { ok: true, database: 'sqlite' });
    const help = comptoir(['help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /user create --username U \[--display-name N\]/);
    assert.equal(comptoir(['frobnicate'], env).code, 2);
    assert.equal(comptoir(['user', 'create', '--nope'], env).code, 2);
    const badConfig = comptoir(['migrate'], { ...env, PORT: 'not-a-port' });
    assert.equal(badConfig.code, 2);
    assert.match(badConfig.stderr, /PORT/);
  });
});
