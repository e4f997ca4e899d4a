/** The browser test harness itself: under CI=true nothing may skip the browser tests. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserSkip } from './browser.ts';

test('COMPTOIR_SKIP_BROWSER skips outside CI, and is refused under CI=true', () => {
  assert.match(String(browserSkip({ COMPTOIR_SKIP_BROWSER: 'asked' }, '/bin/sh')), /skipped: asked/);
  assert.throws(() => browserSkip({ CI: 'true', COMPTOIR_SKIP_BROWSER: 'asked' }, '/bin/sh'), /CI=true/);
  assert.throws(() => browserSkip({ CI: 'true' }, '/no/such/chromium'), /required under CI=true/);
  assert.match(String(browserSkip({}, '/no/such/chromium')), /not found/);
  assert.equal(browserSkip({ CI: 'true' }, '/bin/sh'), false);
});
