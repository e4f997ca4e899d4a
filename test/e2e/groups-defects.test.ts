/**
 * Issue 9, defects 3 and 4 in the browser: after a reload, someone who left still signs their messages;
 * ticks and "Seen by" keep those who read a message and then went.
 */
import assert from 'node:assert/strict';
import { bubble, conversationItem, e2eSuite, eventually, openConversation, waitOnline, waitStatus } from './browser.ts';

const { test } = e2eSuite();

test('after a reload: who left still signs their messages, and still counts in ticks and "Seen by"', async (s) => {
  const [ana, ben, cat] = await s.peopleNamed('Ana', 'Ben', 'Cat');
  const anaHttp = await ana.http();
  const group = await anaHttp.post<{ conversation: { id: string } }>('/api/conversations/group', {
    title: 'Trip',
    memberIds: [ben.id, cat.id],
  });
  assert.equal(group.status, 201);
  const convId = group.body.conversation.id;
  const said = await anaHttp.post<{ message: { seq: number } }>(`/api/conversations/${convId}/messages`, {
    clientId: 'ana-message-1',
    text: 'Who comes?',
  });
  assert.equal(said.status, 201, JSON.stringify(said.body));
  const seq = said.body.message.seq;
  for (const p of [ben, cat]) {
    const http = await p.http();
    assert.equal((await http.post(`/api/conversations/${convId}/receipts`, { readSeq: seq })).status, 204);
  }
  const catHttp = await cat.http();
  const catSaid = await catHttp.post(`/api/conversations/${convId}/messages`, {
    clientId: 'cat-message-1',
    text: 'Not me',
  });
  assert.equal(catSaid.status, 201);
  assert.equal((await catHttp.delete(`/api/conversations/${convId}/members/${cat.id}`)).status, 204);
  assert.equal((await anaHttp.delete(`/api/conversations/${convId}/members/${ben.id}`)).status, 204);

  await ana.page.reload();
  await waitOnline(ana.page);
  await conversationItem(ana.page, convId).waitFor();
  await openConversation(ana.page, convId);
  const catsBubble = bubble(ana.page, 'Not me');
  await eventually(async () =>
    assert.equal((await catsBubble.locator('.msg-sender').textContent())?.trim(), cat.displayName),
  );
  // Read by both before they went: still two blue ticks, still seen by them.
  await waitStatus(bubble(ana.page, 'Who comes?'), 'read');
  // Both named, in whichever order the two left (the line lists readers, it does not rank them).
  await eventually(async () => {
    const seen = (await ana.page.getByTestId('seen-by').textContent())?.trim() ?? '';
    assert.deepEqual(
      seen
        .replace(/^Seen by /, '')
        .split(', ')
        .sort(),
      [ben.displayName, cat.displayName].sort(),
      seen,
    );
  });
});
