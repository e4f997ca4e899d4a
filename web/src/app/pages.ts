import type { PageRole, PageView } from '../../../protocol/views.ts';
import { ApiError, api } from '../api/http.ts';
import { upsertConversation } from '../state/apply.ts';
import {
  forgetPage,
  forgetPageApps,
  removePageMember as removeMember,
  setMyPages,
  setPageApps,
  setPageMembers,
  setPageProfile,
  upsertMyPage,
} from '../state/pages.ts';
import { store } from '../state/store.ts';
import { navigate } from './router.ts';

/**
 * Business pages over HTTP: each action applies the server's answer to the store at once. Pages are not
 * in the event stream, so the lists are read again whenever they are shown. The page's inbox (answering
 * as the page) will build on these: who runs which page, with which role.
 */

/** A person's conversation with a page (the same one every time), opened. */
export async function openPageConversation(page: Pick<PageView, 'id'>): Promise<void> {
  const { conversation } = await api.pageConversation(page.id);
  store.update((s) => upsertConversation(s, conversation));
  navigate(conversation.id);
}

/**
 * A page's short link (`/m/<username>?ref=…`): the person's conversation with that page, opened with the
 * link's ref (the page's apps receive it), in place of the link's URL. `page_not_found` when no page has
 * that username; `invalid_ref` for a ref the server refuses.
 */
export async function openShortLink(username: string, ref: string | null): Promise<void> {
  const { pages } = await api.pageByUsername(username);
  const page = pages[0];
  if (!page) throw new ApiError('page_not_found', 404, `No page is called @${username}`);
  const { conversation } = await api.pageConversation(page.id, ref ?? undefined);
  store.update((s) => upsertConversation(s, conversation));
  navigate(conversation.id, { replace: true });
}

/** The greeting, Get Started button and persistent menu of a page I talk with, read again. */
export async function loadPageProfile(pageId: string): Promise<void> {
  const { profile } = await api.pageProfile(pageId);
  store.update((s) => setPageProfile(s, pageId, profile));
}

export async function loadMyPages(): Promise<void> {
  const { pages } = await api.myPages();
  store.update((s) => setMyPages(s, pages));
}

/** A new page, run by me (its admin). */
export async function createPage(body: { name: string; username: string; description?: string }): Promise<PageView> {
  const { page } = await api.createPage(body);
  store.update((s) => upsertMyPage(s, page, 'admin'));
  return page;
}

export async function updatePage(pageId: string, change: { name?: string; description?: string }): Promise<void> {
  const { page } = await api.updatePage(pageId, change);
  store.update((s) => upsertMyPage(s, page));
}

/** Throws what it caught, having first forgotten a page I no longer run (or that is gone). */
function forgetIfGone(pageId: string, e: unknown): never {
  if (e instanceof ApiError && (e.id === 'not_page_member' || e.id === 'page_not_found')) {
    store.update((s) => forgetPage(s, pageId));
  }
  throw e;
}

/** The page itself and who runs it: both read again (the settings of a page show them). */
export async function loadPage(pageId: string): Promise<void> {
  try {
    const [{ page }, { members }] = await Promise.all([api.page(pageId), api.pageMembers(pageId)]);
    store.update((s) => setPageMembers(upsertMyPage(s, page), pageId, members));
  } catch (e) {
    forgetIfGone(pageId, e);
  }
}

/** The apps connected to a page I administer, with their webhooks' state (admins only: others are refused). */
export async function loadPageApps(pageId: string): Promise<void> {
  try {
    const { apps } = await api.pageApps(pageId);
    store.update((s) => setPageApps(s, pageId, apps));
  } catch (e) {
    if (e instanceof ApiError && e.id === 'not_page_admin') store.update((s) => forgetPageApps(s, pageId));
    forgetIfGone(pageId, e);
  }
}

/** Adds a person by username, or changes the role of one already there (admins). */
export async function addPageMember(pageId: string, username: string, role: PageRole): Promise<void> {
  try {
    const { members } = await api.addPageMember(pageId, username, role);
    store.update((s) => setPageMembers(s, pageId, members));
  } catch (e) {
    forgetIfGone(pageId, e);
  }
}

export async function setPageRole(pageId: string, userId: string, role: PageRole): Promise<void> {
  try {
    const { members } = await api.setPageRole(pageId, userId, role);
    store.update((s) => setPageMembers(s, pageId, members));
  } catch (e) {
    forgetIfGone(pageId, e);
  }
}

/** Removes someone (admins), or leaves when it is me. */
export async function removePageMember(pageId: string, userId: string): Promise<void> {
  try {
    await api.removePageMember(pageId, userId);
    store.update((s) => removeMember(s, pageId, userId));
  } catch (e) {
    forgetIfGone(pageId, e);
  }
}
