import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets the server must read back in clear (an app's secret: it signs webhooks and checks
 * `appsecret_proof` with it) are stored sealed: AES-256-GCM under the server's key (`SECRETS_KEY`, or
 * the key file), with a fresh 96-bit nonce each time and the secret's context (e.g. the app's id) as
 * associated data, so that a sealed value copied onto another row does not open there. Whoever reads
 * the database alone learns nothing of them; the key never enters the database.
 *
 * A sealed value is `v1.<base64url(nonce ‖ ciphertext ‖ tag)>`; the version leaves room for another key
 * or algorithm later.
 */

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** A sealed value that does not open: altered, sealed under another key, or for another context. */
export class SecretBoxError extends Error {
  constructor(message = 'the sealed secret does not open with this key') {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`a SecretBox key has ${KEY_BYTES} bytes, not ${key.length}`);
    this.key = Buffer.from(key);
  }

  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(aad(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /**
   * A key for another use of the server's secret (signing media links: media/links.ts), derived from it
   * with HKDF-SHA256 under the purpose's name: one purpose's key tells nothing of another's nor of the
   * server key, and a rotated server key changes them all.
   */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `comptoir:${VERSION}:${purpose}`, KEY_BYTES));
  }

  /** The plaintext; throws SecretBoxError when the value was altered, or sealed under another key or context. */
  open(sealed: string, context: string): string {
    const [version, data, extra] = sealed.split('.');
    if (version !== VERSION || data === undefined || extra !== undefined)
      throw new SecretBoxError('not a sealed secret');
    const raw = Buffer.from(data, 'base64url');
    if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretBoxError('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES));
    decipher.setAAD(aad(context));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError();
    }
  }
}

const aad = (context: string) => Buffer.from(`comptoir:${VERSION}:${context}`, 'utf8');

/** `SECRETS_KEY`: the base64 of 32 bytes. Throws an Error saying what is wrong. */
export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new Error('it is not base64');
  const key = Buffer.from(trimmed, 'base64'); // either alphabet, standard or URL-safe
  if (key.length !== KEY_BYTES) throw new Error(`it decodes to ${key.length} bytes, not ${KEY_BYTES}`);
  return key;
}

/**
 * The key in `file` (its base64 on one line), created on first use with 32 random bytes, mode 0600. Two
 * processes starting at once (the server and a `comptoir` command) end up with the same key: the file is
 * written aside, synced, then linked into place, which fails if the other was first. A key file that
 * others may read, or that holds no key, is refused (Error).
 */
export function keyFromFile(file: string): Buffer {
  const existing = readKeyFile(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(aside, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(aside, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(aside, { force: true });
  }
  syncDirectory(path.dirname(file));
  const key = readKeyFile(file);
  if (!key) throw new Error(`${file} vanished as it was created`);
  return key;
}

function readKeyFile(file: string): Buffer | null {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0) {
      throw new Error(
        `${file} may be read by others (mode ${(stat.mode & 0o777).toString(8)}): it holds the key of every app secret; chmod 600 it`,
      );
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    return parseKey(text);
  } catch (e) {
    throw new Error(`${file} does not hold a key (${(e as Error).message})`);
  }
}

function syncDirectory(dir: string) {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems cannot sync a directory; the key file itself is synced.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
