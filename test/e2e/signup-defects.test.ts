/**
 * Sign-up as a new user meets it (issue 9, defect 18): every problem at once, each field in error marked
 * (aria-invalid, a red border) and described by its own sentence (aria-describedby).
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { e2eSuite, PASSWORD, waitFocus, waitOnline } from './browser.ts';

const { test } = e2eSuite();

/** The texts of what describes `field` (aria-describedby), in order. */
async function description(field: Locator): Promise<string[]> {
  return field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? `(missing #${id})`),
  );
}

test('sign-up shows all its errors at once, marks each field in error, and clears each when it is fixed', async (s) => {
  const context = await s.newContext('Newcomer');
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('auth-switch').click();
  const username = page.getByTestId('auth-username');
  const displayName = page.getByTestId('auth-display-name');
  const password = page.getByTestId('auth-password');

  // A bad username and a short password: both said at once, both fields marked, focus on the first.
  await username.fill('No Way!');
  await password.fill('short');
  await page.getByTestId('auth-submit').click();
  await page.getByTestId('auth-username-error').waitFor();
  await page.getByTestId('auth-password-error').waitFor();
  assert.equal(await username.getAttribute('aria-invalid'), 'true');
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  assert.equal(await displayName.getAttribute('aria-invalid'), null);
  assert.match((await description(username))[0] ?? '', /Usernames have 3–32 characters/);
  assert.match((await description(password))[0] ?? '', /Passwords have at least \d+ characters/);
  const red = await username.evaluate((el) => getComputedStyle(el).borderTopColor);
  const plain = await displayName.evaluate((el) => getComputedStyle(el).borderTopColor);
  assert.notEqual(red, plain, 'the field in error looks different');
  await waitFocus(page, 'auth-username');

  // Fixing the username clears its mark only.
  const name = `newcomer${Date.now() % 100000}`;
  await username.fill(name);
  assert.equal(await username.getAttribute('aria-invalid'), null);
  assert.equal(await page.getByTestId('auth-username-error').count(), 0);
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  await page.getByTestId('auth-submit').click();
  await waitFocus(page, 'auth-password');

  // The server's refusal of a common password marks the password field too.
  await password.fill('password1234');
  await page.getByTestId('auth-submit').click();
  await page.getByTestId('auth-error').waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  assert.match((await description(password)).join(' '), /too easy to guess/);
  assert.equal(await username.getAttribute('aria-invalid'), null);

  await password.fill(PASSWORD);
  await page.getByTestId('auth-submit').click();
  await waitOnline(page);
});
