import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS, windowAllows } from './window.ts';

const response = { messagingType: 'RESPONSE' as const, tag: null };
const tagged = (tag: 'HUMAN_AGENT' | 'POST_PURCHASE_UPDATE') => ({ messagingType: 'MESSAGE_TAG' as const, tag });
const now = 1_800_000_000_000;

describe('the standard messaging window', () => {
  it('lets a page answer within 24 hours of the person, then only with a tag', () => {
    assert.equal(windowAllows(response, now - STANDARD_WINDOW_MS, now), true, 'at 24 h exactly');
    assert.equal(windowAllows(response, now - STANDARD_WINDOW_MS - 1, now), false, 'a millisecond later');
    assert.equal(windowAllows({ messagingType: 'UPDATE', tag: null }, now - 1000, now), true);
    assert.equal(windowAllows(tagged('HUMAN_AGENT'), now - HUMAN_AGENT_WINDOW_MS, now), true, 'HUMAN_AGENT: 7 days');
    assert.equal(windowAllows(tagged('HUMAN_AGENT'), now - HUMAN_AGENT_WINDOW_MS - 1, now), false);
    assert.equal(windowAllows(tagged('POST_PURCHASE_UPDATE'), now - 30 * STANDARD_WINDOW_MS, now), true, 'update tags');
  });

  it('never lets a page write first', () => {
    assert.equal(windowAllows(response, null, now), false);
    assert.equal(windowAllows(tagged('POST_PURCHASE_UPDATE'), null, now), false);
  });
});
