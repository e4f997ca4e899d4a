import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { InboxNoteView } from '../../../protocol/inbox.ts';
import type { MessageView } from '../../../protocol/views.ts';
import { go } from '../app/router.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import {
  conversationTitle,
  displayNameOf,
  messageStatus,
  pendingSends,
  threadItemsOf,
  typingUsers,
} from '../state/selectors.ts';
import { shallowEqual, useStoreOf } from '../state/store.ts';
import { IconBack } from '../ui/Icons.tsx';
import { shownName } from '../ui/names.ts';
import { InboxComposer } from './InboxComposer.tsx';
import { InboxMessage } from './InboxMessage.tsx';
import type { InboxSession } from './session.ts';
import { ThreadTools } from './ThreadTools.tsx';

const noNotes: InboxNoteView[] = [];

/** An internal note among the messages: for the team only, marked as such. */
function NoteItem({ note }: { note: InboxNoteView }) {
  const { t, time } = useI18n();
  return (
    <div className="inbox-note" data-testid="inbox-note" data-note-id={note.id}>
      <p className="inbox-note-head">
        {t('work.note.by', { name: note.author.displayName })} ·{' '}
        <time dateTime={note.createdAt}>{time(note.createdAt)}</time>
      </p>
      <p className="inbox-note-text">{note.text}</p>
    </div>
  );
}

const noMessages: MessageView[] = [];
const BOTTOM_SLACK_PX = 48;

/**
 * One of the page's conversations: the person's name, the messages (a bot's templates and quick replies
 * shown as the person saw them, read-only), and the composer that answers as the page. Marked read, as
 * the page, while it is open, visible and scrolled to the bottom.
 */
export function InboxThread({
  session,
  conversationId,
  pageName,
}: {
  session: InboxSession;
  conversationId: string;
  pageName: string;
}) {
  const { t, te } = useI18n();
  const pageId = session.pageId;
  const conv = useStoreOf(session.store, (s) => s.conversations[conversationId]);
  const thread = useStoreOf(session.store, (s) => s.threads[conversationId]);
  const pending = useStoreOf(session.store, (s) => pendingSends(s, conversationId), shallowEqual);
  const users = useStoreOf(session.store, (s) => s.users);
  const typing = useStoreOf(
    session.store,
    (s) => typingUsers(s, conversationId, Date.now()).map((u) => u.displayName),
    shallowEqual,
  );
  const [loadError, setLoadError] = useState<string | null>(null);
  const [olderError, setOlderError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [atBottom, setAtBottom] = useState(true);
  const scrollRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  const loaded = thread?.loaded ?? false;
  useEffect(() => {
    if (!conv || loaded || loadError) return;
    session.loadLatest(conversationId).catch((e: unknown) => setLoadError(te(errorIdOf(e))));
  }, [session, conversationId, conv, loaded, loadError, te]);

  const messages = thread?.messages ?? noMessages;
  const items = useMemo(() => threadItemsOf(messages, pending, conversationId), [messages, pending, conversationId]);
  const notes = useStoreOf(session.work.store, (s) => s.notes[conversationId] ?? noNotes);
  /** Each note before the first message written after it; the later ones at the end. */
  const notesBefore = useMemo(() => {
    const at = new Map<string, InboxNoteView[]>();
    const rest: InboxNoteView[] = [];
    for (const n of notes) {
      const next = items.find((i) => i.kind === 'message' && i.message.createdAt > n.createdAt);
      if (next && next.kind === 'message') at.set(next.message.id, [...(at.get(next.message.id) ?? []), n]);
      else rest.push(n);
    }
    return { at, rest };
  }, [notes, items]);

  // Follows new messages while at the bottom; keeps the place when earlier ones are shown above.
  const prevHeight = useRef(0);
  const prevFirst = useRef<string | null>(null);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const first = items[0]?.kind === 'message' ? items[0].message.id : null;
    if (prevFirst.current !== null && first !== prevFirst.current && !stick.current) {
      el.scrollTop += el.scrollHeight - prevHeight.current;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevFirst.current = first;
    prevHeight.current = el.scrollHeight;
  }, [items]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
    stick.current = bottom;
    prevHeight.current = el.scrollHeight;
    setAtBottom(bottom);
  };

  // Read, as the page, while open, visible, focused and at the bottom; checked again as messages arrive.
  const lastSeq = conv?.lastSeq ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: new messages (lastSeq) trigger a new check
  useEffect(() => {
    if (!conv || !loaded) return;
    const check = () => {
      if (atBottom && document.visibilityState === 'visible' && document.hasFocus()) session.markRead(conversationId);
    };
    check();
    window.addEventListener('focus', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      window.removeEventListener('focus', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, [session, conversationId, atBottom, lastSeq, loaded, !!conv]);

  const back = (
    <button
      type="button"
      className="icon-button inbox-thread-back"
      data-testid="inbox-thread-back"
      onClick={() => go({ view: 'inbox', pageId, conversationId: null })}
      aria-label={t('inbox.thread.back')}
    >
      <IconBack />
    </button>
  );

  if (!conv) {
    return (
      <section className="inbox-thread" aria-label={t('thread.label')}>
        <header className="inbox-thread-header">{back}</header>
        <p className="inbox-notice" role="status">
          {t('inbox.thread.notFound')}
        </p>
      </section>
    );
  }

  const title = shownName(conversationTitle(conv, pageId), t);
  const nameOf = (userId: string) => (userId === pageId ? pageName : shownName(displayNameOf(users, conv, userId), t));
  const [typist] = typing;

  return (
    <section className="inbox-thread" aria-labelledby="inbox-thread-title" data-testid="inbox-thread">
      <header className="inbox-thread-header">
        {back}
        <div className="inbox-thread-heading">
          <h2 id="inbox-thread-title">{title}</h2>
          <p className="inbox-thread-subtitle" aria-live="polite" data-testid="inbox-typing">
            {typist ? t('typing.one', { name: typist }) : ''}
          </p>
        </div>
      </header>
      <ThreadTools work={session.work} conversationId={conversationId} />
      {loadError && !loaded ? (
        <div className="inbox-notice" role="alert">
          <p>{t('thread.loadFailed', { error: loadError })}</p>
          <button type="button" className="button" onClick={() => setLoadError(null)}>
            {t('common.retry')}
          </button>
        </div>
      ) : (
        <div
          ref={scrollRef}
          className="inbox-scroll"
          data-testid="thread"
          role="log"
          aria-live="polite"
          aria-relevant="additions"
          aria-busy={!loaded}
          aria-label={t('thread.label')}
          // The log scrolls with the keyboard too (arrows, Page Up/Down) once it has the focus.
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          tabIndex={0}
          onScroll={onScroll}
        >
          <div className="inbox-messages">
            {loaded && thread?.hasMore && (
              <p className="inbox-older">
                <button
                  type="button"
                  className="link-button"
                  data-testid="inbox-older"
                  disabled={loadingOlder}
                  onClick={() => {
                    setLoadingOlder(true);
                    setOlderError(null);
                    session
                      .loadOlder(conversationId)
                      .catch((e: unknown) => setOlderError(te(errorIdOf(e))))
                      .finally(() => setLoadingOlder(false));
                  }}
                >
                  {loadingOlder ? t('thread.loadingOlder') : t('inbox.thread.older')}
                </button>
              </p>
            )}
            {olderError && (
              <p className="form-error" role="alert">
                {olderError}
              </p>
            )}
            {loaded && !thread?.hasMore && items.length > 0 && <p className="inbox-start">{t('thread.start')}</p>}
            {!loaded && items.length === 0 && <p className="inbox-start">{t('common.loading')}</p>}
            {items.map((item) =>
              item.kind === 'message' ? (
                [
                  ...(notesBefore.at.get(item.message.id) ?? []).map((n) => <NoteItem key={`note:${n.id}`} note={n} />),
                  <InboxMessage
                    key={item.message.id}
                    message={item.message}
                    pending={null}
                    own={item.message.senderId === pageId}
                    status={messageStatus(conv, item.message, pageId)}
                    senderName={nameOf(item.message.senderId)}
                    quoteName={item.message.replyTo ? nameOf(item.message.replyTo.senderId) : ''}
                    session={session}
                    nameOf={nameOf}
                  />,
                ]
              ) : (
                <InboxMessage
                  key={`pending:${item.item.clientId}`}
                  message={null}
                  pending={item.item}
                  own
                  status={item.item.status}
                  senderName={pageName}
                  quoteName=""
                  session={session}
                />
              ),
            )}
            {notesBefore.rest.map((n) => (
              <NoteItem key={`note:${n.id}`} note={n} />
            ))}
          </div>
        </div>
      )}
      <InboxComposer
        key={conversationId}
        conversationId={conversationId}
        pageName={pageName}
        work={session.work}
        onSend={(text) => {
          stick.current = true;
          return session.send(conversationId, text);
        }}
      />
    </section>
  );
}
