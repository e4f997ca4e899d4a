/**
 * Blocking a person (issue 9, "Chat management"): Ana blocks Ben from their conversation's menu — Ben's
 * message fails with the reason in words, he cannot start a conversation with her, Ana's composer gives way
 * to "You blocked this person. Unblock", her second device follows live, Settings lists him; Ana unblocks
 * and Ben writes again.
 */
import assert from 'node:assert/strict';
import {
  bubble,
  conversationItem,
  e2eSuite,
  eventually,
  expectTexts,
  openConversation,
  send,
  startDirect,
  waitStatus,
} from './browser.ts';

const { test } = e2eSuite();

test('Ana blocks Ben: his send fails in words, he cannot start a conversation with her; unblocked, he writes again', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const conversationId = await startDirect(ben, ana);
  await send(ben.page, 'Hello Ana');
  await waitStatus(bubble(ben.page, 'Hello Ana'), ['sent', 'delivered', 'read']);
  await conversationItem(ana.page, conversationId).waitFor();
  await openConversation(ana.page, conversationId);
  await expectTexts(ana.page, ['Hello Ana']);
  const second = await ana.newPage(`/c/${encodeURIComponent(conversationId)}`);
  await second.getByTestId('composer').waitFor();

  // Ana blocks Ben from the conversation's menu: a question that says what it does first.
  await ana.page.getByTestId('direct-menu-button').click();
  await ana.page.getByTestId('block-user').click();
  const question = ana.page.getByRole('dialog', { name: `Block ${ben.displayName}?` });
  assert.match((await question.textContent()) ?? '', /no longer be able to message you/);
  await ana.page.getByTestId('block-confirm').click();
  await question.waitFor({ state: 'detached' });

  // Her composer gives way to the notice, on this device and, live, on her other one.
  for (const page of [ana.page, second]) {
    const notice = page.getByTestId('blocked-notice');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /You blocked this person\./);
    assert.equal(await page.getByTestId('composer').count(), 0);
  }

  // Ben writes: the message fails, saying why in words; Ana receives nothing.
  await send(ben.page, 'Are you there?');
  const failed = bubble(ben.page, 'Are you there?');
  await waitStatus(failed, 'failed');
  assert.match(
    (await failed.getByRole('alert').textContent()) ?? '',
    /Not sent: You can’t message this person or start a conversation with them\./,
  );
  await expectTexts(ana.page, ['Hello Ana']);

  // Nor can he start a conversation with her from the people search.
  await ben.page.getByTestId('people-search').fill(ana.username);
  await ben.page.locator(`[data-testid="people-result"][data-user-id="${ana.id}"]`).click();
  await eventually(async () =>
    assert.match(
      (await ben.page.locator('.sidebar .form-error[role="alert"]').textContent()) ?? '',
      /You can’t message this person/,
    ),
  );

  // Settings lists him on the second device, live.
  await second.getByTestId('settings-button').click();
  const row = second.locator(`[data-testid="settings-blocked-person"][data-user-id="${ben.id}"]`);
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', new RegExp(ben.displayName));
  await second.keyboard.press('Escape');

  // Ana unblocks from the notice: the composer is back on both devices, and Ben's message goes through.
  await ana.page.getByTestId('blocked-notice-unblock').click();
  for (const page of [ana.page, second]) {
    await page.getByTestId('blocked-notice').waitFor({ state: 'detached' });
    await page.getByTestId('composer').waitFor();
  }
  await ben.page.getByTestId('people-search').fill('');
  await openConversation(ben.page, conversationId);
  await send(ben.page, 'Back again');
  await waitStatus(bubble(ben.page, 'Back again'), ['sent', 'delivered', 'read']);
  await expectTexts(ana.page, ['Hello Ana', 'Back again']);
  await send(ana.page, 'Welcome back');
  await bubble(ben.page, 'Welcome back').waitFor();
});

test('a group member is blocked from the group panel, and the group itself goes on', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const page = ana.page;
  await page.getByTestId('new-group-button').click();
  const dialog = page.getByTestId('new-group-dialog');
  await dialog.getByTestId('group-title-input').fill('Club');
  await dialog.getByTestId('add-member-search').fill(ben.username);
  await dialog.locator(`[data-testid="people-result"][data-user-id="${ben.id}"]`).click();
  await dialog.getByTestId('group-create-submit').click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForURL(/\/c\/[^/]+$/);
  const groupId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');

  await page.getByTestId('group-settings-button').click();
  const member = page.getByTestId('group-panel').locator(`[data-testid="member-item"][data-user-id="${ben.id}"]`);
  await member.getByTestId('member-block').click();
  await page.getByTestId('block-confirm').click();
  await member.getByTestId('member-unblock').waitFor();
  await page.keyboard.press('Escape');

  // The group is not affected: Ben still writes there, Ana reads it.
  await conversationItem(ben.page, groupId).waitFor();
  await openConversation(ben.page, groupId);
  await send(ben.page, 'Still in the club');
  await waitStatus(bubble(ben.page, 'Still in the club'), ['sent', 'delivered', 'read']);
  await expectTexts(page, ['Still in the club']);
});
