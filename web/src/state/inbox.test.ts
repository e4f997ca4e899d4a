import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConversationView, PageView, UserView } from '../../../protocol/views.ts';
import { applyEventFrame, applyMessage, applySnapshot } from './apply.ts';
import { ana, member, msg, pending } from './fixtures.test-helpers.ts';
import { inboxLoading, inboxPreview, inboxState, pageAccount, statusAfterError } from './inbox.ts';
import { addPending, applySignal, markFailed, markReadLocally } from './local.ts';
import { conversationTitle, threadItems, totalUnread, typingUsers } from './selectors.ts';

const page: PageView = {
  id: 'p-shop',
  username: 'shop',
  name: 'Shop',
  description: '',
  createdAt: '2024-01-01T00:00:00.000Z',
};
const pageUser: UserView = { id: page.id, username: page.username, displayName: page.name, kind: 'page' };
const withAna = (extra: Partial<ConversationView> = {}): ConversationView => ({
  id: 'c1',
  kind: 'direct',
  title: null,
  history: 'full',
  createdBy: 'u-ana',
  createdAt: '2024-01-01T09:00:00.000Z',
  lastActivityAt: '2024-01-01T09:00:00.000Z',
  lastSeq: 0,
  members: [member(ana), member(pageUser)],
  lastMessage: null,
  formerMembers: [],
  unread: 0,
  mutedUntil: null,
  pinnedAt: null,
  archived: false,
  ...extra,
});
const ready = (convs: ConversationView[] = [withAna()]) =>
  applySnapshot({ ...inboxState(page), phase: 'ready' }, { cursor: 10, conversations: convs });

describe('a page’s inbox state', () => {
  test('the page is `me`: its account, named as the page', () => {
    const s = inboxState(page);
    assert.deepEqual(s.me, { ...pageUser, createdAt: page.createdAt });
    assert.deepEqual(pageAccount(page), s.me);
    assert.equal(s.cursor, null);
    assert.deepEqual(s.conversations, {});
  });

  test('a customer’s photo without a caption is listed as media (words chosen by the view), with one as text', () => {
    const photo = {
      id: 'ph',
      kind: 'image' as const,
      mime: 'image/jpeg',
      name: 'broken.jpg',
      size: 10,
      width: 4,
      height: 3,
      durationMs: null,
      voice: false,
      waveform: null,
      url: '/api/media/ph',
      thumbnailUrl: null,
    };
    const bare = withAna({ lastMessage: msg(1, ana.id, { text: null, attachments: [photo] }) });
    assert.deepEqual(inboxPreview(bare, page.id), { kind: 'media', fromPage: false, attachments: [photo] });
    const captioned = withAna({ lastMessage: msg(1, ana.id, { text: 'It arrived  broken', attachments: [photo] }) });
    assert.deepEqual(inboxPreview(captioned, page.id), { kind: 'text', fromPage: false, text: 'It arrived broken' });
  });

  test('a person’s message is unread for the page; the page’s own (an agent’s, its bot’s) is not', () => {
    let s = ready();
    assert.equal(conversationTitle(s.conversations.c1 as ConversationView, page.id), 'Ana', 'the person’s name');
    s = applyEventFrame(s, 11, { type: 'message.created', conversationId: 'c1', message: msg(1, ana.id) });
    assert.equal(s.conversations.c1?.unread, 1);
    assert.equal(totalUnread(s), 1);
    assert.equal(s.cursor, 11);
    assert.deepEqual(inboxPreview(s.conversations.c1 as ConversationView, page.id), {
      kind: 'text',
      fromPage: false,
      text: 'text 1',
    });
    s = applyEventFrame(s, 12, { type: 'message.created', conversationId: 'c1', message: msg(2, page.id) });
    assert.equal(s.conversations.c1?.unread, 0, 'answering as the page reads what came before');
    assert.equal(inboxPreview(s.conversations.c1 as ConversationView, page.id).kind, 'text');
    assert.equal(
      (inboxPreview(s.conversations.c1 as ConversationView, page.id) as { fromPage: boolean }).fromPage,
      true,
    );
    // Its own message implies the page read up to it (docs/PROTOCOL.md, Receipts).
    assert.equal(s.conversations.c1?.members.find((m) => m.user.id === page.id)?.readSeq, 2);
    s = applyEventFrame(s, 13, { type: 'message.created', conversationId: 'c1', message: msg(3, ana.id) });
    assert.equal(s.conversations.c1?.unread, 1);
    s = markReadLocally(s, 'c1', 3);
    assert.equal(s.conversations.c1?.unread, 0);
    assert.equal(applyEventFrame(s, 13, { type: 'message.created', conversationId: 'c1', message: msg(3, ana.id) }), s);
  });

  test('an answer sent over HTTP: pending, then the stored message in its place, once', () => {
    let s = addPending(ready(), pending('client-1', 'Bonjour !'));
    assert.deepEqual(
      threadItems(s, 'c1').map((i) => i.kind),
      ['pending'],
    );
    const stored = msg(1, page.id, { clientId: 'client-1', text: 'Bonjour !' });
    s = applyMessage(s, stored);
    assert.deepEqual(s.outbox, []);
    assert.deepEqual(
      threadItems(s, 'c1').map((i) => (i.kind === 'message' ? i.message.text : i.item.text)),
      ['Bonjour !'],
    );
    // The page socket's event for it changes nothing more.
    assert.equal(
      applyEventFrame(s, 11, { type: 'message.created', conversationId: 'c1', message: stored }).conversations,
      s.conversations,
    );
    const failed = markFailed(addPending(s, pending('client-2')), 'client-2', 'network');
    assert.equal(failed.outbox[0]?.status, 'failed');
  });

  test('the person typing shows; the page’s own typing (another agent) does not', () => {
    let s = ready();
    s = applySignal(s, { type: 'typing', conversationId: 'c1', userId: ana.id, typing: true }, 1000, 6000);
    s = applySignal(s, { type: 'typing', conversationId: 'c1', userId: page.id, typing: true }, 1000, 6000);
    assert.deepEqual(
      typingUsers(s, 'c1', 2000).map((u) => u.id),
      [ana.id],
    );
  });

  test('previews: none, deleted, an attachment, the text on one line', () => {
    assert.deepEqual(inboxPreview(withAna(), page.id), { kind: 'none' });
    const last = (over: object) => withAna({ lastSeq: 1, lastMessage: { ...msg(1, ana.id), ...over } });
    assert.deepEqual(inboxPreview(last({ text: null, deletedAt: '2024-01-02T00:00:00.000Z' }), page.id), {
      kind: 'deleted',
    });
    assert.deepEqual(
      inboxPreview(
        last({ senderId: page.id, text: null, attachment: { type: 'image', url: 'https://x/y.png' } }),
        page.id,
      ),
      { kind: 'attachment', fromPage: true },
    );
    assert.deepEqual(inboxPreview(last({ text: '  two\n\nlines ' }), page.id), {
      kind: 'text',
      fromPage: false,
      text: 'two lines',
    });
  });

  test('status: a refusal to act as the page closes the inbox for good; other failures are kept apart', () => {
    assert.deepEqual(statusAfterError(inboxLoading, 'network'), { phase: 'failed', error: 'network' });
    const gone = statusAfterError(inboxLoading, 'not_page_member');
    assert.deepEqual(gone, { phase: 'gone', error: 'not_page_member' });
    assert.equal(statusAfterError(gone, 'network'), gone);
    const live = { phase: 'ready', error: null } as const;
    assert.equal(statusAfterError(live, 'rate_limited'), live, 'a failed send leaves the inbox live');
    assert.deepEqual(statusAfterError(live, 'page_not_found'), { phase: 'gone', error: 'page_not_found' });
    const failed = statusAfterError(inboxLoading, 'internal');
    assert.equal(statusAfterError(failed, 'internal'), failed);
  });
});
