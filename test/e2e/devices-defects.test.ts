/**
 * Issue 9's devices defect in a real browser: in Settings, the device in use says it is active now, not a
 * "Last active" time as old as its sign-in; the other devices keep their last activity.
 */
import assert from 'node:assert/strict';
import { e2eSuite, eventually, PASSWORD, waitOnline } from './browser.ts';

const { test } = e2eSuite();

test('Settings: this device is "active now"; another device shows when it was last active', async (s) => {
  const ana = await s.person('Ana', { locale: 'en-US' });
  const other = await s.newContext('Ana-second-device', { locale: 'fr-FR' });
  const device = await other.newPage();
  await device.goto('/');
  await device.getByTestId('auth-username').fill(ana.username);
  await device.getByTestId('auth-password').fill(PASSWORD);
  await device.getByTestId('auth-submit').click();
  await waitOnline(device);

  await ana.page.getByTestId('settings-button').click();
  const dialog = ana.page.getByTestId('settings-dialog');
  await eventually(async () => assert.equal(await dialog.getByTestId('session-item').count(), 2));
  const current = (await dialog.locator('[data-testid="session-item"][data-current="true"]').textContent()) ?? '';
  assert.match(current, /This device\s*Active now/);
  assert.doesNotMatch(current, /Last active/);
  const elsewhere = (await dialog.locator('[data-testid="session-item"][data-current="false"]').textContent()) ?? '';
  assert.match(elsewhere, /Last active /);

  // The same in French, on the other device.
  await device.getByTestId('settings-button').click();
  const dialogFr = device.getByTestId('settings-dialog');
  await eventually(async () => assert.equal(await dialogFr.getByTestId('session-item').count(), 2));
  const currentFr = (await dialogFr.locator('[data-testid="session-item"][data-current="true"]').textContent()) ?? '';
  assert.match(currentFr, /Cet appareil\s*Actif maintenant/);
});
