/**
 * Issue 9, "Presence": Ana sees Ben come online live (the thread header, a green dot in her list), and
 * "Last seen today at …" once he has closed the app (after the grace); when Ben hides his presence in
 * Settings, Ana no longer sees it, and Ben sees nobody's.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { conversationItem, e2eSuite, eventually, openConversation, stays } from './browser.ts';

const GRACE_MS = 1000;
const { test } = e2eSuite({ server: { presence: { graceMs: GRACE_MS } } });

const subtitle = (page: Page) => page.getByTestId('thread-subtitle').textContent();
const dot = (page: Page, conversationId: string) => conversationItem(page, conversationId).getByTestId('presence-dot');

test('Ana sees Ben online live, then last seen after he leaves; hidden both ways once Ben turns presence off', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const r = await (await ana.http()).post<{ conversation: { id: string } }>('/api/conversations/direct', {
    userId: ben.id,
  });
  const convId = r.body.conversation.id;
  const hi = await (await ana.http()).post(`/api/conversations/${convId}/messages`, {
    clientId: 'p-hello-1',
    text: 'Hi',
  });
  assert.equal(hi.status, 201);

  // Ben closes the app: after the grace, Ana's header says when he was last seen.
  await ben.page.close();
  await conversationItem(ana.page, convId).waitFor();
  await openConversation(ana.page, convId);
  await eventually(async () => assert.match((await subtitle(ana.page)) ?? '', /^Last seen today at \d/), {
    timeout: GRACE_MS + 5000,
  });
  assert.equal(await dot(ana.page, convId).count(), 0);

  // Ben opens the app: "Online" at once, and the green dot on his avatar in Ana's list.
  ben.page = await ben.newPage();
  await eventually(async () => assert.equal(await subtitle(ana.page), 'Online'));
  await dot(ana.page, convId).waitFor();

  // Ben closes it again: still online within the grace (a reload does not flap), then last seen.
  await ben.page.close();
  await eventually(async () => assert.match((await subtitle(ana.page)) ?? '', /^Last seen today at \d/), {
    timeout: GRACE_MS + 5000,
  });
  await dot(ana.page, convId).waitFor({ state: 'detached' });

  // Ben comes back and hides his presence in Settings.
  ben.page = await ben.newPage();
  await eventually(async () => assert.equal(await subtitle(ana.page), 'Online'));
  await ben.page.getByTestId('settings-button').click();
  const toggle = ben.page.getByTestId('privacy-presence');
  await eventually(async () => assert.equal(await toggle.isEnabled(), true));
  assert.equal(await toggle.isChecked(), true);
  await toggle.click();
  await eventually(async () => assert.equal(await toggle.isChecked(), false));
  // Ana no longer sees whether he is online, live and after a reload.
  await eventually(async () => assert.equal(await subtitle(ana.page), 'Direct conversation'));
  assert.equal(await dot(ana.page, convId).count(), 0);
  await ana.page.reload();
  await ana.page.getByTestId('thread-subtitle').waitFor();
  await stays(async () => assert.equal(await subtitle(ana.page), 'Direct conversation'), 700);
  // And Ben sees nobody's: Ana is online, his header does not say so.
  await ben.page.keyboard.press('Escape');
  await openConversation(ben.page, convId);
  await stays(async () => {
    assert.equal(await subtitle(ben.page), 'Direct conversation');
    assert.equal(await dot(ben.page, convId).count(), 0);
  }, 700);
  const seen = await (await ben.http()).get<{ presence: { state: string }[] }>(`/api/presence?userIds=${ana.id}`);
  assert.deepEqual(
    seen.body.presence.map((p) => p.state),
    ['hidden'],
  );

  // On again: both see each other online.
  await ben.page.getByTestId('settings-button').click();
  await ben.page.getByTestId('privacy-presence').click();
  await eventually(async () => assert.equal(await ben.page.getByTestId('privacy-presence').isChecked(), true));
  await ben.page.keyboard.press('Escape');
  await eventually(async () => assert.equal(await subtitle(ana.page), 'Online'));
  await eventually(async () => assert.equal(await subtitle(ben.page), 'Online'));
});
