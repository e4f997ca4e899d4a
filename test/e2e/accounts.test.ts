/**
 * Accounts in the browser: a weak password refused with a reason a person understands, and a device that
 * signed in before getting in while strangers' guesses slow the account down elsewhere.
 */
import assert from 'node:assert/strict';
import { e2eSuite, PASSWORD, waitOnline } from './browser.ts';

const { test } = e2eSuite({ env: { RATE_SIGNIN_FAILURES: '3' } });

test('sign-up refuses a common password and says why, then takes a strong one', async (s) => {
  const context = await s.newContext('Newcomer');
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('auth-switch').click();
  await page.getByTestId('auth-username').fill(`newcomer${Date.now() % 100000}`);
  await page.getByTestId('auth-password').fill('password1234');
  await page.getByTestId('auth-submit').click();
  const error = page.getByTestId('auth-error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /too easy to guess/);
  await page.getByTestId('auth-password').fill(PASSWORD);
  await page.getByTestId('auth-submit').click();
  await waitOnline(page);
});

test('after guesses from elsewhere, the device the person signed up on still signs in', async (s) => {
  const ana = await s.person('Ana');
  // Someone else guesses Ana's password from their own browser until they are slowed down.
  const attacker = await s.newContext('Attacker');
  const guesses = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      attacker.request.post('/api/auth/signin', { data: { username: ana.username, password: `guess ${i} wrong` } }),
    ),
  );
  assert.deepEqual(
    guesses.map((r) => r.status()).sort(),
    [401, 401, 401, 429, 429, 429],
    'three checked, the rest refused',
  );
  // Ana signs out and back in on her own device: its device cookie lets her in.
  await ana.page.getByTestId('settings-button').click();
  await ana.page.getByTestId('signout-button').click();
  await ana.page.getByTestId('auth-username').fill(ana.username);
  await ana.page.getByTestId('auth-password').fill(PASSWORD);
  await ana.page.getByTestId('auth-submit').click();
  await waitOnline(ana.page);
});
