/**
 * Issue 9's time defects in a real browser: one clock per language (12 h "3:12 AM" in English, 24 h "03:12"
 * in French) in messages and in the list alike, and the full date on hover of a message's time.
 */
import assert from 'node:assert/strict';
import { bubble, conversationItem, e2eSuite, openConversation, send, startDirect } from './browser.ts';

const { test } = e2eSuite();

/** Intl's (narrow) no-break spaces as plain spaces. */
const plain = (s: string | null) => (s ?? '').replace(/\s/g, ' ').trim();

test('message times: the language’s clock, the same in the list, and the full date on hover', async (s) => {
  const ana = await s.person('Ana', { locale: 'en-US' });
  const ben = await s.person('Ben', { locale: 'fr-FR' });
  const convId = await startDirect(ana, ben);
  await send(ana.page, 'Hello');

  const anaTime = bubble(ana.page, 'Hello').locator('.msg-meta time');
  await bubble(ana.page, 'Hello').waitFor();
  const shown = plain(await anaTime.textContent());
  assert.match(shown, /^(1[0-2]|[1-9]):[0-5]\d [AP]M$/, 'English: 12 h, no leading zero');
  assert.equal(
    plain(await conversationItem(ana.page, convId).locator('time').textContent()),
    shown,
    'same in the list',
  );
  const full = plain(await anaTime.getAttribute('title'));
  assert.match(full, /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \w+ \d{1,2}, \d{4} at /);
  assert.ok(full.endsWith(shown), full);

  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  const benTime = bubble(ben.page, 'Hello').locator('.msg-meta time');
  const benShown = plain(await benTime.textContent());
  assert.match(benShown, /^([01]\d|2[0-3]):[0-5]\d$/, 'French: 24 h');
  const benFull = plain(await benTime.getAttribute('title'));
  assert.match(benFull, /^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} \S+ \d{4} à /);
  assert.ok(benFull.endsWith(benShown), benFull);
});
