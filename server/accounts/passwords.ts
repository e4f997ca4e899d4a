import { hash, verify } from '@node-rs/argon2';
import { limits } from '../../protocol/limits.ts';
import { AppError } from '../errors.ts';
import { Semaphore } from '../lib/semaphore.ts';

/** argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane). */
const params = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Hashes waiting for a slot; past that a sign-in or sign-up is refused at once (`rate_limited`). */
const MAX_QUEUED = 64;

/**
 * Password hashing and checking. argon2 runs on libuv's thread pool (four threads), which the SQLite
 * fdatasync also uses: at most `concurrency` hashes run at once (two by default), so that a sign-in
 * flood can neither starve the pool nor hold 19 MiB per attempt without bound.
 */
export class Passwords {
  private readonly slots: Semaphore;
  private dummy: Promise<string> | null = null;

  constructor(concurrency: number) {
    this.slots = new Semaphore(
      concurrency,
      MAX_QUEUED,
      () => new AppError('rate_limited', 'Too many sign-ins at once; try again in a moment', { retryAfter: 1 }),
    );
  }

  hash(password: string): Promise<string> {
    return this.slots.run(() => hash(password, params));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.slots.run(async () => {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    });
  }

  /** Spends the time of a real verification, so that unknown usernames cannot be told apart by timing. */
  async verifyNothing(password: string): Promise<void> {
    this.dummy ??= hash('comptoir-timing-equaliser', params);
    await this.verify(await this.dummy, password);
  }

  get load() {
    return this.slots.load;
  }
}

/** The strength a new password must reach: zxcvbn's score 3, "safely unguessable" (≈ 10⁸ guesses). */
const MIN_SCORE = 3;
/** zxcvbn's matching grows fast with length; past this many characters the rest is not examined. */
const SCORED_CHARS = 64;

type Zxcvbn = (password: string, userInputs: string[]) => Promise<{ score: number; warning: string | null }>;
let zxcvbn: Promise<Zxcvbn> | null = null;

/** zxcvbn-ts with its common-password list (loaded on first use: about 30 ms and 8 MB). */
function loadZxcvbn(): Promise<Zxcvbn> {
  zxcvbn ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
    ]);
    const factory = new ZxcvbnFactory({
      dictionary: common.dictionary,
      graphs: common.adjacencyGraphs,
      maxLength: SCORED_CHARS,
    });
    return async (password, userInputs) => {
      const r = await factory.check(password, userInputs);
      return { score: r.score, warning: r.feedback.warning };
    };
  })();
  return zxcvbn;
}

/**
 * Refuses a new password that is short, common or easy to guess (`weak_password`, naming the reason):
 * at least 12 characters, not in the list of common and breached passwords shipped with zxcvbn-ts, not
 * built from the username or display name, and scoring at least 3.
 */
export async function checkPasswordStrength(password: string, userInputs: readonly string[]): Promise<void> {
  if (password.length < limits.password.min) {
    throw new AppError('weak_password', `A password needs at least ${limits.password.min} characters`, {
      reason: 'tooShort',
      min: limits.password.min,
    });
  }
  const check = await loadZxcvbn();
  const inputs = [...userInputs.filter((s) => s.length > 0), 'comptoir'];
  const r = await check(password, inputs);
  if (r.score < MIN_SCORE) {
    throw new AppError('weak_password', 'This password is too easy to guess', {
      reason: r.warning ?? 'guessable',
    });
  }
}
