import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActivityView } from '../../../protocol/views.ts';
import { placeActivity, withActivity } from './activity.ts';
import { applyEvent, applySnapshot } from './apply.ts';
import { applyHistory } from './local.ts';
import { initialState } from './types.ts';

const line = (id: string, afterSeq: number, at = `2026-12-03T10:00:0${afterSeq}.000Z`): ActivityView => ({
  id,
  conversationId: 'g1',
  afterSeq,
  at,
  kind: 'added',
  actorId: 'ana',
  targetId: 'ben',
  title: null,
  history: null,
});
const msg = (seq: number) => ({ id: `m${seq}`, seq });

describe('activity lines', () => {
  it('keeps each line once, in thread order, whatever brings it and however often', () => {
    let s = initialState();
    s = withActivity(s, 'g1', [line('b', 2), line('a', 0)]);
    const once = s;
    s = withActivity(s, 'g1', [line('a', 0)]);
    assert.equal(s, once, 'nothing new: the same state');
    s = applyEvent(s, {
      type: 'member.removed',
      conversationId: 'g1',
      userId: 'ben',
      by: 'ana',
      reason: 'removed',
      activity: [line('c', 1)],
    });
    s = applyEvent(s, {
      type: 'member.removed',
      conversationId: 'g1',
      userId: 'ben',
      by: 'ana',
      reason: 'removed',
      activity: [line('c', 1)],
    });
    assert.deepEqual(
      s.activity.g1?.map((a) => a.id),
      ['a', 'c', 'b'],
    );
    s = applyHistory(
      s,
      'g1',
      { messages: [], hasMore: false, users: [], activity: [line('d', 1, '2026-12-03T10:00:00.500Z'), line('b', 2)] },
      'latest',
    );
    assert.deepEqual(
      s.activity.g1?.map((a) => a.id),
      ['a', 'd', 'c', 'b'],
      'by afterSeq, then time',
    );
    // A line of another conversation is not taken for this one.
    assert.equal(withActivity(s, 'g2', [line('x', 0)]), s);
    // A fresh snapshot (after a reset) drops what it cannot vouch for, like the threads.
    assert.deepEqual(applySnapshot(s, { cursor: 1, conversations: [] }).activity, {});
  });

  it('places lines after the message they followed, the oldest only once the start is loaded', () => {
    const lines = [line('start', 0), line('after1', 1), line('after3', 3), line('after4', 4), line('end', 9)];
    const all = placeActivity([msg(1), msg(2), msg(4)], lines, true);
    assert.deepEqual(
      all.top.map((a) => a.id),
      ['start'],
    );
    assert.deepEqual(
      [...all.after].map(([m, ls]) => [m, ls.map((a) => a.id)]),
      [
        ['m1', ['after1']],
        ['m2', ['after3']],
        ['m4', ['after4', 'end']],
      ],
      'a line after a message not loaded (3) sits after the one before it',
    );
    const partial = placeActivity([msg(3), msg(4)], lines, false);
    assert.deepEqual(partial.top, [], 'older lines wait for their page');
    assert.deepEqual(
      [...partial.after].map(([m, ls]) => [m, ls.map((a) => a.id)]),
      [
        ['m3', ['after3']],
        ['m4', ['after4', 'end']],
      ],
    );
    assert.deepEqual(
      [...placeActivity([msg(1), msg(2)], lines, true, true).after.keys()],
      ['m1'],
      'in a window short of the live tail, lines after its newest message wait',
    );
    assert.deepEqual(
      placeActivity([], lines, true).top.map((a) => a.id),
      lines.map((a) => a.id),
      'a group without messages yet shows its lines',
    );
  });
});
