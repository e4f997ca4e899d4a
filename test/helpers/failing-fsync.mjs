// Preloaded into a Comptoir process by the durability tests (`node --import`): once the file named by
// COMPTOIR_TEST_FAIL_FSYNC_FLAG exists, every fdatasync fails with EIO, as a failing disk would answer.
import fs from 'node:fs';

const flag = process.env.COMPTOIR_TEST_FAIL_FSYNC_FLAG;
const original = fs.fdatasync;
fs.fdatasync = function fdatasync(fd, callback) {
  if (flag && fs.existsSync(flag)) {
    const error = Object.assign(new Error('EIO: i/o error, fdatasync'), {
      code: 'EIO',
      errno: -5,
      syscall: 'fdatasync',
    });
    process.nextTick(callback, error);
    return;
  }
  return original.call(fs, fd, callback);
};
