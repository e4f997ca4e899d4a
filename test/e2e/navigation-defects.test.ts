/**
 * Issue 9's navigation defects in a real browser: opening a conversation — with the mouse, with the keyboard
 * or from the people search — puts the cursor in the composer, and Enter in the search opens a result.
 */
import assert from 'node:assert/strict';
import {
  conversationItem,
  e2eSuite,
  expectTexts,
  focusedTestId,
  openConversation,
  send,
  startDirect,
  waitFocus,
} from './browser.ts';

const { test } = e2eSuite();

function convIdOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
}

test('Enter in the people search opens the first result, even pressed before it shows; the composer has focus', async (s) => {
  const [ana, ben, cleo] = await s.peopleNamed('Ana', 'Ben', 'Cleo');
  const page = ana.page;
  // Typed and entered at once: the search has not answered yet.
  await page.getByTestId('people-search').fill(ben.username);
  await page.getByTestId('people-search').press('Enter');
  await page.waitForURL(/\/c\/[^/]+$/);
  await waitFocus(page, 'composer');
  await page.keyboard.type('Typed straight away');
  await page.keyboard.press('Enter');
  await expectTexts(page, ['Typed straight away']);
  const withBen = convIdOf(page.url());
  assert.equal((await page.getByTestId('people-search').inputValue()).length, 0, 'the search is cleared');

  // With the results shown, Enter opens the first one at once.
  await page.getByTestId('people-search').fill(cleo.username);
  await page.locator(`[data-testid="people-result"][data-user-id="${cleo.id}"]`).waitFor();
  await page.getByTestId('people-search').press('Enter');
  await page.waitForURL((url) => /\/c\/[^/]+$/.test(url.pathname) && convIdOf(url.href) !== withBen);
  await waitFocus(page, 'composer');
});

test('opening a conversation by mouse or by keyboard focuses the composer', async (s) => {
  const [ana, ben, cleo] = await s.peopleNamed('Ana', 'Ben', 'Cleo');
  const withBen = await startDirect(ana, ben);
  await send(ana.page, 'Hi Ben');
  const withCleo = await startDirect(ana, cleo);
  await send(ana.page, 'Hi Cleo');
  await conversationItem(ana.page, withBen).waitFor();

  // Mouse: a click on the list.
  await ana.page.getByTestId('people-search').focus();
  await openConversation(ana.page, withBen);
  await waitFocus(ana.page, 'composer');
  await ana.page.keyboard.type('by mouse');
  assert.equal(await ana.page.getByTestId('composer').inputValue(), 'by mouse');

  // Keyboard: Tab to the other conversation and Enter.
  await conversationItem(ana.page, withCleo).focus();
  assert.equal(await focusedTestId(ana.page), 'conversation-item');
  await ana.page.keyboard.press('Enter');
  await ana.page.waitForURL(new RegExp(`/c/${encodeURIComponent(withCleo)}$`));
  await waitFocus(ana.page, 'composer');

  // Ben, on his list, opens what Ana started.
  await conversationItem(ben.page, withBen).waitFor();
  await openConversation(ben.page, withBen);
  await waitFocus(ben.page, 'composer');
});
