/**
 * Issue 9, "Notifications": a desktop notification for a new message from someone else while another
 * conversation is open (never for the open one while the tab is visible, never for a muted one), the tab's
 * "(n) Comptoir" title, a click that opens the conversation, and a permission that is never asked on load.
 * The browser context is granted the permission; an init script records each Notification constructed
 * (the real API is still called).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { MUTED_FOREVER } from '../../protocol/limits.ts';
import { conversationItem, e2eSuite, eventually, openConversation, type Person, stays, waitOnline } from './browser.ts';

const { test } = e2eSuite();

interface Recorded {
  title: string;
  body: string | undefined;
  tag: string | undefined;
}

/**
 * Records every Notification constructed in the page (window.__notes), then lets the real one be made. A
 * string, not a function: the test's transpiled functions may call helpers that do not exist in the page.
 */
const hookNotifications = `(() => {
  const Real = window.Notification;
  window.__notes = [];
  window.__noteObjects = [];
  class Recording extends Real {
    constructor(title, options) {
      window.__notes.push({ title, body: options && options.body, tag: options && options.tag });
      super(title, options);
      window.__noteObjects.push(this);
    }
    static get permission() {
      return Real.permission;
    }
    static requestPermission(cb) {
      return Real.requestPermission(cb);
    }
  }
  window.Notification = Recording;
})();`;

const icon = (page: Page) => page.locator('link[rel="icon"]').getAttribute('href');
const notes = (page: Page) => page.evaluate(() => (window as unknown as { __notes: Recorded[] }).__notes);

async function post(from: Person, conversationId: string, text: string) {
  const r = await (await from.http()).post(`/api/conversations/${conversationId}/messages`, {
    clientId: `n-${Math.random().toString(36).slice(2, 12)}`,
    text,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

test('a new message elsewhere notifies with sender and text; the open one and a muted one do not; the title counts', async (s) => {
  const [ana, ben, cat] = await s.peopleNamed('Ana', 'Ben', 'Cat');
  await ana.context.grantPermissions(['notifications'], { origin: s.url });
  await ana.context.addInitScript({ content: hookNotifications });
  const direct = async (from: Person, to: Person) =>
    (
      await (
        await from.http()
      ).post<{ conversation: { id: string } }>('/api/conversations/direct', {
        userId: to.id,
      })
    ).body.conversation.id;
  const withBen = await direct(ben, ana);
  const withCat = await direct(cat, ana);
  await post(ben, withBen, 'Hi Ana');
  await post(cat, withCat, 'Hi from Cat');
  await ana.page.reload();
  const page = ana.page;
  await conversationItem(page, withCat).waitFor();
  // Granted before: nothing to offer, nothing asked. What was there before the tab opened notifies nothing.
  assert.equal(await page.getByTestId('notification-banner').count(), 0);
  await eventually(async () => assert.equal(await page.title(), '(2) Comptoir'));
  await eventually(async () => assert.match((await icon(page)) ?? '', /^data:image\/png/), { message: 'a badge' });
  await openConversation(page, withBen);
  await eventually(async () => assert.equal(await page.title(), '(1) Comptoir'), { message: 'Ben’s is read' });
  assert.deepEqual(await notes(page), [], 'no notification for messages of before (catch-up, the list)');

  // Cat writes while Ana reads Ben's conversation: a notification with Cat's name and the text.
  await post(cat, withCat, 'Are you coming tonight?');
  await eventually(async () =>
    assert.deepEqual(
      (await notes(page)).map((n) => [n.title, n.body]),
      [[cat.displayName, 'Are you coming tonight?']],
    ),
  );
  await eventually(async () => assert.equal(await page.title(), '(2) Comptoir'));

  // Ben writes in the conversation open on screen: nothing (then Cat again, as a barrier).
  await post(ben, withBen, 'I see you are here');
  await page.getByTestId('thread').getByText('I see you are here').waitFor();
  await post(cat, withCat, 'Hello?');
  await eventually(async () => assert.equal((await notes(page)).length, 2));
  assert.deepEqual(
    (await notes(page)).map((n) => n.body),
    ['Are you coming tonight?', 'Hello?'],
    'nothing for the open conversation',
  );
  assert.equal(await page.title(), '(3) Comptoir');

  // Ana mutes Cat: no notification, and its unread leave the title's count.
  const mute = await (await ana.http()).patch(`/api/conversations/${withCat}/settings`, { mutedUntil: MUTED_FOREVER });
  assert.equal(mute.status, 200, JSON.stringify(mute.body));
  await eventually(async () => assert.equal(await page.title(), 'Comptoir'), { message: 'muted: not counted' });
  assert.match((await icon(page)) ?? '', /^data:image\/svg/, 'the icon without its badge');
  await post(cat, withCat, 'Muted hello');
  await conversationItem(page, withCat).getByText('Muted hello').waitFor();
  await stays(async () => {
    assert.equal((await notes(page)).length, 2, 'nothing for a muted conversation');
    assert.equal(await page.title(), 'Comptoir');
  }, 500);

  // A click on Cat's notification opens Cat's conversation.
  await page.evaluate(() =>
    (window as unknown as { __noteObjects: Notification[] }).__noteObjects[1]?.dispatchEvent(new Event('click')),
  );
  await page.waitForURL(new RegExp(`/c/${encodeURIComponent(withCat)}$`));

  // Two tabs of one browser: one notification, from the first tab; the second takes over when it closes.
  assert.equal(
    (await (await ana.http()).patch(`/api/conversations/${withCat}/settings`, { mutedUntil: null })).status,
    200,
  );
  await openConversation(page, withBen);
  const second = await ana.newPage();
  await post(cat, withCat, 'Two tabs');
  await eventually(async () => assert.equal((await notes(page)).length, 3));
  await stays(async () => assert.deepEqual(await notes(second), [], 'the second tab stays quiet'), 500);
  await page.close();
  // The browser hands the notifier's lock to the second tab once the first is gone.
  await eventually(async () =>
    assert.deepEqual(
      await second.evaluate(async () => {
        const q = await navigator.locks.query();
        return [q.held?.map((l) => l.name), q.pending?.length];
      }),
      [['comptoir-notifier'], 0],
    ),
  );
  await post(cat, withCat, 'One tab left');
  await eventually(async () =>
    assert.deepEqual(
      (await notes(second)).map((n) => n.body),
      ['One tab left'],
    ),
  );
});

test('permission is offered, never asked on load; the banner can be dismissed for good', async (s) => {
  const [dan] = await s.peopleNamed('Dan');
  const page = dan.page;
  const banner = page.getByTestId('notification-banner');
  await banner.waitFor();
  assert.equal(await banner.getByRole('button', { name: 'Turn on desktop notifications' }).count(), 1);
  assert.equal(await page.evaluate(() => Notification.permission), 'default', 'not asked on load');
  await page.getByTestId('notification-banner-dismiss').click();
  await banner.waitFor({ state: 'detached' });
  await page.reload();
  await waitOnline(page);
  await stays(async () => assert.equal(await banner.count(), 0), 500);
  // Settings keeps the choice: notifications (asking the permission then) and the sound.
  await page.getByTestId('settings-button').click();
  const section = page.getByTestId('settings-notifications');
  await section.waitFor();
  assert.equal(await section.getByTestId('notifications-sound').isChecked(), true);
  await section.getByTestId('notifications-sound').click();
  assert.equal(
    await page.evaluate(() => JSON.parse(localStorage.getItem('comptoir.notifications') ?? '{}').sound),
    false,
  );
});

test('a mute that ends brings the count and the conversation back, with no event to say so', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const withBen = (
    await (await ben.http()).post<{ conversation: { id: string } }>('/api/conversations/direct', { userId: ana.id })
  ).body.conversation.id;
  await post(ben, withBen, 'Unread while muted');
  const page = ana.page;
  await page.reload();
  await conversationItem(page, withBen).getByText('Unread while muted').waitFor();
  await eventually(async () => assert.equal(await page.title(), '(1) Comptoir'));
  // Muted for three seconds (the API takes any time to come; the menu offers 8 hours, a week, always).
  const until = new Date(Date.now() + 3_000).toISOString();
  const mute = await (await ana.http()).patch(`/api/conversations/${withBen}/settings`, { mutedUntil: until });
  assert.equal(mute.status, 200, JSON.stringify(mute.body));
  await eventually(async () => assert.equal(await page.title(), 'Comptoir'), { message: 'muted: not counted' });
  await conversationItem(page, withBen).getByTestId('muted-mark').waitFor();
  // Nothing happens meanwhile: no event, no message. The mute's end alone brings both back.
  await eventually(async () => assert.equal(await page.title(), '(1) Comptoir'), {
    message: 'counted again when the mute ends',
    timeout: 8_000,
  });
  await conversationItem(page, withBen).getByTestId('muted-mark').waitFor({ state: 'detached' });
});
