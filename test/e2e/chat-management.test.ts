/**
 * Chat management (issue 9): pin, mute, archive — each person's own, on all their devices —, delete for me,
 * forward (with an image) and copy text, in Chromium.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import {
  bubble,
  conversationItem,
  e2eSuite,
  eventually,
  expectTexts,
  messageTexts,
  openConversation,
  type Person,
  send,
  startDirect,
  stays,
  waitOnline,
} from './browser.ts';

const { test } = e2eSuite();

/** The conversation ids of the main list, top first. */
const listed = (page: Page) =>
  page
    .getByTestId('conversation-item')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id') ?? ''));

/** Opens a conversation's own menu with its "…" button and picks an action. */
async function chatAction(page: Page, conversationId: string, action: string): Promise<void> {
  await conversationItem(page, conversationId).hover();
  await page
    .locator(`li:has([data-conversation-id="${conversationId}"]) [data-testid="conversation-menu-button"]`)
    .click();
  await page.getByTestId(action).click();
}

/** Ana writes first to each of `others`, in order: the last one ends on top of her list. */
async function conversationsWith(ana: Person, others: Person[]): Promise<string[]> {
  const ids: string[] = [];
  for (const other of others) {
    const id = await startDirect(ana, other);
    await send(ana.page, `Hello ${other.name}`);
    await expectTexts(ana.page, [`Hello ${other.name}`]);
    ids.push(id);
  }
  return ids;
}

test('pin moves a conversation to the top, with a pin, on my other device live, and after a reload', async (s) => {
  const [ana, ben, cat] = await s.peopleNamed('Ana', 'Ben', 'Cat');
  const [withBen, withCat] = (await conversationsWith(ana, [ben, cat])) as [string, string];
  const laptop = await ana.newPage();
  await eventually(async () => assert.deepEqual(await listed(laptop), [withCat, withBen]));

  await chatAction(ana.page, withBen, 'chat-pin');
  for (const page of [ana.page, laptop]) {
    await eventually(async () => assert.deepEqual(await listed(page), [withBen, withCat]), {
      message: 'pinned on top',
    });
    await conversationItem(page, withBen).getByTestId('pinned-mark').waitFor();
  }
  // A new message elsewhere does not pass it.
  await cat.page.goto(`/c/${withCat}`);
  await waitOnline(cat.page);
  await send(cat.page, 'Anyone there?');
  await eventually(async () =>
    assert.match((await conversationItem(laptop, withCat).textContent()) ?? '', /Anyone there/),
  );
  assert.deepEqual(await listed(laptop), [withBen, withCat], 'still under the pinned one');
  // Only Ana's: Ben's list shows no pin.
  await conversationItem(ben.page, withBen).waitFor();
  assert.equal(await conversationItem(ben.page, withBen).getByTestId('pinned-mark').count(), 0);

  await ana.page.reload();
  await waitOnline(ana.page);
  assert.deepEqual(await listed(ana.page), [withBen, withCat], 'after a reload');
  // By keyboard: Shift+F10 on the conversation opens its menu; unpin.
  await conversationItem(ana.page, withBen).focus();
  await ana.page.keyboard.press('Shift+F10');
  await ana.page.getByTestId('conversation-menu').waitFor();
  await ana.page.getByTestId('chat-unpin').focus();
  await ana.page.keyboard.press('Enter');
  await eventually(async () => assert.deepEqual(await listed(laptop), [withCat, withBen]), { message: 'unpinned' });
});

test('archive hides a conversation; a new message brings it back, unless it is muted', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const [withBen] = (await conversationsWith(ana, [ben])) as [string];
  await ben.page.goto(`/c/${withBen}`);
  await waitOnline(ben.page);

  await chatAction(ana.page, withBen, 'chat-archive');
  await eventually(async () => assert.deepEqual(await listed(ana.page), []), { message: 'out of the main list' });
  await ana.page.getByTestId('archived-row').click();
  await eventually(async () => assert.deepEqual(await listed(ana.page), [withBen]), { message: 'in Archived' });
  await ana.page.getByTestId('archived-back').click();

  await send(ben.page, 'Back from the archive?');
  await eventually(async () => assert.deepEqual(await listed(ana.page), [withBen]), { message: 'back with a message' });
  assert.equal(await ana.page.getByTestId('archived-row').count(), 0);

  // Muted for good, then archived: a message leaves it archived, with a grey badge in Archived.
  await chatAction(ana.page, withBen, 'chat-mute-always');
  await conversationItem(ana.page, withBen).getByTestId('muted-mark').waitFor();
  await chatAction(ana.page, withBen, 'chat-archive');
  await eventually(async () => assert.deepEqual(await listed(ana.page), []));
  await ana.page.goto('/'); // not reading the conversation: its messages stay unread
  await waitOnline(ana.page);
  await send(ben.page, 'Still archived?');
  await expectTexts(ben.page, ['Hello Ben', 'Back from the archive?', 'Still archived?']);
  await stays(async () => assert.deepEqual(await listed(ana.page), []), 800);
  await ana.page.getByTestId('archived-row').click();
  const badge = conversationItem(ana.page, withBen).getByTestId('unread-badge');
  await badge.waitFor();
  assert.match((await badge.getAttribute('class')) ?? '', /unread-muted/);
  // Survives a reload too.
  await ana.page.reload();
  await waitOnline(ana.page);
  await ana.page.getByTestId('archived-row').waitFor();
  assert.deepEqual(await listed(ana.page), []);
});

test('delete for me hides a message on my devices only', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const [withBen] = (await conversationsWith(ana, [ben])) as [string];
  await ben.page.goto(`/c/${withBen}`);
  await waitOnline(ben.page);
  await send(ben.page, 'Keep me');
  await send(ben.page, 'Hide me');
  await expectTexts(ana.page, ['Hello Ben', 'Keep me', 'Hide me']);
  const laptop = await ana.newPage(`/c/${withBen}`);
  await expectTexts(laptop, ['Hello Ben', 'Keep me', 'Hide me']);

  const hidden = bubble(ana.page, 'Hide me');
  await hidden.hover();
  await hidden.getByTestId('message-actions').click();
  await ana.page.getByTestId('action-delete-for-me').click();
  await expectTexts(ana.page, ['Hello Ben', 'Keep me']);
  await expectTexts(laptop, ['Hello Ben', 'Keep me']);
  await stays(async () => assert.deepEqual(await messageTexts(ben.page), ['Hello Ben', 'Keep me', 'Hide me']), 500);
  await ana.page.reload();
  await waitOnline(ana.page);
  await expectTexts(ana.page, ['Hello Ben', 'Keep me']);
  // The list shows the message before it.
  await eventually(async () =>
    assert.match((await conversationItem(ana.page, withBen).textContent()) ?? '', /Keep me/),
  );
});

test('forward a message with an image: the other conversation shows it, "Forwarded"; copy text', async (s) => {
  const [ana, ben, cat] = await s.peopleNamed('Ana', 'Ben', 'Cat');
  const [withBen, withCat] = (await conversationsWith(ana, [ben, cat])) as [string, string];
  await ben.page.goto(`/c/${withBen}`);
  await waitOnline(ben.page);
  const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3a7' } })
    .png()
    .toBuffer();
  await ben.page
    .getByTestId('attach-input')
    .setInputFiles([{ name: 'photo.png', mimeType: 'image/png', buffer: photo }]);
  await eventually(
    async () =>
      assert.deepEqual(
        await ben.page.getByTestId('tray-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
        ['done'],
      ),
    { timeout: 15_000 },
  );
  await send(ben.page, 'Look at this');
  await openConversation(ana.page, withBen);
  const original = bubble(ana.page, 'Look at this');
  await original.waitFor();

  await original.hover();
  await original.getByTestId('message-actions').click();
  await ana.page.getByTestId('action-forward').click();
  const dialog = ana.page.getByTestId('forward-dialog');
  await dialog.waitFor();
  await ana.page.getByTestId('forward-search').fill(cat.displayName);
  await ana.page.keyboard.press('Enter'); // the only match is picked
  assert.equal(await dialog.locator(`[data-conversation-id="${withCat}"] input`).isChecked(), true);
  await ana.page.getByTestId('forward-submit').click();
  await dialog.waitFor({ state: 'detached' });

  await conversationItem(cat.page, withCat).waitFor();
  await openConversation(cat.page, withCat);
  const copy = bubble(cat.page, 'Look at this');
  await copy.getByTestId('forwarded-label').waitFor();
  await eventually(
    async () =>
      assert.ok(
        await copy
          .locator('img')
          .first()
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
        'the image loads for Cat',
      ),
    { timeout: 10_000 },
  );
  // Ana's copy in her conversation with Cat is marked too; Ben's original is not.
  await openConversation(ana.page, withCat);
  await bubble(ana.page, 'Look at this').getByTestId('forwarded-label').waitFor();
  assert.equal(await bubble(ben.page, 'Look at this').getByTestId('forwarded-label').count(), 0);

  // Copy text: the clipboard holds it, a toast says so.
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
  const hello = bubble(ana.page, 'Hello Cat');
  await hello.hover();
  await hello.getByTestId('message-actions').click();
  await ana.page.getByTestId('action-copy').click();
  await ana.page.getByText('Copied', { exact: true }).waitFor();
  assert.equal(await ana.page.evaluate(() => navigator.clipboard.readText()), 'Hello Cat');
});
