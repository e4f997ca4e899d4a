import type { AttachmentView } from '../../../protocol/media.ts';
import type { ConversationView, PageView, SelfView } from '../../../protocol/views.ts';
import { setMe } from './local.ts';
import { type FailReason, initialState, type State } from './types.ts';

/**
 * A page's inbox is the page's account seen by the people who run it (docs/ARCHITECTURE.md): its
 * conversations are that account's, so the inbox keeps a State of its own whose `me` is the page's
 * account, and every pure function of the messenger's (the event reducer, receipts, the outbox, the
 * selectors) works on it unchanged. Its socket (`/ws?page=`) and its HTTP routes feed it.
 */

/** The account a page speaks through: same id, username and name as the page (server: flows/pages.ts). */
export function pageAccount(page: PageView): SelfView {
  return { id: page.id, username: page.username, displayName: page.name, kind: 'page', createdAt: page.createdAt };
}

/** A page's inbox before it is read: the page as `me`, nothing else. */
export function inboxState(page: PageView): State {
  return setMe(initialState(), pageAccount(page), null);
}

/**
 * Where the inbox stands: reading the page's conversations, ready (live), or closed because the person no
 * longer runs the page (or it is gone), or the first read failed (with why; it may be retried).
 */
export type InboxPhase = 'loading' | 'ready' | 'gone' | 'failed';
export interface InboxStatus {
  phase: InboxPhase;
  error: FailReason | null;
}

export const inboxLoading: InboxStatus = { phase: 'loading', error: null };

/** What a failed request of the inbox means for it: `gone` when the person may no longer act as the page. */
export function statusAfterError(status: InboxStatus, error: FailReason): InboxStatus {
  if (status.phase === 'gone') return status;
  if (error === 'not_page_member' || error === 'page_not_found') return { phase: 'gone', error };
  if (status.phase === 'ready') return status; // a send or a receipt failed: said where it happened
  return status.error === error && status.phase === 'failed' ? status : { phase: 'failed', error };
}

/** What the inbox's list says of a conversation's last message. */
export type InboxPreview =
  | { kind: 'none' }
  | { kind: 'deleted' }
  | { kind: 'attachment'; fromPage: boolean }
  /** Uploaded files without a caption (a customer's photo): the list says what they are (lib/media.ts). */
  | { kind: 'media'; fromPage: boolean; attachments: AttachmentView[] }
  | { kind: 'text'; fromPage: boolean; text: string };

/** The last message of a conversation as the inbox lists it: the page's own (agents' or its bot's) marked so. */
export function inboxPreview(conv: ConversationView, pageId: string): InboxPreview {
  const last = conv.lastMessage;
  if (!last) return { kind: 'none' };
  if (last.deletedAt || (last.text === null && !last.attachment && !last.attachments?.length))
    return { kind: 'deleted' };
  const fromPage = last.senderId === pageId;
  const text = last.text?.replace(/\s+/g, ' ').trim() ?? '';
  // Uploaded files without a caption (the server stores none: text null).
  if (text === '' && last.attachments?.length) return { kind: 'media', fromPage, attachments: last.attachments };
  if (last.text === null) return { kind: 'attachment', fromPage };
  return { kind: 'text', fromPage, text };
}
