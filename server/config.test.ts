import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('takes the session lifetimes as given, and refuses an absolute one shorter than the idle one', () => {
    const c = loadConfig({ SESSION_TTL_DAYS: '7', SESSION_MAX_DAYS: '14' });
    assert.equal(c.sessionTtlMs, 7 * 24 * 3600_000);
    assert.equal(c.sessionMaxMs, 14 * 24 * 3600_000);
    assert.throws(
      () => loadConfig({ SESSION_MAX_DAYS: '7' }),
      (e: Error) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /SESSION_MAX_DAYS \(7\).*SESSION_TTL_DAYS \(30\)/);
        return true;
      },
    );
    assert.equal(loadConfig({ SESSION_TTL_DAYS: '7', SESSION_MAX_DAYS: '7' }).sessionMaxMs, 7 * 24 * 3600_000);
  });

  it('refuses values that are not what a variable takes, naming it', () => {
    for (const [name, value] of [
      ['SIGNUP', 'maybe'],
      ['EVENT_RETENTION_DAYS', '-1'],
      ['PASSWORD_HASH_CONCURRENCY', '0'],
      ['MAX_QUEUED_MB', 'lots'],
    ] as const) {
      assert.throws(() => loadConfig({ [name]: value }), new RegExp(name), `${name}=${value}`);
    }
    assert.equal(loadConfig({ EVENT_RETENTION_DAYS: '0' }).eventRetentionMs, null, '0 keeps the log forever');
  });
});
