/**
 * Media in real browsers (issue 8): photos and a GIF with a caption, their boxes reserved before they load
 * and the viewer driven by the keyboard; a voice clip recorded with Chromium's fake microphone and played on
 * the other side; a file card and its download; drag-and-drop and paste; a mismatched and an oversize file
 * refused in the tray and never sent. Test images are made with sharp.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { AttachmentView } from '../../protocol/media.ts';
import { formatDuration } from '../../web/src/i18n/format.ts';
import {
  acked,
  conversationItem,
  e2eSuite,
  eventually,
  messages,
  openConversation,
  type Person,
  type Scene,
  startDirect,
  stays,
  waitStatus,
} from './browser.ts';

const { test } = e2eSuite({ fakeMedia: true });

interface Upload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

const solid = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } });

/** A small PDF (one empty page): file-type reads it as application/pdf, so it is a `file`. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** Two people in their one-to-one conversation, open on both sides. */
async function pair(s: Scene, aliceOptions = {}): Promise<{ alice: Person; bob: Person; convId: string }> {
  const alice = await s.person('Alice', aliceOptions);
  const bob = await s.person('Bob');
  const convId = await startDirect(alice, bob);
  return { alice, bob, convId };
}

/** Waits until every file in the tray is uploaded (and there are `count`). */
async function trayUploaded(page: Page, count: number): Promise<void> {
  await eventually(
    async () =>
      assert.deepEqual(
        await page.getByTestId('tray-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
        new Array(count).fill('done'),
      ),
    { timeout: 15_000, message: 'tray uploads' },
  );
}

/** The conversation's stored messages with attachments, as `p` reads them. */
async function storedMedia(
  p: Person,
  convId: string,
): Promise<{ text: string | null; attachments: AttachmentView[] }[]> {
  const http = await p.http();
  const r = await http.get<MessagesResponse>(`/api/conversations/${convId}/messages?limit=100`);
  assert.equal(r.status, 200);
  return r.body.messages.map((m) => ({ text: m.text, attachments: m.attachments ?? [] }));
}

/** The thread's last bubble holding media. */
const lastMedia = (page: Page) =>
  messages(page)
    .filter({ has: page.getByTestId('message-media') })
    .last();

test('photos with a caption and a GIF: boxes reserved before they load, the viewer by the keyboard', async (s) => {
  const { alice, bob, convId } = await pair(s);
  const photo: Upload = {
    name: 'photo.png',
    mimeType: 'image/png',
    buffer: await solid(640, 480, '#33aa77').png().toBuffer(),
  };
  const tall: Upload = {
    name: 'tall.jpg',
    mimeType: 'image/jpeg',
    buffer: await solid(300, 600, '#aa3377').jpeg().toBuffer(),
  };
  const gif: Upload = {
    name: 'wave.gif',
    mimeType: 'image/gif',
    buffer: await solid(120, 90, '#3377aa').gif().toBuffer(),
  };

  // Two photos and a caption: the tray shows them uploading, Send waits, Enter sends.
  await alice.page.getByTestId('attach-input').setInputFiles([photo, tall]);
  await eventually(async () => assert.equal(await alice.page.getByTestId('tray-item').count(), 2));
  await trayUploaded(alice.page, 2);
  await alice.page.getByTestId('composer').fill('At the beach');
  await alice.page.getByTestId('composer').press('Enter');
  await eventually(async () => assert.equal(await alice.page.getByTestId('tray-item').count(), 0));
  // The GIF alone, no caption.
  await alice.page.getByTestId('attach-input').setInputFiles([gif]);
  await trayUploaded(alice.page, 1);
  assert.equal(await alice.page.getByTestId('send-button').isEnabled(), true, 'files alone may be sent');
  await alice.page.getByTestId('send-button').click();
  await waitStatus(lastMedia(alice.page), acked, 15_000);

  const stored = await storedMedia(bob, convId);
  assert.deepEqual(
    stored.map((m) => [m.text, m.attachments.map((a) => [a.kind, a.width, a.height])]),
    [
      [
        'At the beach',
        [
          ['image', 640, 480],
          ['image', 300, 600],
        ],
      ],
      [null, [['image', 120, 90]]],
    ],
  );
  assert.equal(stored[1]?.attachments[0]?.mime, 'image/gif');

  // Bob's browser is held from loading any file: the boxes must already have their size.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  await bob.page.route('**/api/media/**', async (route) => {
    await held;
    await route.continue();
  });
  await conversationItem(bob.page, convId).waitFor();
  await openConversation(bob.page, convId);
  const gifBox = lastMedia(bob.page).getByTestId('media-image');
  await gifBox.waitFor();
  const before = await gifBox.boundingBox();
  assert.ok(before, 'the GIF’s box is laid out');
  assert.deepEqual([Math.round(before.width), Math.round(before.height)], [120, 90], 'the GIF’s own size, reserved');
  assert.equal(await gifBox.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth), 0, 'not loaded yet');
  const photoMessage = messages(bob.page).filter({ hasText: 'At the beach' });
  const tiles = photoMessage.getByTestId('media-image');
  assert.equal(await tiles.count(), 2);
  assert.deepEqual(
    await tiles.evaluateAll((els) => els.map((e) => [e.getAttribute('data-width'), e.getAttribute('data-height')])),
    [
      ['640', '480'],
      ['300', '600'],
    ],
  );
  for (const box of [await tiles.nth(0).boundingBox(), await tiles.nth(1).boundingBox()]) {
    assert.ok(box && box.width > 100 && Math.abs(box.width - box.height) < 1.5, 'grid tiles are squares, reserved');
  }
  // The caption is under the photos.
  const caption = await photoMessage.getByTestId('message-text').boundingBox();
  const firstTile = await tiles.nth(0).boundingBox();
  assert.ok(caption && firstTile && caption.y >= firstTile.y + firstTile.height);

  release();
  await eventually(async () =>
    assert.ok(await gifBox.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)),
  );
  const after = await gifBox.boundingBox();
  assert.deepEqual([Math.round(after?.width ?? 0), Math.round(after?.height ?? 0)], [120, 90], 'no jump once loaded');

  // The viewer, by the keyboard: focus the message, Tab to its first photo, Enter; → next; Escape.
  await photoMessage.focus();
  await bob.page.keyboard.press('Tab');
  assert.equal(await bob.page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'media-image');
  await bob.page.keyboard.press('Enter');
  const viewer = bob.page.getByTestId('media-viewer');
  await viewer.waitFor();
  const names = stored[0]?.attachments.map((a) => a.name) ?? [];
  assert.equal(await viewer.getByTestId('media-viewer-image').getAttribute('alt'), names[0]);
  assert.equal(await viewer.getByTestId('media-viewer-position').textContent(), '1 of 2');
  await bob.page.keyboard.press('ArrowRight');
  await eventually(async () =>
    assert.equal(await viewer.getByTestId('media-viewer-image').getAttribute('alt'), names[1]),
  );
  assert.equal(await viewer.getByTestId('media-viewer-position').textContent(), '2 of 2');
  await eventually(async () =>
    assert.ok(
      await viewer
        .getByTestId('media-viewer-image')
        .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 300),
    ),
  );
  await bob.page.keyboard.press('ArrowRight');
  await eventually(async () => assert.equal(await viewer.getByTestId('media-viewer-position').textContent(), '1 of 2'));
  await bob.page.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached' });
  assert.equal(
    await bob.page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    'media-image',
    'focus back on the photo',
  );

  // The list says what was sent when there is no caption.
  await eventually(async () =>
    assert.equal(
      (await conversationItem(bob.page, convId).locator('.conversation-preview').textContent())?.trim(),
      'GIF',
    ),
  );
});

test('a voice clip recorded with the microphone, in French: sent with its length and waveform, played by Bob', async (s) => {
  const { alice, bob, convId } = await pair(s, { locale: 'fr-FR' });
  const record = alice.page.getByRole('button', { name: 'Enregistrer un message vocal' });
  // Escape cancels: nothing is sent.
  await record.click();
  const recorder = alice.page.getByTestId('voice-recorder');
  await alice.page.locator('[data-testid="voice-recorder"][data-state="recording"]').waitFor();
  await alice.page.keyboard.press('Escape');
  await recorder.waitFor({ state: 'detached' });
  assert.equal(await messages(alice.page).count(), 0);

  await record.click();
  await alice.page.locator('[data-testid="voice-recorder"][data-state="recording"]').waitFor();
  assert.equal(
    await alice.page.getByTestId('voice-cancel').getAttribute('aria-label'),
    'Annuler l’enregistrement (Échap)',
  );
  // Two seconds at least (a loaded machine may show 0:03 before the test looks).
  await eventually(
    async () => assert.match((await alice.page.getByTestId('voice-time').textContent()) ?? '', /^0:0[2-9]$/),
    {
      timeout: 5000,
    },
  );
  await alice.page.getByRole('button', { name: 'Envoyer le message vocal' }).click();
  const mine = lastMedia(alice.page);
  await waitStatus(mine, acked, 15_000);
  assert.ok((await mine.locator('.audio-bar').count()) > 0, 'the waveform is drawn');

  const [stored] = await storedMedia(bob, convId);
  const clip = stored?.attachments[0];
  assert.ok(clip);
  assert.equal(clip.kind, 'audio');
  assert.equal(clip.voice, true);
  assert.ok((clip.durationMs ?? 0) >= 1000 && (clip.durationMs ?? 0) < 10_000, `duration ${clip.durationMs}`);
  assert.ok(clip.waveform && clip.waveform.length > 0 && clip.waveform.length <= 64);
  assert.ok(clip.waveform.every((b) => b >= 0 && b <= 255));
  assert.equal(stored?.text, null, 'no caption');

  await conversationItem(bob.page, convId).waitFor();
  await eventually(async () =>
    assert.match(
      (await conversationItem(bob.page, convId).locator('.conversation-preview').textContent()) ?? '',
      /^Voice message \(0:0\d\)$/,
    ),
  );
  await openConversation(bob.page, convId);
  const player = lastMedia(bob.page).getByTestId('audio-player');
  await player.waitFor();
  const total = (await player.getByTestId('audio-time').textContent())?.split(' / ')[1];
  assert.equal(total, formatDuration(clip.durationMs ?? 0, true), 'the clip’s length is shown before playing');
  assert.match(total ?? '', /^0:0[1-9]$/);
  assert.equal(await player.locator('.audio-bar').count(), clip.waveform.length);
  await player.getByTestId('audio-play').click();
  await eventually(async () =>
    assert.equal(await player.getByTestId('audio-play').getAttribute('data-playing'), 'true'),
  );
  assert.equal(await player.getByTestId('audio-play').getAttribute('aria-label'), 'Pause');
  // It plays to the end (and says so), or at least moves.
  await eventually(
    async () => {
      const playing = await player.getByTestId('audio-play').getAttribute('data-playing');
      const now = await player.getByRole('slider').getAttribute('aria-valuenow');
      assert.ok(playing === 'false' || Number(now) >= 1, `playing ${playing}, at ${now}`);
    },
    { timeout: 10_000 },
  );

  // A refused microphone is said in plain words. The fake UI grants every request, so the refusal is the
  // browser's own error, raised where getUserMedia would raise it.
  await alice.page.evaluate(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await record.click();
  await alice.page.getByText('L’accès au micro a été refusé.', { exact: false }).waitFor();
  assert.equal(await alice.page.getByTestId('voice-recorder').count(), 0, 'back to the input');
  assert.equal(await messages(alice.page).count(), 1);
});

test('a file shows as a card with its size and downloads under its name', async (s) => {
  const { alice, bob, convId } = await pair(s);
  await alice.page
    .getByTestId('attach-input')
    .setInputFiles([{ name: 'devis.pdf', mimeType: 'application/pdf', buffer: PDF }]);
  await trayUploaded(alice.page, 1);
  await alice.page.getByTestId('composer').fill('The quote');
  await alice.page.getByTestId('composer').press('Enter');
  await waitStatus(lastMedia(alice.page), acked, 15_000);

  await conversationItem(bob.page, convId).waitFor();
  await openConversation(bob.page, convId);
  const card = lastMedia(bob.page).getByTestId('media-file');
  await card.waitFor();
  assert.equal(await card.getByTestId('media-file-name').textContent(), 'devis.pdf');
  assert.equal(await card.getByTestId('media-file-size').textContent(), `${PDF.length} bytes`);
  const [download] = await Promise.all([bob.page.waitForEvent('download'), card.getByTestId('media-download').click()]);
  assert.equal(download.suggestedFilename(), 'devis.pdf');
  const saved = await download.path();
  assert.deepEqual(fs.readFileSync(saved), PDF, 'the same bytes');
});

test('drag-and-drop onto the thread and paste into the composer add files to the tray', async (s) => {
  const { alice, bob, convId } = await pair(s);
  const png = await solid(64, 48, '#ffaa00').png().toBuffer();
  const pane = alice.page.locator('.thread-pane');
  const dropped = await alice.page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped on the thread\n'], 'dropped.txt', { type: 'text/plain' }));
    return dt;
  });
  await pane.dispatchEvent('dragenter', { dataTransfer: dropped });
  const zone = alice.page.getByTestId('drop-zone');
  await zone.waitFor();
  assert.equal(await zone.textContent(), 'Drop files here to attach them');
  await pane.dispatchEvent('dragover', { dataTransfer: dropped });
  await pane.dispatchEvent('drop', { dataTransfer: dropped });
  await zone.waitFor({ state: 'detached' });
  await alice.page.getByTestId('composer').evaluate(
    (el, bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(bytes)], 'pasted.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    [...png],
  );
  await trayUploaded(alice.page, 2);
  assert.deepEqual(
    await alice.page.getByTestId('tray-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name'))),
    ['dropped.txt', 'pasted.png'],
  );
  assert.equal(await alice.page.getByTestId('composer').inputValue(), '', 'pasting a file types nothing');
  await alice.page.getByTestId('composer').press('Enter');
  await waitStatus(lastMedia(alice.page), acked, 15_000);

  const [stored] = await storedMedia(bob, convId);
  assert.deepEqual(
    stored?.attachments.map((a) => [a.kind, a.width]),
    [
      ['file', null],
      ['image', 64],
    ],
  );
  await conversationItem(bob.page, convId).waitFor();
  await openConversation(bob.page, convId);
  const media = lastMedia(bob.page);
  await media.getByTestId('media-image').waitFor();
  assert.equal(await media.getByTestId('media-file-name').textContent(), stored?.attachments[0]?.name);
  assert.equal(
    (await conversationItem(bob.page, convId).locator('.conversation-preview').textContent())?.trim(),
    '2 attachments',
  );
});

test('a file whose bytes contradict its name, and one too large, show their error in the tray and are not sent', async (s) => {
  const { alice, bob, convId } = await pair(s);
  const uploads: string[] = [];
  alice.page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/media') uploads.push(r.url());
  });
  await alice.page
    .getByTestId('attach-input')
    .setInputFiles([{ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all\n') }]);
  const mismatch = alice.page.locator('[data-testid="tray-item"][data-name="photo.png"]');
  await mismatch.locator('[data-testid="tray-error"]').waitFor({ timeout: 15_000 });
  assert.equal(await mismatch.getByTestId('tray-error').textContent(), 'This file’s content does not match its name.');
  assert.equal(await mismatch.getByTestId('tray-retry').count(), 0, 'no retry: the same bytes would be refused');

  // Over the largest limit: refused here, never uploaded.
  const huge = await alice.page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(101 * 1024 * 1024)], 'huge.bin'));
    return dt;
  });
  await alice.page.locator('.thread-pane').dispatchEvent('drop', { dataTransfer: huge });
  const big = alice.page.locator('[data-testid="tray-item"][data-name="huge.bin"]');
  assert.equal(await big.getByTestId('tray-error').textContent(), 'This file is too large.');
  assert.equal(uploads.length, 1, 'only the first file went to the server');

  // Nothing is sent while the tray holds failures: Enter says why.
  await alice.page.getByTestId('composer').fill('Here it is');
  assert.equal(await alice.page.getByTestId('send-button').isDisabled(), true);
  await alice.page.getByTestId('composer').press('Enter');
  await alice.page.getByText('Remove the files that could not be uploaded, or try them again.').waitFor();
  await stays(async () => assert.equal(await messages(alice.page).count(), 0), 300);

  // Removed with the keyboard (× then Enter), the caption goes alone.
  await mismatch.getByTestId('tray-remove').focus();
  await alice.page.keyboard.press('Enter');
  await mismatch.waitFor({ state: 'detached' });
  await eventually(
    async () =>
      assert.equal(
        await alice.page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
        'Remove huge.bin',
      ),
    { message: 'focus moves to the next file’s ×' },
  );
  await alice.page.keyboard.press('Enter');
  await alice.page.getByTestId('attachment-tray').waitFor({ state: 'detached' });
  await eventually(async () =>
    assert.equal(await alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'composer'),
  );
  await alice.page.getByTestId('composer').press('Enter');
  await waitStatus(messages(alice.page).last(), acked);
  const stored = await storedMedia(bob, convId);
  assert.deepEqual(stored, [{ text: 'Here it is', attachments: [] }]);
});
