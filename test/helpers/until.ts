import assert from 'node:assert/strict';

/**
 * Polls until `done` answers true (every `everyMs`), for what happens after an answer: a delivery the
 * dispatcher records, an event a socket receives. Fails after `ms` naming what it waited for and how long;
 * `what` may be a function, called only then, to tell the state at that moment.
 */
export async function until(
  what: string | (() => string),
  done: () => boolean | Promise<boolean>,
  ms = 10_000,
  everyMs = 20,
): Promise<void> {
  const started = Date.now();
  while (!(await done())) {
    const elapsed = Date.now() - started;
    if (elapsed > ms)
      assert.fail(`waited ${elapsed} ms (at most ${ms}) until ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
