import path from 'node:path';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { storageContract } from '../contract.ts';
import { SqliteStorage } from './index.ts';

storageContract('sqlite', async () => {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'test.db');
  const open = async () => new SqliteStorage({ path: file, synchronous: 'FULL' });
  return { storage: await open(), reopen: open, cleanup: async () => cleanup() };
});
