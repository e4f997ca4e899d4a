import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { it } from 'node:test';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { blobStoreContract } from './blobs.contract.ts';
import { LocalBlobStore } from './local.ts';

blobStoreContract('local', async () => {
  const tmp = tempDir('comptoir-blobs-');
  return { store: new LocalBlobStore(tmp.dir), cleanup: async () => tmp.cleanup() };
});

it('local store: fans keys out in two levels of directories, leaves no part behind, removes stale parts', async () => {
  const tmp = tempDir('comptoir-blobs-');
  try {
    const stale = path.join(tmp.dir, '.parts', 'old-part');
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, 'half');
    const old = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(stale, old, old);
    const fresh = path.join(tmp.dir, '.parts', 'fresh-part');
    fs.writeFileSync(fresh, 'maybe another process’s');
    const store = new LocalBlobStore(tmp.dir);
    assert.equal(fs.existsSync(stale), false, 'a part older than an hour is removed at open');
    assert.equal(fs.existsSync(fresh), true);
    await store.put('abcdefgh1234', Readable.from([Buffer.from('hello')]), { contentType: 'text/plain', size: 5 });
    const file = store.pathOf('abcdefgh1234');
    assert.match(path.relative(tmp.dir, file), /^[0-9a-f]{2}\/[0-9a-f]{2}\/abcdefgh1234$/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'hello');
    assert.deepEqual(fs.readdirSync(path.join(tmp.dir, '.parts')), ['fresh-part']);
    await assert.rejects(
      store.put('abcdefgh5678', Readable.from([Buffer.from('hel')]), { contentType: 'text/plain', size: 5 }),
    );
    assert.deepEqual(fs.readdirSync(path.join(tmp.dir, '.parts')), ['fresh-part'], 'a failed put’s part is removed');
    await store.close();
  } finally {
    tmp.cleanup();
  }
});

it('local store: adopts a finished file by renaming it into place (the file gone, the object whole), refuses a wrong size', async () => {
  const tmp = tempDir('comptoir-blobs-');
  try {
    const store = new LocalBlobStore(path.join(tmp.dir, 'media'));
    const file = path.join(tmp.dir, 'upload.tmp');
    fs.writeFileSync(file, 'the bytes');
    const inode = fs.statSync(file).ino;
    await store.adopt('adopted12345', file, { contentType: 'text/plain', size: 9 });
    assert.equal(fs.existsSync(file), false, 'the file is the object now');
    assert.equal(fs.statSync(store.pathOf('adopted12345')).ino, inode, 'renamed, not copied');
    const got = await store.get('adopted12345', { start: 4, end: 8 });
    assert.equal(Buffer.concat(await (got?.body ?? Readable.from([])).toArray()).toString(), 'bytes');
    fs.writeFileSync(file, 'short');
    await assert.rejects(store.adopt('adopted67890', file, { contentType: 'text/plain', size: 9 }));
    assert.equal(await store.stat('adopted67890'), null, 'nothing stored under the key');
    await store.close();
  } finally {
    tmp.cleanup();
  }
});
