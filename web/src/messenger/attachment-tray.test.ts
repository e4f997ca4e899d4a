import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';

register(
  'data:text/javascript,export async function load(url, context, next) { if (url.endsWith(".css")) return { format: "module", source: "", shortCircuit: true }; return next(url, context); }',
);

const { renderToString } = await import('react-dom/server');
const { createElement } = await import('react');
const { AttachmentTray } = await import('./AttachmentTray.tsx');
const { newEntry, trayReducer } = await import('../state/tray.ts');
const { setLocale } = await import('../i18n/locale.ts');

const entries = trayReducer(
  trayReducer([], {
    type: 'add',
    entries: [
      newEntry('a', { name: 'photo.png', size: 2048, type: 'image/png' }, 'blob:x/1'),
      newEntry('b', { name: 'fake.png', size: 10, type: 'image/png' }, null),
      newEntry('c', { name: 'offline.txt', size: 10, type: 'text/plain' }, null),
      newEntry('d', { name: 'film.mp4', size: 200 * 1024 * 1024, type: 'video/mp4' }, null),
    ],
  }).map((e) => (e.key === 'a' ? { ...e, sent: 1024 } : e)),
  { type: 'failed', key: 'b', error: 'media_type_mismatch' },
);
const failedAgain = trayReducer(entries, { type: 'failed', key: 'c', error: 'network' });
const html = () =>
  renderToString(createElement(AttachmentTray, { conversationId: 'c1', entries: failedAgain, onEmptied: () => {} }));

test('the tray: previews, sizes, progress, errors in words with Retry only where it can help, × on each', () => {
  const out = html();
  assert.equal(out.match(/data-testid="tray-item"/g)?.length, 4);
  assert.match(out, /data-status="uploading" data-name="photo.png"/);
  assert.match(out, /<img src="blob:x\/1" alt=""/);
  assert.match(out, /2 kB/);
  assert.match(out, /<progress[^>]*max="1" value="0.5" aria-label="Uploading photo.png"/);
  assert.match(out, /data-name="fake.png".*?This file’s content does not match its name\./);
  assert.match(out, /data-name="offline.txt".*?Cannot reach the server\..*?data-testid="tray-retry"/);
  assert.match(out, /data-name="film.mp4".*?This file is too large\./);
  assert.equal(out.match(/data-testid="tray-retry"/g)?.length, 1, 'only the network failure offers Retry');
  assert.match(out, /aria-label="Remove film.mp4"/);
  assert.equal(
    renderToString(createElement(AttachmentTray, { conversationId: 'c1', entries: [], onEmptied: () => {} })),
    '',
  );
});

test('the tray in French', () => {
  setLocale('fr');
  try {
    const out = html();
    assert.match(out, /aria-label="Fichiers à envoyer"/);
    assert.match(out, /aria-label="Retirer photo.png"/);
    assert.match(out, /Réessayer/);
  } finally {
    setLocale('en');
  }
});
