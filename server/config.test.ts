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
      ['SQLITE_WAL_BATCH', 'yes'],
      ['SQLITE_CACHE_MB', '0'],
    ] as const) {
      assert.throws(() => loadConfig({ [name]: value }), new RegExp(name), `${name}=${value}`);
    }
    assert.equal(loadConfig({ EVENT_RETENTION_DAYS: '0' }).eventRetentionMs, null, '0 keeps the log forever');
  });

  it('writes the SQLite WAL in one write per commit unless SQLITE_WAL_BATCH=off', () => {
    const walBatch = (env: Record<string, string>) => {
      const { database } = loadConfig(env);
      return database.kind === 'sqlite' ? database.walBatch : null;
    };
    assert.equal(walBatch({}), 'on');
    assert.equal(walBatch({ SQLITE_WAL_BATCH: 'off' }), 'off');
    assert.equal(walBatch({ DATABASE_URL: 'sqlite:/tmp/x.db', SQLITE_WAL_BATCH: 'off' }), 'off');
    assert.equal(walBatch({ DATABASE_URL: 'postgres://localhost/x', SQLITE_WAL_BATCH: 'off' }), null);
  });
});

describe('configuration of apps', () => {
  it('reads SECRETS_KEY as the base64 of 32 bytes, else a key file beside the SQLite database', async () => {
    const { randomBytes } = await import('node:crypto');
    const key = randomBytes(32);
    assert.deepEqual(loadConfig({ SECRETS_KEY: key.toString('base64') }).secrets.key, key);
    assert.throws(
      () => loadConfig({ SECRETS_KEY: randomBytes(16).toString('base64') }),
      /16 bytes, not 32[\s\S]*SECRETS_KEY/,
    );
    assert.throws(() => loadConfig({ SECRETS_KEY: 'not a key!' }), /SECRETS_KEY/);
    const c = loadConfig({ DATA_DIR: '/srv/comptoir' });
    assert.deepEqual(c.secrets, { key: null, keyFile: '/srv/comptoir/secrets.key' });
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite:/var/db/chat.db' }).secrets.keyFile, '/var/db/secrets.key');
    assert.equal(
      loadConfig({ DATA_DIR: '/srv/c', DATABASE_URL: 'postgres://db/comptoir' }).secrets.keyFile,
      '/srv/c/secrets.key',
      'with PostgreSQL, in DATA_DIR',
    );
    assert.equal(loadConfig({ SECRETS_KEY_FILE: '/etc/comptoir/key' }).secrets.keyFile, '/etc/comptoir/key');
  });

  it('refuses private webhook hosts unless WEBHOOK_ALLOW_PRIVATE says otherwise', () => {
    assert.equal(loadConfig({}).webhookAllowPrivate, 'none');
    assert.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate, 'all');
    const list = loadConfig({ WEBHOOK_ALLOW_PRIVATE: '10.0.0.0/8,::1' }).webhookAllowPrivate;
    assert.ok(Array.isArray(list) && list.length === 2);
    assert.throws(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'intranet' }), /WEBHOOK_ALLOW_PRIVATE/);
    assert.throws(() => loadConfig({ RATE_APPS_PER_HOUR: '0' }), /RATE_APPS_PER_HOUR/);
    assert.equal(loadConfig({}).rates.appsPerHour, 10);
    assert.equal(loadConfig({}).rates.webhookVerificationsPerHour, 30);
  });
});

describe('configuration of media', () => {
  it('keeps media in <DATA_DIR>/media by default, or in MEDIA_DIR', () => {
    const c = loadConfig({ DATA_DIR: '/srv/comptoir' });
    assert.deepEqual(c.media.store, { kind: 'local', dir: '/srv/comptoir/media' });
    assert.equal(c.media.urlTtlSeconds, 3600);
    assert.equal(c.media.uploadsPerMinute, 30);
    assert.ok(c.media.imageConcurrency >= 1);
    assert.deepEqual(loadConfig({ MEDIA_DIR: '/var/media' }).media.store, { kind: 'local', dir: '/var/media' });
  });

  it('reads an S3 store, and refuses one without a bucket or with half its credentials', () => {
    const c = loadConfig({
      MEDIA_STORE: 's3',
      MEDIA_S3_BUCKET: 'photos',
      MEDIA_S3_ENDPOINT: 'http://127.0.0.1:9000',
      MEDIA_S3_ACCESS_KEY_ID: 'id',
      MEDIA_S3_SECRET_ACCESS_KEY: 'secret',
      MEDIA_S3_FORCE_PATH_STYLE: 'true',
    });
    assert.deepEqual(c.media.store, {
      kind: 's3',
      bucket: 'photos',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    assert.throws(
      () => loadConfig({ MEDIA_STORE: 's3' }),
      (e: Error) => e instanceof ConfigError && /MEDIA_S3_BUCKET/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ MEDIA_STORE: 's3', MEDIA_S3_BUCKET: 'b', MEDIA_S3_ACCESS_KEY_ID: 'id' }),
      /MEDIA_S3_SECRET_ACCESS_KEY/,
    );
    for (const [name, value] of [
      ['MEDIA_STORE', 'ftp'],
      ['MEDIA_URL_TTL_SECONDS', '0'],
      ['MEDIA_S3_FORCE_PATH_STYLE', 'yes'],
      ['RATE_UPLOADS_PER_MINUTE', '-3'],
      ['MEDIA_IMAGE_CONCURRENCY', '0'],
    ] as const) {
      assert.throws(() => loadConfig({ [name]: value }), new RegExp(name), `${name}=${value}`);
    }
  });
});
