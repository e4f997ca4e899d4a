/**
 * The business inbox's defects, fixed: browsing a thread's status or assignee with the keyboard commits
 * nothing (only an explicit action does: no resolve, no satisfaction question sent by an arrow key); a
 * customer who writes again in an open thread moves it to the top of the list; Alt+↑/↓ walks the list as
 * filtered, never into a conversation it does not show.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { e2eSuite, eventually, focusedTestId, type Person, RECONNECT_MS, send, stays } from './browser.ts';
import { item, listed, openInbox, pageRunBy } from './inboxes.ts';

const { test } = e2eSuite();

type Http = Awaited<ReturnType<Person['http']>>;

/** The customer opens the page's conversation and writes in it; answers its id. */
async function writeToPage(person: Person, page: { id: string; username: string }, text: string): Promise<string> {
  await person.page.getByTestId('people-search').fill(page.username);
  await person.page.locator(`[data-testid="page-result"][data-page-id="${page.id}"]`).click();
  await person.page.waitForURL(/\/c\/[^/]+$/);
  await person.page.getByTestId('composer').waitFor();
  await send(person.page, text);
  return decodeURIComponent(new URL(person.page.url()).pathname.split('/').pop() ?? '');
}

const openedId = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');

interface ThreadState {
  status: string;
  assignee: { id: string } | null;
}
const threadOf = async (http: Http, pageId: string, conversationId: string): Promise<ThreadState> => {
  const r = await http.get<{ thread: ThreadState }>(`/api/pages/${pageId}/inbox/threads/${conversationId}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.thread;
};
/** The satisfaction questions the customer received in the conversation. */
const questions = async (http: Http, conversationId: string): Promise<number> => {
  const r = await http.get<{ messages: { csat?: unknown }[] }>(`/api/conversations/${conversationId}/messages`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.messages.filter((m) => m.csat).length;
};

test('arrow keys browse the status and the assignee without committing; Enter commits', async (s) => {
  const [ana, ben, cleo] = await s.peopleNamed('Ana', 'Ben', 'Cleo');
  const shop = await pageRunBy(ana, 'Quincaillerie', [ben]);
  const admin = await ana.http();
  assert.equal((await admin.put(`/api/pages/${shop.id}/inbox/settings`, { csatEnabled: true })).status, 200);
  const convId = await writeToPage(cleo, shop, 'Il me manque une vis');
  const customer = await cleo.http();

  const inbox = await openInbox(ana, shop.id);
  await item(inbox, convId).click();
  await inbox.getByTestId('thread-tools').waitFor();
  assert.equal(await inbox.getByTestId('thread-tools').getAttribute('data-status'), 'open');

  // The status: focused, ArrowDown twice (past "Pending" to "Resolved"): nothing is committed.
  await inbox.getByTestId('work-status-open').focus();
  await inbox.keyboard.press('ArrowDown');
  await inbox.keyboard.press('ArrowDown');
  assert.equal(await focusedTestId(inbox), 'work-status-resolved', 'the arrows move between the statuses');
  await stays(async () => {
    assert.equal((await threadOf(admin, shop.id, convId)).status, 'open');
    assert.equal(await questions(customer, convId), 0, 'no satisfaction question sent');
  }, 1000);
  assert.equal(await inbox.getByTestId('thread-tools').getAttribute('data-status'), 'open');
  // Enter sets the status the focus is on: resolved, and the customer is asked, once.
  await inbox.keyboard.press('Enter');
  await eventually(async () => assert.equal((await threadOf(admin, shop.id, convId)).status, 'resolved'));
  await eventually(async () => assert.equal(await questions(customer, convId), 1));
  await eventually(async () =>
    assert.equal(await inbox.getByTestId('work-status-resolved').getAttribute('aria-pressed'), 'true'),
  );
  // Tab leaves the statuses at once (one Tab stop), and comes back to the pressed one.
  await inbox.getByTestId('work-status-open').focus();
  await inbox.keyboard.press('Shift+Tab');
  await inbox.keyboard.press('Tab');
  assert.equal(await focusedTestId(inbox), 'work-status-resolved');

  // The assignee: browsing the list with the arrows assigns no one; Enter assigns the one chosen.
  const assignee = inbox.getByTestId('work-assignee');
  await eventually(async () => assert.equal(await assignee.locator('option').count(), 3), { message: 'members' });
  await assignee.focus();
  await inbox.keyboard.press('ArrowDown');
  await inbox.keyboard.press('ArrowDown');
  const chosen = await assignee.inputValue();
  assert.ok(chosen === ana.id || chosen === ben.id, `a member is chosen: ${chosen}`);
  await stays(async () => assert.equal((await threadOf(admin, shop.id, convId)).assignee, null), 1000);
  await inbox.keyboard.press('Enter');
  await eventually(async () => assert.equal((await threadOf(admin, shop.id, convId)).assignee?.id, chosen));
  // Or the button: back to nobody.
  await assignee.selectOption('');
  assert.equal((await threadOf(admin, shop.id, convId)).assignee?.id, chosen, 'not before the button');
  await inbox.getByTestId('work-assign').click();
  await eventually(async () => assert.equal((await threadOf(admin, shop.id, convId)).assignee, null));
  assert.equal(await inbox.getByTestId('work-assign').isDisabled(), true, 'nothing more to assign');
});

test('a customer who writes again in an open thread moves it to the top of the list', async (s) => {
  const [ana, cleo, dora] = await s.peopleNamed('Ana', 'Cleo', 'Dora');
  const shop = await pageRunBy(ana, 'Librairie', []);
  const first = await writeToPage(cleo, shop, 'Bonjour, un livre ?');
  const second = await writeToPage(dora, shop, 'Bonjour, une carte ?');
  const inbox = await openInbox(ana, shop.id);
  await eventually(async () => assert.deepEqual(await listed(inbox), [second, first]), { timeout: RECONNECT_MS });
  await item(inbox, first).click();
  await inbox.getByTestId('thread-tools').waitFor();
  // Cleo writes again: her thread (open) is now the one with the newest customer message.
  await send(cleo.page, 'Celui de la vitrine');
  await eventually(async () => assert.deepEqual(await listed(inbox), [first, second]));
  // Then Dora, in hers.
  await send(dora.page, 'Pour un anniversaire');
  await eventually(async () => assert.deepEqual(await listed(inbox), [second, first]));
});

test('Alt+ArrowDown and Alt+ArrowUp walk the filtered list only', async (s) => {
  const [ana, cleo, dora, eve] = await s.peopleNamed('Ana', 'Cleo', 'Dora', 'Eve');
  const shop = await pageRunBy(ana, 'Boulangerie', []);
  const admin = await ana.http();
  // Written in this order: the newest first is Cleo's, then Dora's, then Eve's.
  const e = await writeToPage(eve, shop, 'Du pain ?');
  const d = await writeToPage(dora, shop, 'Des croissants ?');
  const c = await writeToPage(cleo, shop, 'Une baguette ?');
  // Dora's waits on her: the open filter lists Cleo's and Eve's, not hers.
  const pending = await admin.put(`/api/pages/${shop.id}/inbox/threads/${d}/status`, { status: 'pending' });
  assert.equal(pending.status, 200, JSON.stringify(pending.body));
  const inbox = await openInbox(ana, shop.id);
  await inbox.getByTestId('work-filter-open').click();
  await eventually(async () => assert.deepEqual(await listed(inbox), [c, e]), { timeout: RECONNECT_MS });
  await item(inbox, c).click();
  await inbox.getByTestId('thread-tools').waitFor();
  await inbox.keyboard.press('Alt+ArrowDown');
  await eventually(() => assert.equal(openedId(inbox), e));
  await inbox.keyboard.press('Alt+ArrowDown');
  await eventually(() => assert.equal(openedId(inbox), c), { message: 'wraps around to the top' });
  await inbox.keyboard.press('Alt+ArrowUp');
  await eventually(() => assert.equal(openedId(inbox), e), { message: 'from the top, up goes to the bottom' });
  await inbox.keyboard.press('Alt+ArrowUp');
  await eventually(() => assert.equal(openedId(inbox), c));
  assert.deepEqual(await listed(inbox), [c, e]);
});
