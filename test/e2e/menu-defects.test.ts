/**
 * Menus stay on screen (issue 9, defect 1): the "…" menu of the last message, just above the composer, shows
 * every action — flipped above its button — instead of opening under the composer with only "Reply" in view.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { bubble, conversationItem, e2eSuite, expectTexts, openConversation, send, startDirect } from './browser.ts';

const { test } = e2eSuite();

/** The element at the centre of `item` is `item` itself (or inside it): it is in view and nothing covers it. */
async function reachable(page: Page, item: Locator): Promise<void> {
  const box = await item.boundingBox();
  assert.ok(box, 'the item is laid out');
  const viewport = page.viewportSize();
  assert.ok(viewport);
  assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, `in the viewport vertically: ${JSON.stringify(box)}`);
  assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `in the viewport horizontally: ${JSON.stringify(box)}`);
  const hit = await item.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return at !== null && el.contains(at);
  });
  assert.ok(hit, 'nothing covers the item');
}

test('the "…" menu of the last messages flips above and shows Reply, Edit and Delete, which work', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  await ana.page.setViewportSize({ width: 1000, height: 640 });
  const convId = await startDirect(ana, ben);
  const texts = Array.from({ length: 14 }, (_, i) => `Message number ${i + 1}`);
  for (const text of texts) await send(ana.page, text);
  await expectTexts(ana.page, texts);
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  await expectTexts(ben.page, texts);

  // Ana's own last message: Reply, Edit and Delete all in view, above the button.
  const last = bubble(ana.page, 'Message number 14');
  await last.getByTestId('message-actions').click();
  for (const action of ['reply', 'edit', 'delete']) await reachable(ana.page, ana.page.getByTestId(`action-${action}`));
  const menu = ana.page.getByRole('menu');
  assert.equal(await menu.getAttribute('data-side'), 'above');
  const button = await last.getByTestId('message-actions').boundingBox();
  const menuBox = await menu.boundingBox();
  assert.ok(button && menuBox && menuBox.y + menuBox.height <= button.y, 'the menu is above its button');
  await ana.page.getByTestId('action-delete').click();
  await ana.page.getByTestId('confirm-delete').click();
  await expectTexts(ana.page, [...texts.slice(0, -1), 'This message was deleted']);

  // Keyboard: its last item reached with End, in view.
  await bubble(ana.page, 'Message number 13').getByTestId('message-actions').click();
  await ana.page.keyboard.press('End');
  await reachable(ana.page, ana.page.getByTestId('action-delete'));
  await ana.page.keyboard.press('Escape');

  // Ben's side (someone else's message, menu aligned to the start): Reply in view; a message at the top
  // of the thread still opens downward.
  await bubble(ben.page, 'Message number 13').getByTestId('message-actions').click();
  await reachable(ben.page, ben.page.getByTestId('action-reply'));
  await ben.page.keyboard.press('Escape');
  const first = bubble(ben.page, 'Message number 1');
  await first.scrollIntoViewIfNeeded();
  await first.getByTestId('message-actions').click();
  await reachable(ben.page, ben.page.getByTestId('action-reply'));
  assert.equal(await ben.page.getByRole('menu').getAttribute('data-side'), 'below');
});
