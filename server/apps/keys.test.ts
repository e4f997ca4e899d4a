import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { AppSecretResponse } from '../../protocol/api.ts';
import { HttpClient, signUp } from '../../test/helpers/client.ts';
import { startServer } from '../../test/helpers/server.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { ConfigError } from '../config.ts';

/** The server's key across restarts: app secrets stay readable with the same key, and only with it. */
describe('the key app secrets are sealed with', () => {
  it('is made on first start in the data folder (0600) and used again after a restart', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'secrets.key');
      let s = await startServer({}, { dataDir: tmp.dir });
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const ana = await signUp(s.url);
      const made = (await ana.http.post<AppSecretResponse>('/api/apps', { name: 'Kept' })).body;
      await s.comptoir.close();
      s = await startServer({}, { dataDir: tmp.dir });
      try {
        assert.equal(await s.comptoir.apps.secretOf(made.app.id), made.secret);
      } finally {
        await s.comptoir.close();
      }
    } finally {
      tmp.cleanup();
    }
  });

  it('is SECRETS_KEY when set (no file then); another key cannot open the secrets', async () => {
    const tmp = tempDir();
    try {
      const key = randomBytes(32).toString('base64');
      let s = await startServer({ SECRETS_KEY: key }, { dataDir: tmp.dir });
      assert.ok(!fs.existsSync(path.join(tmp.dir, 'secrets.key')));
      const ana = await signUp(s.url);
      const made = (await ana.http.post<AppSecretResponse>('/api/apps', { name: 'Keyed' })).body;
      assert.equal(await s.comptoir.apps.secretOf(made.app.id), made.secret);
      await s.comptoir.close();
      s = await startServer({ SECRETS_KEY: randomBytes(32).toString('base64') }, { dataDir: tmp.dir });
      try {
        await assert.rejects(s.comptoir.apps.secretOf(made.app.id), (e: { id?: string }) => e.id === 'internal');
        const again = new HttpClient(s.url);
        again.cookie = ana.http.cookie;
        assert.equal((await again.get(`/api/apps/${made.app.id}`)).status, 200, 'the app itself is still shown');
      } finally {
        await s.comptoir.close();
      }
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses to start with a key file others may read', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'secrets.key');
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`);
      fs.chmodSync(file, 0o644);
      await assert.rejects(
        startServer({}, { dataDir: tmp.dir }),
        (e) => e instanceof ConfigError && /SECRETS_KEY_FILE.*chmod 600/.test(e.message),
      );
    } finally {
      tmp.cleanup();
    }
  });
});
