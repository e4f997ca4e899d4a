/**
 * The business inbox's list past its first page: a page with more open conversations than one page (50)
 * shows "Load more" at the end of its list; the agent reaches it with Tab and presses it with the keyboard,
 * the next page is appended and the focus goes to the first conversation it brought — the 51st, which no
 * other way but a search could reach before. A live change that has the list read again keeps it in view.
 * In French, the button reads « Afficher plus ».
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { type HttpClient, signUp } from '../helpers/client.ts';
import { e2eSuite, eventually, focusedTestId, stays } from './browser.ts';
import { item, listed, openInbox, pageRunBy } from './inboxes.ts';

const { test } = e2eSuite();

/** The inbox's page of threads (inboxLimits.threadsPage.default): one more customer than that. */
const PAGE = 50;

/** A customer (over HTTP only) opens the page's conversation and writes in it: its id. */
async function writeToPage(customer: HttpClient, pageId: string, text: string): Promise<string> {
  const conv = await customer.post<{ conversation: { id: string } }>(`/api/pages/${pageId}/conversation`);
  assert.ok(conv.status === 200 || conv.status === 201, JSON.stringify(conv.body));
  const id = conv.body.conversation.id;
  const sent = await customer.post(`/api/conversations/${id}/messages`, {
    clientId: `more-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`,
    text,
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  return id;
}

const focusedConversation = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.conversationId ?? null);

test(
  'a page with more conversations than one page: "Load more", pressed with the keyboard, brings the 51st',
  async (s) => {
    const [ana, eve] = await Promise.all([s.person('Ana'), s.person('Eve', { locale: 'fr-FR' })]);
    const shop = await pageRunBy(ana, 'Grande Epicerie', [eve]);
    const customers = await Promise.all(Array.from({ length: PAGE + 1 }, () => signUp(s.url)));
    // The first to write is the oldest: listed last (newest customer message first), the 51st.
    const [first, ...rest] = customers;
    assert.ok(first);
    const oldest = await writeToPage(first.http, shop.id, 'Le plus ancien message');
    const others = await Promise.all(rest.map((c, i) => writeToPage(c.http, shop.id, `Bonjour ${i + 1}`)));

    const inbox = await openInbox(ana, shop.id);
    await eventually(async () => assert.equal((await listed(inbox)).length, PAGE));
    assert.ok(!(await listed(inbox)).includes(oldest), 'the 51st is not on the first page');
    const more = inbox.getByTestId('work-load-more');
    assert.equal((await more.textContent())?.trim(), 'Load more');

    // From the last conversation listed, Tab reaches the button; Enter presses it.
    const last = (await listed(inbox)).at(-1) ?? '';
    await item(inbox, last).focus();
    await inbox.keyboard.press('Tab');
    assert.equal(await focusedTestId(inbox), 'work-load-more');
    await inbox.keyboard.press('Enter');
    await item(inbox, oldest).waitFor();
    assert.equal((await listed(inbox)).length, PAGE + 1);
    assert.equal((await listed(inbox)).at(-1), oldest, 'appended at the end, nothing listed twice');
    // The focus is on the conversation the page brought; the list is at its end: no button any more.
    await eventually(async () => assert.equal(await focusedConversation(inbox), oldest));
    await more.waitFor({ state: 'detached' });
    // Enter opens it.
    await inbox.keyboard.press('Enter');
    await inbox.waitForURL(new RegExp(`/inbox/${shop.id}/c/${oldest}$`));

    // A live change (another thread assigned) has the list read again: the 51st stays listed.
    const admin = await ana.http();
    const assigned = await admin.put(`/api/pages/${shop.id}/inbox/threads/${others[0]}/assignee`, { userId: ana.id });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    await eventually(async () =>
      assert.match(
        (await item(inbox, others[0] ?? '')
          .getByTestId('work-item-meta')
          .textContent()) ?? '',
        /Ana/,
      ),
    );
    await stays(async () => {
      const ids = await listed(inbox);
      assert.equal(ids.length, PAGE + 1);
      assert.ok(ids.includes(oldest));
    }, 1000);

    // Eve, in French: « Afficher plus », pressed with Space.
    const fr = await openInbox(eve, shop.id);
    await eventually(async () => assert.equal((await listed(fr)).length, PAGE));
    const plus = fr.getByTestId('work-load-more');
    assert.equal((await plus.textContent())?.trim(), 'Afficher plus');
    await plus.focus();
    await fr.keyboard.press('Space');
    await item(fr, oldest).waitFor();
    await eventually(async () => assert.equal(await focusedConversation(fr), oldest));
  },
  { timeout: 120_000 },
);
