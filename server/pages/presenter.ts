import type { PageMemberView, PageView, UserView } from '../../protocol/views.ts';
import { iso } from '../accounts/presenter.ts';
import type { PageMemberRecord, PageRecord } from './store.ts';

export function presentPage(p: PageRecord): PageView {
  return { id: p.id, username: p.username, name: p.name, description: p.description, createdAt: iso(p.createdAt) };
}

export function presentPageMember(m: PageMemberRecord, user: UserView): PageMemberView {
  return { user, role: m.role, addedAt: iso(m.addedAt) };
}
