/**
 * The business inbox in the web app: an agent filters the page's conversations, assigns one to themself,
 * writes an internal note and a reply (a canned one, inserted with `/`): the customer gets the reply and
 * never the note; a second agent's open inbox follows every change live; resolving sends the satisfaction
 * question, and the customer's tap shows in the report.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { bubble, e2eSuite, eventually, type Person, RECONNECT_MS, send, stays, WAIT_MS } from './browser.ts';
import { item, openInbox, pageRunBy } from './inboxes.ts';

const { test } = e2eSuite();

async function openPageConversation(person: Person, page: { id: string; username: string }): Promise<string> {
  await person.page.getByTestId('people-search').fill(page.username);
  await person.page.locator(`[data-testid="page-result"][data-page-id="${page.id}"]`).click();
  await person.page.waitForURL(/\/c\/[^/]+$/);
  await person.page.getByTestId('composer').waitFor();
  return decodeURIComponent(new URL(person.page.url()).pathname.split('/').pop() ?? '');
}

const count = async (page: Page, filter: string) =>
  Number((await page.getByTestId(`work-count-${filter}`).textContent())?.trim());

test('an agent works a conversation: filter, assign, note, canned reply, resolve; a second agent follows live', async (s) => {
  const [ana, ben, dora, cleo] = await s.peopleNamed('Ana', 'Ben', 'Dora', 'Cleo');
  const shop = await pageRunBy(ana, 'Épicerie Lucie', [ben, dora]);
  const admin = await ana.http();
  // The page's admin asks for satisfaction on resolve, and keeps a canned reply.
  assert.equal((await admin.put(`/api/pages/${shop.id}/inbox/settings`, { csatEnabled: true })).status, 200);
  const canned = await admin.post(`/api/pages/${shop.id}/inbox/canned-replies`, {
    shortcut: 'merci',
    text: 'Merci {{first_name}}, ici {{agent_name}} !',
  });
  assert.equal(canned.status, 201);

  const convId = await openPageConversation(cleo, shop);
  await send(cleo.page, 'Ma commande est en retard');

  const inbox = await openInbox(ben, shop.id);
  const other = await openInbox(dora, shop.id);

  // Filters with their counts: open holds it, mine holds nothing yet.
  await item(inbox, convId).waitFor();
  await inbox.getByTestId('work-filter-mine').click();
  await inbox.getByTestId('work-no-match').waitFor();
  assert.equal(await count(inbox, 'mine'), 0);
  await inbox.getByTestId('work-filter-open').click();
  await item(inbox, convId).waitFor();
  assert.equal(await count(inbox, 'open'), 1);

  // Ben opens it and assigns it to himself: Dora's inbox shows it at once.
  await item(inbox, convId).click();
  await inbox.getByTestId('thread-tools').waitFor();
  await inbox.getByTestId('work-assign-me').click();
  await eventually(async () =>
    assert.match((await item(other, convId).getByTestId('work-item-meta').textContent()) ?? '', /Ben/),
  );
  await inbox.getByTestId('work-filter-mine').click();
  await item(inbox, convId).waitFor();
  await eventually(async () => assert.equal(await count(inbox, 'mine'), 1));

  // Dora opens the same conversation; Ben writes a note, visibly not a reply, which Dora sees live.
  await item(other, convId).click();
  await other.getByTestId('thread-tools').waitFor();
  await inbox.getByTestId('composer-mode-note').click();
  assert.equal((await inbox.getByTestId('note-label').textContent())?.trim(), 'Note — only your team sees this');
  const note = 'NOTE-SECRETE : client fidèle, geste commercial';
  await send(inbox, note);
  await inbox.locator('[data-testid="inbox-note"]', { hasText: note }).waitFor();
  await other.locator('[data-testid="inbox-note"]', { hasText: note }).waitFor({ timeout: WAIT_MS });

  // Then a reply, from the canned one: `/` searches, Enter inserts it filled in, Enter sends.
  await inbox.getByTestId('composer-mode-reply').click();
  const composer = inbox.getByTestId('composer');
  await composer.fill('/mer');
  await inbox.getByTestId('canned-option').first().waitFor();
  await composer.press('Enter');
  const reply = `Merci ${cleo.displayName.split(' ')[0]}, ici ${ben.displayName} !`;
  await eventually(async () => assert.equal(await composer.inputValue(), reply));
  await composer.press('Enter');
  await bubble(cleo.page, reply).waitFor({ timeout: WAIT_MS });
  await bubble(other, reply).waitFor({ timeout: WAIT_MS });
  // The customer never sees the note: not live, not after a reload.
  await stays(async () => assert.ok(!((await cleo.page.content()) ?? '').includes('NOTE-SECRETE')), 500);
  await cleo.page.reload();
  await bubble(cleo.page, reply).waitFor({ timeout: RECONNECT_MS });
  assert.ok(!(await cleo.page.content()).includes('NOTE-SECRETE'));

  // Ben resolves it: Cleo is asked for a rating (1–5) and taps 4; the report shows it, in both inboxes.
  await inbox.getByTestId('work-status-resolved').click();
  await eventually(async () =>
    assert.equal(await other.getByTestId('thread-tools').getAttribute('data-status'), 'resolved'),
  );
  const question = cleo.page.getByTestId('quick-reply');
  await question.first().waitFor({ timeout: WAIT_MS });
  assert.deepEqual(
    (await question.allTextContents()).map((x) => x.trim()),
    ['1', '2', '3', '4', '5'],
  );
  await question.filter({ hasText: '4' }).click();
  await inbox.getByTestId('work-csat').filter({ hasText: '4 / 5' }).waitFor({ timeout: WAIT_MS });
  await other.getByTestId('work-toggle-report').click();
  await eventually(async () =>
    assert.equal((await other.getByTestId('csat-summary').textContent())?.trim(), '1 answer · average 4 / 5'),
  );
  assert.equal(await other.getByTestId('csat-bar-4').getAttribute('data-count'), '1');
  // The tap reopened nothing.
  assert.equal(await inbox.getByTestId('thread-tools').getAttribute('data-status'), 'resolved');
});

test('the business inbox in French, with the keyboard', async (s) => {
  // Ana signs up in French; she runs the page, as its admin.
  const ana = await s.person('Ana', { locale: 'fr-FR' });
  const cleo = await s.person('Cleo');
  const shop = await pageRunBy(ana, 'Fromagerie', []);
  const convId = await openPageConversation(cleo, shop);
  await send(cleo.page, 'Bonjour');
  const inbox = await openInbox(ana, shop.id);
  await item(inbox, convId).waitFor();
  assert.match((await inbox.getByTestId('work-filter-unassigned').textContent()) ?? '', /Non attribuées/);
  // The filters are buttons reached with Tab and pressed with Enter.
  await inbox.getByTestId('work-filter-open').focus();
  await inbox.keyboard.press('Tab');
  await inbox.keyboard.press('Enter');
  assert.equal(await inbox.getByTestId('work-filter-pending').getAttribute('aria-pressed'), 'true');
  await inbox.getByTestId('work-no-match').waitFor();
  await inbox.getByTestId('work-filter-all').focus();
  await inbox.keyboard.press('Enter');
  await item(inbox, convId).click();
  await inbox.getByTestId('composer-mode-note').focus();
  await inbox.keyboard.press('Enter');
  assert.equal(
    (await inbox.getByTestId('note-label').textContent())?.trim(),
    'Note — visible par votre équipe seulement',
  );
  // The admin's settings: the satisfaction question, in French.
  await inbox.getByTestId('work-toggle-settings').click();
  await inbox.getByTestId('work-settings').waitFor();
  // The box shows the choice at once (a controlled box waiting for the server would undo the click).
  await inbox.getByTestId('settings-csat').check();
  // Saved: it is still on when the inbox is opened again.
  await eventually(async () => {
    await openInbox(ana, shop.id);
    await inbox.getByTestId('work-toggle-settings').click();
    assert.equal(await inbox.getByTestId('settings-csat').isChecked(), true);
  });
  // A label made in the settings, put on the conversation: the box shows it at once, and it is kept.
  await inbox.getByLabel('Nouvelle étiquette').fill('VIP');
  await inbox.keyboard.press('Enter');
  await inbox.getByTestId('work-toggle-settings').click();
  await item(inbox, convId).click();
  await inbox.locator('[data-testid="work-label"][data-label="VIP"]').check();
  await eventually(async () => {
    await openInbox(ana, shop.id);
    await item(inbox, convId).click();
    assert.equal(await inbox.locator('[data-testid="work-label"][data-label="VIP"]').isChecked(), true);
  });
  // The list by label: the conversation has it; a conversation without it is not listed.
  const dora = await s.person('Dora');
  const other = await openPageConversation(dora, shop);
  await send(dora.page, 'Salut');
  await item(inbox, other).waitFor();
  await inbox.getByTestId('work-label-filter').selectOption({ label: 'VIP' });
  await item(inbox, other).waitFor({ state: 'detached' });
  await item(inbox, convId).waitFor();
  await inbox.getByTestId('work-label-filter').selectOption({ label: 'Toutes les étiquettes' });
  await item(inbox, other).waitFor();
});
