import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api/http.ts';
import { badFields, errorIdOf, retryAfterSeconds } from './errors.ts';

test('the fields a bad_request named, in order; none for anything else', () => {
  const bad = new ApiError('bad_request', 400, 'Invalid', { fields: { username: 'too short', name: 'required' } });
  assert.deepEqual(badFields(bad), ['username', 'name']);
  assert.deepEqual(badFields(new ApiError('bad_request', 400, 'Invalid')), []);
  assert.deepEqual(badFields(new ApiError('bad_request', 400, 'Invalid', { fields: ['name'] })), []);
  assert.deepEqual(badFields(new ApiError('username_taken', 409, 'Taken', { fields: { username: 'x' } })), []);
  assert.deepEqual(badFields(new Error('boom')), []);
});

test('the wait a rate_limited answer gave, in whole seconds', () => {
  assert.equal(retryAfterSeconds(new ApiError('rate_limited', 429, 'Slow down', { retryAfter: 1799.2 })), 1800);
  assert.equal(retryAfterSeconds(new ApiError('rate_limited', 429, 'Slow down')), null);
  assert.equal(retryAfterSeconds(new ApiError('rate_limited', 429, 'Slow down', { retryAfter: 'soon' })), null);
  assert.equal(retryAfterSeconds(new ApiError('rate_limited', 429, 'Slow down', { retryAfter: -3 })), null);
  assert.equal(retryAfterSeconds(new ApiError('bad_request', 400, 'x', { retryAfter: 5 })), null);
  assert.equal(errorIdOf(new TypeError('fetch failed')), 'network');
});
