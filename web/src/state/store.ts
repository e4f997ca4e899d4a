import { useRef, useSyncExternalStore } from 'react';
import { initialState, type State } from './types.ts';

/**
 * A tiny external store: one immutable State, replaced by pure updates. Components read it with
 * useStore(select): each re-renders only when the slice it selects changes, not on every update.
 */
export interface Store<S = State> {
  getSnapshot(): S;
  subscribe(listener: () => void): () => void;
  update(fn: (state: S) => S): void;
}

export type Equal<T> = (a: T, b: T) => boolean;

/** The last slice read by one reader: what it was read from, and the value handed out. */
export interface Slice<T, S = State> {
  state: S;
  select: (state: S) => T;
  value: T;
}

/**
 * The slice of `state` for a reader that last saw `prev`: `prev` itself when neither the state nor the
 * selector changed, else a new read that keeps the previous value (the same reference) while `equal`
 * finds it unchanged. A selector that builds a new array or object on each call therefore still hands
 * out a stable value, as useSyncExternalStore requires, given `equal` = shallowEqual.
 */
export function nextSlice<T, S = State>(
  prev: Slice<T, S> | null,
  state: S,
  select: (state: S) => T,
  equal: Equal<T>,
): Slice<T, S> {
  if (prev && prev.state === state && prev.select === select) return prev;
  const value = select(state);
  return { state, select, value: prev && equal(prev.value, value) ? prev.value : value };
}

/** Equal as values one level down: the same items of two arrays, or the same entries of two plain objects. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && Object.is(ra[k], rb[k]));
}

/** A store of any state: the app's (`store`, below), or another, e.g. a page's inbox (its own State). */
export function createStore<S>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update(fn) {
      const next = fn(state);
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
  };
}

export const store = createStore(initialState());

/**
 * The slice of the state a component shows. The component re-renders only when that slice changes:
 * useSyncExternalStore compares what the snapshot function returns with Object.is, and nextSlice hands
 * back the very same value while the slice is unchanged (by `equal`: Object.is by default; shallowEqual
 * for a selector that builds an array or object). `select` may be an inline function; it is re-run when
 * the state or the function changes.
 */
export function useStore<T>(select: (state: State) => T, equal: Equal<T> = Object.is): T {
  return useStoreOf(store, select, equal);
}

/** useStore on another store than the app's (a page's inbox keeps one of its own). */
export function useStoreOf<S, T>(of: Store<S>, select: (state: S) => T, equal: Equal<T> = Object.is): T {
  const last = useRef<Slice<T, S> | null>(null);
  const read = () => {
    last.current = nextSlice(last.current, of.getSnapshot(), select, equal);
    return last.current.value;
  };
  return useSyncExternalStore(of.subscribe, read, read);
}
