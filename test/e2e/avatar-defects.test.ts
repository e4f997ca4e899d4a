/**
 * Issue 9's avatar defects in a real browser: a person has one colour everywhere — in the people search,
 * the conversation list, the thread header and their own sidebar — whatever conversation shows them.
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { conversationItem, e2eSuite, eventually, type Person, send } from './browser.ts';

const { test } = e2eSuite();

function hue(avatar: Locator): Promise<string> {
  return avatar.evaluate((el) => (el as HTMLElement).style.getPropertyValue('--avatar-hue'));
}

test('one person has the same avatar colour in the search, the list, the thread header and their own sidebar', async (s) => {
  const [ana, ...others] = await s.peopleNamed('Ana', 'Ben', 'Cleo', 'Dan');
  const page = ana.page;
  const conversations: { other: Person; convId: string; colour: string }[] = [];
  for (const other of others) {
    await page.getByTestId('people-search').fill(other.username);
    const result = page.locator(`[data-testid="people-result"][data-user-id="${other.id}"]`);
    const colour = await hue(result.locator('.avatar'));
    assert.ok(colour, 'the avatar has a colour');
    const before = page.url();
    await result.click();
    await page.waitForURL((url) => /\/c\/[^/]+$/.test(url.pathname) && url.href !== before);
    const convId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    await send(page, `Hi ${other.name}`);
    await conversationItem(page, convId).waitFor();
    assert.equal(await hue(page.locator('.thread-header .avatar')), colour, `${other.name} in the thread header`);
    assert.equal(await hue(conversationItem(page, convId).locator('.avatar')), colour, `${other.name} in the list`);
    conversations.push({ other, convId, colour });
  }
  // On the other side, Ana has the colour of her own sidebar avatar.
  const anaColour = await hue(page.locator('.sidebar-header .avatar'));
  for (const { other, convId } of conversations) {
    await eventually(async () =>
      assert.equal(
        await hue(conversationItem(other.page, convId).locator('.avatar')),
        anaColour,
        `Ana in ${other.name}'s list`,
      ),
    );
  }
});
