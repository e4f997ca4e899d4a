import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttachmentView } from '../../../protocol/media.ts';
import { createRequestBody, requestLimits } from '../../../protocol/order-requests.ts';
import { orderFixture } from './order.test-helpers.ts';
import { type Photo, type PhotoAction, photoIdsOf, photosReducer, roomFor } from './order-photos.ts';
import { returnRequest } from './order-requests.ts';

const attachment = (id: string): AttachmentView => ({
  id,
  kind: 'image',
  mime: 'image/jpeg',
  name: `${id}.jpg`,
  size: 1000,
  width: 640,
  height: 480,
  durationMs: null,
  voice: false,
  waveform: null,
  url: `/api/media/${id}`,
  thumbnailUrl: `/api/media/${id}/thumbnail`,
});
const run = (actions: PhotoAction[], from: Photo[] = []) => actions.reduce(photosReducer, from);
const add = (key: string): PhotoAction => ({ type: 'add', key, name: `${key}.jpg`, preview: `blob:${key}` });

test('a photo uploads with its progress, then is the server’s attachment; one refused says why', () => {
  const photos = run([
    add('a'),
    add('b'),
    { type: 'progress', key: 'a', progress: 0.5 },
    { type: 'progress', key: 'b', progress: 7 },
    { type: 'done', key: 'a', attachment: attachment('m1') },
    { type: 'progress', key: 'a', progress: 0.2 },
    { type: 'failed', key: 'b', error: 'media_corrupt' },
  ]);
  assert.deepEqual(
    photos.map((p) => [p.key, p.state]),
    [
      ['a', { status: 'done', attachment: attachment('m1') }],
      ['b', { status: 'failed', error: 'media_corrupt' }],
    ],
    'progress kept within 0…1, and none after the upload ended',
  );
  assert.deepEqual(photoIdsOf(photos), { problem: 'photo_failed' });
  const removed = run([{ type: 'remove', key: 'b' }], photos);
  assert.deepEqual(photoIdsOf(removed), { photoIds: ['m1'] });
  assert.deepEqual(photoIdsOf(run([add('c')], removed)), { problem: 'photos_uploading' });
  assert.deepEqual(photoIdsOf([]), { photoIds: [] });
});

test('at most the limit: more are not added, and the same key once', () => {
  const full = run(Array.from({ length: requestLimits.photos + 2 }, (_, i) => add(`p${i}`)));
  assert.equal(full.length, requestLimits.photos);
  assert.equal(roomFor(full), 0);
  assert.equal(run([add('x'), add('x')]).length, 1);
  assert.equal(roomFor(run([add('x')])), requestLimits.photos - 1);
});

test('a return sends its uploaded photos’ ids, in the order chosen; it waits for those uploading', () => {
  const order = orderFixture();
  const photos = run([
    add('a'),
    add('b'),
    { type: 'done', key: 'b', attachment: attachment('m2') },
    { type: 'done', key: 'a', attachment: attachment('m1') },
  ]);
  const drafted = returnRequest(order, { reason: 'damaged', quantities: ['2', '1'], note: '', photos });
  assert.deepEqual(drafted.body, { kind: 'return', reason: 'damaged', photoIds: ['m1', 'm2'] });
  assert.ok(createRequestBody.safeParse(drafted.body).success);
  assert.equal(
    returnRequest(order, { reason: 'damaged', quantities: ['2', '1'], note: '', photos: run([add('c')], photos) })
      .problem,
    'photos_uploading',
  );
  assert.deepEqual(returnRequest(order, { reason: 'damaged', quantities: ['2', '1'], note: '' }).body, {
    kind: 'return',
    reason: 'damaged',
  });
});

test('the protocol refuses more photos than the limit, and the same one twice', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);
  const body = (photoIds: string[]) => ({ kind: 'return', reason: 'damaged', photoIds });
  assert.ok(createRequestBody.safeParse(body(ids(requestLimits.photos))).success);
  const tooMany = createRequestBody.safeParse(body(ids(requestLimits.photos + 1)));
  assert.equal(tooMany.success, false);
  assert.deepEqual(tooMany.error?.issues[0]?.path, ['photoIds']);
  assert.equal(createRequestBody.safeParse(body(['m1', 'm1'])).success, false);
  assert.equal(createRequestBody.safeParse({ kind: 'cancel', photoIds: ['m1'] }).success, false, 'a return’s only');
});
