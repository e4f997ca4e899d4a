import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { applyEvent } from './apply.ts';
import { ana, conv, msg, stateWith } from './fixtures.test-helpers.ts';
import { applySignal } from './local.ts';
import { conversationIds, typingUsers } from './selectors.ts';
import type { State } from './types.ts';

/**
 * Slice subscriptions: a component re-renders only when the slice it selects changes. First the
 * snapshot logic under useStore (nextSlice), then useStore itself, counting the renders of components
 * mounted with react-dom/client. They render nothing, so the container can be a stand-in and no DOM
 * is needed.
 */
const g = globalThis as Record<string, unknown>;
g.IS_REACT_ACT_ENVIRONMENT = true;
// What react-dom/client reads of `window` when it schedules and commits a render.
g.window = { event: undefined, HTMLIFrameElement: class {} };

const { act, createElement, Fragment } = await import('react');
const { createRoot } = await import('react-dom/client');
const { nextSlice, shallowEqual, store, useStore } = await import('./store.ts');

const c1 = conv({ id: 'c1', lastActivityAt: '2024-01-01T09:00:00.000Z' });
const c2 = conv({ id: 'c2', title: 'Other', lastActivityAt: '2024-01-01T09:30:00.000Z' });
const start = (): State => ({ ...stateWith([c1, c2]), connection: 'online' });

const typing = (s: State, conversationId: string, userId: string) =>
  applySignal(s, { type: 'typing', conversationId, userId, typing: true }, Date.now(), 60_000);
const created = (s: State, seq: number): State =>
  applyEvent(s, { type: 'message.created', conversationId: 'c1', message: msg(seq, ana.id) });

test('nextSlice hands back the same value while the slice is unchanged (what useSyncExternalStore compares)', () => {
  const s0 = start();
  const ids = nextSlice(null, s0, conversationIds, shallowEqual);
  assert.equal(nextSlice(ids, s0, conversationIds, shallowEqual), ids, 'same state, same selector: no new read');
  const s1 = typing(s0, 'c2', ana.id);
  assert.equal(nextSlice(ids, s1, conversationIds, shallowEqual).value, ids.value, 'same ids: same array');
  assert.notEqual(nextSlice(ids, s1, conversationIds, Object.is).value, ids.value, 'without shallowEqual: a new one');
  assert.deepEqual(nextSlice(ids, created(s1, 1), conversationIds, shallowEqual).value, ['c1', 'c2']);

  assert.ok(shallowEqual([1, 'a'], [1, 'a']));
  assert.ok(shallowEqual({ a: 1 }, { a: 1 }));
  assert.ok(!shallowEqual([1], [1, 2]));
  assert.ok(!shallowEqual({ a: 1 }, { b: 1 }));
  assert.ok(!shallowEqual([{}], [{}]), 'one level only');
  assert.ok(!shallowEqual<unknown>([], {}));
});

const renders: Record<string, number> = {};
const seen: Record<string, unknown> = {};
const errors: unknown[][] = [];
const consoleError = console.error;
const noop = () => {};
/** The root element's stand-in: the probes render nothing, so react-dom reads only these fields. */
const container = {
  nodeType: 1,
  nodeName: 'DIV',
  tagName: 'DIV',
  ownerDocument: { nodeType: 9, addEventListener: noop, removeEventListener: noop },
  addEventListener: noop,
  removeEventListener: noop,
} as unknown as Element;

/** A component that shows one slice: counts its renders and keeps what it read. */
function Probe<T>({ name, select, equal }: { name: string; select: (s: State) => T; equal?: (a: T, b: T) => boolean }) {
  seen[name] = useStore(select, equal);
  renders[name] = (renders[name] ?? 0) + 1;
  return null;
}
const probe = <T>(name: string, select: (s: State) => T, equal?: (a: T, b: T) => boolean) =>
  createElement(Probe<T>, { key: name, name, select, equal });

beforeEach(() => {
  for (const k of Object.keys(renders)) delete renders[k];
  errors.length = 0;
  console.error = (...args: unknown[]) => errors.push(args);
  store.update(start);
});
afterEach(() => {
  console.error = consoleError;
});

test('useStore: a component re-renders for its own slice, not for another', async () => {
  const root = createRoot(container);
  await act(async () =>
    root.render(
      createElement(
        Fragment,
        null,
        probe('connection', (s) => s.connection),
        probe('list', conversationIds, shallowEqual),
        probe('thread c1', (s) => s.threads.c1),
        probe('conversation c2', (s) => s.conversations.c2),
        // An inline selector building a new array on each call, as TypingIndicator's.
        probe('typing c1', (s) => typingUsers(s, 'c1', Date.now()), shallowEqual),
        probe('typing c2', (s) => typingUsers(s, 'c2', Date.now()), shallowEqual),
      ),
    ),
  );
  const mounted = { ...renders };
  assert.deepEqual(Object.values(mounted), [1, 1, 1, 1, 1, 1]);
  const after = (expected: Record<string, number>) =>
    assert.deepEqual(Object.fromEntries(Object.entries(renders).map(([k, n]) => [k, n - (mounted[k] ?? 0)])), {
      connection: 0,
      list: 0,
      'thread c1': 0,
      'conversation c2': 0,
      'typing c1': 0,
      'typing c2': 0,
      ...expected,
    });

  await act(async () => store.update((s) => typing(s, 'c2', ana.id)));
  after({ 'typing c2': 1 });
  assert.deepEqual(seen['typing c2'], [ana]);

  await act(async () => store.update((s) => ({ ...s, cursor: 500 })));
  after({ 'typing c2': 1 });

  await act(async () => store.update((s) => created(s, 1)));
  after({ 'typing c2': 1, list: 1, 'thread c1': 1 });
  assert.deepEqual(seen.list, ['c1', 'c2']);

  await act(async () => store.update((s) => ({ ...s, connection: 'offline' })));
  after({ 'typing c2': 1, list: 1, 'thread c1': 1, connection: 1 });
  assert.equal(seen.connection, 'offline');

  await act(async () => root.unmount());
  assert.deepEqual(errors, [], 'no warning from React (an unstable snapshot would loop and warn)');
});

test('useStore: a selector that changes with the props is read again', async () => {
  const root = createRoot(container);
  const titleOf = (id: string) => probe('title', (s) => s.conversations[id]?.title);
  await act(async () => root.render(titleOf('c1')));
  assert.equal(seen.title, 'Team');
  await act(async () => root.render(titleOf('c2')));
  assert.equal(seen.title, 'Other');
  await act(async () => root.unmount());
  assert.deepEqual(errors, []);
});
