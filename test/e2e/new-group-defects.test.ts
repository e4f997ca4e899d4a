/**
 * The new-group picker as a new user meets it (issue 9, defect 17): who is picked is marked clearly (a ticked
 * box, aria-checked), a second Enter does not silently un-pick, and every change is said.
 */
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './browser.ts';

const { test } = e2eSuite();

test('the new-group picker ticks who is picked; a second Enter keeps them picked and says so; un-picking is explicit', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const page = ana.page;
  await page.getByTestId('new-group-button').click();
  const dialog = page.getByTestId('new-group-dialog');
  await dialog.getByTestId('group-title-input').fill('Book club');
  const search = dialog.getByTestId('add-member-search');
  await search.fill(ben.username);
  const result = dialog.locator(`[data-testid="people-result"][data-user-id="${ben.id}"]`);
  await result.waitFor();
  const status = dialog.getByTestId('group-pick-status');
  const chips = dialog.locator('.chip');

  // Not picked: an empty box, announced as an unchecked checkbox.
  assert.equal(await result.getAttribute('role'), 'checkbox');
  assert.equal(await result.getAttribute('aria-checked'), 'false');
  assert.equal(await result.getByTestId('pick-mark').locator('svg').count(), 0);
  assert.equal(await result.getByTestId('pick-mark').isVisible(), true);

  // Enter picks: ticked, said, a chip.
  await search.press('Enter');
  await eventually(async () => assert.equal(await result.getAttribute('aria-checked'), 'true'));
  assert.equal(await result.getByTestId('pick-mark').locator('svg').count(), 1);
  assert.equal((await status.textContent())?.trim(), `${ben.displayName} picked.`);
  assert.equal(await chips.count(), 1);

  // A second Enter: still picked, and it says so.
  await search.press('Enter');
  await eventually(async () => assert.match((await status.textContent()) ?? '', /is already picked/));
  assert.equal(await result.getAttribute('aria-checked'), 'true');
  assert.equal(await chips.count(), 1);

  // Un-picking is explicit: the box (a click), said; picked again with the box; then with the chip's ×.
  await result.click();
  await eventually(async () => assert.equal(await result.getAttribute('aria-checked'), 'false'));
  assert.equal((await status.textContent())?.trim(), `${ben.displayName} no longer picked.`);
  assert.equal(await chips.count(), 0);
  await result.click();
  await eventually(async () => assert.equal(await result.getAttribute('aria-checked'), 'true'));
  await dialog.getByRole('button', { name: `Remove ${ben.displayName}` }).click();
  await eventually(async () => assert.equal(await result.getAttribute('aria-checked'), 'false'));
  assert.equal((await status.textContent())?.trim(), `${ben.displayName} no longer picked.`);
});
