import type { Signal } from '../../../protocol/events.ts';
import { presenceApi } from '../api/presence.ts';
import { applyPresence, type PresenceMap, presencePeers, replacePresence } from '../state/presence.ts';
import { createStore, store, useStoreOf } from '../state/store.ts';

/**
 * People's presence in this tab: read for the other person of each one-to-one conversation when the
 * socket is ready (and when a new one appears), then kept live by `presence` signals. Its own store, so
 * that a change of someone's presence re-renders only what shows it.
 */
export const presenceStore = createStore<PresenceMap>({});

export function usePresence<T>(select: (map: PresenceMap) => T): T {
  return useStoreOf(presenceStore, select);
}

let asked: readonly string[] = [];
let loading: Promise<void> | null = null;
let again = false;

/** Reads the presence of every person I have a one-to-one conversation with (after `ready`, a reconnection, a setting change). */
export function refreshPresence(): Promise<void> {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      const s = store.getSnapshot();
      const ids = presencePeers(s.conversations, s.me?.id);
      if (ids.length === 0) {
        presenceStore.update(() => ({}));
        continue;
      }
      try {
        const answer = await presenceApi.presence(ids);
        presenceStore.update((m) => replacePresence(m, [...new Set([...asked, ...ids])], answer.presence));
        asked = ids;
      } catch {
        // Offline or failing: the next `ready` reads it again.
      }
    } while (again);
  })().finally(() => {
    loading = null;
  });
  return loading;
}

/** Reads the presence of people not asked about yet (a new one-to-one conversation). */
export function presenceOfNewPeers(): void {
  const s = store.getSnapshot();
  const known = new Set(asked);
  if (presencePeers(s.conversations, s.me?.id).some((id) => !known.has(id))) void refreshPresence();
}

export function onPresenceSignal(signal: Extract<Signal, { type: 'presence' }>): void {
  presenceStore.update((m) => applyPresence(m, signal));
}

/** Signed out, or presence turned off (then I see nobody's): forget everything. */
export function clearPresence(): void {
  asked = [];
  presenceStore.update(() => ({}));
}
