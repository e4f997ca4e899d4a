/** A server whose operator closed sign-up (SIGNUP=closed): the sign-in screen says so and offers no sign-up. */
import assert from 'node:assert/strict';
import { e2eSuite, eventually, PASSWORD, waitOnline } from './browser.ts';

const { test, env } = e2eSuite({ env: { SIGNUP: 'closed' } });

test('closed sign-up: no way to sign up on the screen; an account made by the operator signs in', async (s) => {
  await env().server.comptoir.accounts.createUser({ username: 'operatormade', password: PASSWORD });
  const context = await s.newContext('Employee', { locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/');
  const note = page.getByTestId('auth-signup-closed');
  await note.waitFor();
  assert.match((await note.textContent()) ?? '', /inscriptions sont fermées/);
  await eventually(async () => assert.equal(await page.getByTestId('auth-switch').count(), 0));
  await page.getByTestId('auth-username').fill('operatormade');
  await page.getByTestId('auth-password').fill(PASSWORD);
  await page.getByTestId('auth-submit').click();
  await waitOnline(page);
});
