import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { keyFromFile, parseKey, SecretBox, SecretBoxError } from './secrets.ts';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, for the same context; each seal differs', () => {
    const secret = randomBytes(32).toString('hex');
    const a = box.seal(secret, 'app:1');
    const b = box.seal(secret, 'app:1');
    assert.notEqual(a, b, 'a fresh nonce each time');
    assert.match(a, /^v1\.[A-Za-z0-9_-]+$/);
    assert.ok(!a.includes(secret));
    assert.equal(box.open(a, 'app:1'), secret);
    assert.equal(box.open(b, 'app:1'), secret);
    assert.equal(box.open(box.seal('', 'x'), 'x'), '', 'even nothing');
    assert.equal(box.open(box.seal('é✓😀', 'x'), 'x'), 'é✓😀');
  });

  it('refuses a tampered value: any flipped bit, a cut, another version', () => {
    const sealed = box.seal('the secret', 'app:1');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const flipped = Buffer.from(raw);
      flipped[i] = (flipped[i] as number) ^ 1;
      assert.throws(() => box.open(`v1.${flipped.toString('base64url')}`, 'app:1'), SecretBoxError, `byte ${i}`);
    }
    assert.throws(
      () => box.open(`v1.${raw.subarray(0, raw.length - 1).toString('base64url')}`, 'app:1'),
      SecretBoxError,
    );
    assert.throws(() => box.open(`v1.${raw.subarray(0, 20).toString('base64url')}`, 'app:1'), SecretBoxError);
    assert.throws(() => box.open(`v2.${raw.toString('base64url')}`, 'app:1'), SecretBoxError);
    assert.throws(() => box.open(`${sealed}.x`, 'app:1'), SecretBoxError);
    assert.throws(() => box.open('the secret', 'app:1'), SecretBoxError);
  });

  it('refuses another key, and another context (a value copied onto another row)', () => {
    const sealed = box.seal('the secret', 'app:1');
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'app:1'), SecretBoxError);
    assert.throws(() => box.open(sealed, 'app:2'), SecretBoxError);
  });

  it('derives a key per purpose: stable for a key, different across purposes and keys, never the key', () => {
    const key = randomBytes(32);
    const a = new SecretBox(key).derive('media-links');
    assert.equal(a.length, 32);
    assert.deepEqual(new SecretBox(key).derive('media-links'), a, 'the same key and purpose: the same key');
    assert.notDeepEqual(new SecretBox(key).derive('other'), a);
    assert.notDeepEqual(new SecretBox(randomBytes(32)).derive('media-links'), a);
    assert.notDeepEqual(a, key);
  });

  it('takes keys of 32 bytes only', () => {
    assert.throws(() => new SecretBox(randomBytes(16)), /32 bytes/);
    assert.throws(() => new SecretBox(Buffer.alloc(0)), /32 bytes/);
  });
});

describe('server keys', () => {
  it('parses SECRETS_KEY as the base64 of 32 bytes (either alphabet)', () => {
    const key = randomBytes(32);
    assert.deepEqual(parseKey(key.toString('base64')), key);
    assert.deepEqual(parseKey(`  ${key.toString('base64url')}\n`), key);
    assert.throws(() => parseKey(randomBytes(16).toString('base64')), /16 bytes, not 32/);
    assert.throws(() => parseKey('not base64!'), /not base64/);
    assert.throws(() => parseKey(''), /not base64/);
  });

  it('creates the key file on first use, mode 0600, and reads the same key afterwards', () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'deeper', 'secrets.key');
      const key = keyFromFile(file);
      assert.equal(key.length, 32);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(keyFromFile(file), key, 'the same key again');
      assert.deepEqual(parseKey(fs.readFileSync(file, 'utf8')), key, 'the file holds its base64');
      assert.deepEqual(
        fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp')),
        [],
        'nothing left aside',
      );
    } finally {
      tmp.cleanup();
    }
  });

  it('gives processes that start at once the same key', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'secrets.key');
      const script = `import { keyFromFile } from ${JSON.stringify(path.join(import.meta.dirname, 'secrets.ts'))};
        process.stdout.write(keyFromFile(${JSON.stringify(file)}).toString('hex'));`;
      const run = () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
          let out = '';
          child.stdout.on('data', (c: Buffer) => {
            out += c;
          });
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
        });
      const keys = await Promise.all([run(), run(), run(), run()]);
      assert.equal(new Set(keys).size, 1, keys.join(' '));
      assert.equal(keys[0], keyFromFile(file).toString('hex'));
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses a key file others may read, or one that holds no key', () => {
    const tmp = tempDir();
    try {
      const open = path.join(tmp.dir, 'open.key');
      fs.writeFileSync(open, `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
      fs.chmodSync(open, 0o644);
      assert.throws(() => keyFromFile(open), /may be read by others \(mode 644\).*chmod 600/);
      const junk = path.join(tmp.dir, 'junk.key');
      fs.writeFileSync(junk, 'hello\n', { mode: 0o600 });
      assert.throws(() => keyFromFile(junk), /does not hold a key/);
    } finally {
      tmp.cleanup();
    }
  });
});
