/**
 * Issue 9, defect 11 in the browser: a group's thread shows who created it, renamed it, added, removed,
 * left — live, after a reload, in its place among the messages, and to a newcomer only from their joining.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  acked,
  bubble,
  conversationItem,
  e2eSuite,
  eventually,
  openConversation,
  send,
  waitOnline,
  waitStatus,
} from './browser.ts';

const { test } = e2eSuite();

/** The thread's messages and activity lines, top to bottom ("line:" for a line). */
async function threadRows(page: Page): Promise<string[]> {
  return page
    .getByTestId('thread')
    .locator('[data-testid="activity-line"], [data-testid="message"] .msg-text')
    .evaluateAll((els) =>
      els.map((el) =>
        el.getAttribute('data-testid') === 'activity-line'
          ? `line: ${el.textContent?.trim()}`
          : (el.textContent?.trim() ?? ''),
      ),
    );
}

test('a group shows who created, renamed, added, removed and left — live, after a reload, and to newcomers from their joining', async (s) => {
  const [ana, ben, cat] = await s.peopleNamed('Ana', 'Ben', 'Cat');
  const anaHttp = await ana.http();
  const group = await anaHttp.post<{ conversation: { id: string } }>('/api/conversations/group', {
    title: 'Trip',
    memberIds: [ben.id],
  });
  assert.equal(group.status, 201);
  const convId = group.body.conversation.id;

  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  await eventually(async () =>
    assert.deepEqual(await threadRows(ben.page), [`line: ${ana.displayName} created the group “Trip”`]),
  );
  await send(ben.page, 'Hello all');
  await waitStatus(bubble(ben.page, 'Hello all'), acked); // in the log before the rename that follows
  assert.equal((await anaHttp.patch(`/api/conversations/${convId}`, { title: 'Summer' })).status, 200);
  assert.equal((await anaHttp.post(`/api/conversations/${convId}/members`, { userIds: [cat.id] })).status, 200);

  // Live, in Ben's open thread, after his message.
  const expected = [
    `line: ${ana.displayName} created the group “Trip”`,
    'Hello all',
    `line: ${ana.displayName} renamed the group “Summer”`,
    `line: ${ana.displayName} added ${cat.displayName}`,
  ];
  await eventually(async () => assert.deepEqual(await threadRows(ben.page), expected));

  // Cat joined under history "joined": her own joining, not what came before it.
  await conversationItem(cat.page, convId).waitFor();
  await openConversation(cat.page, convId);
  await eventually(async () => assert.deepEqual(await threadRows(cat.page), [`line: ${ana.displayName} added you`]));
  await send(cat.page, 'Thanks!');
  // Acknowledged before she leaves: sent over her socket, the message could otherwise arrive after her
  // leaving (HTTP), and be refused (a race seen in CI on a loaded machine).
  await waitStatus(bubble(cat.page, 'Thanks!'), acked);
  const catHttp = await cat.http();
  assert.equal((await catHttp.delete(`/api/conversations/${convId}/members/${cat.id}`)).status, 204);
  assert.equal((await anaHttp.delete(`/api/conversations/${convId}/members/${ben.id}`)).status, 204);
  const all = [...expected, 'Thanks!', `line: ${cat.displayName} left`];
  await eventually(async () =>
    assert.deepEqual(await threadRows(ben.page), [...all, `line: ${ana.displayName} removed you`]),
  );

  // After a reload, from the server's pages: the same lines in the same places, said from Ana's side.
  await ana.page.reload();
  await waitOnline(ana.page);
  await openConversation(ana.page, convId);
  await eventually(async () =>
    assert.deepEqual(await threadRows(ana.page), [
      'line: You created the group “Trip”',
      'Hello all',
      'line: You renamed the group “Summer”',
      `line: You added ${cat.displayName}`,
      'Thanks!',
      `line: ${cat.displayName} left`,
      `line: You removed ${ben.displayName}`,
    ]),
  );
  // In French too, with its typography.
  await ana.page.getByTestId('settings-button').click();
  await ana.page.getByTestId('settings-dialog').getByTestId('language-select').selectOption('fr');
  await ana.page.keyboard.press('Escape');
  await eventually(async () =>
    assert.equal((await threadRows(ana.page))[0], 'line: Vous avez créé le groupe «\u00a0Trip\u00a0»'),
  );
});
