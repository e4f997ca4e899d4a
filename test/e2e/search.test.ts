/**
 * Issue 9, "Search": the sidebar's search box finds a word in an old message of a group with more than a
 * page of history; the result opens the thread at that message, in view, with history around it, and
 * scrolling down loads newer messages up to the newest. A member who joined later (history "joined")
 * does not find what came before them; another people's conversation is never found.
 */
import assert from 'node:assert/strict';
import { conversationItem, e2eSuite, eventually, WAIT_MS } from './browser.ts';

const { test } = e2eSuite({ env: { RATE_MESSAGES_PER_SECOND: '1000', RATE_MESSAGES_BURST: '1000' } });

test('finds an old message, opens the thread at it, pages down to the newest; never what one may not read', async (s) => {
  const [ana, ben, cyd, dan] = await s.peopleNamed('Ana', 'Ben', 'Cyd', 'Dan');
  const http = await ana.http();
  const group = (
    await http.post<{ conversation: { id: string } }>('/api/conversations/group', {
      title: 'Randonnée',
      memberIds: [ben.id],
    })
  ).body.conversation.id;
  let n = 0;
  const say = async (client: typeof http, conversationId: string, text: string) => {
    const r = await client.post(`/api/conversations/${conversationId}/messages`, { clientId: `search-${++n}`, text });
    assert.equal(r.status, 201);
  };
  await say(http, group, 'On part au lever du soleil, prévoyez le pamplemousse et les gourdes');
  for (let i = 1; i <= 130; i++) await say(http, group, `Message ${i} du groupe`);
  // Cyd joins afterwards (history "joined": what came before is not theirs to read).
  assert.equal((await http.post(`/api/conversations/${group}/members`, { userIds: [cyd.id] })).status, 200);
  await say(http, group, 'Dernier message');
  // Ben and Dan's one-to-one: Ana is not in it.
  const benHttp = await ben.http();
  const theirs = (await benHttp.post<{ conversation: { id: string } }>('/api/conversations/direct', { userId: dan.id }))
    .body.conversation.id;
  await say(benHttp, theirs, 'Un pamplemousse rien que pour nous');

  const page = ana.page;
  await conversationItem(page, group).waitFor();
  const box = page.getByTestId('people-search');
  await box.fill('pamplem');
  const result = page.getByTestId('message-result');
  await eventually(async () => assert.equal(await result.count(), 1, 'the group’s message only, not Ben and Dan’s'));
  assert.equal(await result.locator('mark').textContent(), 'pamplemousse');
  assert.match((await result.textContent()) ?? '', /Randonnée/);
  // The list is filtered too: no conversation is named so.
  assert.equal(await conversationItem(page, group).count(), 0);

  // Keyboard: ↓ from the box to the result, Enter opens the thread at the message.
  await box.focus();
  await page.keyboard.press('ArrowDown');
  await eventually(async () =>
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'message-result'),
  );
  await page.keyboard.press('Enter');
  const target = page.locator('[data-testid="message"]', { hasText: 'prévoyez le pamplemousse' });
  await target.waitFor({ timeout: WAIT_MS });
  const inView = (text: string) =>
    page.evaluate((t) => {
      const box = document.querySelector('[data-testid="thread"]')?.getBoundingClientRect();
      const el = [...document.querySelectorAll('[data-testid="message"]')].find((m) => m.textContent?.includes(t));
      if (!el || !box) return false;
      const r = el.getBoundingClientRect();
      return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    }, text);
  await eventually(async () => assert.ok(await inView('prévoyez le pamplemousse'), 'the found message is in view'));
  // History around it: the newest message is not loaded yet; scrolling down brings newer pages up to it.
  assert.equal(await page.locator('[data-testid="message"]', { hasText: 'Dernier message' }).count(), 0);
  assert.ok((await page.locator('[data-testid="message"]', { hasText: 'Message 20 du groupe' }).count()) > 0);
  await eventually(
    async () => {
      await page.getByTestId('thread').evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      assert.ok(await inView('Dernier message'), 'scrolled down to the newest');
    },
    { timeout: 15_000, interval: 200 },
  );
  // Joined to the live tail: a new message appears at the bottom.
  await say(await ben.http(), group, 'Tout juste arrivé');
  await page.locator('[data-testid="message"]', { hasText: 'Tout juste arrivé' }).waitFor();
  const texts = await page.locator('[data-testid="message-text"]').allTextContents();
  const seqs = texts
    .map((t) => /^Message (\d+) du groupe$/.exec(t)?.[1])
    .filter(Boolean)
    .map(Number);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => (seqs[0] as number) + i),
    'no hole between the pages',
  );

  // Cyd, who joined later, finds nothing from before; Dan finds his own.
  await conversationItem(cyd.page, group).waitFor();
  await cyd.page.getByTestId('people-search').fill('pamplemousse');
  await cyd.page.getByTestId('message-search-none').waitFor();
  assert.equal(await cyd.page.getByTestId('message-result').count(), 0);
  await dan.page.getByTestId('people-search').fill('pamplemousse');
  await eventually(async () => assert.equal(await dan.page.getByTestId('message-result').count(), 1));
});
