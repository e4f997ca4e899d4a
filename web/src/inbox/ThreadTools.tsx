import { useEffect, useState } from 'react';
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
      {label}: {shortDuration(timer.ms)}
      {target !== null && <> ({t('work.timer.target', { time: shortDuration(target * 60_000) })})</>}
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
  const timers = timersOf(thread, settings, now);
  const labelOn = new Set(thread.labels.map((l) => l.id));
  const id = `work-${conversationId}`;
  return (
    <div className="work-tools" data-testid="thread-tools" data-status={thread.status}>
      <div className="work-row">
        <label htmlFor={`${id}-status`}>{t('work.status')}</label>
        <select
          id={`${id}-status`}
          data-testid="work-status"
          value={thread.status === 'snoozed' ? 'snoozed' : thread.status}
          onChange={(e) => {
            const status = e.target.value as InboxStatus;
            if (status !== 'snoozed') run(work.setStatus(conversationId, { status }));
          }}
        >
          {inboxStatuses.map((s) => (
            <option key={s} value={s} disabled={s === 'snoozed'}>
              {t(`work.status.${s}`)}
            </option>
          ))}
        </select>
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
        <select
          id={`${id}-assignee`}
          data-testid="work-assignee"
          value={thread.assignee?.id ?? ''}
          onChange={(e) => run(work.assign(conversationId, e.target.value || null))}
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
        {me && thread.assignee?.id !== me && (
          <button
            type="button"
            className="button"
            data-testid="work-assign-me"
            onClick={() => run(work.assign(conversationId, me))}
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
