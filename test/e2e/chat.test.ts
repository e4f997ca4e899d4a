/**
 * The chat scenario in real browsers: two people sign up, find each other, chat live (ticks, typing), and
 * one of them goes away — network cut or tab closed — while the other keeps writing.
 */
import assert from 'node:assert/strict';
import type { MessagesResponse } from '../../protocol/api.ts';
import {
  bubble,
  conversationItem,
  e2eSuite,
  eventually,
  expectTexts,
  messageTexts,
  openConversation,
  type Person,
  RECONNECT_MS,
  recordStatuses,
  type Scene,
  send,
  startDirect,
  statusHistory,
  stays,
  unreadBadge,
  waitConnection,
  waitOnline,
  waitStatus,
} from './browser.ts';

const { test } = e2eSuite();

/** Two people with their one-to-one conversation open on both sides, after one message each way. */
async function twoInConversation(s: Scene): Promise<{ ana: Person; ben: Person; convId: string; texts: string[] }> {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const convId = await startDirect(ana, ben);
  await send(ana.page, 'Hi Ben');
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  await send(ben.page, 'Hi Ana');
  const texts = ['Hi Ben', 'Hi Ana'];
  await expectTexts(ana.page, texts);
  await expectTexts(ben.page, texts);
  await waitStatus(bubble(ben.page, 'Hi Ana'), 'read');
  return { ana, ben, convId, texts };
}

/** The conversation's messages as the server stores them, seen by `p`. */
async function storedTexts(p: Person, convId: string): Promise<string[]> {
  const http = await p.http();
  const r = await http.get<MessagesResponse>(`/api/conversations/${convId}/messages?limit=100`);
  assert.equal(r.status, 200);
  const clientIds = r.body.messages.map((m) => m.clientId);
  assert.equal(new Set(clientIds).size, clientIds.length, 'each clientId stored once');
  return r.body.messages.map((m) => m.text ?? '');
}

test('two people sign up, find each other and chat live: ticks pending → sent → delivered → read, typing', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  await recordStatuses(ana.page);
  await recordStatuses(ben.page);

  // Ana finds Ben with the people search and opens their conversation: nothing in Ben's list until she
  // writes (opening a conversation tells the other person nothing); her first message brings it, live.
  const convId = await startDirect(ana, ben);
  await stays(async () => assert.equal(await conversationItem(ben.page, convId).count(), 0), 600);
  assert.equal(await conversationItem(ana.page, convId).count(), 1, 'in the list of the one who opened it');

  // Ana writes while Ben is on his list: delivered to Ben's device, unread there, not read.
  await send(ana.page, 'Hello Ben!');
  const hello = bubble(ana.page, 'Hello Ben!');
  await hello.waitFor({ timeout: 2000 });
  assert.equal(await ana.page.getByTestId('composer').inputValue(), '', 'the composer is cleared at once');
  await waitStatus(hello, 'delivered');
  await eventually(async () => assert.equal(await unreadBadge(ben.page, convId), 1));
  await eventually(async () =>
    assert.match((await conversationItem(ben.page, convId).textContent()) ?? '', /Hello Ben!/),
  );
  await stays(async () => assert.equal(await hello.getAttribute('data-status'), 'delivered'), 400);

  // Ben opens it: the badge goes, Ana's tick turns to read.
  await openConversation(ben.page, convId);
  await expectTexts(ben.page, ['Hello Ben!']);
  await waitStatus(hello, 'read');
  await eventually(async () => assert.equal(await unreadBadge(ben.page, convId), 0));
  assert.deepEqual(await statusHistory(hello), ['pending', 'sent', 'delivered', 'read']);

  // Ben types: Ana sees "Ben … is typing…"; he sends: it goes away (well before the 6 s expiry).
  const anaTyping = ana.page.getByTestId('typing-indicator');
  assert.equal(await anaTyping.getAttribute('data-active'), 'false');
  await ben.page.getByTestId('composer').fill('Hi Ana, how are you?');
  await eventually(async () => {
    assert.equal(await anaTyping.getAttribute('data-active'), 'true');
    assert.match((await anaTyping.textContent()) ?? '', new RegExp(`${ben.displayName} is typing`));
  });
  await ben.page.getByTestId('composer').press('Enter');
  await eventually(async () => assert.equal(await anaTyping.getAttribute('data-active'), 'false'), { timeout: 3000 });
  await expectTexts(ana.page, ['Hello Ben!', 'Hi Ana, how are you?']);
  // Ana is looking at the conversation: Ben's message is read at once.
  const reply = bubble(ben.page, 'Hi Ana, how are you?');
  await waitStatus(reply, 'read');
  const replyHistory = await statusHistory(reply);
  assert.equal(replyHistory[0], 'pending');
  assert.equal(replyHistory.at(-1), 'read');

  // Ana starts typing and clears the composer: Ben sees it start and stop.
  const benTyping = ben.page.getByTestId('typing-indicator');
  await ana.page.getByTestId('composer').fill('Fine th');
  await eventually(async () => assert.equal(await benTyping.getAttribute('data-active'), 'true'));
  await ana.page.getByTestId('composer').fill('');
  await eventually(async () => assert.equal(await benTyping.getAttribute('data-active'), 'false'), { timeout: 3000 });

  // A few more both ways, live.
  await send(ana.page, 'Fine, thanks');
  await send(ben.page, 'Great');
  await send(ana.page, 'See you');
  const all = ['Hello Ben!', 'Hi Ana, how are you?', 'Fine, thanks', 'Great', 'See you'];
  await expectTexts(ana.page, all);
  await expectTexts(ben.page, all);
  await waitStatus(bubble(ana.page, 'See you'), 'read');
  assert.deepEqual(await storedTexts(ana, convId), all);
});

test('network cut: the other side writes 5 messages; coming back shows them once each, in order, and sends what was typed offline once', async (s) => {
  const { ana, ben, convId, texts } = await twoInConversation(s);
  await recordStatuses(ana.page);

  // Ana loses the network (the browser goes offline: the app drops its socket and says so).
  await ana.context.setOffline(true);
  await waitConnection(ana.page, 'offline');

  const burst = ['one', 'two', 'three', 'four', 'five'].map((n) => `Ben's message ${n}`);
  for (const text of burst) await send(ben.page, text);
  for (const text of burst) await waitStatus(bubble(ben.page, text), 'sent');

  // Ana types a message while offline: it waits, pending, and Ben does not get it.
  await send(ana.page, 'Written offline');
  const offline = bubble(ana.page, 'Written offline');
  await offline.waitFor({ timeout: 2000 });
  await stays(async () => {
    assert.equal(await offline.getAttribute('data-status'), 'pending');
    assert.deepEqual(await messageTexts(ana.page), [...texts, 'Written offline']);
  }, 500);
  assert.deepEqual(await messageTexts(ben.page), [...texts, ...burst]);
  for (const text of burst) assert.equal(await bubble(ben.page, text).getAttribute('data-status'), 'sent');

  // Back online: Ana gets Ben's five once each, in order, then her own message goes out, exactly once.
  await ana.context.setOffline(false);
  await waitOnline(ana.page, RECONNECT_MS);
  const all = [...texts, ...burst, 'Written offline'];
  await expectTexts(ana.page, all, RECONNECT_MS);
  await expectTexts(ben.page, all);
  await waitStatus(offline, 'read');
  const history = (await statusHistory(offline)).filter((st) => st !== 'delivered');
  assert.deepEqual(history, ['pending', 'sent', 'read']);
  // Ana has the conversation open: Ben's five turn to read.
  for (const text of burst) await waitStatus(bubble(ben.page, text), 'read');
  await eventually(async () => assert.equal(await unreadBadge(ana.page, convId), 0));

  // Nothing shows up twice later on either side, nor on the server.
  await send(ben.page, 'Got it');
  all.push('Got it');
  await expectTexts(ana.page, all);
  await stays(async () => {
    assert.deepEqual(await messageTexts(ana.page), all);
    assert.deepEqual(await messageTexts(ben.page), all);
  }, 500);
  assert.deepEqual(await storedTexts(ben, convId), all);
});

test('tab closed: the other side writes 5 messages; a new tab shows the unread badge, then all of them once, in order', async (s) => {
  const { ana, ben, convId, texts } = await twoInConversation(s);

  await ana.page.close();
  const burst = ['one', 'two', 'three', 'four', 'five'].map((n) => `While you were away ${n}`);
  for (const text of burst) await send(ben.page, text);
  for (const text of burst) await waitStatus(bubble(ben.page, text), 'sent');
  await stays(
    async () => assert.equal(await bubble(ben.page, burst[4] as string).getAttribute('data-status'), 'sent'),
    300,
  );

  // Ana opens a new tab on her list: 5 unread, the last one previewed; her device got them (delivered), unread.
  ana.page = await ana.newPage('/');
  await eventually(async () => assert.equal(await unreadBadge(ana.page, convId), 5));
  assert.match((await conversationItem(ana.page, convId).textContent()) ?? '', /While you were away five/);
  assert.equal(await ana.page.title(), '(5) Comptoir');
  for (const text of burst) await waitStatus(bubble(ben.page, text), 'delivered', RECONNECT_MS);
  await stays(
    async () => assert.equal(await bubble(ben.page, burst[4] as string).getAttribute('data-status'), 'delivered'),
    400,
  );

  // She opens the conversation: all of them, once each, in order; read on Ben's side; the badge goes.
  await openConversation(ana.page, convId);
  const all = [...texts, ...burst];
  await expectTexts(ana.page, all);
  for (const text of burst) await waitStatus(bubble(ben.page, text), 'read');
  await eventually(async () => assert.equal(await unreadBadge(ana.page, convId), 0));
  await eventually(async () => assert.equal(await ana.page.title(), 'Comptoir'));

  // And live again from the new tab.
  await send(ana.page, 'Back now');
  all.push('Back now');
  await expectTexts(ben.page, all);
  await waitStatus(bubble(ana.page, 'Back now'), 'read');
  await stays(async () => assert.deepEqual(await messageTexts(ana.page), all), 300);
  assert.deepEqual(await storedTexts(ana, convId), all);
});
