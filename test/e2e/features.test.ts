/**
 * The web app's features in real browsers: reply / edit / delete, groups, two tabs of one account,
 * languages, safe rendering of message text, keyboard use, the narrow layout, and settings.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signUp as apiSignUp } from '../helpers/client.ts';
import {
  bubble,
  conversationItem,
  e2eSuite,
  eventually,
  expectTexts,
  focusedTestId,
  messageTexts,
  openConversation,
  PASSWORD,
  send,
  startDirect,
  stays,
  unreadBadge,
  WAIT_MS,
  waitFocus,
  waitOnline,
  waitStatus,
} from './browser.ts';

const { test } = e2eSuite();

/** Opens the actions menu of the bubble with `text` and picks `action` (reply, edit, delete). */
async function messageAction(page: Page, text: string, action: 'reply' | 'edit' | 'delete'): Promise<void> {
  await bubble(page, text).getByTestId('message-actions').click();
  await page.getByTestId(`action-${action}`).click();
}

async function threadTitle(page: Page): Promise<string> {
  return ((await page.locator('#thread-title').textContent()) ?? '').trim();
}

/** Presses `key` (Tab, Shift+Tab) until the focused element matches `selector` (at most `max` times). */
async function tabTo(page: Page, selector: string, key = 'Tab', max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`${key} never reached ${selector} (focus is on ${at})`);
}

test('reply, edit and delete for everyone, seen live on the other side', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const convId = await startDirect(ana, ben);
  await send(ana.page, 'Are we on for Friday?');
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  await expectTexts(ben.page, ['Are we on for Friday?']);

  // Ben replies to it: the composer shows what he replies to, and both sides show the quote.
  await messageAction(ben.page, 'Are we on for Friday?', 'reply');
  const banner = ben.page.getByTestId('reply-banner');
  await banner.waitFor();
  assert.match(
    (await banner.textContent()) ?? '',
    new RegExp(`Replying to ${ana.displayName}.*Are we on for Friday\\?`),
  );
  await waitFocus(ben.page, 'composer');
  await ben.page.keyboard.type('Yes, 8 pm');
  await ben.page.keyboard.press('Enter');
  await banner.waitFor({ state: 'detached' });
  for (const page of [ben.page, ana.page]) {
    const quote = bubble(page, 'Yes, 8 pm').getByTestId('message-quote');
    await quote.waitFor();
    assert.match((await quote.textContent()) ?? '', /Are we on for Friday\?/);
  }
  // The quote names its author: Ana for Ben, "You" for Ana.
  assert.equal((await bubble(ben.page, 'Yes, 8 pm').locator('.msg-quote-name').textContent())?.trim(), ana.displayName);
  assert.equal((await bubble(ana.page, 'Yes, 8 pm').locator('.msg-quote-name').textContent())?.trim(), 'You');

  // Ana edits her message: "edited" on both sides, the new text live on Ben's, in the quote too.
  await messageAction(ana.page, 'Are we on for Friday?', 'edit');
  await ana.page.getByTestId('edit-banner').waitFor();
  const composer = ana.page.getByTestId('composer');
  assert.equal(await composer.inputValue(), 'Are we on for Friday?');
  await composer.fill('Are we on for Saturday?');
  await composer.press('Enter');
  await ana.page.getByTestId('edit-banner').waitFor({ state: 'detached' });
  assert.equal(await composer.inputValue(), '');
  for (const page of [ana.page, ben.page]) {
    await expectTexts(page, ['Are we on for Saturday?', 'Yes, 8 pm']);
    const edited = bubble(page, 'Are we on for Saturday?').getByTestId('edited-label');
    await edited.waitFor();
    assert.equal((await edited.textContent())?.trim(), 'edited');
  }
  await eventually(async () =>
    assert.match(
      (await bubble(ben.page, 'Yes, 8 pm').getByTestId('message-quote').textContent()) ?? '',
      /Are we on for Saturday\?/,
    ),
  );

  // Ana deletes it for everyone: both sides show it deleted, the quote says so, and of its actions only
  // "Delete for me" remains (chat management).
  await messageAction(ana.page, 'Are we on for Saturday?', 'delete');
  await ana.page.getByTestId('confirm-delete').click();
  const deleted = ['This message was deleted', 'Yes, 8 pm'];
  await expectTexts(ana.page, deleted);
  await expectTexts(ben.page, deleted);
  for (const page of [ana.page, ben.page]) {
    const gone = bubble(page, 'This message was deleted');
    await gone.getByTestId('message-actions').click();
    assert.deepEqual(
      await page.getByRole('menuitem').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))),
      ['action-delete-for-me'],
    );
    await page.keyboard.press('Escape');
    assert.equal(await gone.getByTestId('edited-label').count(), 0);
    await eventually(async () =>
      assert.match(
        (await bubble(page, 'Yes, 8 pm').getByTestId('message-quote').textContent()) ?? '',
        /The original message was deleted/,
      ),
    );
  }
  assert.doesNotMatch((await ben.page.locator('[data-testid="thread"]').textContent()) ?? '', /Saturday|Friday/);
});

test('a group: create with two others, "seen by", rename, remove a member', async (s) => {
  const [ana, ben, cleo] = await s.peopleNamed('Ana', 'Ben', 'Cleo');

  // Ana creates the group, picking Ben and Cleo with the people picker.
  await ana.page.getByTestId('new-group-button').click();
  const dialog = ana.page.getByTestId('new-group-dialog');
  await dialog.getByTestId('group-title-input').fill('Weekend plans');
  for (const p of [ben, cleo]) {
    await dialog.getByTestId('add-member-search').fill(p.username);
    await dialog.locator(`[data-testid="people-result"][data-user-id="${p.id}"]`).click();
    await dialog.locator(`[data-testid="people-result"][data-user-id="${p.id}"][aria-checked="true"]`).waitFor();
  }
  await dialog.getByTestId('group-create-submit').click();
  await dialog.waitFor({ state: 'detached' });
  await ana.page.waitForURL(/\/c\/[^/]+$/);
  const groupId = decodeURIComponent(new URL(ana.page.url()).pathname.split('/').pop() ?? '');
  assert.equal(await threadTitle(ana.page), 'Weekend plans');
  assert.match((await ana.page.locator('.thread-subtitle').textContent()) ?? '', /3 members/);

  // Ben and Cleo see it in their lists; Ana writes while they are not looking.
  for (const p of [ben, cleo]) await conversationItem(p.page, groupId).waitFor();
  await send(ana.page, 'Who is in?');
  const mine = bubble(ana.page, 'Who is in?');
  await waitStatus(mine, 'delivered');
  assert.equal(await mine.getByTestId('seen-by').count(), 0);

  // Ben opens it: "Seen by Ben" (still delivered: Cleo has not read it); then Cleo: both, and read.
  await openConversation(ben.page, groupId);
  await eventually(async () =>
    assert.equal((await mine.getByTestId('seen-by').textContent())?.trim(), `Seen by ${ben.displayName}`),
  );
  assert.equal(await mine.getAttribute('data-status'), 'delivered');
  await openConversation(cleo.page, groupId);
  await eventually(async () => {
    const seen = (await mine.getByTestId('seen-by').textContent())?.trim() ?? '';
    assert.match(seen, /^Seen by /);
    assert.deepEqual(
      seen
        .replace(/^Seen by /, '')
        .split(', ')
        .sort(),
      [ben.displayName, cleo.displayName].sort(),
    );
  });
  await waitStatus(mine, 'read');
  // In a group, others' bubbles carry the sender's name.
  assert.match((await bubble(ben.page, 'Who is in?').textContent()) ?? '', new RegExp(ana.displayName));

  // Ana renames it: the title changes live for everyone.
  await ana.page.getByTestId('group-settings-button').click();
  const panel = ana.page.getByTestId('group-panel');
  await panel.getByTestId('rename-group-input').fill('Sunday plans');
  await panel.getByTestId('rename-group-save').click();
  for (const p of [ana, ben, cleo]) {
    await eventually(async () => assert.equal(await threadTitle(p.page), 'Sunday plans'));
    await eventually(async () =>
      assert.match((await conversationItem(p.page, groupId).textContent()) ?? '', /Sunday plans/),
    );
  }

  // The history setting: new members see what follows their joining until an admin opens it; Ben, who is
  // not an admin, sees the switch follow live but cannot turn it.
  const history = panel.getByTestId('group-history');
  assert.equal(await history.isChecked(), false);
  await ben.page.getByTestId('group-settings-button').click();
  const benHistory = ben.page.getByTestId('group-panel').getByTestId('group-history');
  assert.equal(await benHistory.isDisabled(), true);
  await history.check();
  await eventually(async () => assert.equal(await benHistory.isChecked(), true));
  await ben.page.getByTestId('group-panel').getByRole('button', { name: 'Close' }).click();

  // Ana removes Cleo: gone from the members; Cleo's list loses the group and her thread turns read-only.
  assert.equal(await panel.getByTestId('member-item').count(), 3);
  await panel.locator(`[data-testid="member-item"][data-user-id="${cleo.id}"]`).getByTestId('remove-member').click();
  await ana.page.getByTestId('confirm-remove-member').click();
  await eventually(async () => assert.equal(await panel.getByTestId('member-item').count(), 2));
  assert.equal(await panel.locator(`[data-testid="member-item"][data-user-id="${cleo.id}"]`).count(), 0);
  await panel.getByRole('button', { name: 'Close' }).click();
  await panel.waitFor({ state: 'detached' });

  await conversationItem(cleo.page, groupId).waitFor({ state: 'detached' });
  await cleo.page.locator('.thread-readonly').waitFor();
  assert.match(
    (await cleo.page.locator('.thread-readonly').textContent()) ?? '',
    /no longer a member of this conversation/,
  );
  assert.equal(await cleo.page.getByTestId('composer').count(), 0);
  assert.equal(await cleo.page.getByTestId('group-settings-button').count(), 0);
  await eventually(async () =>
    assert.match((await ben.page.locator('.thread-subtitle').textContent()) ?? '', /2 members/),
  );

  // What is said after that reaches Ben, not Cleo.
  await send(ana.page, 'Just us two then');
  await expectTexts(ben.page, ['Who is in?', 'Just us two then']);
  await stays(async () => assert.deepEqual(await messageTexts(cleo.page), ['Who is in?']), 500);
});

test('two tabs of one account show the same state live: messages both ways, read state', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const convId = await startDirect(ana, ben);
  const tab1 = ana.page;
  const tab2 = await ana.newPage('/');

  // Sent from tab 1: tab 2's list shows it at once; opened there, it is the same message.
  await send(tab1, 'From tab one');
  await eventually(async () =>
    assert.match((await conversationItem(tab2, convId).textContent()) ?? '', /You: From tab one/),
  );
  await openConversation(tab2, convId);
  await expectTexts(tab2, ['From tab one']);

  // Sent from tab 2: tab 1 shows it live, once.
  await send(tab2, 'From tab two');
  await expectTexts(tab1, ['From tab one', 'From tab two']);
  await waitStatus(bubble(tab1, 'From tab two'), 'delivered');
  await waitStatus(bubble(tab2, 'From tab two'), 'delivered');

  // Ben answers while both of Ana's tabs are on the list: unread in both; read in tab 1 → gone in tab 2.
  await tab1.goBack();
  await tab2.goBack();
  for (const tab of [tab1, tab2]) await tab.getByTestId('thread').waitFor({ state: 'detached' });
  await openConversation(ben.page, convId);
  await send(ben.page, 'Hello both tabs');
  for (const tab of [tab1, tab2]) await eventually(async () => assert.equal(await unreadBadge(tab, convId), 1));
  await waitStatus(bubble(ben.page, 'Hello both tabs'), 'delivered');
  await openConversation(tab1, convId);
  await waitStatus(bubble(ben.page, 'Hello both tabs'), 'read');
  await eventually(async () => assert.equal(await unreadBadge(tab2, convId), 0));
  await eventually(async () => assert.equal(await tab2.title(), 'Comptoir'));
  await expectTexts(tab1, ['From tab one', 'From tab two', 'Hello both tabs']);
});

test('language: switching to French changes the labels and <html lang>; a French browser starts in French', async (s) => {
  const ana = await s.person('Ana');
  const page = ana.page;
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.getByTestId('settings-button').getAttribute('aria-label'), 'Settings');
  assert.equal(await page.getByTestId('people-search').getAttribute('placeholder'), 'Search people and pages (Ctrl+K)');

  await page.getByTestId('settings-button').click();
  const dialog = page.getByTestId('settings-dialog');
  await dialog.getByTestId('language-select').selectOption('fr');
  await eventually(async () => assert.equal(await page.getAttribute('html', 'lang'), 'fr'));
  assert.match((await dialog.locator('h2').first().textContent()) ?? '', /Paramètres/);
  assert.equal((await dialog.getByTestId('signout-button').textContent())?.trim(), 'Se déconnecter');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('settings-button').getAttribute('aria-label'), 'Paramètres');
  assert.equal(await page.getByTestId('people-search').getAttribute('placeholder'), 'Personnes et pages (Ctrl+K)');
  assert.match((await page.locator('.sidebar-empty').textContent()) ?? '', /Aucune conversation/);

  // The choice is kept across a reload.
  await page.reload();
  await waitOnline(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.equal(await page.getByTestId('settings-button').getAttribute('aria-label'), 'Paramètres');

  // A browser whose language is French starts in French, on the sign-in screen already.
  const fr = await s.newContext('Visitor-fr', { locale: 'fr-FR' });
  const visitor = await fr.newPage();
  await visitor.goto('/');
  await visitor.getByTestId('auth-submit').waitFor();
  assert.equal(await visitor.getAttribute('html', 'lang'), 'fr');
  assert.equal((await visitor.locator('h1').textContent())?.trim(), 'Connexion');
  assert.equal((await visitor.getByTestId('auth-switch').textContent())?.trim(), 'Nouveau ici\u202f? Créez un compte');
  assert.equal(await visitor.getByTestId('language-select').inputValue(), 'fr');
});

test('message text: links are safe new-tab anchors, javascript: URLs and markup stay text, nothing executes', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  // The guard: nothing may set window.__pwned, nor open a dialog (alert and the like).
  const dialogs: string[] = [];
  for (const p of [ana, ben]) {
    p.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    assert.equal(await p.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
  }
  const convId = await startDirect(ana, ben);

  const texts = [
    'Docs at https://example.com/guide?x=1&y=2 (see section 2).',
    'javascript:window.__pwned=1',
    '[click](javascript:window.__pwned=2)',
    '<script>window.__pwned=3</script>',
    '<img src=x onerror="window.__pwned=4">',
    '<a href="javascript:window.__pwned=5">html link</a>',
  ];
  for (const text of texts) await send(ana.page, text);
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  for (const page of [ana.page, ben.page]) {
    await expectTexts(page, texts);
    const thread = page.getByTestId('thread');
    // Exactly one link, to the http(s) URL, opened in a new tab without access to this one.
    const links = thread.locator('[data-testid="message-text"] a');
    assert.equal(await links.count(), 1);
    const link = links.first();
    assert.equal(await link.getAttribute('href'), 'https://example.com/guide?x=1&y=2');
    assert.equal(await link.textContent(), 'https://example.com/guide?x=1&y=2');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('dir'), 'ltr', 'isolated from bidi controls around it');
    const rel = ((await link.getAttribute('rel')) ?? '').split(/\s+/);
    assert.ok(rel.includes('noopener'), `rel="${rel.join(' ')}" has noopener`);
    // The markup is shown as typed, not turned into elements.
    assert.equal(await thread.locator('img, script, [onerror]').count(), 0);
    assert.equal(await thread.locator('a[href^="javascript:" i]').count(), 0);
  }
  // Clicking the texts that look like code runs nothing.
  await bubble(ben.page, 'javascript:window.__pwned=1').getByTestId('message-text').click();
  await bubble(ben.page, '<a href="javascript:window.__pwned=5">html link</a>').getByTestId('message-text').click();
  for (const p of [ana, ben]) {
    assert.equal(await p.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
  }
  assert.deepEqual(dialogs, []);
});

test('keyboard only: sign in, open a conversation, reply then cancel with Escape, send', async (s) => {
  const ben = await s.person('Ben');
  // Kai's account and Ben's conversation with him exist already (made through the API).
  const kai = await apiSignUp(s.url, `kai_${process.pid % 10000}_${Date.now() % 100000}`, PASSWORD);
  const r = await (await ben.http()).post<{ conversation: { id: string } }>('/api/conversations/direct', {
    userId: kai.user.id,
  });
  assert.equal(r.status, 201);
  const convId = r.body.conversation.id;
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  await send(ben.page, 'Ping from Ben');

  const context = await s.newContext('Kai');
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('auth-submit').waitFor();
  await tabTo(page, '[data-testid="auth-username"]');
  await page.keyboard.type(kai.user.username);
  await page.keyboard.press('Tab');
  assert.equal(await focusedTestId(page), 'auth-password');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await waitOnline(page);

  // To the conversation in the list, Enter opens it.
  await tabTo(page, `[data-testid="conversation-item"][data-conversation-id="${convId}"]`);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/c/${convId}$`));
  await expectTexts(page, ['Ping from Ben']);

  // To Ben's message; Enter opens its menu, Enter picks "Reply": the composer has focus, with the banner.
  await tabTo(page, '[data-testid="message"]');
  await page.keyboard.press('Enter');
  await page.locator('[role="menu"]').waitFor();
  await waitFocus(page, 'action-reply');
  await page.keyboard.press('Enter');
  await page.getByTestId('reply-banner').waitFor();
  await waitFocus(page, 'composer');

  // Escape cancels the reply; what is typed then goes out as a plain message with Enter.
  await page.keyboard.press('Escape');
  await page.getByTestId('reply-banner').waitFor({ state: 'detached' });
  await page.keyboard.type('Typed with the keyboard only');
  await page.keyboard.press('Enter');
  await expectTexts(page, ['Ping from Ben', 'Typed with the keyboard only']);
  await expectTexts(ben.page, ['Ping from Ben', 'Typed with the keyboard only']);
  assert.equal(await bubble(ben.page, 'Typed with the keyboard only').getByTestId('message-quote').count(), 0);
  await waitStatus(bubble(page, 'Typed with the keyboard only'), 'read');

  // Reply by keyboard for real this time: back from the composer into the thread, Home to the first message.
  assert.equal(await focusedTestId(page), 'composer');
  await tabTo(page, '[data-testid="message"]', 'Shift+Tab', 6);
  await page.keyboard.press('Home');
  assert.match(
    (await page.evaluate(() => document.activeElement?.textContent)) ?? '',
    /Ping from Ben/,
    'Home moves to the first message',
  );
  await page.keyboard.press('Enter');
  await waitFocus(page, 'action-reply');
  await page.keyboard.press('Enter');
  await page.getByTestId('reply-banner').waitFor();
  await waitFocus(page, 'composer');
  await page.keyboard.type('Pong');
  await page.keyboard.press('Enter');
  await bubble(ben.page, 'Pong').getByTestId('message-quote').waitFor();
  assert.match((await bubble(ben.page, 'Pong').getByTestId('message-quote').textContent()) ?? '', /Ping from Ben/);
});

test('narrow screen (400×800): the list and the thread one at a time, with a back button', async (s) => {
  const ana = await s.person('Ana', { viewport: { width: 400, height: 800 } });
  const ben = await s.person('Ben');
  const page = ana.page;
  const sidebar = page.locator('.sidebar');
  const back = page.getByTestId('back-button');

  assert.ok(await sidebar.isVisible(), 'the list is shown first');
  assert.equal(await page.locator('.main-pane').isVisible(), false);

  const convId = await startDirect(ana, ben);
  await page.getByTestId('composer').waitFor();
  assert.equal(await sidebar.isVisible(), false, 'the thread replaces the list');
  assert.ok(await back.isVisible());
  const box = await page.getByTestId('thread').boundingBox();
  assert.ok(box && box.width <= 400, 'the thread fits the screen');
  await send(page, 'Hello from a phone');
  await waitStatus(bubble(page, 'Hello from a phone'), 'delivered');

  await back.click();
  await page.waitForURL(/\/$/);
  await sidebar.waitFor();
  assert.equal(await page.locator('.main-pane').isVisible(), false);
  assert.match((await conversationItem(page, convId).textContent()) ?? '', /Hello from a phone/);

  await openConversation(page, convId);
  assert.equal(await sidebar.isVisible(), false);
  await expectTexts(page, ['Hello from a phone']);

  // The browser's back button does the same.
  await page.goBack();
  await sidebar.waitFor();
  assert.equal(await page.locator('.main-pane').isVisible(), false);

  // On a wide screen both show side by side and there is no back button.
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  assert.ok(await ben.page.locator('.sidebar').isVisible());
  assert.ok(await ben.page.getByTestId('thread').isVisible());
  assert.equal(await ben.page.getByTestId('back-button').isVisible(), false);
});

test('settings: display name seen by the other person, sessions with this device, revoke, sign out', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const convId = await startDirect(ana, ben);
  await send(ana.page, 'Hello Ben');
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  assert.equal(await threadTitle(ben.page), ana.displayName);

  // A second device of Ana's (signed in through the sign-in screen).
  const other = await s.newContext('Ana-second-device');
  const device = await other.newPage();
  await device.goto('/');
  await device.getByTestId('auth-username').fill(ana.username);
  await device.getByTestId('auth-password').fill(PASSWORD);
  await device.getByTestId('auth-submit').click();
  await waitOnline(device);

  const page = ana.page;
  await page.getByTestId('settings-button').click();
  const dialog = page.getByTestId('settings-dialog');

  // The display name: saved, and Ben's side follows live.
  const newName = `Ana Martin ${ana.username.slice(-4)}`;
  await dialog.getByTestId('display-name-input').fill(newName);
  await dialog.getByTestId('display-name-save').click();
  await dialog.getByText('Saved').waitFor();
  await eventually(async () => assert.equal(await threadTitle(ben.page), newName));
  await eventually(async () =>
    assert.match((await conversationItem(ben.page, convId).textContent()) ?? '', new RegExp(newName)),
  );

  // Sessions: this device (current, no revoke button) and the other one.
  const sessions = dialog.getByTestId('session-item');
  await eventually(async () => assert.equal(await sessions.count(), 2));
  const current = dialog.locator('[data-testid="session-item"][data-current="true"]');
  assert.equal(await current.count(), 1);
  assert.match((await current.textContent()) ?? '', /Chrome · Linux/);
  assert.match((await current.textContent()) ?? '', /This device|current/i);
  assert.equal(await current.getByTestId('session-revoke').count(), 0);
  await dialog.locator('[data-testid="session-item"][data-current="false"]').getByTestId('session-revoke').click();
  await eventually(async () => assert.equal(await sessions.count(), 1));
  // The revoked device is sent back to the sign-in screen, told why.
  await device.getByTestId('auth-error').waitFor({ timeout: WAIT_MS });
  assert.match((await device.getByTestId('auth-error').textContent()) ?? '', /session has ended/);

  // Sign out: back to the sign-in screen, and still signed out after a reload.
  await dialog.getByTestId('signout-button').click();
  await page.getByTestId('auth-submit').waitFor();
  assert.equal((await page.locator('h1').textContent())?.trim(), 'Sign in');
  assert.equal(new URL(page.url()).pathname, '/');
  await page.reload();
  await page.getByTestId('auth-submit').waitFor();
  assert.equal(await page.getByTestId('composer').count(), 0);
  const me = await ana.context.request.get('/api/me');
  assert.equal(me.status(), 401);
});
