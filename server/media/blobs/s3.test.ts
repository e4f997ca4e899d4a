import { startS3 } from '../../../test/helpers/s3.ts';
import { blobStoreContract } from './blobs.contract.ts';
import { S3BlobStore } from './s3.ts';

/** The S3 store against a real S3-speaking server (s3rver), on port 0 in a temporary directory. */
blobStoreContract('s3 (s3rver)', async () => {
  const s3 = await startS3();
  return { store: new S3BlobStore(s3.config), cleanup: s3.close };
});
