/**
 * Issue 9's reactions in a real browser: Ana reacts from the picker, Ben's open tab shows the chip live;
 * Ben adds the same emoji from the chip (2 on both); Ana takes hers back (1); after a reload it is still
 * there; Ana's second device, offline meanwhile, catches up when it comes back. The picker is used with
 * the keyboard too (arrows, Enter, Escape), its fuller grid searched by name, in English and in French.
 * A page's people see a customer's reactions in the inbox, live.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import {
  bubble,
  e2eSuite,
  eventually,
  openConversation,
  PASSWORD,
  send,
  startDirect,
  waitConnection,
  waitOnline,
} from './browser.ts';
import { openInboxOn, openPageConversation, shopOf } from './shops.ts';

const { test } = e2eSuite();

const chip = (b: Locator, emoji: string) => b.locator(`[data-testid="reaction-chip"][data-emoji="${emoji}"]`);

/** The chip's count, or 0 when there is none. */
async function countOf(b: Locator, emoji: string): Promise<number> {
  const c = chip(b, emoji);
  if ((await c.count()) === 0) return 0;
  return Number(await c.getAttribute('data-count'));
}

async function expectCount(b: Locator, emoji: string, n: number, timeout?: number) {
  await eventually(async () => assert.equal(await countOf(b, emoji), n, `${emoji} chip`), timeout ? { timeout } : {});
}

async function openPicker(page: Page, b: Locator) {
  await b.hover();
  await b.getByTestId('message-react').click();
  await page.getByTestId('reaction-picker').waitFor();
}

test('reactions: live on every device, counted once per person, kept after a reload, caught up offline', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const cid = await startDirect(ana, ben);
  await send(ana.page, 'Lunch at noon?');
  await openConversation(ben.page, cid);
  const anaMsg = bubble(ana.page, 'Lunch at noon?');
  const benMsg = bubble(ben.page, 'Lunch at noon?');
  await benMsg.waitFor();

  // Ana's second device: open on the conversation, then offline.
  const second = await s.newContext('Ana-second-device');
  const device = await second.newPage();
  await device.goto('/');
  await device.getByTestId('auth-username').fill(ana.username);
  await device.getByTestId('auth-password').fill(PASSWORD);
  await device.getByTestId('auth-submit').click();
  await waitOnline(device);
  await openConversation(device, cid);
  const deviceMsg = bubble(device, 'Lunch at noon?');
  await deviceMsg.waitFor();
  await second.setOffline(true);
  await waitConnection(device, 'offline');

  // Ana reacts ❤️ from the picker's quick reactions: Ben sees it live, count 1.
  await openPicker(ana.page, anaMsg);
  await ana.page.locator('[data-testid="reaction-quick"][data-emoji="❤️"]').click();
  await expectCount(anaMsg, '❤️', 1);
  assert.equal(await chip(anaMsg, '❤️').getAttribute('aria-pressed'), 'true', 'pressed: it is mine');
  await expectCount(benMsg, '❤️', 1);
  assert.equal(await chip(benMsg, '❤️').getAttribute('aria-pressed'), 'false');
  assert.match((await chip(benMsg, '❤️').getAttribute('aria-label')) ?? '', /^Ana \S+ reacted ❤️$/);

  // Ben adds the same emoji by pressing the chip: 2 on both sides.
  await chip(benMsg, '❤️').click();
  await expectCount(benMsg, '❤️', 2);
  await expectCount(anaMsg, '❤️', 2);
  assert.equal(await chip(benMsg, '❤️').getAttribute('aria-pressed'), 'true');
  assert.match((await chip(anaMsg, '❤️').getAttribute('title')) ?? '', /^You and Ben \S+ reacted ❤️$/);

  // Ana takes hers back: 1 on both.
  await chip(anaMsg, '❤️').click();
  await expectCount(anaMsg, '❤️', 1);
  await expectCount(benMsg, '❤️', 1);
  assert.equal(await chip(anaMsg, '❤️').getAttribute('aria-pressed'), 'false');

  // After a reload it is still there, as the server keeps it.
  await ben.page.reload();
  await waitOnline(ben.page);
  await openConversation(ben.page, cid);
  await expectCount(bubble(ben.page, 'Lunch at noon?'), '❤️', 1);
  const server = await (await ana.http()).get<{ messages: { reactions?: unknown }[] }>(
    `/api/conversations/${cid}/messages`,
  );
  assert.deepEqual(server.body.messages[0]?.reactions, [{ emoji: '❤️', count: 1, userIds: [ben.id] }]);

  // The second device comes back online and catches up: Ben's ❤️, not Ana's (taken back).
  assert.equal(await countOf(deviceMsg, '❤️'), 0, 'offline: nothing yet');
  await second.setOffline(false);
  await waitOnline(device);
  await expectCount(deviceMsg, '❤️', 1, 10_000);
  assert.equal(await chip(deviceMsg, '❤️').getAttribute('aria-pressed'), 'false');
});

test('the picker with the keyboard: arrows, Enter, Escape; the full grid searched by name', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const cid = await startDirect(ana, ben);
  await send(ana.page, 'Keyboard only');
  await openConversation(ben.page, cid);
  const page = ben.page;
  const msg = bubble(page, 'Keyboard only');
  await msg.waitFor();

  // From the message's "…" menu: React opens the picker, focus on its first quick reaction (👍).
  await msg.hover();
  await msg.getByTestId('message-actions').click();
  await page.getByTestId('action-react').click();
  const picker = page.getByTestId('reaction-picker');
  await picker.waitFor();
  assert.equal(await picker.getAttribute('role'), 'dialog');
  await eventually(async () =>
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-emoji')), '👍'),
  );
  // → → picks the third (😂) with Enter.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-emoji')), '😂');
  await page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await picker.count(), 0, 'closed after picking'));
  await expectCount(msg, '😂', 1);
  await expectCount(bubble(ana.page, 'Keyboard only'), '😂', 1);
  // Focus went back to the React button.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'message-react');

  // Escape closes without picking.
  await page.keyboard.press('Enter');
  await picker.waitFor();
  await page.keyboard.press('Escape');
  await eventually(async () => assert.equal(await picker.count(), 0));
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'message-react');

  // More emoji: the grid by category, searched by name; ↓ from the search into the results, Enter picks.
  await page.keyboard.press('Enter');
  await picker.waitFor();
  await picker.getByTestId('reaction-more').click();
  const search = picker.getByTestId('reaction-search');
  await eventually(async () =>
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'reaction-search'),
  );
  assert.ok((await picker.getByTestId('reaction-option').count()) > 100, 'the full grid');
  await search.fill('pizza');
  await eventually(async () =>
    assert.deepEqual(await picker.getByTestId('reaction-option').evaluateAll((l) => l.map((e) => e.textContent)), [
      '🍕',
    ]),
  );
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expectCount(msg, '🍕', 1);
  await expectCount(bubble(ana.page, 'Keyboard only'), '🍕', 1);

  // Picking one of mine again takes it back.
  await openPicker(page, msg);
  const mine = page.locator('[data-testid="reaction-quick"][data-emoji="😂"]');
  assert.equal(await mine.getAttribute('aria-pressed'), 'true');
  await mine.click();
  await expectCount(msg, '😂', 0);
  await expectCount(bubble(ana.page, 'Keyboard only'), '😂', 0);
});

test('in French: the picker, its search by French name, and who reacted', async (s) => {
  const ana = await s.person('Ana', { locale: 'fr-FR' });
  const ben = await s.person('Ben', { locale: 'fr-FR' });
  const cid = await startDirect(ana, ben);
  await send(ana.page, 'Bonjour');
  await openConversation(ben.page, cid);
  const msg = bubble(ben.page, 'Bonjour');
  await msg.waitFor();
  await msg.hover();
  assert.equal(await msg.getByTestId('message-react').getAttribute('aria-label'), 'Réagir à ce message');
  await msg.getByTestId('message-react').click();
  const picker = ben.page.getByTestId('reaction-picker');
  await picker.getByTestId('reaction-more').click();
  assert.equal(await picker.getByTestId('reaction-search').getAttribute('placeholder'), 'Chercher un emoji');
  await picker.getByTestId('reaction-search').fill('coeur bris');
  await picker.locator('[data-testid="reaction-option"][data-emoji="💔"]').click();
  const anaMsg = bubble(ana.page, 'Bonjour');
  await expectCount(anaMsg, '💔', 1);
  assert.match((await chip(anaMsg, '💔').getAttribute('aria-label')) ?? '', /^Ben \S+ a réagi avec 💔$/);
  assert.equal(await chip(msg, '💔').getAttribute('aria-label'), 'Vous avez réagi avec 💔');
});

test("the page's inbox shows the customer's reactions live, read-only", async (s) => {
  const [owner, cleo] = await s.peopleNamed('Owner', 'Cleo');
  const shop = await shopOf(owner, 'Fromagerie');
  const cid = await openPageConversation(cleo, shop);
  await send(cleo.page, 'Avez-vous du comté ?');
  const inbox = await openInboxOn(owner, shop, cid);
  const inInbox = inbox.locator('[data-testid="message"]').filter({ hasText: 'Avez-vous du comté ?' });
  await inInbox.waitFor();

  const mine = bubble(cleo.page, 'Avez-vous du comté ?');
  await openPicker(cleo.page, mine);
  await cleo.page.locator('[data-testid="reaction-quick"][data-emoji="🙏"]').click();
  await expectCount(inInbox, '🙏', 1);
  const shown = chip(inInbox, '🙏');
  assert.equal(await shown.evaluate((e) => e.tagName), 'LI', 'shown, not a button to press');
  assert.match((await shown.getAttribute('title')) ?? '', /^Cleo \S+ reacted 🙏$/);
  await chip(mine, '🙏').click();
  await expectCount(inInbox, '🙏', 0);
});
