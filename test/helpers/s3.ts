import S3rver from 's3rver';
import type { MediaStoreConfig } from '../../server/config.ts';
import { tempDir } from './tmp.ts';

/**
 * A real S3-speaking server (s3rver) on 127.0.0.1:<random port>, its objects in a temporary directory, with
 * one bucket; `config` is what the S3 blob store needs to use it, `close()` stops it and removes everything.
 */
export async function startS3(bucket = 'media'): Promise<{
  config: Extract<MediaStoreConfig, { kind: 's3' }>;
  env: Record<string, string>;
  close: () => Promise<void>;
}> {
  const tmp = tempDir('comptoir-s3rver-');
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: tmp.dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    config: {
      kind: 's3',
      bucket,
      region: 'us-east-1',
      endpoint,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    env: {
      MEDIA_STORE: 's3',
      MEDIA_S3_BUCKET: bucket,
      MEDIA_S3_ENDPOINT: endpoint,
      MEDIA_S3_ACCESS_KEY_ID: 'S3RVER',
      MEDIA_S3_SECRET_ACCESS_KEY: 'S3RVER',
      MEDIA_S3_FORCE_PATH_STYLE: 'true',
    },
    close: async () => {
      await server.close();
      tmp.cleanup();
    },
  };
}
