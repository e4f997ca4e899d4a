import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ActivityView, ConversationView, MessageView } from '../../../protocol/views.ts';
import { loadLatest, loadNewer, loadOlder } from '../app/history.ts';
import { clearJump, useJumpTarget } from '../app/jump.ts';
import { discardSend, retrySend } from '../app/outbox.ts';
import { dayKey, dayRelation } from '../i18n/format.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { placeActivity } from '../state/activity.ts';
import { lastOwnMessage, messageStatus, quickRepliesMessageId, seenBy, type ThreadItem } from '../state/selectors.ts';
import { IconDown } from '../ui/Icons.tsx';
import type { OnTap } from '../ui/MessageAttachment.tsx';
import { shownName } from '../ui/names.ts';
import { ActivityLine } from './ActivityLine.tsx';
import { MessageBubble } from './MessageBubble.tsx';
import { useFirstUnread } from './useFirstUnread.ts';

const BOTTOM_SLACK_PX = 48;

function keyOf(item: ThreadItem | undefined): string {
  if (!item) return '';
  return item.kind === 'message' ? item.message.id : `pending:${item.item.clientId}`;
}
function createdAtOf(item: ThreadItem): string {
  return item.kind === 'message' ? item.message.createdAt : item.item.createdAt;
}
function senderOf(item: ThreadItem, meId: string): string {
  return item.kind === 'message' ? item.message.senderId : meId;
}

export interface MessageListProps {
  conversationId: string;
  conv: ConversationView;
  items: ThreadItem[];
  messages: MessageView[];
  hasMore: boolean;
  /** A window opened at a search result: newer messages follow it (loaded scrolling down). */
  hasNewer?: boolean;
  loaded: boolean;
  meId: string;
  nameOf: (userId: string) => string;
  onReply: (m: MessageView) => void;
  onEdit: (m: MessageView) => void;
  onDelete: (m: MessageView) => void;
  onAtBottomChange: (atBottom: boolean) => void;
  /** In a person's conversation with a page: the page's account id, and what its buttons do when tapped. */
  pageId?: string | null;
  onTap?: OnTap | undefined;
  /** Shown instead of "no messages yet" in an empty thread (a page's greeting and Get Started button). */
  empty?: React.ReactNode;
  /** A group's activity lines (created, renamed, added, removed, left…), placed after the message they followed. */
  activity?: readonly ActivityView[];
}

/**
 * The thread: oldest → newest, infinite scroll backwards, sticks to the bottom, roving focus on messages.
 * Memoised: a typing signal re-renders the pane's header, not the messages.
 */
export const MessageList = memo(function MessageList(props: MessageListProps) {
  const { conversationId, conv, items, messages, meId, nameOf } = props;
  const { t, te, day } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  const topRef = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [loadingNewer, setLoadingNewer] = useState(false);
  const [newerError, setNewerError] = useState<string | null>(null);
  const bottomRef = useRef<HTMLDivElement>(null);
  const hasNewer = props.hasNewer ?? false;
  /** The message to bring into view (a search result), until it is drawn. */
  const jump = useJumpTarget(conversationId);
  const [olderError, setOlderError] = useState<string | null>(null);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const prev = useRef<{
    cid: string;
    first: string;
    last: string;
    count: number;
    height: number;
    top: number;
    windowed: boolean;
  } | null>(null);
  const onAtBottomChange = props.onAtBottomChange;
  const firstKey = keyOf(items[0]);
  // The "New messages" divider: the conversation opens there, and a control jumps back to it.
  const firstUnread = useFirstUnread(conversationId, conv, meId);
  const dividerKey = useMemo(() => {
    if (firstUnread === null) return null;
    // Not before the first unread is loaded: the divider would sit on a later message.
    const oldest = messages[0];
    if (props.hasMore && (!oldest || oldest.seq > firstUnread)) return null;
    const first = items.find(
      (i) => i.kind === 'message' && i.message.seq >= firstUnread && i.message.senderId !== meId,
    );
    return first ? keyOf(first) : null;
  }, [items, messages, props.hasMore, firstUnread, meId]);
  /** The conversation whose view still has to be put at its divider (once its first unread is loaded). */
  const seeking = useRef<string | null>(null);
  const [seek, setSeek] = useState(0);
  const [unreadAbove, setUnreadAbove] = useState(false);

  const updateBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
    if (prev.current) {
      prev.current.height = el.scrollHeight;
      prev.current.top = el.scrollTop;
    }
    if (bottom !== atBottomRef.current) {
      atBottomRef.current = bottom;
      setAtBottom(bottom);
      onAtBottomChange(bottom);
    }
    if (bottom) setUnseen(0);
    const divider = el.querySelector('[data-testid="unread-divider"]');
    setUnreadAbove(
      divider ? divider.getBoundingClientRect().top < el.getBoundingClientRect().top : seeking.current === null,
    );
  }, [onAtBottomChange]);

  /** Puts the divider at the top of the view; false when it is not drawn (its message not loaded yet). */
  const toDivider = useCallback(() => {
    const el = scrollRef.current;
    const divider = el?.querySelector('[data-testid="unread-divider"]');
    if (!el || !divider) return false;
    el.scrollTop += divider.getBoundingClientRect().top - el.getBoundingClientRect().top - 8;
    return true;
  }, []);

  const scrollToBottom = useCallback(
    (smooth = false) => {
      const el = scrollRef.current;
      if (!el) return;
      el.scrollTo({ top: el.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
      if (!smooth) updateBottom();
    },
    [updateBottom],
  );

  // Keep the reading position across renders: prepend → hold position, append → follow if at the bottom.
  // Also re-measured whenever the store gives this list something new (ticks, names, paging), as when
  // it re-ran on every change of the state.
  // biome-ignore lint/correctness/useExhaustiveDependencies: conv, messages, paging and nameOf change what is drawn
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const first = keyOf(items[0]);
    const last = keyOf(items[items.length - 1]);
    const p = prev.current;
    if (!p || p.cid !== conversationId) {
      el.scrollTop = el.scrollHeight;
      atBottomRef.current = true;
      setAtBottom(true);
      setUnseen(0);
      onAtBottomChange(true);
      // Opened at a search result: there, not at the divider.
      seeking.current = firstUnread === null || jump !== null ? null : conversationId;
    } else if (first !== p.first && last === p.last && items.length > p.count) {
      el.scrollTop = p.top + (el.scrollHeight - p.height);
    } else if (last !== p.last) {
      const newest = items[items.length - 1];
      const mine = newest !== undefined && senderOf(newest, meId) === meId;
      // A window's newer pages come in below the reader, who keeps their place.
      if ((atBottomRef.current && !p.windowed) || (mine && newest?.kind === 'pending')) {
        el.scrollTop = el.scrollHeight;
      } else if (items.length > p.count) {
        const oldIndex = items.findIndex((i) => keyOf(i) === p.last);
        const added = items.slice(oldIndex + 1).filter((i) => senderOf(i, meId) !== meId).length;
        if (added > 0) setUnseen((n) => n + added);
      }
    }
    // Opening with unread messages: at the divider, once drawn (or at the bottom when none is loaded).
    if (seeking.current === conversationId && props.loaded) {
      if (toDivider()) seeking.current = null;
      else if (!props.hasMore) seeking.current = null;
    }
    prev.current = {
      cid: conversationId,
      first,
      last,
      count: items.length,
      height: el.scrollHeight,
      top: el.scrollTop,
      windowed: hasNewer,
    };
    updateBottom();
  }, [
    items,
    conv,
    messages,
    props.activity,
    props.hasMore,
    props.loaded,
    nameOf,
    conversationId,
    meId,
    onAtBottomChange,
    updateBottom,
    firstUnread,
    toDivider,
    hasNewer,
  ]);

  // A search result: once its message is drawn, centred in view and highlighted briefly.
  // biome-ignore lint/correctness/useExhaustiveDependencies: each page loaded may draw it
  useLayoutEffect(() => {
    // Not in a sparse cache (messages seen in events): in the window around it, or a loaded run.
    if (!jump || !props.loaded) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`#${CSS.escape(`msg-${jump.messageId}`)}`);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.classList.add('msg-highlight');
    setTimeout(() => el.classList.remove('msg-highlight'), 2000);
    el.focus({ preventScroll: true });
    clearJump(jump.messageId);
    updateBottom();
  }, [jump, items, updateBottom, props.loaded]);

  // Reaching the bottom of a window opened at a search result loads newer messages, up to the live tail.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new last message re-arms the observer
  useEffect(() => {
    const root = scrollRef.current;
    const target = bottomRef.current;
    if (!root || !target || !props.loaded || !hasNewer || newerError || jump) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        io.disconnect();
        setLoadingNewer(true);
        loadNewer(conversationId)
          .catch((e: unknown) => setNewerError(te(errorIdOf(e))))
          .finally(() => setLoadingNewer(false));
      },
      { root, rootMargin: '0px 0px 300px 0px' },
    );
    io.observe(target);
    return () => io.disconnect();
  }, [conversationId, keyOf(items[items.length - 1]), props.loaded, hasNewer, newerError, jump, te]);

  // The first unread message is older than what is loaded: older pages until it is.
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new first message (a page loaded) re-checks
  useEffect(() => {
    if (seeking.current !== conversationId || !props.loaded || !props.hasMore || dividerKey !== null) return;
    loadOlder(conversationId).catch((e: unknown) => {
      seeking.current = null;
      setOlderError(te(errorIdOf(e)));
    });
  }, [conversationId, firstKey, props.loaded, props.hasMore, dividerKey, seek, te]);

  const jumpToUnread = () => {
    if (toDivider()) return;
    seeking.current = conversationId;
    setSeek((n) => n + 1);
  };

  // Stay at the bottom when the pane resizes (composer grows, keyboard opens, window resized).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (atBottomRef.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el);
    const inner = el.firstElementChild;
    if (inner) ro.observe(inner);
    return () => ro.disconnect();
  }, []);

  // Reaching the top loads older messages. Re-armed whenever the first message changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new first message re-arms the observer
  useEffect(() => {
    const root = scrollRef.current;
    const target = topRef.current;
    if (!root || !target || !props.loaded || !props.hasMore || olderError) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        io.disconnect();
        setLoadingOlder(true);
        loadOlder(conversationId)
          .catch((e: unknown) => setOlderError(te(errorIdOf(e))))
          .finally(() => setLoadingOlder(false));
      },
      { root, rootMargin: '300px 0px 0px 0px' },
    );
    io.observe(target);
    return () => io.disconnect();
  }, [conversationId, firstKey, props.loaded, props.hasMore, olderError, te]);

  const jumpTo = useCallback((messageId: string) => {
    const el = scrollRef.current?.querySelector<HTMLElement>(`#${CSS.escape(`msg-${messageId}`)}`);
    if (!el) return;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    el.classList.add('msg-highlight');
    setTimeout(() => el.classList.remove('msg-highlight'), 1600);
    el.focus({ preventScroll: true });
  }, []);

  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const lastOwn = useMemo(() => lastOwnMessage(messages, meId), [messages, meId]);
  const pageId = props.pageId ?? null;
  const quickRepliesId = useMemo(() => (pageId ? quickRepliesMessageId(items, pageId) : null), [items, pageId]);
  const seenText = useMemo(() => {
    if (conv.kind !== 'group' || !lastOwn) return null;
    const names = seenBy(conv, lastOwn.seq, meId).map((u) => shownName(u.displayName, t));
    return names.length ? t('message.seenBy', { names: names.join(', ') }) : null;
  }, [conv, lastOwn, meId, t]);

  const tabbableKey =
    activeKey && items.some((i) => keyOf(i) === activeKey) ? activeKey : keyOf(items[items.length - 1]);

  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (target.dataset.testid !== 'message' || e.altKey || e.ctrlKey || e.metaKey) return;
    let next: Element | null = null;
    if (e.key === 'ArrowUp') next = target.previousElementSibling;
    else if (e.key === 'ArrowDown') next = target.nextElementSibling;
    else if (e.key === 'Home') next = scrollRef.current?.querySelector('[data-testid="message"]') ?? null;
    else if (e.key === 'End')
      next = [...(scrollRef.current?.querySelectorAll('[data-testid="message"]') ?? [])].pop() ?? null;
    else return;
    const step = e.key === 'ArrowUp' ? 'previousElementSibling' : 'nextElementSibling';
    while (next && (next as HTMLElement).dataset.testid !== 'message') next = next[step];
    if (next instanceof HTMLElement) {
      e.preventDefault();
      next.focus();
    }
  };

  const onFocus = (e: React.FocusEvent<HTMLDivElement>) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-testid="message"]');
    if (!el) return;
    const key = el.dataset.messageId || `pending:${el.dataset.clientId ?? ''}`;
    setActiveKey(key);
  };

  const rows: React.ReactNode[] = [];
  let lastDay = '';
  let prevItem: ThreadItem | undefined;
  const placed = placeActivity(messages, props.activity ?? [], props.loaded && !props.hasMore, hasNewer);
  const daySeparator = (created: string) => {
    const dk = dayKey(created);
    if (dk === lastDay) return;
    const rel = dayRelation(created);
    rows.push(
      <div className="day-sep" key={`day-${dk}`}>
        <span>{rel === 'today' ? t('thread.today') : rel === 'yesterday' ? t('thread.yesterday') : day(created)}</span>
      </div>,
    );
    lastDay = dk;
  };
  const lines = (list: readonly ActivityView[] | undefined) => {
    for (const a of list ?? []) {
      daySeparator(a.at);
      rows.push(<ActivityLine key={`activity-${a.id}`} activity={a} meId={meId} nameOf={nameOf} />);
      // The next message starts a new run: its sender is named again.
      prevItem = undefined;
    }
  };
  lines(placed.top);
  for (const item of items) {
    const created = createdAtOf(item);
    const dk = dayKey(created);
    const newDay = dk !== lastDay;
    daySeparator(created);
    const sender = senderOf(item, meId);
    const own = sender === meId;
    const newRun = !prevItem || senderOf(prevItem, meId) !== sender || newDay;
    prevItem = item;
    const key = keyOf(item);
    if (key === dividerKey) {
      rows.push(
        <div className="unread-sep" key="unread-divider" data-testid="unread-divider">
          <span>{t('thread.unreadDivider')}</span>
        </div>,
      );
    }
    if (item.kind === 'message') {
      const m = item.message;
      const q = m.replyTo;
      rows.push(
        <MessageBubble
          key={key}
          message={m}
          pending={null}
          own={own}
          status={messageStatus(conv, m, meId)}
          senderName={nameOf(m.senderId)}
          showSender={conv.kind === 'group' && newRun}
          quote={q ? { quote: q, local: byId.get(q.id), senderName: nameOf(q.senderId) } : null}
          seenBy={lastOwn?.id === m.id ? seenText : null}
          tabbable={key === tabbableKey}
          onTap={pageId !== null && m.senderId === pageId ? props.onTap : undefined}
          showQuickReplies={m.id === quickRepliesId}
          onReply={props.onReply}
          onEdit={props.onEdit}
          onDelete={props.onDelete}
          onQuoteClick={jumpTo}
          onRetry={retrySend}
          onDiscard={discardSend}
          meId={meId}
          nameOf={nameOf}
        />,
      );
      lines(placed.after.get(m.id));
    } else {
      const p = item.item;
      const q = p.replyTo;
      rows.push(
        <MessageBubble
          key={key}
          message={null}
          pending={p}
          own
          status={p.status}
          senderName={nameOf(meId)}
          showSender={false}
          quote={q ? { quote: q, local: byId.get(q.id), senderName: nameOf(q.senderId) } : null}
          seenBy={null}
          tabbable={key === tabbableKey}
          onReply={props.onReply}
          onEdit={props.onEdit}
          onDelete={props.onDelete}
          onQuoteClick={jumpTo}
          onRetry={retrySend}
          onDiscard={discardSend}
        />,
      );
    }
  }

  return (
    <div className="thread-wrap">
      <div
        ref={scrollRef}
        className="thread-scroll"
        data-testid="thread"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-busy={!props.loaded}
        aria-label={t('thread.label')}
        onScroll={updateBottom}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
        tabIndex={-1}
        id="thread"
      >
        <div className="thread-inner">
          <div ref={topRef} className="thread-top">
            {props.loaded && !props.hasMore && items.length > 0 && <p className="thread-start">{t('thread.start')}</p>}
            {loadingOlder && <p className="thread-loading">{t('thread.loadingOlder')}</p>}
            {olderError && (
              <p className="thread-error">
                {olderError}{' '}
                <button type="button" className="link-button" onClick={() => setOlderError(null)}>
                  {t('common.retry')}
                </button>
              </p>
            )}
          </div>
          {props.loaded && items.length === 0 && (props.empty ?? <p className="thread-empty">{t('thread.empty')}</p>)}
          {!props.loaded && items.length === 0 && <p className="thread-loading">{t('common.loading')}</p>}
          {rows}
          <div ref={bottomRef} className="thread-bottom">
            {loadingNewer && <p className="thread-loading">{t('search.loadingNewer')}</p>}
            {newerError && (
              <p className="thread-error">
                {newerError}{' '}
                <button type="button" className="link-button" onClick={() => setNewerError(null)}>
                  {t('common.retry')}
                </button>
              </p>
            )}
          </div>
        </div>
      </div>
      {firstUnread !== null && unreadAbove && (
        <button type="button" className="jump-unread" data-testid="jump-to-unread" onClick={jumpToUnread}>
          <span className="jump-unread-icon" aria-hidden="true">
            <IconDown size={16} />
          </span>
          <span>{t('thread.jumpToUnread')}</span>
        </button>
      )}
      {(!atBottom || hasNewer) && (
        <button
          type="button"
          className="jump-button"
          data-testid="jump-to-latest"
          onClick={() => {
            if (!hasNewer) return scrollToBottom(true);
            // A window far from the newest: the latest page replaces it, then the view goes to its end.
            loadLatest(conversationId)
              .then(() => requestAnimationFrame(() => scrollToBottom()))
              .catch((e: unknown) => setNewerError(te(errorIdOf(e))));
          }}
          aria-label={t('thread.jumpToLatest')}
        >
          {unseen > 0 && <span>{t('thread.newMessages', { count: unseen })}</span>}
          <IconDown size={18} />
        </button>
      )}
    </div>
  );
});
