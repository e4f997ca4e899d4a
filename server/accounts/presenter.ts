import type { SelfView, SessionView, UserView } from '../../protocol/views.ts';
import { mediaPath } from '../media/views.ts';
import type { SessionRecord, UserRecord } from './store.ts';

export const iso = (ms: number) => new Date(ms).toISOString();

export function presentUser(u: UserRecord): UserView {
  // A deleted account shows nothing of the person (its row is a tombstone: accounts/store.ts eraseUser).
  if (u.deletedAt != null) return { id: u.id, username: '', displayName: '', deleted: true };
  const view: UserView =
    u.kind === 'page'
      ? { id: u.id, username: u.username, displayName: u.displayName, kind: 'page' }
      : { id: u.id, username: u.username, displayName: u.displayName };
  if (u.avatarMediaId) {
    const id = u.avatarMediaId;
    view.avatar = { id, url: mediaPath(id), thumbnailUrl: mediaPath(id, 'thumbnail') };
  }
  return view;
}

export function presentSelf(u: UserRecord): SelfView {
  return { ...presentUser(u), createdAt: iso(u.createdAt) };
}

export function presentSession(s: SessionRecord, currentId: string): SessionView {
  return {
    id: s.id,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: iso(s.createdAt),
    lastSeenAt: iso(s.lastSeenAt),
    expiresAt: iso(s.expiresAt),
    current: s.id === currentId,
  };
}
