import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UserView } from '../../../protocol/views.ts';
import { ana, ben, cat, conv, me, member } from './fixtures.test-helpers.ts';
import { applyPresence, presenceLine, presencePeers, replacePresence } from './presence.ts';

const page: UserView = { id: 'u-page', username: 'shop', displayName: 'Shop', kind: 'page' };

test('presence: a signal replaces the person’s state; the same state changes nothing', () => {
  const m0 = {};
  const m1 = applyPresence(m0, { type: 'presence', userId: ana.id, state: 'online', lastSeenAt: null });
  assert.deepEqual(m1, { [ana.id]: { userId: ana.id, state: 'online', lastSeenAt: null } });
  assert.equal(applyPresence(m1, { userId: ana.id, state: 'online', lastSeenAt: null }), m1);
  const m2 = applyPresence(m1, {
    type: 'presence',
    userId: ana.id,
    state: 'offline',
    lastSeenAt: '2024-01-01T10:00:00.000Z',
  });
  assert.equal(m2[ana.id]?.state, 'offline');
  const m3 = replacePresence(m2, [ana.id, ben.id], [{ userId: ben.id, state: 'hidden', lastSeenAt: null }]);
  assert.deepEqual(
    m3,
    { [ben.id]: { userId: ben.id, state: 'hidden', lastSeenAt: null } },
    'ana left out: unknown now',
  );
});

test('presence: asked for the other person of each one-to-one conversation, pages and groups aside', () => {
  const convs = {
    d1: conv({ id: 'd1', kind: 'direct', members: [member(me), member(ana)] }),
    d2: conv({ id: 'd2', kind: 'direct', members: [member(me), member(page)] }),
    g: conv({ id: 'g', members: [member(me), member(ben), member(cat)] }),
    d3: conv({ id: 'd3', kind: 'direct', members: [member(ana), member(me)] }),
  };
  assert.deepEqual(presencePeers(convs, me.id), [ana.id]);
});

test('presence: the header line — online, last seen today, yesterday or on a date, nothing when hidden', () => {
  const now = new Date(2024, 5, 15, 18, 0);
  const at = (d: Date) => d.toISOString();
  assert.deepEqual(presenceLine({ userId: 'x', state: 'online', lastSeenAt: null }, now), { kind: 'online' });
  const today = at(new Date(2024, 5, 15, 14, 5));
  assert.deepEqual(presenceLine({ userId: 'x', state: 'offline', lastSeenAt: today }, now), {
    kind: 'today',
    at: today,
  });
  const yesterday = at(new Date(2024, 5, 14, 23, 59));
  assert.deepEqual(presenceLine({ userId: 'x', state: 'offline', lastSeenAt: yesterday }, now), {
    kind: 'yesterday',
    at: yesterday,
  });
  const older = at(new Date(2024, 4, 2, 9, 0));
  assert.deepEqual(presenceLine({ userId: 'x', state: 'offline', lastSeenAt: older }, now), {
    kind: 'date',
    at: older,
  });
  assert.equal(presenceLine({ userId: 'x', state: 'offline', lastSeenAt: null }, now), null, 'never seen');
  assert.equal(presenceLine({ userId: 'x', state: 'hidden', lastSeenAt: null }, now), null);
  assert.equal(presenceLine(undefined, now), null);
});
