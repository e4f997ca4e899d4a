/**
 * Blob keys are made by the media service (random, never reused) and never come from a request; both
 * stores refuse anything else, so that a key can never name a path outside the store (`../`) nor an
 * S3 key another application uses.
 */
const KEY = /^[A-Za-z0-9_-]{8,128}$/;

export function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`not a media blob key: ${JSON.stringify(key.slice(0, 140))}`);
  return key;
}
