import type { Button, MessageContent } from '../../protocol/content.ts';
import { AppError } from '../errors.ts';
import type { UnitOfWork } from '../storage/commit.ts';
import type { ConversationState } from './state.ts';

/**
 * A person's tap on what a page offered them (docs/PROTOCOL.md, "Quick replies and postbacks"): a quick
 * reply, or a postback button — of one of the page's messages, of its persistent menu, or Get Started. It
 * is sent as a message whose text is the title of what was tapped and whose content carries the payload
 * (`quickReply` or `postback`, protocol/content.ts), which the page's app receives. The server takes only
 * what the page offered, in that conversation, under that title.
 */
export interface Tap {
  kind: 'quickReply' | 'postback';
  payload: string;
}

/**
 * The postbacks a page offers outside its messages (a port: pages' messenger profile serves it): Get
 * Started (`title: null`, the app shows its own label) and the items of its persistent menu.
 */
export interface PageOffers {
  postbacksIn(uow: UnitOfWork, pageId: string): Promise<{ payload: string; title: string | null }[]>;
}

/** How a send body or frame carries a tap (protocol/schemas.ts: at most one). */
export interface TapFields {
  quickReply?: { payload: string } | undefined;
  postback?: { payload: string } | undefined;
}

/** The tap a send body or frame carries, if any. */
export function tapOf(m: TapFields): Tap | undefined {
  if (m.quickReply) return { kind: 'quickReply', payload: m.quickReply.payload };
  if (m.postback) return { kind: 'postback', payload: m.postback.payload };
  return undefined;
}

/** What the tapped message stores besides its text. */
export const tapContent = (tap: Tap): MessageContent =>
  tap.kind === 'quickReply' ? { quickReply: { payload: tap.payload } } : { postback: { payload: tap.payload } };

/** How many of the page's messages that mention a payload are looked at, newest first. */
const CANDIDATES = 50;

type PostbackButton = Extract<Button, { type: 'postback' }>;

/** The postback buttons of a message's template (button, generic, media). */
function postbackButtons(content: MessageContent | null): PostbackButton[] {
  const a = content?.attachment;
  if (a?.type !== 'template') return [];
  const t = a.template;
  const all =
    t.templateType === 'button'
      ? t.buttons
      : t.templateType === 'generic' || t.templateType === 'media'
        ? t.elements.flatMap((e) => e.buttons ?? [])
        : [];
  return all.filter((b): b is PostbackButton => b.type === 'postback');
}

/**
 * Checks, in the send's job, that `senderId` (a person) may send this tap titled `title` (trimmed) in the
 * conversation: one with a page, which offered it — a quick reply under its latest message, a postback
 * button of one of its messages that is not deleted, or of its messenger profile. Throws otherwise.
 */
export async function checkTap(
  uow: UnitOfWork,
  state: ConversationState,
  senderId: string,
  tap: Tap,
  title: string,
  offers: PageOffers | null,
): Promise<void> {
  if (state.kind !== 'direct') throw new AppError('not_page_conversation');
  const otherId = [...state.members.keys()].find((id) => id !== senderId);
  // One after the other: a transaction's statements go down one connection, in order.
  const sender = await uow.tx.accounts.userById(senderId);
  const page = otherId ? await uow.tx.accounts.userById(otherId) : null;
  if (sender?.kind === 'page') throw new AppError('not_a_person', 'A page does not tap its own buttons');
  if (page?.kind !== 'page') throw new AppError('not_page_conversation');
  const conversationId = state.id;
  const same = (t: string) => t.trim() === title;

  if (tap.kind === 'quickReply') {
    const latest = await uow.tx.messaging.latestMessageOf(conversationId, page.id);
    const offered = latest?.content?.quickReplies?.some(
      (q) => q.contentType === 'text' && q.payload === tap.payload && same(q.title),
    );
    if (!offered) throw new AppError('quick_reply_not_offered');
    return;
  }

  const profile = offers ? await offers.postbacksIn(uow, page.id) : [];
  if (profile.some((p) => p.payload === tap.payload && (p.title === null || same(p.title)))) return;
  // The page's messages that mention the payload (its JSON as stored), then their buttons for certain.
  const fragment = `"payload":${JSON.stringify(tap.payload)}`;
  const candidates = await uow.tx.messaging.messagesWithContent(conversationId, page.id, fragment, CANDIDATES);
  for (const m of candidates) {
    if (postbackButtons(m.content).some((b) => b.payload === tap.payload && same(b.title))) return;
  }
  throw new AppError('postback_not_offered');
}
