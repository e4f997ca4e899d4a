import type { PageProfileView } from '../../../protocol/profile.ts';
import type { PageAppView, PageMemberView, PageRole, PageView, UserView } from '../../../protocol/views.ts';
import type { MyPage, State } from './types.ts';

/**
 * The business pages I help run and who runs them, as the server last answered (pages are read over
 * HTTP, not from events). Pure; each returns the same state when nothing changes, and keeps the objects
 * of unchanged entries, so that a component reading one page does not re-render for another.
 */

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * `GET /api/me/pages` replaces what we knew; the members of a page no longer mine are forgotten, and its
 * apps once I no longer administer it.
 */
export function setMyPages(state: State, list: readonly MyPage[]): State {
  const before = state.myPages;
  const myPages: Record<string, MyPage> = {};
  for (const item of list) {
    const old = before?.[item.page.id];
    myPages[item.page.id] = old && same(old, item) ? old : item;
  }
  const unchanged =
    before !== null &&
    Object.keys(before).length === list.length &&
    Object.entries(myPages).every(([id, item]) => before[id] === item);
  const stale = Object.keys(state.pageMembers).filter((id) => !(id in myPages));
  const staleApps = Object.keys(state.pageApps).filter((id) => myPages[id]?.role !== 'admin');
  if (unchanged && stale.length === 0 && staleApps.length === 0) return state;
  let pageMembers = state.pageMembers;
  if (stale.length > 0) {
    pageMembers = { ...pageMembers };
    for (const id of stale) delete pageMembers[id];
  }
  let pageApps = state.pageApps;
  if (staleApps.length > 0) {
    pageApps = { ...pageApps };
    for (const id of staleApps) delete pageApps[id];
  }
  return { ...state, myPages: unchanged ? before : myPages, pageMembers, pageApps };
}

/**
 * A page of mine as the server just answered it (created: with my role, `admin`; edited: the role kept).
 * Before the list is first loaded nothing is kept: the list, when it loads, will have it.
 */
export function upsertMyPage(state: State, page: PageView, role?: PageRole): State {
  if (state.myPages === null) return state;
  const old = state.myPages[page.id];
  const r = role ?? old?.role;
  if (!r) return state;
  const item: MyPage = { page, role: r };
  if (old && same(old, item)) return state;
  return { ...state, myPages: { ...state.myPages, [page.id]: item } };
}

/** A page I no longer help run (I left, was removed, or it is gone): out of my pages, its members forgotten. */
export function forgetPage(state: State, pageId: string): State {
  const inList = state.myPages !== null && pageId in state.myPages;
  const hasMembers = pageId in state.pageMembers;
  const hasApps = pageId in state.pageApps;
  if (!inList && !hasMembers && !hasApps) return state;
  let next = state;
  if (inList && state.myPages) {
    const { [pageId]: _, ...rest } = state.myPages;
    next = { ...next, myPages: rest };
  }
  if (hasMembers) {
    const { [pageId]: _, ...rest } = next.pageMembers;
    next = { ...next, pageMembers: rest };
  }
  if (hasApps) {
    const { [pageId]: _, ...rest } = next.pageApps;
    next = { ...next, pageApps: rest };
  }
  return next;
}

/** Who runs a page, as the server answered; my own role there follows the list (I may have been made agent). */
export function setPageMembers(state: State, pageId: string, members: readonly PageMemberView[]): State {
  let next = state;
  const old = state.pageMembers[pageId];
  if (!old || !same(old, members)) next = { ...next, pageMembers: { ...next.pageMembers, [pageId]: [...members] } };
  const mine = members.find((m) => m.user.id === state.me?.id);
  const item = next.myPages?.[pageId];
  if (mine && item && item.role !== mine.role && next.myPages) {
    next = { ...next, myPages: { ...next.myPages, [pageId]: { ...item, role: mine.role } } };
  }
  // Made agent: what only the page's admins see goes.
  if (mine && mine.role !== 'admin') next = forgetPageApps(next, pageId);
  return next;
}

/** The apps connected to a page I administer, with their webhooks' state, as the server answered. */
export function setPageApps(state: State, pageId: string, apps: readonly PageAppView[]): State {
  const old = state.pageApps[pageId];
  if (old && same(old, apps)) return state;
  return { ...state, pageApps: { ...state.pageApps, [pageId]: [...apps] } };
}

/** I am no longer admin of the page (`not_page_admin`): its apps are forgotten. */
export function forgetPageApps(state: State, pageId: string): State {
  if (!(pageId in state.pageApps)) return state;
  const { [pageId]: _, ...pageApps } = state.pageApps;
  return { ...state, pageApps };
}

/** Someone no longer runs the page (`DELETE …/members/:userId` answered 204); when it was me, it is no longer mine. */
export function removePageMember(state: State, pageId: string, userId: string): State {
  if (userId === state.me?.id) return forgetPage(state, pageId);
  const list = state.pageMembers[pageId];
  if (!list?.some((m) => m.user.id === userId)) return state;
  return { ...state, pageMembers: { ...state.pageMembers, [pageId]: list.filter((m) => m.user.id !== userId) } };
}

/** A page's account renamed (`user.updated`): its name in my pages follows. Anyone else: unchanged. */
export function renameMyPage(state: State, user: Pick<UserView, 'id' | 'displayName'>): State {
  const item = state.myPages?.[user.id];
  if (!item || !state.myPages || item.page.name === user.displayName) return state;
  return {
    ...state,
    myPages: { ...state.myPages, [user.id]: { ...item, page: { ...item.page, name: user.displayName } } },
  };
}

/** A page's messenger profile as the server answered it; the same state when nothing changed. */
export function setPageProfile(state: State, pageId: string, profile: PageProfileView): State {
  const old = state.pageProfiles[pageId];
  if (old && same(old, profile)) return state;
  return { ...state, pageProfiles: { ...state.pageProfiles, [pageId]: profile } };
}
