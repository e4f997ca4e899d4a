import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optinEventOf } from '../webhooks/events.ts';
import { consentAllows } from './graph-optin.ts';
import type { OptinEvent } from './optins.ts';
import type { Standing } from './optins-store.ts';
import { HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS } from './window.ts';

const now = 1_800_000_000_000;
const response = { messagingType: 'RESPONSE' as const, tag: null };
const tagged = (tag: 'HUMAN_AGENT' | 'POST_PURCHASE_UPDATE' | 'ACCOUNT_UPDATE' | 'CONFIRMED_EVENT_UPDATE') => ({
  messagingType: 'MESSAGE_TAG' as const,
  tag,
});
const standing = (over: Partial<Standing> = {}): Standing => ({
  optedInAt: null,
  updatesStoppedAt: null,
  blockedAt: null,
  ...over,
});
/** The Graph error's code and subcode, or true. */
const verdict = (v: ReturnType<typeof consentAllows>) => (v === true ? true : [v.code, v.subcode]);

describe('what a person allows a page (graph-optin.ts)', () => {
  it('an opt-in opens the window for 24 hours; after it POST_PURCHASE_UPDATE only', () => {
    const opted = standing({ optedInAt: now - STANDARD_WINDOW_MS });
    assert.equal(verdict(consentAllows(response, opted, null, now)), true, 'at 24 h exactly, never wrote');
    const later = standing({ optedInAt: now - STANDARD_WINDOW_MS - 1 });
    assert.deepEqual(verdict(consentAllows(response, later, null, now)), [10, 2018278]);
    assert.equal(verdict(consentAllows(tagged('POST_PURCHASE_UPDATE'), later, null, now)), true);
    assert.deepEqual(verdict(consentAllows(tagged('ACCOUNT_UPDATE'), later, null, now)), [10, 2018278]);
    assert.deepEqual(verdict(consentAllows(tagged('CONFIRMED_EVENT_UPDATE'), later, null, now)), [10, 2018278]);
    assert.deepEqual(verdict(consentAllows(tagged('HUMAN_AGENT'), later, null, now)), [10, 2018278]);
    assert.deepEqual(verdict(consentAllows(response, standing(), null, now)), [10, 2018278], 'no opt-in');
  });

  it('the person’s own messages keep their window as before', () => {
    const wrote = now - HUMAN_AGENT_WINDOW_MS;
    assert.equal(verdict(consentAllows(tagged('HUMAN_AGENT'), standing(), wrote, now)), true);
    assert.equal(verdict(consentAllows(tagged('ACCOUNT_UPDATE'), standing(), wrote, now)), true, 'wrote first');
    assert.deepEqual(verdict(consentAllows(response, standing(), wrote, now)), [10, 2018278]);
  });

  it('a block refuses everything: 551 / 1545041', () => {
    const blocked = standing({ blockedAt: now - 5, optedInAt: now - 10 });
    for (const r of [response, tagged('POST_PURCHASE_UPDATE'), tagged('HUMAN_AGENT')])
      assert.deepEqual(verdict(consentAllows(r, blocked, now - 1, now)), [551, 1545041]);
  });

  it('stopped updates: only an answer to what the person wrote afterwards', () => {
    const stopped = standing({ updatesStoppedAt: now - 1000 });
    assert.deepEqual(verdict(consentAllows(response, stopped, null, now)), [551, 1545041]);
    assert.deepEqual(verdict(consentAllows(response, stopped, now - 2000, now)), [551, 1545041], 'wrote before');
    assert.equal(verdict(consentAllows(response, stopped, now - 500, now)), true, 'wrote after');
    assert.deepEqual(
      verdict(
        consentAllows(
          tagged('POST_PURCHASE_UPDATE'),
          standing({ updatesStoppedAt: now - 3 * STANDARD_WINDOW_MS }),
          now - 2 * STANDARD_WINDOW_MS,
          now,
        ),
      ),
      [551, 1545041],
      'no tagged update, though they wrote after the stop',
    );
    assert.equal(
      verdict(
        consentAllows(
          tagged('HUMAN_AGENT'),
          standing({ updatesStoppedAt: now - 3 * STANDARD_WINDOW_MS }),
          now - 2 * STANDARD_WINDOW_MS,
          now,
        ),
      ),
      true,
      'a human agent answers for 7 days',
    );
  });
});

describe('the messaging_optins event', () => {
  const event: OptinEvent = {
    type: 'platform.optin',
    pageId: 'page01',
    userId: 'user01',
    userRef: 'checkout-1',
    ref: 'cart-9',
    how: 'checkbox',
    at: 1_764_672_000_123,
  };
  it('is Messenger’s checkbox opt-in: recipient, timestamp, optin {ref, user_ref}, no sender, no account id', () => {
    assert.deepEqual(optinEventOf(event), {
      recipient: { id: 'page01' },
      timestamp: 1_764_672_000_123,
      optin: { ref: 'cart-9', user_ref: 'checkout-1' },
    });
    assert.equal(JSON.stringify(optinEventOf(event)).includes('user01'), false);
  });
  it('leaves ref out when the merchant gave none', () => {
    assert.deepEqual(optinEventOf({ ...event, ref: null }).optin, { user_ref: 'checkout-1' });
  });
});
