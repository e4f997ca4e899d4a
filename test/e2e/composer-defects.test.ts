/**
 * The composer as a new user meets it (issue 9, defect 9): growing to several lines keeps the latest
 * messages in view.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { e2eSuite, eventually, expectTexts, messages, send, startDirect } from './browser.ts';

const { test } = e2eSuite();

/** The latest bubble, all of it, is inside the thread's visible box. */
async function lastInView(page: Page): Promise<void> {
  const thread = await page.getByTestId('thread').boundingBox();
  const box = await messages(page).last().boundingBox();
  assert.ok(thread && box);
  assert.ok(
    box.y >= thread.y - 0.5 && box.y + box.height <= thread.y + thread.height + 0.5,
    `the latest message is in view: ${JSON.stringify({ box, thread })}`,
  );
}

test('a composer growing to several lines keeps the latest messages in view, and shrinking back too', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  await ana.page.setViewportSize({ width: 1000, height: 600 });
  await startDirect(ana, ben);
  const texts = Array.from({ length: 16 }, (_, i) => `Line of talk ${i + 1}`);
  for (const text of texts) await send(ana.page, text);
  await expectTexts(ana.page, texts);
  await eventually(() => lastInView(ana.page));

  // Typing a long message, line by line (Shift+Enter): the composer grows, the last message stays in view.
  const composer = ana.page.getByTestId('composer');
  const before = (await composer.boundingBox())?.height ?? 0;
  await composer.click();
  for (let i = 1; i <= 5; i++) {
    await ana.page.keyboard.type(`Point number ${i}`);
    await ana.page.keyboard.press('Shift+Enter');
  }
  await eventually(async () => assert.ok(((await composer.boundingBox())?.height ?? 0) > before + 40, 'it grew'));
  await eventually(() => lastInView(ana.page), { timeout: 1000 });
  assert.equal(await ana.page.locator('.jump-button').count(), 0, 'still at the bottom');

  // Pasted in one go (fill) too.
  await composer.fill('a\nb\nc\nd\ne\nf\ng');
  await eventually(() => lastInView(ana.page), { timeout: 1000 });
  // Typing on in the tall composer does not make the thread drift up a little each key.
  await composer.press('End');
  await ana.page.keyboard.type(' and more');
  await eventually(() => lastInView(ana.page), { timeout: 1000 });
  assert.equal(await ana.page.locator('.jump-button').count(), 0, 'still at the bottom');

  // Sent: the composer shrinks back and the new message is in view.
  await composer.press('Enter');
  await eventually(async () => assert.equal(await messages(ana.page).count(), texts.length + 1));
  await eventually(() => lastInView(ana.page), { timeout: 1000 });
});
