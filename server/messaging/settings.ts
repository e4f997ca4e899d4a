import { limits, MUTED_FOREVER } from '../../protocol/limits.ts';
import type { ConversationView } from '../../protocol/views.ts';
import { iso } from '../accounts/presenter.ts';
import { AppError } from '../errors.ts';
import type { Committer } from '../storage/commit.ts';
import { requireMember } from './policy.ts';
import type { ConversationStates } from './state.ts';
import type { ConversationRecord, SettingsRecord } from './store.ts';

/**
 * Each person's own settings of a conversation — mute, pin, archive — seen by nobody else: stored per
 * person (conversation_settings), presented in their ConversationView and told to their own devices
 * (`conversation.settings_updated`, scoped to them, live and in catch-up).
 *
 * Archive follows Telegram's rule: an archived conversation returns to the main list when a message
 * arrives, unless it arrives while the conversation is muted. Nothing is written on the way of a message:
 * the rule is read from the row — archived while no message came after it was archived (`archivedSeq`),
 * or while the latest message came before the end of the mute. Every change of the settings first settles
 * that state (a conversation a message brought back is no longer archived; one that stays archived is
 * archived as of its last message), so that a later mute or unmute does not change the past.
 */

export type SettingsView = Pick<ConversationView, 'mutedUntil' | 'pinnedAt' | 'archived'>;

/** The time MUTED_FOREVER stands for, in ms. */
export const MUTED_FOREVER_MS = Date.parse(MUTED_FOREVER);

/** Whether the conversation is archived for the person now, by the rule above. */
export function isArchived(
  s: SettingsRecord | null | undefined,
  c: Pick<ConversationRecord, 'lastSeq' | 'lastActivityAt'>,
): boolean {
  if (!s || s.archivedAt === null) return false;
  if (c.lastSeq <= s.archivedSeq) return true;
  return s.mutedUntil !== null && c.lastActivityAt <= s.mutedUntil;
}

export function presentSettings(
  s: SettingsRecord | null | undefined,
  c: Pick<ConversationRecord, 'lastSeq' | 'lastActivityAt'>,
): SettingsView {
  return {
    mutedUntil: s?.mutedUntil == null ? null : s.mutedUntil >= MUTED_FOREVER_MS ? MUTED_FOREVER : iso(s.mutedUntil),
    pinnedAt: s?.pinnedAt == null ? null : iso(s.pinnedAt),
    archived: isArchived(s, c),
  };
}

export interface SettingsChange {
  /** An ISO time (MUTED_FOREVER: "Always"), or null to unmute. */
  mutedUntil?: string | null | undefined;
  pinned?: boolean | undefined;
  archived?: boolean | undefined;
}

export class ConversationSettingsService {
  constructor(
    private readonly committer: Committer,
    private readonly states: ConversationStates,
  ) {}

  /**
   * Changes the person's settings of a conversation they are an active member of. Pinning unarchives,
   * archiving unpins (the pinned ones stay on top of the main list). Answers the settings as they now are.
   */
  async update(userId: string, conversationId: string, change: SettingsChange): Promise<SettingsView> {
    if (change.pinned === true && change.archived === true) {
      throw new AppError('bad_request', 'A conversation is pinned or archived, not both');
    }
    return this.committer.run(async (uow) => {
      requireMember(await this.states.load(uow.tx, conversationId), userId);
      const c = await uow.tx.messaging.conversationById(conversationId);
      if (!c) throw new AppError('conversation_not_found');
      const old = await uow.tx.messaging.settingsOf(conversationId, userId);
      const before = presentSettings(old, c);
      let mutedUntil = old?.mutedUntil ?? null;
      if (change.mutedUntil !== undefined) {
        if (change.mutedUntil === null) mutedUntil = null;
        else {
          const until = Math.min(Date.parse(change.mutedUntil), MUTED_FOREVER_MS);
          if (!(until > uow.now)) throw new AppError('bad_request', 'mutedUntil must be in the future');
          mutedUntil = until;
        }
      }
      // Settled first: archived as of now (at the last message), or not archived.
      let archived = before.archived;
      let pinnedAt = old?.pinnedAt ?? null;
      if (change.archived !== undefined) archived = change.archived;
      if (change.pinned === true) {
        if (pinnedAt === null) {
          if ((await uow.tx.messaging.pinnedCount(userId)) >= limits.pinnedConversations.max) {
            throw new AppError('too_many_pinned', undefined, { max: limits.pinnedConversations.max });
          }
          pinnedAt = uow.now;
        }
        archived = false;
      } else if (change.pinned === false) pinnedAt = null;
      if (change.archived === true) pinnedAt = null;
      const next: SettingsRecord = {
        conversationId,
        userId,
        mutedUntil,
        pinnedAt,
        archivedAt: archived ? (before.archived && old ? old.archivedAt : uow.now) : null,
        archivedSeq: archived ? c.lastSeq : 0,
      };
      const after = presentSettings(next, c);
      const same =
        old !== null &&
        old.mutedUntil === next.mutedUntil &&
        old.pinnedAt === next.pinnedAt &&
        old.archivedAt === next.archivedAt &&
        old.archivedSeq === next.archivedSeq;
      if (same || (old === null && !after.archived && after.mutedUntil === null && after.pinnedAt === null)) {
        return after;
      }
      await uow.tx.messaging.putSettings(next);
      if (
        after.mutedUntil !== before.mutedUntil ||
        after.pinnedAt !== before.pinnedAt ||
        after.archived !== before.archived
      ) {
        await uow.emit({
          event: { type: 'conversation.settings_updated', conversationId, ...after },
          scope: { userId },
          audience: [userId],
        });
      }
      return after;
    });
  }
}
