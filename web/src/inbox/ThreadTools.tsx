import { type KeyboardEvent, useEffect, useState } from 'react';
import { type InboxStatus, type InboxThreadView, inboxStatuses } from '../../../protocol/inbox.ts';
import type { PageMemberView } from '../../../protocol/views.ts';
import { api } from '../api/http.ts';
import { inboxApi } from '../api/inbox.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore, useStoreOf } from '../state/store.ts';
import { type InboxWork, shortDuration, type Timer, timersOf } from './work.ts';

/** The members of each page, read once per tab (for assigning). */
const membersOf = new Map<string, Promise<PageMemberView[]>>();
const loadMembers = (pageId: string) => {
  let p = membersOf.get(pageId);
  if (!p) {
    p = api.pageMembers(pageId).then((r) => r.members);
    p.catch(() => membersOf.delete(pageId));
    membersOf.set(pageId, p);
  }
  return p;
};

/** Now, every 30 s: the timers of an open conversation move on their own. */
function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** A timer against its target, overdue ones marked (and said, not only coloured). */
export function TimerBadge({ label, timer, target }: { label: string; timer: Timer; target: number | null }) {
  const { t } = useI18n();
  return (
    <span
      className={`work-timer${timer.overdue ? ' overdue' : ''}${timer.done ? ' done' : ''}`}
      data-testid="work-timer"
      data-overdue={timer.overdue}
    >
      {label}: {shortDuration(t, timer.ms)}
      {target !== null && <> ({t('work.timer.target', { time: shortDuration(t, target * 60_000) })})</>}
      {timer.overdue && <strong> · {t('work.timer.overdue')}</strong>}
    </span>
  );
}

/** The thread's status, snooze, assignee, labels, timers and owner, above the messages. */
export function ThreadTools({ work, conversationId }: { work: InboxWork; conversationId: string }) {
  const { t, te, time } = useI18n();
  const thread = useStoreOf(work.store, (s) => s.threads[conversationId]);
  const settings = useStoreOf(work.store, (s) => s.settings);
  const me = useStore((s) => s.me?.id);
  const [members, setMembers] = useState<PageMemberView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [until, setUntil] = useState('');
  // A label box shows the agent's choice at once; the server's answer settles it.
  const [labelChoice, setLabelChoice] = useState<Record<string, boolean>>({});
  // The assignee chosen in the list, not assigned yet (null: the thread's own).
  const [assigneeChoice, setAssigneeChoice] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    work.open(conversationId).catch((e: unknown) => setError(te(errorIdOf(e))));
  }, [work, conversationId, te]);
  useEffect(() => {
    loadMembers(work.pageId)
      .then(setMembers)
      .catch(() => {});
  }, [work.pageId]);

  if (!thread) return error ? <p className="form-error">{error}</p> : null;
  const run = (p: Promise<unknown>): Promise<void> => {
    setError(null);
    return p.then(
      () => undefined,
      (e: unknown) => setError(te(errorIdOf(e))),
    );
  };
  const toggleLabel = (labelId: string, on: boolean) => {
    setLabelChoice((c) => ({ ...c, [labelId]: on }));
    void run(work.label(conversationId, labelId, on)).then(() =>
      setLabelChoice(({ [labelId]: _settled, ...rest }) => rest),
    );
  };
  const assigneeId = thread.assignee?.id ?? '';
  const assignChanged = assigneeChoice !== null && assigneeChoice !== assigneeId;
  /** Commits the assignee chosen in the list (nothing if it is the current one). */
  const assign = () => {
    if (assigneeChoice === null || assigneeChoice === assigneeId) return;
    const chosen = assigneeChoice;
    void run(work.assign(conversationId, chosen || null)).then(() =>
      setAssigneeChoice((c) => (c === chosen ? null : c)),
    );
  };
  const timers = timersOf(thread, settings, now);
  const labelOn = new Set(thread.labels.map((l) => l.id));
  const id = `work-${conversationId}`;
  return (
    <div className="work-tools" data-testid="thread-tools" data-status={thread.status}>
      <div className="work-row">
        <span id={`${id}-status`}>{t('work.status')}</span>
        <StatusChoice
          labelledBy={`${id}-status`}
          status={thread.status}
          onChoose={(status) => run(work.setStatus(conversationId, { status }))}
        />
        {thread.snoozedUntil && (
          <span data-testid="work-snoozed">{t('work.snoozedUntil', { time: time(thread.snoozedUntil) })}</span>
        )}
        <label htmlFor={`${id}-until`} className="sr-only">
          {t('work.snoozeUntil')}
        </label>
        <input
          id={`${id}-until`}
          type="datetime-local"
          value={until}
          data-testid="work-snooze-until"
          onChange={(e) => setUntil(e.target.value)}
        />
        <button
          type="button"
          className="button"
          disabled={!until}
          data-testid="work-snooze"
          onClick={() =>
            run(work.setStatus(conversationId, { status: 'snoozed', until: new Date(until).toISOString() }))
          }
        >
          {t('work.snooze')}
        </button>
      </div>
      <div className="work-row">
        <label htmlFor={`${id}-assignee`}>{t('work.assignee')}</label>
        {/* Browsing the list (arrow keys fire `change` in a closed select) only chooses; Enter or the
            button assigns. */}
        <select
          id={`${id}-assignee`}
          data-testid="work-assignee"
          value={assigneeChoice ?? assigneeId}
          onChange={(e) => setAssigneeChoice(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
            e.preventDefault();
            assign();
          }}
        >
          <option value="">{t('work.nobody')}</option>
          {thread.assignee && !members.some((m) => m.user.id === thread.assignee?.id) && (
            <option value={thread.assignee.id}>{thread.assignee.displayName}</option>
          )}
          {members.map((m) => (
            <option key={m.user.id} value={m.user.id}>
              {m.user.displayName}
            </option>
          ))}
        </select>
        <button type="button" className="button" data-testid="work-assign" disabled={!assignChanged} onClick={assign}>
          {t('work.assign')}
        </button>
        {me && thread.assignee?.id !== me && (
          <button
            type="button"
            className="button"
            data-testid="work-assign-me"
            onClick={() => {
              setAssigneeChoice(null);
              void run(work.assign(conversationId, me));
            }}
          >
            {t('work.assignMe')}
          </button>
        )}
      </div>
      <fieldset className="work-row work-labels">
        <legend>{t('work.labels')}</legend>
        {(settings?.labels ?? []).length === 0 && <span>{t('work.noLabels')}</span>}
        {(settings?.labels ?? []).map((l) => (
          <label key={l.id} className="work-check">
            <input
              type="checkbox"
              checked={labelChoice[l.id] ?? labelOn.has(l.id)}
              data-testid="work-label"
              data-label={l.name}
              onChange={(e) => toggleLabel(l.id, e.target.checked)}
            />
            {l.name}
          </label>
        ))}
      </fieldset>
      <div className="work-row work-timers">
        <TimerBadge
          label={t('work.timer.firstResponse')}
          timer={timers.firstResponse}
          target={settings?.firstResponseTargetMinutes ?? null}
        />
        <TimerBadge
          label={t('work.timer.resolution')}
          timer={timers.resolution}
          target={settings?.resolutionTargetMinutes ?? null}
        />
        {thread.csat && (
          <span data-testid="work-csat">
            {thread.csat.rating === null ? t('work.csat.asked') : t('work.csat.answer', { rating: thread.csat.rating })}
          </span>
        )}
      </div>
      {thread.botOwned && <BotOwned work={work} thread={thread} onError={setError} />}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The statuses an agent sets by hand (a snooze has its own control, with its time). */
const settable: readonly Exclude<InboxStatus, 'snoozed'>[] = inboxStatuses.filter(
  (s): s is Exclude<InboxStatus, 'snoozed'> => s !== 'snoozed',
);

/**
 * The thread's status as a toolbar of toggle buttons, the current one pressed: one Tab stop; the arrow keys
 * (and Home, End) move between the buttons and commit nothing; Enter, Space or a click sets the status. (A
 * select would commit on every arrow key — resolving a thread, and asking its customer for a rating, by
 * browsing.)
 */
function StatusChoice({
  labelledBy,
  status,
  onChoose,
}: {
  labelledBy: string;
  status: InboxStatus;
  onChoose: (status: Exclude<InboxStatus, 'snoozed'>) => void;
}) {
  const { t } = useI18n();
  const tabStop = settable.includes(status as Exclude<InboxStatus, 'snoozed'>) ? status : settable[0];
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const last = buttons.length - 1;
    const to =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? at >= last
          ? 0
          : at + 1
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? at <= 0
            ? last
            : at - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null;
    if (to === null) return;
    e.preventDefault();
    buttons[to]?.focus();
  };
  return (
    <div
      role="toolbar"
      aria-labelledby={labelledBy}
      className="work-status-choice"
      data-testid="work-status"
      onKeyDown={onKeyDown}
    >
      {settable.map((s) => (
        <button
          key={s}
          type="button"
          className={`work-status-option${status === s ? ' active' : ''}`}
          aria-pressed={status === s}
          tabIndex={s === tabStop ? 0 : -1}
          data-testid={`work-status-${s}`}
          onClick={() => {
            if (status !== s) onChoose(s);
          }}
        >
          {t(`work.status.${s}`)}
        </button>
      ))}
    </div>
  );
}

/** A bot owns the thread: the page's people may take it over (the handover protocol's take). */
function BotOwned({
  work,
  thread,
  onError,
}: {
  work: InboxWork;
  thread: InboxThreadView;
  onError: (e: string) => void;
}) {
  const { t, te } = useI18n();
  return (
    <p className="work-row work-bot" data-testid="work-bot">
      {t('work.botOwned')}
      <button
        type="button"
        className="button"
        data-testid="work-take"
        onClick={() =>
          inboxApi
            .take(work.pageId, thread.conversationId)
            .then(() => work.open(thread.conversationId))
            .catch((e: unknown) => onError(te(errorIdOf(e))))
        }
      >
        {t('work.take')}
      </button>
    </p>
  );
}
