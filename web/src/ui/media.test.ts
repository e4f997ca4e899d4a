import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';
import type { AttachmentView } from '../../../protocol/media.ts';

register(
  'data:text/javascript,export async function load(url, context, next) { if (url.endsWith(".css")) return { format: "module", source: "", shortCircuit: true }; return next(url, context); }',
);

const { renderToString } = await import('react-dom/server');
const { createElement } = await import('react');
const { MessageMedia, VoiceUploading } = await import('./MessageMedia.tsx');
const { keepPreview } = await import('../lib/previews.ts');
const { setLocale } = await import('../i18n/locale.ts');

const base: AttachmentView = {
  id: 'm1',
  kind: 'image',
  mime: 'image/jpeg',
  name: 'beach <1>.jpg',
  size: 1536,
  width: 800,
  height: 600,
  durationMs: null,
  voice: false,
  waveform: null,
  url: '/api/media/m1',
  thumbnailUrl: '/api/media/m1/thumbnail',
};
const a = (extra: Partial<AttachmentView>): AttachmentView => ({ ...base, ...extra });
const render = (attachments: AttachmentView[]) =>
  renderToString(createElement(MessageMedia, { attachments, tabbable: true }));

test('one image: its box sized from its pixels before it loads, the thumbnail first, alt text its name', () => {
  const out = render([a({})]);
  assert.match(out, /data-testid="media-image"[^>]*data-width="800" data-height="600"/);
  assert.match(out, /style="width:320px;aspect-ratio:320 \/ 240"/);
  assert.match(out, /<img src="\/api\/media\/m1\/thumbnail" alt="beach &lt;1&gt;.jpg"/);
  assert.match(out, /aria-label="Open beach &lt;1&gt;.jpg"/);
  // A GIF plays in place: the file itself, not its still thumbnail.
  assert.match(render([a({ mime: 'image/gif', id: 'g', url: '/api/media/g' })]), /<img src="\/api\/media\/g" /);
  // Unknown pixels: a default box all the same.
  assert.match(render([a({ width: null, height: null })]), /style="width:240px;aspect-ratio:4 \/ 3"/);
});

test('several images in a grid (an odd count widens the first); other files after them, in order', () => {
  const out = render([
    a({ id: 'i1' }),
    a({ id: 'f1', kind: 'file', mime: 'application/pdf', name: 'quote.pdf', url: '/api/media/f1', thumbnailUrl: null }),
    a({ id: 'i2' }),
    a({ id: 'i3' }),
  ]);
  assert.match(out, /class="media-images media-grid media-grid-odd"/);
  assert.equal(out.match(/data-testid="media-image"/g)?.length, 3);
  assert.ok(out.indexOf('media-grid') < out.indexOf('quote.pdf'));
  assert.doesNotMatch(out, /style="width:320px/, 'grid tiles are sized by the grid');
});

test('video with the browser’s controls, metadata only, sized from its dimensions', () => {
  const out = render([
    a({ kind: 'video', mime: 'video/mp4', width: 1280, height: 720, url: '/api/media/v', thumbnailUrl: null }),
  ]);
  assert.match(out, /<video[^>]*controls=""[^>]*preload="metadata"[^>]*src="\/api\/media\/v"/);
  assert.match(out, /aspect-ratio:320 \/ 180/);
});

test('a voice clip: play button, a seek slider drawn as its waveform, elapsed and total time', () => {
  const out = render([
    a({
      kind: 'audio',
      mime: 'audio/webm',
      voice: true,
      durationMs: 12_400,
      waveform: [0, 255, 128],
      url: '/api/media/a',
    }),
  ]);
  assert.match(out, /<audio src="\/api\/media\/a" preload="metadata"/);
  assert.match(out, /data-testid="audio-play"[^>]*aria-label="Play"/);
  assert.match(
    out,
    /role="slider"[^>]*aria-label="Voice message" aria-valuemin="0" aria-valuemax="12" aria-valuenow="0" aria-valuetext="0:00 of 0:12"/,
  );
  assert.equal(out.match(/class="audio-bar"/g)?.length, 3);
  assert.match(out, /style="height:100%"/);
  assert.match(out, /data-testid="audio-time">0:00<!-- --> \/ <!-- -->0:12</);
  // Other audio: its name, and a plain progress bar.
  const song = render([a({ kind: 'audio', mime: 'audio/mpeg', name: 'song.mp3', durationMs: null })]);
  assert.match(song, /class="audio-name">song.mp3</);
  assert.match(song, /class="audio-track"/);
});

test('a file: a card with its name, its size in the language’s units, and a download link', () => {
  const file = a({ kind: 'file', mime: 'application/pdf', name: 'devis.pdf', url: '/api/media/f', thumbnailUrl: null });
  const out = render([file]);
  assert.match(out, /data-testid="media-file-name">devis.pdf</);
  assert.match(out, /data-testid="media-file-size">1.5 kB</);
  assert.match(out, /href="\/api\/media\/f" download="devis.pdf" aria-label="Download devis.pdf \(1.5 kB\)"/);
  setLocale('fr');
  try {
    const fr = render([file]);
    assert.match(fr, /data-testid="media-file-size">1,5\s?ko</);
    assert.match(fr, /aria-label="Télécharger devis.pdf/);
  } finally {
    setLocale('en');
  }
  // An address that is not this origin's or http(s) is not linked.
  assert.doesNotMatch(render([{ ...file, url: 'javascript:alert(1)' }]), /href=/);
});

test('my image while its message sends shows the file from this device; a clip uploading shows its progress', () => {
  keepPreview('m-local', 'blob:http://app/123');
  assert.match(render([a({ id: 'm-local' })]), /<img src="blob:http:\/\/app\/123"/);
  const out = renderToString(
    createElement(VoiceUploading, { upload: { sent: 40, total: 100, durationMs: 3000, waveform: [10, 20] } }),
  );
  assert.match(out, /Uploading… 40%/);
  assert.match(out, /data-testid="audio-play"[^>]*disabled=""/);
  assert.doesNotMatch(out, /<audio/);
  assert.match(out, /0:00<!-- --> \/ <!-- -->0:03/);
});
