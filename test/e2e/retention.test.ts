/**
 * A device away for longer than the event log keeps (EVENT_RETENTION_DAYS): on its way back the server
 * answers `reset {cursor_expired}`, and the app reloads its list and the open thread, missing nothing.
 */
import assert from 'node:assert/strict';
import {
  bubble,
  conversationItem,
  e2eSuite,
  expectTexts,
  openConversation,
  RECONNECT_MS,
  send,
  startDirect,
  waitConnection,
  waitOnline,
  waitStatus,
} from './browser.ts';

const { test, env } = e2eSuite({ env: { EVENT_RETENTION_DAYS: '1' } });

test('away past the retention: the app reloads on reset and shows what it missed, once, in order', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const convId = await startDirect(ana, ben);
  await send(ana.page, 'Before the trip');
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  await expectTexts(ben.page, ['Before the trip']);

  // Ben's device goes away; Ana writes; two days later the log no longer keeps any of it.
  await ben.context.setOffline(true);
  await waitConnection(ben.page, 'offline');
  const missed = ['While you were away 1', 'While you were away 2', 'While you were away 3'];
  for (const text of missed) await send(ana.page, text);
  for (const text of missed) await waitStatus(bubble(ana.page, text), 'sent');
  await send(ben.page, 'Written on the plane');
  const retention = env().server.comptoir.retention;
  assert.ok(retention);
  assert.ok((await retention.run(Date.now() + 2 * 24 * 3600_000)) > 0);

  const resets: string[] = [];
  ben.page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      if (String(f.payload).includes('"reset"')) resets.push(String(f.payload));
    }),
  );
  await ben.context.setOffline(false);
  await waitOnline(ben.page, RECONNECT_MS);
  const all = ['Before the trip', ...missed, 'Written on the plane'];
  await expectTexts(ben.page, all, RECONNECT_MS);
  await expectTexts(ana.page, all);
  assert.ok(
    resets.some((r) => r.includes('cursor_expired')),
    'the server said the cursor had expired',
  );
});
