import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AttachmentView, mediaLimits } from '../../../protocol/media.ts';
import {
  canSend,
  guessKind,
  largestUpload,
  newEntry,
  progressOf,
  roomLeft,
  type TrayEntry,
  trayReducer,
  uploaded,
} from './tray.ts';

const file = (name: string, size = 1000, type = 'image/png') => ({ name, size, type });
const attachment = (id: string): AttachmentView => ({
  id,
  kind: 'image',
  mime: 'image/png',
  name: `${id}.png`,
  size: 1000,
  width: 10,
  height: 10,
  durationMs: null,
  voice: false,
  waveform: null,
  url: `/api/media/${id}`,
  thumbnailUrl: null,
});
const add = (tray: TrayEntry[], ...entries: TrayEntry[]) => trayReducer(tray, { type: 'add', entries });

test('a file added starts uploading; progress moves; done keeps the attachment; the order is kept', () => {
  let tray = add(
    [],
    newEntry('a', file('a.png'), 'blob:a'),
    newEntry('b', file('b.pdf', 4000, 'application/pdf'), null),
  );
  assert.deepEqual(
    tray.map((e) => [e.key, e.status, e.kind, e.previewUrl]),
    [
      ['a', 'uploading', 'image', 'blob:a'],
      ['b', 'uploading', 'file', null],
    ],
  );
  tray = trayReducer(tray, { type: 'progress', key: 'b', sent: 1000 });
  assert.equal(progressOf(tray[1] as TrayEntry), 0.25);
  tray = trayReducer(tray, { type: 'progress', key: 'b', sent: 99_999 });
  assert.equal(tray[1]?.sent, 4000, 'never more than the file');
  assert.equal(canSend(tray, 'caption'), false, 'not while uploading');
  tray = trayReducer(tray, { type: 'done', key: 'b', attachment: attachment('mb') });
  tray = trayReducer(tray, { type: 'done', key: 'a', attachment: attachment('ma') });
  assert.deepEqual(
    uploaded(tray).map((a) => a.id),
    ['ma', 'mb'],
  );
  assert.equal(canSend(tray, ''), true, 'files without a caption may be sent');
  assert.equal(progressOf(tray[0] as TrayEntry), 1);
});

test('late events for a finished or removed upload change nothing', () => {
  let tray = add([], newEntry('a', file('a.png'), null));
  tray = trayReducer(tray, { type: 'done', key: 'a', attachment: attachment('ma') });
  const done = tray;
  assert.equal(trayReducer(done, { type: 'progress', key: 'a', sent: 10 }), done);
  assert.equal(trayReducer(done, { type: 'failed', key: 'a', error: 'network' }), done);
  assert.equal(trayReducer(done, { type: 'retry', key: 'a' }), done);
  assert.equal(trayReducer(done, { type: 'progress', key: 'gone', sent: 10 }), done);
  assert.equal(trayReducer(done, { type: 'remove', key: 'gone' }), done);
  assert.equal(add(done, newEntry('a', file('again.png'), null)), done, 'a key is added once');
});

test('a failure keeps the error id; retry only when trying again could help', () => {
  let tray = add([], newEntry('a', file('a.png'), null), newEntry('b', file('b.png'), null));
  tray = trayReducer(tray, { type: 'failed', key: 'a', error: 'network' });
  tray = trayReducer(tray, { type: 'failed', key: 'b', error: 'media_type_mismatch' });
  assert.deepEqual(
    tray.map((e) => [e.status, e.error, e.retryable]),
    [
      ['failed', 'network', true],
      ['failed', 'media_type_mismatch', false],
    ],
  );
  assert.equal(canSend(tray, 'text'), false, 'a failed file blocks sending until removed or retried');
  tray = trayReducer(tray, { type: 'retry', key: 'a' });
  assert.deepEqual([tray[0]?.status, tray[0]?.error, tray[0]?.sent], ['uploading', null, 0]);
  const before = tray;
  assert.equal(trayReducer(tray, { type: 'retry', key: 'b' }), before, 'not retried: the bytes are wrong');
  tray = trayReducer(tray, { type: 'remove', key: 'b' });
  assert.deepEqual(
    tray.map((e) => e.key),
    ['a'],
  );
  assert.deepEqual(trayReducer(tray, { type: 'clear' }), []);
});

test('pre-checks: over the largest limit fails at once, without upload or retry; the rest is the server’s', () => {
  const big = newEntry('x', file('huge.bin', largestUpload + 1, 'application/octet-stream'), null);
  assert.deepEqual([big.status, big.error, big.retryable], ['failed', 'media_too_large', false]);
  const atLimit = newEntry('y', file('max.bin', largestUpload, ''), null);
  assert.equal(atLimit.status, 'uploading');
  assert.equal(newEntry('z', file('empty.txt', 0, 'text/plain'), null).status, 'uploading', 'the server decides');
});

test('at most mediaLimits.perMessage files: extra ones are left out', () => {
  const many = Array.from({ length: mediaLimits.perMessage + 3 }, (_, i) => newEntry(`k${i}`, file(`${i}.png`), null));
  let tray = add([], ...many.slice(0, 4));
  assert.equal(roomLeft(tray), mediaLimits.perMessage - 4);
  tray = add(tray, ...many.slice(4));
  assert.equal(tray.length, mediaLimits.perMessage);
  assert.equal(tray[tray.length - 1]?.key, `k${mediaLimits.perMessage - 1}`);
  assert.equal(roomLeft(tray), 0);
  assert.equal(add(tray, newEntry('more', file('m.png'), null)), tray);
});

test('Send: text alone, files alone or both; nothing is not a message', () => {
  assert.equal(canSend([], ''), false);
  assert.equal(canSend([], '  \n'), false);
  assert.equal(canSend([], 'hi'), true);
});

test('the kind a declared type suggests, for the preview only', () => {
  assert.equal(guessKind('image/gif'), 'image');
  assert.equal(guessKind('VIDEO/MP4'), 'video');
  assert.equal(guessKind('audio/webm;codecs=opus'), 'audio');
  assert.equal(guessKind('application/pdf'), 'file');
  assert.equal(guessKind(''), 'file');
});
