import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { AppResponse, AppsResponse } from '../protocol/api.ts';
import { HttpClient } from '../test/helpers/client.ts';
import { spawnServer } from '../test/helpers/process.ts';
import { startReceiver } from '../test/helpers/receiver.ts';
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

/** The command run without blocking this process (a webhook receiver in this process must answer it). */
function comptoirAsync(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c;
  });
  const timer = setTimeout(() => child.kill(), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
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

  it('deletes an account: it no longer signs in, its name is free; an unknown one is refused', async () => {
    assert.equal(comptoir(['user', 'create', '--username', 'leaving'], env, 'a long password to leave\n').code, 0);
    const r = comptoir(['user', 'delete', '--username', 'Leaving', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const { deleted } = JSON.parse(r.stdout) as { deleted: { id: string } };
    assert.match(deleted.id, /^[0-9a-z]{26}$/);
    const again = comptoir(['user', 'delete', '--username', 'leaving', '--json'], env);
    assert.equal(again.code, 1);
    assert.equal(JSON.parse(again.stdout).error.id, 'user_not_found');
    assert.equal(comptoir(['user', 'delete'], env).code, 2, '--username is required');
    // The name is free again.
    assert.equal(comptoir(['user', 'create', '--username', 'leaving'], env, 'another long password\n').code, 0);
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

  it('start on a port already in use: one line naming the port and PORT, exit code 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const r = await comptoirAsync(['start', '--no-build'], { ...env, HOST: '127.0.0.1', PORT: String(port) });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(
        r.stderr,
        `Port ${port} is already in use on 127.0.0.1: stop what listens there, or set PORT to another port (PORT=${port + 1} npm start).\n`,
      );
      assert.doesNotMatch(r.stdout, /EADDRINUSE|node:net/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('creates an app and sets its webhook while the server runs, printing JSON; the server sees both', async () => {
    const rx = await startReceiver();
    const allow = { ...env, WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' };
    const server = await spawnServer(env);
    try {
      assert.equal(comptoir(['user', 'create', '--username', 'devowner'], env, 'a long password for apps\n').code, 0);
      const made = comptoir(['app', 'create', '--owner', 'DevOwner', '--name', ' Shop bot ', '--json'], env);
      assert.equal(made.code, 0, made.stderr);
      const created = JSON.parse(made.stdout) as { app: { id: string; secret: string } };
      assert.deepEqual(Object.keys(created), ['app']);
      assert.deepEqual(Object.keys(created.app), ['id', 'secret']);
      assert.match(created.app.id, /^[0-9a-z]{26}$/);
      assert.match(created.app.secret, /^[0-9a-f]{64}$/);
      const human = comptoir(['app', 'create', '--owner', 'devowner', '--name', 'Second'], env);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^Created app Second \([0-9a-z]{26}\)\n.*shown this once.*\n[0-9a-f]{64}\n$/s);

      const url = rx.url('echo', 'cli token');
      const set = await comptoirAsync(
        [
          'app',
          'webhook',
          '--app',
          created.app.id,
          '--url',
          url,
          '--verify-token',
          'cli token',
          '--fields',
          'messages,messaging_postbacks',
          '--json',
        ],
        allow,
      );
      assert.equal(set.code, 0, set.stderr);
      assert.deepEqual(JSON.parse(set.stdout), {
        webhook: { url, fields: ['messages', 'messaging_postbacks'], verified: true },
      });
      assert.equal(rx.requests.length, 1, 'one handshake');

      // The running server reads what the command wrote.
      const http = new HttpClient(server.url);
      assert.equal(
        (await http.post('/api/auth/signin', { username: 'devowner', password: 'a long password for apps' })).status,
        200,
      );
      const apps = await http.get<AppsResponse>('/api/apps');
      assert.deepEqual(
        apps.body.apps.map((a) => a.name),
        ['Shop bot', 'Second'],
      );
      const one = await http.get<AppResponse>(`/api/apps/${created.app.id}`);
      assert.equal(one.body.webhook?.url, url);
      assert.equal(one.body.webhook?.verified, true);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await rx.close();
    }
  });

  it('fails the webhook with a clear message and exit code 1: handshake, address, URL, app, fields', async () => {
    const rx = await startReceiver();
    const allow = { ...env, WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' };
    try {
      const made = comptoir(['app', 'create', '--owner', 'margot', '--name', 'Failing', '--json'], env);
      assert.equal(made.code, 0, made.stderr);
      const app = (JSON.parse(made.stdout) as { app: { id: string } }).app.id;
      const webhook = (url: string, e: Record<string, string> = allow, fields = 'messages', more: string[] = []) =>
        comptoirAsync(
          [
            'app',
            'webhook',
            '--app',
            app,
            '--url',
            url,
            '--verify-token',
            'the-verify-token',
            '--fields',
            fields,
            ...more,
          ],
          e,
        );
      // One at a time: each is a process of its own, on a loaded machine.
      const cases: [() => Promise<{ code: number | null; stdout: string; stderr: string }>, RegExp][] = [
        [() => webhook(rx.url('wrong')), /not with the challenge/],
        [() => webhook(rx.url('error')), /answered 500/],
        [() => webhook(rx.url('echo'), env), /loopback address.*WEBHOOK_ALLOW_PRIVATE/],
        [() => webhook('http://10.1.2.3/hook'), /private address/],
        [() => webhook('ftp://127.0.0.1/'), /must be http: or https:/],
        [() => webhook('http://user:pw@127.0.0.1/'), /user name or password/],
        [() => webhook(rx.url('echo'), allow, 'messages,feed'), /unknown field "feed"/],
        [
          () =>
            comptoirAsync(
              [
                'app',
                'webhook',
                '--app',
                'nope',
                '--url',
                rx.url('echo'),
                '--verify-token',
                't',
                '--fields',
                'messages',
              ],
              allow,
            ),
          /No app has the id nope/,
        ],
      ];
      for (const [run, message] of cases) {
        const r = await run();
        assert.equal(r.code, 1, `${message}: ${r.stdout} ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(r.stdout, '');
      }
      const json = await webhook(rx.url('error'), allow, 'messages', ['--json']);
      assert.equal(json.code, 1);
      assert.equal(JSON.parse(json.stdout).error.id, 'webhook_verification_failed');
      assert.match(json.stderr, /answered 500/, 'the message on standard error too');
      assert.ok(
        rx.requests.every((r) => !r.path.startsWith('/echo')),
        'no handshake for a refused address, URL, field or app',
      );
      const missing = await comptoirAsync(['app', 'webhook', '--app', app, '--url', rx.url('echo')], allow);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--verify-token is required/);
      const nobody = comptoir(['app', 'create', '--owner', 'nobody_here', '--name', 'x'], env);
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /No account is named nobody_here/);
      const blank = comptoir(['app', 'create', '--owner', 'margot', '--name', '   '], env);
      assert.equal(blank.code, 1);
      assert.match(blank.stderr, /name/);
      const help = comptoir(['help'], env);
      assert.match(help.stdout, /app create --owner USERNAME --name NAME/);
      assert.match(help.stdout, /app webhook --app APPID --url URL --verify-token T --fields F1,F2/);
    } finally {
      await rx.close();
    }
  });
});
