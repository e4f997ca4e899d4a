/**
 * A page's inbox in the web app: a person messages a page in one browser; an agent of the page, in
 * another, sees it arrive live in the page's inbox, reads it (the person sees it read) and answers as the
 * page (the person gets it live); the page's bot's template shows there read-only; back to the agent's own
 * messages; removed from the page, the agent's inbox closes at once. Then the inbox in French.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  bubble,
  e2eSuite,
  eventually,
  expectTexts,
  messageTexts,
  type Person,
  RECONNECT_MS,
  send,
  waitFocus,
  waitStatus,
} from './browser.ts';
import { pageRunBy } from './inboxes.ts';

const { test, env } = e2eSuite();

/** From the person's messenger: finds the page with the search and opens their conversation with it. */
async function openPageConversation(person: Person, page: { id: string; username: string }): Promise<string> {
  await person.page.getByTestId('people-search').fill(page.username);
  await person.page.locator(`[data-testid="page-result"][data-page-id="${page.id}"]`).click();
  await person.page.waitForURL(/\/c\/[^/]+$/);
  await person.page.getByTestId('composer').waitFor();
  return decodeURIComponent(new URL(person.page.url()).pathname.split('/').pop() ?? '');
}

/** Opens the page's inbox from "My pages" (the sidebar's menu), and waits for its socket. */
async function openInbox(agent: Person, pageId: string): Promise<Page> {
  const page = agent.page;
  await page.getByTestId('sidebar-menu-button').click();
  await page.getByTestId('menu-my-pages').click();
  const mine = page.getByTestId('my-pages-dialog');
  const row = mine.locator('li', { has: page.locator(`[data-testid="my-page-item"][data-page-id="${pageId}"]`) });
  await row.getByTestId('my-page-inbox').click();
  await mine.waitFor({ state: 'detached' });
  await page.waitForURL(new RegExp(`/inbox/${pageId}$`));
  await page.locator('[data-testid="inbox-connection-status"][data-state="online"]').waitFor({ timeout: RECONNECT_MS });
  return page;
}

const inboxItem = (page: Page, conversationId: string) =>
  page.locator(`[data-testid="inbox-item"][data-conversation-id="${conversationId}"]`);

test('a person writes to a page; its agent answers from the inbox, live both ways', async (s) => {
  const [ana, ben, cleo] = await s.peopleNamed('Ana', 'Ben', 'Cleo');
  const shop = await pageRunBy(ana, 'Fromagerie Lucie', [ben]);

  // Ben, an agent of the page, opens its inbox: no one has written yet.
  const inbox = await openInbox(ben, shop.id);
  assert.equal((await inbox.locator('h1').textContent())?.trim(), 'Fromagerie Lucie · Inbox');
  await inbox.getByTestId('inbox-empty').waitFor();

  // Cleo writes to the page: the conversation appears in Ben's inbox, live, unread.
  const convId = await openPageConversation(cleo, shop);
  await send(cleo.page, 'Bonjour, vous avez du comté ?');
  const mine = bubble(cleo.page, 'Bonjour, vous avez du comté ?');
  await waitStatus(mine, 'delivered', RECONNECT_MS);
  const item = inboxItem(inbox, convId);
  await item.waitFor();
  assert.equal((await item.getByTestId('inbox-item-name').textContent())?.trim(), cleo.displayName);
  assert.equal((await item.getByTestId('inbox-item-preview').textContent())?.trim(), 'Bonjour, vous avez du comté ?');
  assert.equal((await item.getByTestId('inbox-unread').textContent())?.trim(), '1');

  // Ben opens it with the keyboard (Alt+↓): the message, read as the page — Cleo sees it read.
  await inbox.keyboard.press('Alt+ArrowDown');
  await inbox.waitForURL(new RegExp(`/inbox/${shop.id}/c/${convId}$`));
  await expectTexts(inbox, ['Bonjour, vous avez du comté ?']);
  assert.equal((await inbox.locator('#inbox-thread-title').textContent())?.trim(), cleo.displayName);
  await item.getByTestId('inbox-unread').waitFor({ state: 'detached' });
  await waitStatus(mine, 'read');

  // Cleo is typing: Ben sees it.
  await cleo.page.getByTestId('composer').fill('Et du');
  await eventually(async () =>
    assert.equal((await inbox.getByTestId('inbox-typing').textContent())?.trim(), `${cleo.displayName} is typing…`),
  );
  await cleo.page.getByTestId('composer').fill('');

  // Ben answers as the page: stored as the page's, and Cleo gets it live, from the page.
  await inbox.getByTestId('composer').focus();
  assert.equal(await inbox.getByTestId('composer').getAttribute('placeholder'), 'Answer as Fromagerie Lucie…');
  await send(inbox, 'Oui, un 24 mois.');
  const answer = bubble(inbox, 'Oui, un 24 mois.');
  await waitFocus(inbox, 'composer');
  await expectTexts(cleo.page, ['Bonjour, vous avez du comté ?', 'Oui, un 24 mois.']);
  const fromPage = bubble(cleo.page, 'Oui, un 24 mois.');
  assert.equal(await fromPage.getAttribute('data-status'), 'received');
  assert.match(
    (await item.getByTestId('inbox-item-preview').textContent()) ?? '',
    /^Fromagerie Lucie: Oui, un 24 mois\.$/,
  );
  // The person's own messenger names the page as the sender's side, not Ben.
  assert.equal((await cleo.page.locator('#thread-title').textContent())?.trim(), 'Fromagerie Lucie');
  // Cleo, whose conversation is open, reads it: the answer shows read in the inbox.
  await waitStatus(answer, 'read', RECONNECT_MS);

  // The page's bot sends a template with buttons and quick replies: shown read-only in the inbox.
  const owner = await ana.http();
  const app = await owner.post<{ app: { id: string } }>('/api/apps', { name: 'Shop bot' });
  const token = await owner.post<{ pageAccessToken: string }>(`/api/apps/${app.body.app.id}/pages/${shop.id}`);
  const psid = await env().server.comptoir.storage.reader.pages.psidOf(shop.id, cleo.id);
  assert.ok(psid);
  const sent = await fetch(`${s.url}/v19.0/me/messages?access_token=${token.body.pageAccessToken}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      recipient: { id: psid },
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text: 'Que souhaitez-vous ?',
            buttons: [
              { type: 'web_url', title: 'Le catalogue', url: 'https://shop.example/catalogue' },
              { type: 'postback', title: 'Commander', payload: 'ORDER' },
            ],
          },
        },
        quick_replies: [{ content_type: 'text', title: 'Plus tard', payload: 'LATER' }],
      },
    }),
  });
  assert.equal(sent.status, 200, await sent.text());
  const card = inbox.locator('[data-testid="thread"] [data-testid="template-button"]');
  await card.waitFor();
  assert.match((await card.textContent()) ?? '', /Que souhaitez-vous \?/);
  assert.equal(await card.locator('a[href="https://shop.example/catalogue"]').count(), 1);
  assert.equal(await card.getByTestId('postback-button').count(), 1);
  assert.equal(await card.locator('button').count(), 0, 'read-only: nothing to tap in the inbox');
  assert.equal(
    (await inbox.locator('[data-testid="thread"] [data-testid="quick-replies"]').textContent())?.trim(),
    'Plus tard',
  );
  await cleo.page.locator('[data-testid="thread"] [data-testid="template-button"]').waitFor();
  assert.deepEqual((await messageTexts(inbox)).slice(0, 2), ['Bonjour, vous avez du comté ?', 'Oui, un 24 mois.']);

  // Back to Ben's own messages: the messenger, his conversations (none with the page: he is not its member).
  await inbox.getByTestId('inbox-back').click();
  await inbox.waitForURL(/\/$/);
  await inbox.getByTestId('people-search').waitFor();
  assert.equal(await inbox.getByTestId('conversation-item').count(), 0);

  // Back to the inbox, then removed from the page by its admin: the inbox closes at once.
  await inbox.goBack();
  await inbox.waitForURL(new RegExp(`/inbox/${shop.id}/c/${convId}$`));
  await inboxItem(inbox, convId).waitFor();
  await inbox.getByTestId('composer').waitFor();
  const removed = await owner.delete(`/api/pages/${shop.id}/members/${ben.id}`);
  assert.equal(removed.status, 204);
  const notice = inbox.getByTestId('inbox-notice');
  await notice.waitFor({ timeout: RECONNECT_MS });
  assert.equal((await notice.textContent())?.trim(), 'You no longer help run this page: its inbox is closed.');
  await inbox.getByTestId('composer').waitFor({ state: 'detached' });
});

test('the inbox in French, answering a second person', async (s) => {
  const [ana, cleo] = await s.peopleNamed('Ana', 'Cleo');
  // Dora signs up in French; she runs the page, as its admin.
  const dora = await s.person('Dora', { locale: 'fr-FR' });
  const shop = await pageRunBy(dora, 'Librairie', []);
  const [c1, c2] = [await openPageConversation(ana, shop), await openPageConversation(cleo, shop)];
  await send(ana.page, 'Bonjour');
  await send(cleo.page, 'Vous ouvrez quand ?');
  const inbox = await openInbox(dora, shop.id);
  assert.equal((await inbox.locator('h1').textContent())?.trim(), 'Librairie · Messagerie');
  assert.equal((await inbox.getByTestId('inbox-back').textContent())?.trim(), 'Retour à mes messages');
  // Latest first: Cleo's conversation, then Ana's; each unread.
  await eventually(async () =>
    assert.deepEqual(
      await inbox
        .getByTestId('inbox-item')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id'))),
      [c2, c1],
    ),
  );
  await inboxItem(inbox, c1).click();
  await expectTexts(inbox, ['Bonjour']);
  assert.equal(await inbox.getByTestId('composer').getAttribute('placeholder'), 'Répondre au nom de Librairie…');
  await send(inbox, 'Bonjour Ana !');
  await expectTexts(ana.page, ['Bonjour', 'Bonjour Ana !']);
  await expectTexts(cleo.page, ['Vous ouvrez quand ?'], 1000);
  assert.equal((await inboxItem(inbox, c2).getByTestId('inbox-unread').textContent())?.trim(), '1');
});
