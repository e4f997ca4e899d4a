import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backends, storageOn } from '../../test/helpers/backends.ts';
import { newId } from '../lib/ids.ts';
import { AccountKinds } from './kinds.ts';
import type { UserRecord } from './store.ts';

for (const backend of backends) {
  describe(`which accounts are pages (${backend.name})`, () => {
    it('reads an account’s kind once and keeps it; an unknown account is no page, and is read again', async (t) => {
      const skip = await backend.skip();
      if (skip) return t.skip(skip);
      const { storage, close } = await storageOn(backend);
      try {
        const account = (kind: UserRecord['kind']): UserRecord => {
          const id = newId();
          return { id, username: `k${id.toLowerCase()}`, displayName: 'K', kind, passwordHash: 'x', createdAt: 1 };
        };
        const person = account('person');
        const page = account('page');
        await storage.transaction(async (tx) => {
          await tx.accounts.insertUser(person);
          await tx.accounts.insertUser(page);
        });
        let reads = 0;
        const kinds = new AccountKinds({
          userById: (id) => {
            reads++;
            return storage.reader.accounts.userById(id);
          },
        });
        assert.equal(kinds.known(page.id), undefined, 'not read yet');
        assert.equal(await kinds.isPage(page.id), true);
        assert.equal(await kinds.isPage(person.id), false);
        assert.equal(reads, 2);
        assert.equal(await kinds.isPage(page.id), true);
        assert.equal(kinds.known(person.id), false);
        assert.equal(reads, 2, 'kept: a kind never changes');
        assert.equal(await kinds.isPage('nobody'), false);
        assert.equal(await kinds.isPage('nobody'), false);
        assert.equal(reads, 4, 'an unknown account is not kept');
      } finally {
        await close();
      }
    });
  });
}
