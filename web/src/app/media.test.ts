import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { AttachmentView } from '../../../protocol/media.ts';
import { uploadMediaQuery } from '../../../protocol/media.ts';
import { FakeSocket, installBrowserGlobals } from '../api/fake-socket.test-helpers.ts';
import { FakeXhr } from '../api/fake-xhr.test-helpers.ts';
import { ana, conv, me, msg, stateWith } from '../state/fixtures.test-helpers.ts';

/**
 * Media in the app's wiring, with a fake WebSocket and XMLHttpRequest: the composer's tray uploads (each at
 * once, progress, errors, retry, the cap), a message with attachments sent with their ids (again after a
 * reconnection), a voice clip sent only once uploaded, and the local previews let go once acknowledged.
 */
const g = installBrowserGlobals();
FakeXhr.install();
const sessionStore = new Map<string, string>();
g.sessionStorage = {
  getItem: (k: string) => sessionStore.get(k) ?? null,
  setItem: (k: string, v: string) => sessionStore.set(k, v),
  removeItem: (k: string) => sessionStore.delete(k),
};
const revoked: string[] = [];
URL.revokeObjectURL = (url: string) => {
  revoked.push(url);
};
let objectUrls = 0;
URL.createObjectURL = () => `blob:test/${++objectUrls}`;

const { store } = await import('../state/store.ts');
const { socket } = await import('./connection.ts');
await import('./session.ts');
const { sendMessage, sendVoice, retrySend, discardSend, restoreOutbox } = await import('./outbox.ts');
const { addFiles, clearTrays, removeUpload, retryUpload, takeAttachments, trays } = await import('./attachments.ts');
const { UPLOADS_AT_ONCE } = await import('../api/media.ts');
const { localPreview } = await import('../lib/previews.ts');

const ws = () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket;
const sends = (s: FakeSocket) => s.sent.filter((f) => f.type === 'send');
function connect() {
  ws().open();
  ws().receive({ type: 'ready', cursor: store.getSnapshot().cursor ?? 0 });
}
const tray = () => trays.getSnapshot().c1 ?? [];
const view = (id: string, extra: Partial<AttachmentView> = {}): AttachmentView => ({
  id,
  kind: 'image',
  mime: 'image/png',
  name: `${id}.png`,
  size: 3,
  width: 4,
  height: 3,
  durationMs: null,
  voice: false,
  waveform: null,
  url: `/api/media/${id}`,
  thumbnailUrl: `/api/media/${id}/thumbnail`,
  ...extra,
});
const settle = () => new Promise((r) => setImmediate(r));

beforeEach(async () => {
  // What a test left uploading is stopped, so that its places on the wire are free again.
  clearTrays();
  for (const o of store.getSnapshot().outbox) discardSend(o.clientId);
  await settle();
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  FakeSocket.all = [];
  FakeXhr.all = [];
  store.update(() =>
    stateWith(
      [
        conv({
          members: [
            { user: me, role: 'admin', deliveredSeq: 0, readSeq: 0 },
            { user: ana, role: 'member', deliveredSeq: 0, readSeq: 0 },
          ],
        }),
      ],
      10,
    ),
  );
  socket.start();
});
afterEach(() => {
  socket.stop();
  mock.timers.reset();
});

test('files added upload at once, each with its name; progress, answer and error land in the tray', async () => {
  const photo = new File([new Uint8Array([1, 2, 3])], 'photo.png', { type: 'image/png' });
  const notes = new File(['hello'], 'notes.txt', { type: 'text/plain' });
  assert.equal(addFiles('c1', [photo, notes]), true);
  assert.equal(FakeXhr.all.length, 2);
  const [up1, up2] = FakeXhr.all as [FakeXhr, FakeXhr];
  assert.equal(up1.method, 'POST');
  assert.equal(new URL(up1.url, 'http://x').pathname, '/api/media');
  assert.equal(up1.query.get('name'), 'photo.png');
  assert.equal(up1.headers['content-type'], 'image/png');
  assert.equal(up1.body, photo);
  assert.equal(up2.headers['content-type'], 'text/plain');
  assert.ok(uploadMediaQuery.safeParse(Object.fromEntries(up1.query)).success);
  assert.deepEqual(
    tray().map((e) => [e.name, e.status, e.previewUrl !== null]),
    [
      ['photo.png', 'uploading', true],
      ['notes.txt', 'uploading', false],
    ],
  );

  up1.progress(2);
  assert.equal(tray()[0]?.sent, 2);
  up1.answer(201, { attachment: view('ma') });
  up2.answer(415, { error: { id: 'media_type_mismatch', message: 'no' } });
  await settle();
  assert.deepEqual(
    tray().map((e) => [e.status, e.error, e.attachment?.id ?? null]),
    [
      ['done', null, 'ma'],
      ['failed', 'media_type_mismatch', null],
    ],
  );
  retryUpload('c1', tray()[1]?.key ?? '');
  assert.equal(FakeXhr.all.length, 2, 'the same bytes would be refused again: no retry');

  removeUpload('c1', tray()[1]?.key ?? '');
  assert.deepEqual(
    tray().map((e) => e.name),
    ['photo.png'],
  );
});

test('a network failure can be retried; removing an upload under way aborts it', async () => {
  addFiles('c1', [new File(['a'], 'a.txt'), new File(['b'], 'b.txt')]);
  const [a, b] = FakeXhr.all as [FakeXhr, FakeXhr];
  a.fail();
  await settle();
  assert.deepEqual([tray()[0]?.status, tray()[0]?.error, tray()[0]?.retryable], ['failed', 'network', true]);
  retryUpload('c1', tray()[0]?.key ?? '');
  assert.equal(FakeXhr.all.length, 3);
  assert.equal(tray()[0]?.status, 'uploading');
  removeUpload('c1', tray()[1]?.key ?? '');
  assert.equal(b.aborted, true);
  await settle();
  assert.equal(tray().length, 1, 'the aborted upload leaves no error behind');
});

test('at most ten files, three on the wire at once (the rest wait their turn); one too large is never sent', async () => {
  const files = Array.from({ length: 12 }, (_, i) => new File(['x'], `${i}.txt`));
  assert.equal(addFiles('c1', files), false, 'some were left out');
  assert.equal(tray().length, 10);
  assert.ok(tray().every((e) => e.status === 'uploading'));
  const sent = () => FakeXhr.all.filter((x) => x.method === 'POST');
  assert.equal(sent().length, UPLOADS_AT_ONCE);
  sent()[0]?.answer(201, { attachment: view('q0') });
  await settle();
  assert.equal(sent().length, UPLOADS_AT_ONCE + 1, 'the next in line starts');
  assert.equal(sent().at(-1)?.query.get('name'), '3.txt', 'in the order added');
  sent()[1]?.fail();
  await settle();
  assert.equal(sent().length, UPLOADS_AT_ONCE + 2, 'a failure frees its place too');
  // One waiting in line and removed is never sent.
  removeUpload('c1', tray()[9]?.key ?? '');
  for (let i = 2; i < 12; i++) {
    sent()[i]?.answer(201, { attachment: view(`q${i}`) });
    await settle();
  }
  assert.deepEqual(
    sent().map((x) => x.query.get('name')),
    ['0.txt', '1.txt', '2.txt', '3.txt', '4.txt', '5.txt', '6.txt', '7.txt', '8.txt'],
  );
  clearTrays();
  FakeXhr.all = [];
  const huge = { name: 'huge.bin', size: 200 * 1024 * 1024, type: '' } as unknown as File;
  addFiles('c1', [huge]);
  assert.deepEqual([tray()[0]?.status, tray()[0]?.error], ['failed', 'media_too_large']);
  assert.equal(FakeXhr.all.length, 0);
});

test('a message with attachments carries their ids, its caption or none, again after reconnecting', async () => {
  connect();
  addFiles('c1', [new File([new Uint8Array([1])], 'p.png', { type: 'image/png' })]);
  FakeXhr.last().answer(201, { attachment: view('m-photo') });
  await settle();
  const preview = tray()[0]?.previewUrl;
  const attachments = takeAttachments('c1');
  assert.deepEqual(tray(), [], 'the tray is emptied');
  assert.equal(localPreview('m-photo'), preview, 'the pending bubble shows the local file');
  assert.ok(sendMessage('c1', '  ', null, attachments));
  const [item] = store.getSnapshot().outbox;
  assert.equal(item?.text, '', 'a blank caption is none');
  assert.deepEqual(sends(ws())[0], {
    type: 'send',
    ref: item?.clientId,
    conversationId: 'c1',
    clientId: item?.clientId,
    text: '',
    attachmentIds: ['m-photo'],
  });
  ws().drop(1006);
  mock.timers.tick(1000);
  connect();
  assert.deepEqual(sends(ws())[0]?.attachmentIds, ['m-photo'], 'the same ids with the same clientId');
  assert.equal(sends(ws())[0]?.clientId, item?.clientId);

  ws().receive({
    type: 'ack',
    ref: item?.clientId ?? '',
    pos: 11,
    message: msg(1, me.id, { clientId: item?.clientId ?? '', text: null, attachments: [view('m-photo')] }),
  });
  assert.equal(store.getSnapshot().outbox.length, 0);
  assert.equal(localPreview('m-photo'), undefined, 'let go once acknowledged');
  assert.ok(preview && revoked.includes(preview));
});

test('a voice clip’s message waits for its upload, then is sent with the clip; a failed upload is retried', async () => {
  connect();
  const clip = {
    blob: new Blob([new Uint8Array(100)], { type: 'audio/webm;codecs=opus' }),
    mime: 'audio/webm;codecs=opus',
    durationMs: 3210,
    waveform: [0, 128, 255],
  };
  sendVoice('c1', clip, null);
  const [item] = store.getSnapshot().outbox;
  assert.equal(item?.status, 'pending');
  assert.deepEqual(item?.upload, { sent: 0, total: 100, durationMs: 3210, waveform: [0, 128, 255] });
  const up = FakeXhr.last();
  assert.deepEqual(Object.fromEntries(up.query), {
    name: 'voice.webm',
    voice: '1',
    durationMs: '3210',
    waveform: '0,128,255',
  });
  assert.ok(uploadMediaQuery.safeParse(Object.fromEntries(up.query)).success);
  assert.equal(sends(ws()).length, 0, 'nothing sent while uploading');
  // A reconnection meanwhile does not send it either.
  ws().drop(1006);
  mock.timers.tick(1000);
  connect();
  assert.equal(sends(ws()).length, 0);

  up.progress(40);
  assert.equal(store.getSnapshot().outbox[0]?.upload?.sent, 40);
  up.answer(503, { error: { id: 'storage_unavailable', message: 'later' } });
  await settle();
  assert.deepEqual(
    [store.getSnapshot().outbox[0]?.status, store.getSnapshot().outbox[0]?.error],
    ['failed', 'storage_unavailable'],
  );

  retrySend(item?.clientId ?? '');
  assert.equal(FakeXhr.all.length, 2, 'uploaded again');
  const voice = view('m-voice', {
    kind: 'audio',
    mime: 'audio/webm',
    voice: true,
    durationMs: 3210,
    waveform: [0, 128, 255],
  });
  FakeXhr.last().answer(201, { attachment: voice });
  await settle();
  const sent = sends(ws());
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0]?.attachmentIds, ['m-voice']);
  assert.equal(sent[0]?.text, '');
  const now = store.getSnapshot().outbox[0];
  assert.equal(now?.upload, undefined);
  assert.deepEqual(now?.attachments, [voice]);
});

test('discarding a voice clip still uploading stops its upload; a reload forgets such a message', async () => {
  sendVoice('c1', { blob: new Blob(['x']), mime: 'audio/ogg', durationMs: 5, waveform: [] }, null);
  const clientId = store.getSnapshot().outbox[0]?.clientId ?? '';
  assert.equal(FakeXhr.last().query.get('name'), 'voice.ogg');
  assert.equal(FakeXhr.last().query.get('waveform'), null, 'no bars, no waveform parameter');
  discardSend(clientId);
  assert.equal(FakeXhr.last().aborted, true);
  assert.equal(store.getSnapshot().outbox.length, 0);

  sessionStore.set(
    `comptoir.outbox.${me.id}`,
    JSON.stringify([
      {
        clientId: 'c-voice',
        conversationId: 'c1',
        text: '',
        upload: { sent: 0, total: 1, durationMs: 1, waveform: [] },
      },
      { clientId: 'c-files', conversationId: 'c1', text: 'caption', attachments: [view('m9')] },
      { clientId: 'c-bad', conversationId: 'c1', text: '', attachments: [{ nope: true }] },
    ]),
  );
  restoreOutbox(me.id);
  assert.deepEqual(
    store.getSnapshot().outbox.map((o) => o.clientId),
    ['c-files'],
  );
});
