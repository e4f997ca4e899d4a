import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * A time-ordered id: 48 bits of milliseconds then 80 random bits, 26 base32 characters (a ULID, lower
 * case). Sorts by creation time; unguessable.
 */
export function newId(now = Date.now()): string {
  const out = new Array<string>(26);
  let t = now;
  for (let i = 9; i >= 0; i--) {
    out[i] = ALPHABET[t % 32] as string;
    t = Math.floor(t / 32);
  }
  const bytes = random16();
  for (let i = 0; i < 16; i++) out[10 + i] = ALPHABET[(bytes[poolAt + i] as number) % 32] as string;
  poolAt += 16;
  return out.join('');
}

// Random bytes are drawn 4 KiB at a time: one call to the CSPRNG per 256 ids instead of one per id.
let pool = Buffer.alloc(0);
let poolAt = 0;
function random16(): Buffer {
  if (poolAt + 16 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return pool;
}

/** A secret token for a cookie: 256 bits, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
