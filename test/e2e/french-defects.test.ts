/**
 * Issue 9's French defects in a real browser: "Aucune personne trouvée.", a search placeholder that fits,
 * and a message's screen-reader label that reads naturally ("Vous, à 03:16").
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { bubble, e2eSuite, send, startDirect } from './browser.ts';

const { test } = e2eSuite();

/** The placeholder's width in the input's font, and the room the input gives it. */
function placeholderRoom(page: Page): Promise<{ text: number; room: number }> {
  return page.getByTestId('people-search').evaluate((el) => {
    const input = el as HTMLInputElement;
    const style = getComputedStyle(input);
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) throw new Error('no canvas');
    ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    return { text: ctx.measureText(input.placeholder).width, room };
  });
}

test('in French: "Aucune personne trouvée.", the search placeholder fits, "Vous, à 03:16" for my messages', async (s) => {
  const ana = await s.person('Ana', { locale: 'en-US' });
  const ben = await s.person('Ben', { locale: 'fr-FR' });
  for (const p of [ana, ben]) {
    const { text, room } = await placeholderRoom(p.page);
    assert.ok(text <= room, `${p.name}: the placeholder needs ${text.toFixed(0)} px, has ${room.toFixed(0)} px`);
  }

  await ben.page.getByTestId('people-search').fill('nobody_by_that_name');
  await ben.page.getByText('Aucune personne trouvée.').waitFor();

  await startDirect(ben, ana);
  await send(ben.page, 'Salut');
  const own = bubble(ben.page, 'Salut');
  await own.waitFor();
  const time = ((await own.locator('.msg-meta time').textContent()) ?? '').trim();
  assert.equal(await own.getAttribute('aria-label'), `Vous, à ${time}`);
});
