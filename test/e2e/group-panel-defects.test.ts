/**
 * Groups as a new user meets them (issue 9): removing someone and leaving ask first (defect 5).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { conversationItem, e2eSuite, eventually, type Person, stays } from './browser.ts';

const { test } = e2eSuite();

/** `owner` creates a group named `title` with `others`, through the new-group dialog; returns its id. */
async function createGroup(owner: Person, title: string, others: Person[]): Promise<string> {
  const page = owner.page;
  await page.getByTestId('new-group-button').click();
  const dialog = page.getByTestId('new-group-dialog');
  await dialog.getByTestId('group-title-input').fill(title);
  for (const p of others) {
    await dialog.getByTestId('add-member-search').fill(p.username);
    await dialog.locator(`[data-testid="people-result"][data-user-id="${p.id}"]`).click();
  }
  await dialog.getByTestId('group-create-submit').click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForURL(/\/c\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
}

function member(page: Page, userId: string) {
  return page.getByTestId('group-panel').locator(`[data-testid="member-item"][data-user-id="${userId}"]`);
}

test('Remove member and Leave group ask first; a double click removes nobody and no other Remove slides under the pointer', async (s) => {
  const [ana, ben, cleo, dan] = await s.peopleNamed('Ana', 'Ben', 'Cleo', 'Dan');
  const groupId = await createGroup(ana, 'Picnic', [ben, cleo, dan]);
  await ana.page.getByTestId('group-settings-button').click();
  const panel = ana.page.getByTestId('group-panel');
  const items = panel.getByTestId('member-item');
  await eventually(async () => assert.equal(await items.count(), 4));

  // A double click on Ben's Remove removes nobody (the second click lands on the question or its backdrop).
  await member(ana.page, ben.id).getByTestId('remove-member').dblclick();
  await stays(async () => assert.equal(await items.count(), 4), 500);
  const confirmRemove = ana.page.getByTestId('confirm-remove-member');
  if (await confirmRemove.isVisible()) await ana.page.getByRole('button', { name: 'Cancel' }).click();
  await confirmRemove.waitFor({ state: 'detached' });

  // One click asks; cancelled, still four.
  await member(ana.page, ben.id).getByTestId('remove-member').click();
  await confirmRemove.waitFor();
  assert.match(
    (await ana.page.getByRole('dialog', { name: `Remove ${ben.displayName} from the group?` }).textContent()) ?? '',
    /no longer receive its messages/,
  );
  await stays(async () => assert.equal(await items.count(), 4), 300);
  await ana.page.getByRole('button', { name: 'Cancel' }).click();
  await confirmRemove.waitFor({ state: 'detached' });
  assert.equal(await items.count(), 4);

  // Confirmed: Ben only; Cleo and Dan stay.
  await member(ana.page, ben.id).getByTestId('remove-member').click();
  await confirmRemove.click();
  await confirmRemove.waitFor({ state: 'detached' });
  await eventually(async () => assert.equal(await items.count(), 3));
  assert.equal(await member(ana.page, ben.id).count(), 0);
  await stays(async () => assert.equal(await items.count(), 3), 400);
  await conversationItem(ben.page, groupId).waitFor({ state: 'detached' });

  // Leave group asks too: cancelled, Ana is still in; confirmed, the group leaves her list.
  await panel.getByTestId('leave-group').click();
  const confirmLeave = ana.page.getByTestId('confirm-leave-group');
  await confirmLeave.waitFor();
  await stays(async () => assert.equal(await conversationItem(ana.page, groupId).count(), 1), 300);
  await ana.page.keyboard.press('Escape');
  await confirmLeave.waitFor({ state: 'detached' });
  assert.equal(await panel.isVisible(), true, 'Escape closes the question only');
  await panel.getByTestId('leave-group').click();
  await confirmLeave.click();
  await conversationItem(ana.page, groupId).waitFor({ state: 'detached' });
  await eventually(async () => assert.equal(await member(cleo.page, ana.id).count(), 0));
});
