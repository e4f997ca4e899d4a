/**
 * Issue 9, defect 8: a conversation with many unread messages opens at the first unread one, under a
 * "New messages" divider, and a control jumps back to it.
 */
import assert from 'node:assert/strict';
import { conversationItem, e2eSuite, eventually, openConversation } from './browser.ts';

const { test } = e2eSuite({ env: { RATE_MESSAGES_PER_SECOND: '1000', RATE_MESSAGES_BURST: '1000' } });

test('many unread: opens at the first unread under a "New messages" divider, with a jump back to it', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const http = await ana.http();
  const convId = (await http.post<{ conversation: { id: string } }>('/api/conversations/direct', { userId: ben.id }))
    .body.conversation.id;
  const say = async (from: number, to: number) => {
    for (let i = from; i <= to; i++) {
      const r = await http.post(`/api/conversations/${convId}/messages`, {
        clientId: `unread-${i}`,
        text: `Note ${i}`,
      });
      assert.equal(r.status, 201);
    }
  };
  // Ben has read the first 10; 70 more come (more than a history page: the first unread is not in it).
  await say(1, 10);
  assert.equal((await (await ben.http()).post(`/api/conversations/${convId}/receipts`, { readSeq: 10 })).status, 204);
  await say(11, 80);
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);

  const thread = ben.page.getByTestId('thread');
  const divider = ben.page.getByTestId('unread-divider');
  const inView = async (selector: string) =>
    ben.page.evaluate((sel) => {
      const el = document.querySelector(sel);
      const box = document.querySelector('[data-testid="thread"]')?.getBoundingClientRect();
      if (!el || !box) return false;
      const r = el.getBoundingClientRect();
      return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    }, selector);
  await divider.waitFor();
  await eventually(async () => {
    assert.equal(await divider.textContent(), 'New messages');
    assert.ok(await inView('[data-testid="unread-divider"]'), 'the divider is in view');
  });
  // Right under it, the first message Ben had not read.
  const next = await ben.page.evaluate(
    () =>
      document.querySelector('[data-testid="unread-divider"] + [data-testid="message"] [data-testid="message-text"]')
        ?.textContent ?? '',
  );
  assert.equal(next, 'Note 11');
  assert.equal(await divider.count(), 1);

  // At the latest messages, a control brings the divider back.
  const jump = ben.page.getByTestId('jump-to-unread');
  await thread.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await eventually(async () => assert.ok(await jump.isVisible()));
  assert.equal(await jump.textContent(), 'Jump to the first unread message');
  await jump.focus();
  await ben.page.keyboard.press('Enter');
  await eventually(async () => assert.ok(await inView('[data-testid="unread-divider"]'), 'back at the divider'));
});
