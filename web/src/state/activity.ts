import type { ActivityView } from '../../../protocol/views.ts';
import type { State } from './types.ts';

/**
 * A group's activity lines (created, renamed, people added, removed, left…), kept per conversation apart
 * from its messages: each sits after the message `afterSeq`. Pure and idempotent, like apply.ts.
 */

function order(a: ActivityView, b: ActivityView): number {
  return a.afterSeq - b.afterSeq || a.at.localeCompare(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Adds lines to a conversation's (from an event or a history page); the same state when none is new. */
export function withActivity(state: State, conversationId: string, lines: readonly ActivityView[] | undefined): State {
  if (!lines || lines.length === 0) return state;
  const known = state.activity[conversationId] ?? [];
  const fresh = lines.filter((l) => l.conversationId === conversationId && !known.some((k) => k.id === l.id));
  if (fresh.length === 0) return state;
  return { ...state, activity: { ...state.activity, [conversationId]: [...known, ...fresh].sort(order) } };
}

/** Where lines go among loaded messages: after a message (by its id), before the first, or nowhere yet. */
export interface Placed {
  /** Before the first loaded message: the thread is loaded back to its start. */
  top: ActivityView[];
  /** After the message with this id (the last loaded one whose seq is at most the line's afterSeq). */
  after: Map<string, ActivityView[]>;
}

/**
 * Places lines among messages (sorted by seq). A line older than the first loaded message shows only when
 * nothing older is left to load (`complete`): otherwise the page that brings its message brings it too.
 * Likewise a line after a message newer than the last loaded one waits while newer ones are to load
 * (`windowed`: a search result's window, not yet joined to the live tail).
 */
export function placeActivity(
  messages: readonly { id: string; seq: number }[],
  lines: readonly ActivityView[],
  complete: boolean,
  windowed = false,
): Placed {
  const placed: Placed = { top: [], after: new Map() };
  const newest = messages[messages.length - 1]?.seq ?? 0;
  let i = -1;
  for (const line of lines) {
    if (windowed && line.afterSeq > newest) break;
    while (i + 1 < messages.length && (messages[i + 1] as { seq: number }).seq <= line.afterSeq) i++;
    const anchor = messages[i];
    if (!anchor) {
      if (complete) placed.top.push(line);
      continue;
    }
    const list = placed.after.get(anchor.id);
    if (list) list.push(line);
    else placed.after.set(anchor.id, [line]);
  }
  return placed;
}
