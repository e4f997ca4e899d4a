import { AppError } from '../errors.ts';
import type { ConversationState } from './state.ts';

/**
 * Who may do what in a conversation. Never-members learn nothing (the conversation "does not exist");
 * former members are told they are no longer in it.
 */
export function requireMember(state: ConversationState | null | undefined, userId: string): ConversationState {
  if (!state) throw new AppError('conversation_not_found');
  if (state.members.has(userId)) return state;
  if (state.former.has(userId)) throw new AppError('not_member');
  throw new AppError('conversation_not_found');
}

export function requireGroup(state: ConversationState) {
  if (state.kind !== 'group') throw new AppError('bad_request', 'Only groups have this');
}

export function requireAdmin(state: ConversationState, userId: string) {
  requireGroup(state);
  if (state.members.get(userId) !== 'admin') throw new AppError('not_admin');
}

/**
 * The same rule from a member row read outside a job: none means a stranger (the conversation "does not
 * exist"), an inactive one a former member. Answers the row, now known to be active.
 */
export function requireActiveRow<R extends { active: boolean }>(row: R | null | undefined): R {
  if (!row) throw new AppError('conversation_not_found');
  if (!row.active) throw new AppError('not_member');
  return row;
}
