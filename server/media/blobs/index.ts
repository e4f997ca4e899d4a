import type { MediaStoreConfig } from '../../config.ts';
import type { BlobStore } from '../types.ts';
import { LocalBlobStore } from './local.ts';
import { S3BlobStore } from './s3.ts';

/** The blob store the configuration names (MEDIA_STORE): a local directory, or an S3-compatible bucket. */
export function openBlobStore(config: MediaStoreConfig): BlobStore {
  return config.kind === 'local' ? new LocalBlobStore(config.dir) : new S3BlobStore(config);
}
