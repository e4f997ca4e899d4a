import type { ConversationKind, HistoryVisibility, MemberRole } from '../../protocol/views.ts';
import { Lru } from '../lib/lru.ts';
import type { Tx } from '../storage/types.ts';
import { visibleFrom } from './views.ts';

/** Who in a conversation may see an event about its message `seq` (history 'joined' hides older ones). */
export function membersWhoSee(state: ConversationState, seq: number): string[] {
  return [...state.members.keys()].filter((id) => seq > readsFrom(state, id));
}

/** The seq after which a member reads the conversation's messages (views.ts, visibleFrom). */
export function readsFrom(state: ConversationState, userId: string): number {
  return visibleFrom(state, { visibleFromSeq: state.visibleFrom.get(userId) ?? 0 });
}

/**
 * What the write path needs to know of a conversation on every message: its kind, its next seq and who
 * is in it. Entries are built and changed only inside committer jobs (the single writer), so they always
 * match the database as of the job; a failed batch clears them all (Committer.onRollback).
 */
export interface ConversationState {
  id: string;
  kind: ConversationKind;
  history: HistoryVisibility;
  /** Who opened it (a one-to-one conversation is announced to the other person with its first message). */
  createdBy: string;
  lastSeq: number;
  /** Active members and their role. */
  members: Map<string, MemberRole>;
  /** Active members' visible-from seq (under history 'joined' they read the messages after it). */
  visibleFrom: Map<string, number>;
  /** People who were members once and are no longer: they left, or an admin removed them. */
  former: Map<string, 'left' | 'removed'>;
}

export class ConversationStates {
  private readonly cache: Lru<string, ConversationState>;

  constructor(max = 100_000) {
    this.cache = new Lru(max);
  }

  /** The state of a conversation, loaded through the job's transaction when missing; null if none. */
  async load(tx: Tx, conversationId: string): Promise<ConversationState | null> {
    const hit = this.cache.get(conversationId);
    if (hit) return hit;
    const c = await tx.messaging.conversationById(conversationId);
    if (!c) return null;
    const members = new Map<string, MemberRole>();
    const former = new Map<string, 'left' | 'removed'>();
    const visibleFrom = new Map<string, number>();
    for (const m of await tx.messaging.membersOf(conversationId)) {
      if (m.active) {
        members.set(m.userId, m.role);
        visibleFrom.set(m.userId, m.visibleFromSeq);
      } else former.set(m.userId, m.removed ? 'removed' : 'left');
    }
    const state: ConversationState = {
      id: c.id,
      kind: c.kind,
      history: c.history,
      createdBy: c.createdBy,
      lastSeq: c.lastSeq,
      members,
      visibleFrom,
      former,
    };
    this.cache.set(conversationId, state);
    return state;
  }

  /** The cached state, if any, for read-only checks outside jobs. */
  peek(conversationId: string): ConversationState | undefined {
    return this.cache.get(conversationId);
  }

  forget(conversationId: string) {
    this.cache.delete(conversationId);
  }

  clear() {
    this.cache.clear();
  }
}
