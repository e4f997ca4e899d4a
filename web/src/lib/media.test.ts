import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttachmentView } from '../../../protocol/media.ts';
import { makeTranslate } from '../i18n/translate.ts';
import { attachmentsSummary, fitBox, mediaUrl, previewText } from './media.ts';

const base: AttachmentView = {
  id: 'm1',
  kind: 'image',
  mime: 'image/jpeg',
  name: 'photo.jpg',
  size: 1000,
  width: 800,
  height: 600,
  durationMs: null,
  voice: false,
  waveform: null,
  url: '/api/media/m1',
  thumbnailUrl: '/api/media/m1/thumbnail',
};
const a = (extra: Partial<AttachmentView>): AttachmentView => ({ ...base, ...extra });
const en = makeTranslate('en');
const fr = makeTranslate('fr');

test('what a caption-less message carries, in words, in both languages', () => {
  assert.equal(attachmentsSummary([a({})], en), 'Photo');
  assert.equal(attachmentsSummary([a({ mime: 'image/gif' })], en), 'GIF');
  assert.equal(attachmentsSummary([a({}), a({ id: 'm2' }), a({ id: 'm3' })], en), '3 photos');
  assert.equal(attachmentsSummary([a({}), a({ id: 'm2' })], fr), '2 photos');
  assert.equal(attachmentsSummary([a({ kind: 'video', mime: 'video/mp4' })], en), 'Video');
  assert.equal(attachmentsSummary([a({ kind: 'video' }), a({ kind: 'video', id: 'v2' })], fr), '2 vidéos');
  const voice = a({ kind: 'audio', mime: 'audio/webm', voice: true, durationMs: 12_400, waveform: [1, 2] });
  assert.equal(attachmentsSummary([voice], en), 'Voice message (0:12)');
  assert.equal(attachmentsSummary([voice], fr), 'Message vocal (0:12)');
  assert.equal(attachmentsSummary([a({ kind: 'audio', mime: 'audio/mpeg', name: 'song.mp3' })], en), 'Audio: song.mp3');
  assert.equal(
    attachmentsSummary([a({ kind: 'file', mime: 'application/pdf', name: 'name.pdf' })], en),
    'File: name.pdf',
  );
  assert.equal(
    attachmentsSummary([a({ kind: 'file', mime: 'application/pdf', name: 'devis.pdf' })], fr),
    'Fichier\u00a0: devis.pdf',
  );
  assert.equal(attachmentsSummary([a({}), a({ kind: 'file', id: 'f' })], en), '2 attachments');
  assert.equal(attachmentsSummary([a({}), a({ kind: 'file', id: 'f' })], fr), '2 pièces jointes');
  assert.equal(attachmentsSummary([], en), 'Sent an attachment');
});

test('a list shows the caption, else the summary, else nothing to say', () => {
  assert.equal(previewText({ text: 'Look!', attachments: [a({})] }, en), 'Look!');
  assert.equal(previewText({ text: '', attachments: [a({})] }, en), 'Photo');
  assert.equal(previewText({ text: '  ', attachments: [a({ kind: 'file', name: 'x.txt' })] }, en), 'File: x.txt');
  assert.equal(previewText({ text: 'plain' }, en), 'plain');
  assert.equal(previewText({ text: null }, en), null);
  assert.equal(previewText({ text: '', attachments: [] }, en), null);
});

test('media addresses: this origin’s paths and http(s) only', () => {
  assert.equal(mediaUrl('/api/media/m1'), '/api/media/m1');
  assert.equal(mediaUrl('https://cdn.example/m1?sig=x'), 'https://cdn.example/m1?sig=x');
  assert.equal(mediaUrl('//evil.example/x'), null);
  assert.equal(mediaUrl('/\\evil.example/x'), null);
  assert.equal(mediaUrl('javascript:alert(1)'), null);
  assert.equal(mediaUrl('data:image/png;base64,AA=='), null);
  assert.equal(mediaUrl(null), null);
});

test('the box reserved for an image keeps its shape within 320 px, never enlarged but to a 48 px minimum', () => {
  assert.deepEqual(fitBox(800, 600), { width: 320, height: 240 });
  assert.deepEqual(fitBox(600, 1200), { width: 160, height: 320 });
  assert.deepEqual(fitBox(100, 50), { width: 100, height: 50 });
  // A thin strip or an icon stays tappable: each side at least 48 px (the picture is cropped to the box).
  assert.deepEqual(fitBox(3000, 10), { width: 320, height: 48 });
  assert.deepEqual(fitBox(20, 20), { width: 48, height: 48 });
  assert.equal(fitBox(null, 600), null);
  assert.equal(fitBox(0, 0), null);
});
