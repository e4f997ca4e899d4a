import { useSyncExternalStore } from 'react';
import { initialState, type State } from './types.ts';

/** A tiny external store: one immutable State, replaced by pure updates, read with useSyncExternalStore. */
export interface Store {
  getSnapshot(): State;
  subscribe(listener: () => void): () => void;
  update(fn: (state: State) => State): void;
}

export function createStore(initial: State): Store {
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

/** The whole state (re-renders on every change). */
export function useAppState(): State {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

/** A slice of the state; `select` must return something stable (a part of the state, or a primitive). */
export function useSelect<T>(select: (state: State) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getSnapshot()),
    () => select(store.getSnapshot()),
  );
}
