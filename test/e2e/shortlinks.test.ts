/**
 * A page's short link in Chromium (`/m/<username>?ref=…`, Messenger's m.me links): its admin copies it from
 * the page's settings; someone signed in who opens it lands in their conversation with the page (made the
 * first time), the link's URL replaced by the conversation's, and the page's apps get the ref; signed out,
 * the link waits for the sign-in, then goes on; an unknown page or a bad ref is said plainly.
 */
import assert from 'node:assert/strict';
import type { ConversationsResponse, PageResponse } from '../../protocol/api.ts';
import type { ReferralEvent } from '../../server/platform/referrals.ts';
import { conversationWithPage, graphCall, pageWithApp } from '../helpers/platform.ts';
import { e2eSuite, eventually, PASSWORD, type Scene, waitOnline } from './browser.ts';

const { test } = e2eSuite();

/** The referrals the log holds for this person (what the page's apps are sent). */
async function referralsOf(s: Scene, userId: string): Promise<string[]> {
  const server = s.env.server.comptoir;
  const events = await server.storage.reader.events.eventsAfter(0, 10_000, await server.feed.head());
  return events
    .filter((e) => e.type === 'platform.referral')
    .map((e) => JSON.parse(e.payload) as ReferralEvent)
    .filter((e) => e.userId === userId)
    .map((e) => e.ref);
}

test('a short link: copied from the settings, opened signed in, signed out, to no page, with a bad ref', async (s) => {
  const ana = await s.person('Ana', { permissions: ['clipboard-read', 'clipboard-write'] });
  const ben = await s.person('Ben');
  const shop = await pageWithApp(await ana.http(), `Boulangerie ${Date.now() % 100000}`);
  const { page: shopPage } = (await (await ana.http()).get<PageResponse>(`/api/pages/${shop.pageId}`)).body;
  const link = `/m/${shopPage.username}`;

  // Ana copies the page's short link from its settings.
  await ana.page.getByTestId('sidebar-menu-button').click();
  await ana.page.getByTestId('menu-my-pages').click();
  await ana.page.locator(`[data-testid="my-page-item"][data-page-id="${shop.pageId}"]`).click();
  const settings = ana.page.getByTestId('page-settings-dialog');
  const field = settings.getByTestId('page-short-link');
  await field.waitFor();
  assert.equal(await field.inputValue(), `${s.url}${link}`);
  await settings.getByTestId('page-short-link-copy').click();
  await eventually(async () =>
    assert.equal(
      (await settings.getByTestId('page-short-link-copied').textContent())?.trim(),
      'Copied to the clipboard.',
    ),
  );
  assert.equal(await ana.page.evaluate(() => navigator.clipboard.readText()), `${s.url}${link}`);
  await ana.page.keyboard.press('Escape');

  // Ben, signed in, opens it with a ref (a + kept as a +): he lands in his new conversation with the page.
  const page = ben.page;
  await page.goto(`${link}?ref=summer+sale.2025`);
  await page.waitForURL(/\/c\/[^/]+$/);
  const conversationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  const http = await ben.http();
  const mine = (await http.get<ConversationsResponse>('/api/conversations')).body.conversations;
  const withShop = mine.find((c) => c.members.some((m) => m.user.id === shop.pageId));
  assert.equal(withShop?.id, conversationId, 'the conversation with the page');
  await eventually(async () =>
    assert.equal((await page.locator('#thread-title').textContent())?.trim(), shopPage.name),
  );
  // The page has no Get Started button: its apps get the referral at once.
  await eventually(async () => assert.deepEqual(await referralsOf(s, ben.id), ['summer+sale.2025']));
  // The link gave way to the conversation: Back goes where Ben was before it.
  await page.goBack();
  await page.waitForURL((u) => u.pathname === '/');

  // Again, with another ref: the same conversation, and a second referral.
  await page.goto(`${link}?ref=flyer`);
  await page.waitForURL(new RegExp(`/c/${conversationId}$`));
  await eventually(async () => assert.deepEqual(await referralsOf(s, ben.id), ['summer+sale.2025', 'flyer']));

  // No page by that name; a ref the server refuses: said plainly, nothing opened, nothing sent.
  await page.goto('/m/no_such_page_here');
  assert.equal(
    (await page.getByTestId('short-link-error').textContent())?.trim(),
    'No page is called @no_such_page_here. Check the link.',
  );
  await page.goto(`${link}?ref=${encodeURIComponent('not valid!')}`);
  assert.match((await page.getByTestId('short-link-error').textContent()) ?? '', /This link is not valid/);
  assert.equal(new URL(page.url()).pathname, link, 'the link stays where it was');
  assert.deepEqual(await referralsOf(s, ben.id), ['summer+sale.2025', 'flyer']);

  // Signed out, someone follows the link: the sign-in screen says where it goes, then goes there.
  const stranger = await s.newContext('Ben, elsewhere');
  const tab = await stranger.newPage();
  await tab.goto(`${link}?ref=newsletter`);
  assert.equal(
    (await tab.getByTestId('auth-continue').textContent())?.trim(),
    `Sign in to open your conversation with @${shopPage.username}.`,
  );
  await tab.getByTestId('auth-username').fill(ben.username);
  await tab.getByTestId('auth-password').fill(PASSWORD);
  await tab.getByTestId('auth-submit').click();
  await tab.waitForURL(new RegExp(`/c/${conversationId}$`));
  await waitOnline(tab);
  await eventually(async () =>
    assert.deepEqual(await referralsOf(s, ben.id), ['summer+sale.2025', 'flyer', 'newsletter']),
  );
});

test('a short link to a page with Get Started: the ref waits, and the tap carries it', async (s) => {
  const [ana, cat] = await s.peopleNamed('Ana', 'Cat');
  const shop = await pageWithApp(await ana.http(), `Épicerie ${Date.now() % 100000}`);
  const set = await graphCall(s.url, 'POST', '/v19.0/me/messenger_profile', shop.token, {
    get_started: { payload: 'GET_STARTED' },
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  const { page: shopPage } = (await (await ana.http()).get<PageResponse>(`/api/pages/${shop.pageId}`)).body;

  const page = cat.page;
  await page.goto(`/m/${shopPage.username}?ref=ad-42`);
  await page.waitForURL(/\/c\/[^/]+$/);
  const start = page.getByTestId('get-started');
  await start.waitFor();
  const reader = s.env.server.comptoir.storage.reader;
  assert.deepEqual(await reader.pages.pendingRefBetween(shop.pageId, cat.id), {
    pageId: shop.pageId,
    userId: cat.id,
    ref: 'ad-42',
  });
  await start.click();
  const conversationId = await conversationWithPage(await cat.http(), shop.pageId);
  await eventually(async () => {
    const [tap] = await reader.messaging.messagesBefore(conversationId, null, 1);
    assert.deepEqual(tap?.content, {
      postback: { payload: 'GET_STARTED' },
      referral: { ref: 'ad-42', source: 'SHORTLINK' },
    });
  });
  assert.equal(await reader.pages.pendingRefBetween(shop.pageId, cat.id), null);
  assert.deepEqual(await referralsOf(s, cat.id), [], 'carried by the postback');
});
