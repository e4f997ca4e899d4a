/**
 * Business pages in the people's web app: a page created from the sidebar menu (with the keyboard), found
 * by someone else through the search and messaged, the same conversation every time; its settings, where
 * its admin adds an agent and is refused the demotion of the last admin; the labels in French.
 */
import assert from 'node:assert/strict';
import {
  bubble,
  conversationItem,
  e2eSuite,
  eventually,
  expectTexts,
  focusedTestId,
  send,
  waitFocus,
  waitStatus,
} from './browser.ts';

const { test } = e2eSuite();

test('a page: created from the menu, found and messaged by someone else, run by two, its last admin kept', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const handle = `shop_${process.pid % 10000}_${Date.now() % 100000}`;
  const name = `Boulangerie ${handle.slice(-5)}`;

  // Ana opens the menu with the keyboard and picks "Create a page": the name field has focus.
  const page = ana.page;
  await page.getByTestId('sidebar-menu-button').focus();
  await page.keyboard.press('Enter');
  await waitFocus(page, 'menu-new-page');
  await page.keyboard.press('Enter');
  const create = page.getByTestId('new-page-dialog');
  await create.waitFor();
  await waitFocus(page, 'page-name-input');
  assert.equal(await create.getByTestId('page-name-input').getAttribute('maxlength'), '80');
  await page.keyboard.type(name);
  assert.equal((await create.getByTestId('page-name-input-count').textContent())?.trim(), `${name.length} / 80`);

  // A username already taken (Ben's: people and pages share them) is refused under its field, with focus there.
  await page.keyboard.press('Tab');
  assert.equal(await focusedTestId(page), 'page-username-input');
  await page.keyboard.type(ben.username);
  await page.keyboard.press('Enter');
  const usernameError = create.getByTestId('page-username-input-error');
  await usernameError.waitFor();
  assert.equal((await usernameError.textContent())?.trim(), 'This username is already taken.');
  await waitFocus(page, 'page-username-input');
  assert.equal(await create.getByTestId('page-username-input').getAttribute('aria-invalid'), 'true');

  // Its own username, a description, Enter: "My pages" shows the new page, Ana its admin.
  await create.getByTestId('page-username-input').fill(handle);
  await usernameError.waitFor({ state: 'detached' });
  await create.getByTestId('page-description-input').fill('Pain au levain, viennoiseries');
  await create.getByTestId('page-username-input').press('Enter');
  await create.waitFor({ state: 'detached' });
  const mine = page.getByTestId('my-pages-dialog');
  await mine.waitFor();
  assert.match((await mine.getByTestId('my-pages-notice').textContent()) ?? '', new RegExp(`${name}.*created`));
  const item = mine.getByTestId('my-page-item');
  await eventually(async () => assert.equal(await item.count(), 1));
  const pageId = (await item.getAttribute('data-page-id')) ?? '';
  assert.ok(pageId, 'the page has an id');
  assert.equal((await item.getByTestId('my-page-role').textContent())?.trim(), 'Admin');
  assert.match((await item.textContent()) ?? '', new RegExp(`${name}.*@${handle}`));
  await waitFocus(page, 'my-page-item');

  // Ben finds it by (part of) its name, under "Pages", marked as a page, and opens the conversation.
  await ben.page.getByTestId('people-search').fill(name.slice(0, -1).toLowerCase());
  const result = ben.page.locator(`[data-testid="page-result"][data-page-id="${pageId}"]`);
  await result.waitFor();
  assert.equal((await result.getByTestId('page-badge').textContent())?.trim(), 'Page');
  assert.equal((await ben.page.getByTestId('page-results').locator('h2').textContent())?.trim(), 'Pages');
  assert.match((await result.textContent()) ?? '', /Pain au levain/);
  await result.click();
  await ben.page.waitForURL(/\/c\/[^/]+$/);
  const convId = decodeURIComponent(new URL(ben.page.url()).pathname.split('/').pop() ?? '');
  await ben.page.getByTestId('composer').waitFor();
  assert.equal((await ben.page.locator('#thread-title').textContent())?.trim(), name);
  assert.equal((await ben.page.locator('.thread-header').getByTestId('page-badge').textContent())?.trim(), 'Page');
  assert.equal((await ben.page.locator('.thread-subtitle').textContent())?.trim(), `Business page · @${handle}`);
  await send(ben.page, 'Bonjour, il vous reste du pain ?');
  await expectTexts(ben.page, ['Bonjour, il vous reste du pain ?']);
  await waitStatus(bubble(ben.page, 'Bonjour, il vous reste du pain ?'), 'sent');
  const listed = conversationItem(ben.page, convId);
  assert.match((await listed.textContent()) ?? '', new RegExp(`${name}.*Page`));
  await listed.getByTestId('page-badge').waitFor();

  // Chosen again from the search, it is the same conversation.
  await ben.page.getByTestId('people-search').fill(handle);
  await result.click();
  await eventually(async () => assert.equal(decodeURIComponent(new URL(ben.page.url()).pathname), `/c/${convId}`));
  await expectTexts(ben.page, ['Bonjour, il vous reste du pain ?']);
  assert.equal(await ben.page.getByTestId('conversation-item').count(), 1);

  // Ana opens the page's settings (Enter on the focused page): she runs it alone, as admin.
  await page.keyboard.press('Enter');
  const settings = page.getByTestId('page-settings-dialog');
  await settings.waitFor();
  const members = settings.getByTestId('page-member-item');
  await eventually(async () => assert.equal(await members.count(), 1));
  const anaRow = settings.locator(`[data-testid="page-member-item"][data-user-id="${ana.id}"]`);
  assert.equal(await anaRow.getByTestId('page-member-role').inputValue(), 'admin');

  // Someone who does not exist: said in words.
  await settings.getByTestId('page-add-username').fill(`nobody_${handle}`);
  await settings.getByTestId('page-add-username').press('Enter');
  const membersError = settings.getByTestId('page-members-error');
  await membersError.waitFor();
  assert.equal((await membersError.textContent())?.trim(), 'No one has this username.');

  // Ben, added as agent (typed with a leading @; Enter adds).
  await settings.getByTestId('page-add-username').fill(`@${ben.username}`);
  await settings.getByTestId('page-add-role').selectOption('agent');
  await settings.getByTestId('page-add-username').press('Enter');
  const benRow = settings.locator(`[data-testid="page-member-item"][data-user-id="${ben.id}"]`);
  await benRow.waitFor();
  assert.equal(await benRow.getAttribute('data-role'), 'agent');
  assert.equal(await benRow.getByTestId('page-member-role').inputValue(), 'agent');
  await membersError.waitFor({ state: 'detached' });
  assert.equal(await settings.getByTestId('page-add-username').inputValue(), '');

  // Ana, the only admin, tries to make herself an agent: refused, in words, and her role stays.
  await anaRow.getByTestId('page-member-role').selectOption('agent');
  await membersError.waitFor();
  assert.equal((await membersError.textContent())?.trim(), 'A page needs at least one admin.');
  await eventually(async () => assert.equal(await anaRow.getByTestId('page-member-role').inputValue(), 'admin'));
  assert.equal(await anaRow.getAttribute('data-role'), 'admin');
  assert.equal((await settings.getByTestId('page-settings-role').textContent())?.trim(), 'Admin');

  // Escape closes the window; focus goes back to the menu button.
  await page.keyboard.press('Escape');
  await settings.waitFor({ state: 'detached' });
  await waitFocus(page, 'sidebar-menu-button');

  // Ben sees the page among his, as agent: the settings read-only for him.
  await ben.page.getByTestId('sidebar-menu-button').click();
  await ben.page.getByTestId('menu-my-pages').click();
  const benMine = ben.page.getByTestId('my-pages-dialog');
  const benItem = benMine.locator(`[data-testid="my-page-item"][data-page-id="${pageId}"]`);
  await benItem.waitFor();
  assert.equal((await benItem.getByTestId('my-page-role').textContent())?.trim(), 'Agent');
  await benItem.click();
  const benSettings = ben.page.getByTestId('page-settings-dialog');
  await benSettings.getByTestId('page-settings-name').waitFor();
  await eventually(async () => assert.equal(await benSettings.getByTestId('page-member-item').count(), 2));
  assert.equal(await benSettings.getByTestId('page-member-role').count(), 0);
  assert.equal(await benSettings.getByTestId('page-add-username').count(), 0);
  await benSettings.getByTestId('page-settings-back').click();
  await benMine.waitFor();
  await ben.page.keyboard.press('Escape');
  await benMine.waitFor({ state: 'detached' });
});

test('in French: the menu and the pages window speak French', async (s) => {
  const cleo = await s.person('Cleo', { locale: 'fr-FR' });
  const page = cleo.page;
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  const menuButton = page.getByTestId('sidebar-menu-button');
  assert.equal(await menuButton.getAttribute('aria-label'), 'Plus');
  await menuButton.click();
  assert.equal((await page.getByTestId('menu-new-page').textContent())?.trim(), 'Créer une page');
  assert.equal((await page.getByTestId('menu-my-pages').textContent())?.trim(), 'Mes pages');
  await page.getByTestId('menu-my-pages').click();
  const mine = page.getByTestId('my-pages-dialog');
  await mine.waitFor();
  assert.equal((await mine.locator('h2').first().textContent())?.trim(), 'Mes pages');
  await mine.getByText('Vous ne gérez encore aucune page.').waitFor();
  await mine.getByTestId('my-pages-new').click();
  const create = page.getByTestId('new-page-dialog');
  await create.waitFor();
  assert.equal((await create.locator('h2').first().textContent())?.trim(), 'Créer une page');
  await create.getByTestId('page-name-input').fill('Fromagerie');
  await create.getByTestId('page-username-input').fill('ab');
  await create.getByTestId('page-username-input').press('Enter');
  const error = create.getByTestId('page-username-input-error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /^Un nom d’utilisateur compte 3 à 32 caractères/);
  // Cancel, from the list, goes back to the list.
  await create.getByRole('button', { name: 'Annuler' }).click();
  await mine.waitFor();
});
