/**
 * Issue 9's account control in a real browser: changing the password with "Sign out other devices" signs
 * the other browser out; a profile photo uploaded in Settings shows on the other person's screen live;
 * deleting the account leaves the old messages on the other person's screen from "Deleted account" —
 * live, and after a reload — with a neutral avatar and no composer.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { stillImage } from '../../server/media/fixtures.ts';
import {
  bubble,
  conversationItem,
  e2eSuite,
  eventually,
  openConversation,
  PASSWORD,
  send,
  startDirect,
  waitOnline,
} from './browser.ts';

const { test } = e2eSuite({ env: { RATE_SIGNIN_FAILURES: '50' } });

const NEW_PASSWORD = 'violet lantern orchard 42';

async function openSettings(page: Page) {
  await page.getByTestId('settings-button').click();
  return page.getByTestId('settings-dialog');
}

test('change password with "Sign out other devices": the other browser is signed out, this one stays', async (s) => {
  const ana = await s.person('Ana', { locale: 'en-US' });
  const other = await s.newContext('Ana-second-device', { locale: 'en-US' });
  const device = await other.newPage();
  await device.goto('/');
  await device.getByTestId('auth-username').fill(ana.username);
  await device.getByTestId('auth-password').fill(PASSWORD);
  await device.getByTestId('auth-submit').click();
  await waitOnline(device);

  const dialog = await openSettings(ana.page);
  // A wrong current password: said under that field, nothing changes.
  await dialog.getByTestId('account-password-current').fill('not my password');
  await dialog.getByTestId('account-password-new').fill(NEW_PASSWORD);
  await dialog.getByTestId('account-password-submit').click();
  await dialog.getByTestId('account-password-current-error').waitFor();
  assert.match(
    (await dialog.getByTestId('account-password-current-error').textContent()) ?? '',
    /current password is not right/,
  );
  assert.equal(await dialog.getByTestId('account-password-current').getAttribute('aria-invalid'), 'true');
  // A weak new one: said under the new password.
  await dialog.getByTestId('account-password-current').fill(PASSWORD);
  await dialog.getByTestId('account-password-new').fill('password1234');
  await dialog.getByTestId('account-password-submit').click();
  await dialog.getByTestId('account-password-new-error').waitFor();
  assert.equal(await device.getByTestId('auth-submit').count(), 0, 'the other device is still signed in');

  await dialog.getByTestId('account-password-new').fill(NEW_PASSWORD);
  assert.equal(await dialog.getByTestId('account-password-signout').isChecked(), true);
  await dialog.getByTestId('account-password-submit').click();
  await dialog.getByText('Your password is changed, and your other devices are signed out.').waitFor();
  // The other browser is back on the sign-in screen, told why; this one stays signed in and online.
  await device.getByTestId('auth-submit').waitFor({ timeout: 10_000 });
  assert.equal(await ana.page.getByTestId('auth-submit').count(), 0);
  await dialog.getByTestId('account-password-current').waitFor();
  // The old password no longer signs in there; the new one does.
  await device.getByTestId('auth-username').fill(ana.username);
  await device.getByTestId('auth-password').fill(PASSWORD);
  await device.getByTestId('auth-submit').click();
  await device.getByTestId('auth-error').waitFor();
  await device.getByTestId('auth-password').fill(NEW_PASSWORD);
  await device.getByTestId('auth-submit').click();
  await waitOnline(device);
});

test('a profile photo uploaded in Settings shows on the other person’s screen, live', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const convId = await startDirect(ana, ben);
  await send(ana.page, 'Hello Ben');
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  const benSeesAna = [
    conversationItem(ben.page, convId).locator('.avatar'),
    ben.page.locator('.thread-header .avatar'),
  ];
  for (const avatar of benSeesAna) assert.equal(await avatar.locator('img').count(), 0, 'initials at first');

  const dialog = await openSettings(ana.page);
  await dialog
    .getByTestId('account-photo-input')
    .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await stillImage('png', 640, 480) });
  await dialog.getByText('Your profile photo is updated.').waitFor({ timeout: 10_000 });
  await dialog.locator('.account-photo .avatar img.loaded').waitFor();

  // On Ben's screen, without a reload: the list and the thread header show the photo, loaded.
  for (const avatar of benSeesAna) {
    await avatar.locator('img.avatar-photo.loaded').waitFor({ timeout: 10_000 });
    const src = (await avatar.locator('img').getAttribute('src')) ?? '';
    assert.match(src, /^\/api\/media\/[^/]+\/thumbnail$/);
  }
  // The photo is the thumbnail's bytes, readable by Ben.
  const size = await ben.page
    .locator('.thread-header .avatar img')
    .evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]);
  assert.ok((size[0] ?? 0) > 0 && (size[0] ?? 0) <= 480, `a thumbnail: ${size}`);

  // Removed: initials again, on both screens.
  await dialog.getByTestId('account-photo-remove').click();
  await dialog.getByText('Your profile photo is removed.').waitFor();
  await eventually(async () => assert.equal(await ben.page.locator('.thread-header .avatar img').count(), 0));
});

test('a deleted account: the other person sees "Deleted account" on the old messages, live and after a reload', async (s) => {
  const [ana, ben] = await s.peopleNamed('Ana', 'Ben');
  const convId = await startDirect(ana, ben);
  await send(ana.page, 'A message that stays');
  await conversationItem(ben.page, convId).waitFor();
  await openConversation(ben.page, convId);
  await bubble(ben.page, 'A message that stays').waitFor();
  assert.equal(await ben.page.locator('#thread-title').textContent(), ana.displayName);

  const dialog = await openSettings(ana.page);
  await dialog.getByTestId('account-delete').click();
  const confirm = ana.page.getByTestId('account-delete-dialog');
  assert.match((await confirm.textContent()) ?? '', /Your messages remain in their conversations/);
  await confirm.getByTestId('account-delete-password').fill('not my password');
  await confirm.getByTestId('account-delete-confirm').click();
  await confirm.getByTestId('account-delete-error').waitFor();
  await confirm.getByTestId('account-delete-password').fill(PASSWORD);
  await confirm.getByTestId('account-delete-password').press('Enter');
  // Ana is signed out; her name is gone from Ben's screen, live.
  await ana.page.getByTestId('auth-submit').waitFor({ timeout: 10_000 });

  const check = async () => {
    await eventually(async () =>
      assert.equal(await ben.page.locator('#thread-title').textContent(), 'Deleted account'),
    );
    assert.equal(
      await conversationItem(ben.page, convId).locator('.conversation-title').textContent(),
      'Deleted account',
    );
    await bubble(ben.page, 'A message that stays').waitFor();
    assert.equal(await ben.page.locator('.thread-header .avatar.avatar-deleted').count(), 1, 'a neutral avatar');
    const page = await ben.page.content();
    assert.ok(!page.includes(ana.displayName), 'the name is nowhere on the page');
    // Read-only: no composer, a notice instead.
    await ben.page.getByTestId('thread-deleted-account').waitFor();
    assert.equal(await ben.page.getByTestId('composer').count(), 0);
  };
  await check();
  await ben.page.reload();
  await waitOnline(ben.page);
  await check();
  // The labels of the messages themselves say who wrote them: "Deleted account".
  const label = (await bubble(ben.page, 'A message that stays').getAttribute('aria-label')) ?? '';
  assert.match(label, /Deleted account/);

  // Ana's old username and password no longer sign in.
  await ana.page.getByTestId('auth-username').fill(ana.username);
  await ana.page.getByTestId('auth-password').fill(PASSWORD);
  await ana.page.getByTestId('auth-submit').click();
  await ana.page.getByTestId('auth-error').waitFor();
});
