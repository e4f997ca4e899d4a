import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api/http.ts';
import { translate } from '../i18n/translate.ts';
import { deliveryStatus, isTestEvent, payloadText, refusalKey } from './deliveries.ts';

test('a delivery’s status: pending until tried, then retrying; delivered; failed', () => {
  assert.equal(deliveryStatus({ state: 'pending', attempts: 0 }), 'pending');
  assert.equal(deliveryStatus({ state: 'pending', attempts: 2 }), 'retrying');
  assert.equal(deliveryStatus({ state: 'delivered', attempts: 1 }), 'delivered');
  assert.equal(deliveryStatus({ state: 'failed', attempts: 9 }), 'failed');
});

test('test events come from sender "0"; the payload is shown indented', () => {
  assert.equal(isTestEvent({ event: { sender: { id: '0' }, recipient: { id: 'p' } } }), true);
  assert.equal(isTestEvent({ event: { sender: { id: '5830' } } }), false);
  assert.equal(isTestEvent({ event: null }), false);
  assert.equal(payloadText({ event: { a: [1] } }), '{\n  "a": [\n    1\n  ]\n}');
});

test('a refused replay or test event says what to do, in words', () => {
  const refused = (id: 'webhook_not_set' | 'app_not_connected' | 'rate_limited') => new ApiError(id, 409, 'x');
  const say = (e: unknown) => {
    const key = refusalKey(e);
    return key ? translate('en', key) : null;
  };
  assert.match(say(refused('webhook_not_set')) ?? '', /^Set and verify the app’s webhook first/);
  assert.match(say(refused('app_not_connected')) ?? '', /^Connect the app to a page first/);
  assert.equal(refusalKey(refused('rate_limited')), null, 'any other: the error’s own sentence');
});
