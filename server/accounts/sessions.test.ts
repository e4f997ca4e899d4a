import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, storageOn } from '../../test/helpers/backends.ts';
import { MemoryBus } from '../bus/memory.ts';
import { createLogger } from '../lib/logger.ts';
import { Committer } from '../storage/commit.ts';
import type { Reader, Storage } from '../storage/types.ts';
import { SessionsService } from './sessions.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

for (const backend of backends) {
  describe(`sessions (${backend.name})`, () => {
    let skip: string | false = false;
    let storage: Storage;
    let close: () => Promise<void>;
    let committer: Committer;
    let now = Date.now();
    let n = 0;
    const person = async () => {
      const id = `person${++n}`;
      await committer.run(({ tx }) =>
        tx.accounts.insertUser({
          id,
          username: id,
          displayName: id,
          kind: 'person',
          passwordHash: 'h',
          createdAt: now,
        }),
      );
      return id;
    };
    const service = (s: Storage = storage) =>
      new SessionsService(s, committer, { idleMs: 30 * DAY, maxMs: 90 * DAY }, () => now);
    const signIn = async (sessions: SessionsService, userId: string) => {
      const { token, session } = sessions.create(userId, { userAgent: 'test', ip: '127.0.0.1' }, now);
      await committer.run(({ tx }) => tx.accounts.insertSession(session));
      return { token, session };
    };

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      ({ storage, close } = await storageOn(backend));
      const log = createLogger('silent');
      committer = new Committer(storage, new MemoryBus(log), log);
    });
    after(async () => {
      if (!skip) await close();
    });

    it('slides with use, but ends at its absolute lifetime however much it is used', async (t) => {
      if (skip) return t.skip(skip);
      now = Date.now();
      const sessions = service();
      const { token, session } = await signIn(sessions, await person());
      assert.equal(session.expiresAt, now + 30 * DAY);
      // Used every 10 days: each use moves the idle expiry, never past 90 days after sign-in.
      for (let day = 10; day < 90; day += 10) {
        now += 10 * DAY;
        const auth = await sessions.authenticate(token);
        assert.equal(auth.session.expiresAt, Math.min(now + 30 * DAY, session.createdAt + 90 * DAY));
        await committer.drain();
      }
      now = session.createdAt + 90 * DAY + 1;
      await assert.rejects(sessions.authenticate(token), { id: 'session_expired' });
      // A server started later, with nothing cached, agrees.
      await assert.rejects(service().authenticate(token), { id: 'session_expired' });
      assert.equal(await service().endsAt(session.id), null);
    });

    it('ends after the idle timeout without use', async (t) => {
      if (skip) return t.skip(skip);
      now = Date.now();
      const sessions = service();
      const { token, session } = await signIn(sessions, await person());
      assert.equal(await sessions.endsAt(session.id), now + 30 * DAY);
      now += 30 * DAY + 1;
      await assert.rejects(sessions.authenticate(token), { id: 'session_expired' });
    });

    it('never caches a read that began before a revocation', async (t) => {
      if (skip) return t.skip(skip);
      now = Date.now();
      // A reader whose session read is held until we let it go, as a slow pooled connection would be.
      let hold: Promise<void> | null = null;
      const slowAccounts = new Proxy(storage.reader.accounts, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (prop !== 'sessionByTokenHash' || typeof value !== 'function') return value;
          return async (hash: string) => {
            const row = await (value as Reader['accounts']['sessionByTokenHash']).call(target, hash);
            if (hold) await hold;
            return row;
          };
        },
      });
      const slowReader: Reader = { ...storage.reader, accounts: slowAccounts };
      const slow = Object.create(storage, { reader: { value: slowReader } }) as Storage;
      const sessions = service(slow);
      const userId = await person();
      const { token, session } = await signIn(sessions, userId);
      let release = () => {};
      hold = new Promise((r) => {
        release = r;
      });
      const racing = sessions.authenticate(token); // reads the row before the revocation…
      await new Promise((r) => setTimeout(r, 20));
      await sessions.revoke(userId, session.id); // …which commits meanwhile
      hold = null;
      release();
      await assert.rejects(racing, { id: 'session_expired' }, 'the stale read was not trusted');
      await assert.rejects(sessions.authenticate(token), { id: 'session_expired' }, 'nor cached');
    });
  });
}
