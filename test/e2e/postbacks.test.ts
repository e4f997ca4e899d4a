/**
 * The person's side of a bot conversation in Chromium: a page's bot (the Graph API with a page access
 * token) sets its messenger profile and sends a button template, quick replies and a carousel; the person
 * taps Get Started, a quick reply, postback buttons and the persistent menu in the web app — with the
 * keyboard where it matters — and the thread shows the titles as their messages while the stored messages
 * carry the payloads.
 */
import assert from 'node:assert/strict';
import type { MessagesResponse } from '../../protocol/api.ts';
import type { MessageView } from '../../protocol/views.ts';
import { conversationWithPage, graphCall, pageWithApp } from '../helpers/platform.ts';
import {
  bubble,
  e2eSuite,
  eventually,
  expectTexts,
  focusedTestId,
  openConversation,
  type Person,
  type Scene,
  send,
  waitFocus,
  waitOnline,
  waitStatus,
} from './browser.ts';

const { test } = e2eSuite();

/** A page run by `owner`, its bot's token, and `person`'s conversation with it (open in their app). */
async function botConversation(s: Scene, owner: Person, person: Person) {
  const bot = await pageWithApp(await owner.http(), `Boulangerie ${Date.now() % 100000}`);
  const http = await person.http();
  const conversationId = await conversationWithPage(http, bot.pageId);
  const psid = (await s.env.server.comptoir.storage.reader.pages.psidOf(bot.pageId, person.id)) as string;
  const graph = (method: 'POST' | 'DELETE', path: string, body: unknown) =>
    graphCall(s.url, method, path, bot.token, body).then((r) => {
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    });
  /** The bot sends a message to the person (Messenger's body). */
  const pageSends = (message: unknown) => graph('POST', '/v19.0/me/messages', { recipient: { id: psid }, message });
  /** The person's messages as stored, newest last. */
  const stored = async (): Promise<MessageView[]> =>
    (await http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`)).body.messages.filter(
      (m) => m.senderId === person.id,
    );
  return { ...bot, conversationId, graph, pageSends, stored };
}

test('Get Started, then the persistent menu: keyboard, Escape, a postback and a link; a menu-only composer', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const bot = await botConversation(s, ana, ben);
  await bot.graph('POST', '/v19.0/me/messenger_profile', {
    get_started: { payload: 'GET_STARTED' },
    greeting: [
      { locale: 'default', text: 'Bienvenue {{user_first_name}} !' },
      { locale: 'en_US', text: 'Hello {{user_first_name}}, what can we bake for you?' },
    ],
    persistent_menu: [
      {
        locale: 'default',
        composer_input_disabled: false,
        call_to_actions: [
          { type: 'postback', title: 'My orders', payload: 'MY_ORDERS' },
          { type: 'web_url', title: 'Our website', url: 'https://example.org/' },
        ],
      },
    ],
  });
  const page = ben.page;
  await openConversation(page, bot.conversationId);

  // The empty thread: the page's greeting in English, with Ben's first name, and Get Started.
  const welcome = page.getByTestId('page-welcome');
  await welcome.waitFor();
  assert.equal(
    (await welcome.getByTestId('page-greeting').textContent())?.trim(),
    'Hello Ben, what can we bake for you?',
  );
  const start = welcome.getByTestId('get-started');
  assert.equal((await start.textContent())?.trim(), 'Get Started');
  await start.focus();
  await page.keyboard.press('Enter');
  await expectTexts(page, ['Get Started']);
  await waitStatus(bubble(page, 'Get Started'), 'sent');
  await welcome.waitFor({ state: 'detached' });
  await eventually(async () => assert.deepEqual((await bot.stored()).at(-1)?.postback, { payload: 'GET_STARTED' }));

  // The menu, from its button beside the input, with the keyboard: Enter opens it on its first item.
  const menuButton = page.getByTestId('persistent-menu-button');
  assert.equal(await menuButton.getAttribute('aria-haspopup'), 'menu');
  assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
  await menuButton.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByTestId('persistent-menu');
  await menu.waitFor();
  assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
  await waitFocus(page, 'persistent-menu-item');
  const link = menu.getByTestId('persistent-menu-link');
  assert.equal(await link.getAttribute('href'), 'https://example.org/');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  // Escape closes it and gives the focus back to its button.
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  await waitFocus(page, 'persistent-menu-button');
  // Again, and Enter on "My orders": sent as Ben's message, its payload stored.
  await page.keyboard.press('Enter');
  await menu.waitFor();
  await waitFocus(page, 'persistent-menu-item');
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'detached' });
  await expectTexts(page, ['Get Started', 'My orders']);
  await waitStatus(bubble(page, 'My orders'), 'sent');
  await eventually(async () => assert.deepEqual((await bot.stored()).at(-1)?.postback, { payload: 'MY_ORDERS' }));
  // The composer still takes text.
  await send(page, 'And a baguette, please');
  await expectTexts(page, ['Get Started', 'My orders', 'And a baguette, please']);

  // The page now takes its answers from the menu only: once the conversation is read again, no text input.
  await bot.graph('POST', '/me/messenger_profile', {
    persistent_menu: [
      {
        locale: 'default',
        composer_input_disabled: true,
        call_to_actions: [{ type: 'postback', title: 'Talk to a baker', payload: 'HUMAN' }],
      },
    ],
  });
  await page.reload();
  await waitOnline(page);
  await page.locator('[data-testid="thread"][aria-busy="false"]').waitFor();
  await page.getByTestId('composer-input-disabled').waitFor();
  assert.equal(await page.getByTestId('composer').count(), 0, 'no text input');
  await page.getByTestId('persistent-menu-button').click();
  await page.getByTestId('persistent-menu').getByTestId('persistent-menu-item').click();
  await expectTexts(page, ['Get Started', 'My orders', 'And a baguette, please', 'Talk to a baker']);
  await eventually(async () => assert.deepEqual((await bot.stored()).at(-1)?.postback, { payload: 'HUMAN' }));
});

test('a button template, quick replies and a carousel: tapped, titles in the thread, payloads stored', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const bot = await botConversation(s, ana, ben);
  const page = ben.page;
  await openConversation(page, bot.conversationId);
  // No profile: the usual empty thread, no menu.
  await page.locator('.thread-empty').waitFor();
  assert.equal(await page.getByTestId('persistent-menu-button').count(), 0);
  await send(page, 'Is my order ready?');
  await waitStatus(bubble(page, 'Is my order ready?'), 'sent');

  await bot.pageSends({
    attachment: {
      type: 'template',
      payload: {
        template_type: 'button',
        text: 'Your order is ready.',
        buttons: [
          { type: 'web_url', title: 'Track it', url: 'https://example.org/track/42' },
          { type: 'postback', title: 'Pick up', payload: 'PICKUP_42' },
          { type: 'phone_number', title: 'Call us', payload: '+33 1 23 45 67 89' },
        ],
      },
    },
  });
  await bot.pageSends({
    text: 'Shall we keep it warm?',
    quick_replies: [
      { content_type: 'text', title: 'Yes please', payload: 'WARM_YES' },
      { content_type: 'text', title: 'No', payload: 'WARM_NO' },
    ],
  });
  await expectTexts(page, ['Is my order ready?', '', 'Shall we keep it warm?']);
  const template = page.getByTestId('template-button');
  const track = template.getByTestId('url-button');
  assert.equal(await track.getAttribute('href'), 'https://example.org/track/42');
  assert.equal(await track.getAttribute('target'), '_blank');
  assert.equal(await track.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await template.getByTestId('phone-button').getAttribute('href'), 'tel:+33123456789');

  // Quick replies under the page's latest message only; the keyboard reaches them.
  const replies = page.getByTestId('quick-reply');
  await eventually(async () => assert.equal(await replies.count(), 2));
  assert.equal(await page.getByTestId('quick-replies').count(), 1);
  assert.equal(await bubble(page, 'Shall we keep it warm?').getByTestId('quick-reply').count(), 2);
  await replies.first().focus();
  assert.equal(await focusedTestId(page), 'quick-reply');
  await page.keyboard.press('Enter');
  await expectTexts(page, ['Is my order ready?', '', 'Shall we keep it warm?', 'Yes please']);
  await waitStatus(bubble(page, 'Yes please'), 'sent');
  // Answered: they are gone.
  await eventually(async () => assert.equal(await page.getByTestId('quick-replies').count(), 0));
  await eventually(async () => assert.deepEqual((await bot.stored()).at(-1)?.quickReply, { payload: 'WARM_YES' }));

  // A postback button of the earlier template.
  await template.getByTestId('postback-button').click();
  await expectTexts(page, ['Is my order ready?', '', 'Shall we keep it warm?', 'Yes please', 'Pick up']);
  await waitStatus(bubble(page, 'Pick up'), 'sent');
  const last = (await bot.stored()).at(-1);
  assert.equal(last?.text, 'Pick up');
  assert.deepEqual(last?.postback, { payload: 'PICKUP_42' });

  // A carousel of four cards: it scrolls with the keyboard, and a card's button taps like any other.
  await bot.pageSends({
    attachment: {
      type: 'template',
      payload: {
        template_type: 'generic',
        elements: ['Baguette', 'Croissant', 'Brioche', 'Fougasse'].map((title) => ({
          title,
          subtitle: 'Fresh this morning',
          buttons: [{ type: 'postback', title: `Add ${title}`.slice(0, 20), payload: `ADD_${title.toUpperCase()}` }],
        })),
      },
    },
  });
  const carousel = page.getByTestId('template-generic');
  await carousel.waitFor();
  assert.equal(await carousel.getByTestId('carousel-card').count(), 4);
  assert.equal(await carousel.getAttribute('aria-roledescription'), 'carousel');
  const scrolled = () => carousel.evaluate((el) => el.scrollLeft);
  assert.equal(await scrolled(), 0);
  await carousel.focus();
  await page.keyboard.press('ArrowRight');
  await eventually(async () => assert.ok((await scrolled()) > 0, 'scrolled to the next card'));
  await page.keyboard.press('End');
  const end = await eventually(async () => {
    const left = await scrolled();
    assert.ok(left > 150, `at the end: ${left}`);
    return left;
  });
  await page.keyboard.press('Home');
  await eventually(async () => assert.equal(await scrolled(), 0));
  assert.ok(end > 0);
  // Tab from the carousel reaches the first card's button; Tab again the second's.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Add Croissant');
  await page.keyboard.press('Enter');
  await eventually(async () => assert.deepEqual((await bot.stored()).at(-1)?.postback, { payload: 'ADD_CROISSANT' }));
  await waitStatus(bubble(page, 'Add Croissant'), 'sent');

  // The page deletes its template: its buttons leave the thread with it.
  const templateId = (
    await (
      await ana.http()
    ).get<MessagesResponse>(`/api/pages/${bot.pageId}/conversations/${bot.conversationId}/messages`)
  ).body.messages.find((m) => m.attachment?.type === 'template' && m.attachment.template.templateType === 'button')?.id;
  assert.ok(templateId);
  await s.env.server.comptoir.messages.delete(bot.pageId, templateId);
  await eventually(async () => assert.equal(await page.getByTestId('template-button').count(), 0));
});
