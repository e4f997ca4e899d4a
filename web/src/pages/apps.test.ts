import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translate } from '../i18n/translate.ts';
import { failedFor } from './apps.ts';

const at = (h: number) => new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();

test('how long a webhook failed before it was disabled: hours from an hour on, else minutes', () => {
  assert.deepEqual(failedFor(at(0), at(8)), { unit: 'hours', count: 8 });
  assert.deepEqual(failedFor(at(0), at(8.4)), { unit: 'hours', count: 8 });
  assert.deepEqual(failedFor(at(0), at(1)), { unit: 'hours', count: 1 });
  assert.deepEqual(failedFor(at(0), at(0.5)), { unit: 'minutes', count: 30 });
  assert.deepEqual(failedFor(at(0), at(1 / 60)), { unit: 'minutes', count: 1 });
  assert.deepEqual(failedFor(at(0), at(0.001)), { unit: 'moments', count: 0 }, 'never "0 minutes"');
  assert.equal(failedFor(at(2), at(1)), null);
  assert.equal(failedFor('nope', at(1)), null);
});

test('said in each language, with its plural', () => {
  const p = { date: '1 Jan', count: 8 };
  assert.equal(translate('en', 'pages.apps.disabledAfterHours', p), 'Disabled 1 Jan, after failing for 8 hours.');
  assert.equal(
    translate('en', 'pages.apps.disabledAfterHours', { ...p, count: 1 }),
    'Disabled 1 Jan, after failing for 1 hour.',
  );
  assert.equal(translate('fr', 'pages.apps.disabledAfterHours', p), 'Désactivé le 1 Jan, après 8 heures d’échecs.');
  assert.equal(
    translate('fr', 'pages.apps.disabledAfterMinutes', { ...p, count: 1 }),
    'Désactivé le 1 Jan, après 1 minute d’échecs.',
  );
});
