import { type ComposeAnswer, type ComposeQuery, composeAnswer, composeLimits } from '../../protocol/compose.ts';
import { AppError } from '../errors.ts';
import { Lru } from '../lib/lru.ts';
import { RateLimiter } from '../lib/ratelimit.ts';
import { asciiJson, signatureHeaders } from '../webhooks/signing.ts';
import { type AppCaller, failureDetails, OutboundError } from './caller.ts';
import type { ComposeExtensionRecord } from './store.ts';

/**
 * The query protocol (docs/PLATFORM.md, "Content apps"): Comptoir POSTs `{query, locale, offset, user,
 * context?}` as JSON to the app's query URL, signed as webhooks are (`X-Hub-Signature-256` with the app
 * secret), and checks the answer: 2xx, at most 256 KiB, JSON of the answer's shape (protocol/compose.ts),
 * each result of a kind the extension declares, no id twice. An answer is kept for its `cacheTime` (at
 * most 300 s) per app, query, locale, offset and replied message — in a bounded LRU; the same question
 * asked while the app is answering it waits for that one answer. Every failure is `app_query_timeout` or
 * `app_query_failed` with the reason: unreachable, address, status, too_large, json, shape.
 */

export interface QueryOptions {
  /** The whole exchange with the app (default 10 s). */
  timeoutMs: number;
  /** Queries that reach an app, per person per minute (answers from the cache are free). */
  perMinute: number;
  /** Answers kept at most. */
  cacheEntries: number;
  clock?: () => number;
}

/** What a person asks an app. */
export interface Question {
  query: string;
  locale: string;
  offset: string;
  /** The message answered with the app, if any: its id keys the cache; its context is read only when the app is asked. */
  replyTo: { messageId: string; context: () => Promise<NonNullable<ComposeQuery['context']>['replyTo']> } | null;
}

/** An answer as kept: the results, the next offset. */
export interface Answer {
  results: ComposeAnswer['results'];
  nextOffset: string | null;
}

export class AppQueries {
  private readonly cache: Lru<string, { answer: Answer; until: number }>;
  private readonly inFlight = new Map<string, Promise<Answer>>();
  private readonly rate: RateLimiter;
  private readonly clock: () => number;

  constructor(
    private readonly caller: AppCaller,
    /** The app's secret in clear (it signs the query). */
    private readonly secretOf: (appId: string) => Promise<string>,
    /** The person as this app knows them (never their account id). */
    private readonly userIdFor: (appId: string, userId: string) => string,
    private readonly o: QueryOptions,
  ) {
    this.clock = o.clock ?? Date.now;
    this.cache = new Lru(o.cacheEntries);
    this.rate = new RateLimiter(o.perMinute, 60_000, this.clock);
  }

  /** The app's answer to the person's question: kept, being asked, or asked now. */
  async ask(userId: string, extension: ComposeExtensionRecord, q: Question): Promise<Answer> {
    // The extension's version is in the key: answers given under an earlier setting are never reused.
    const key = JSON.stringify([
      extension.appId,
      extension.updatedAt,
      q.query,
      q.locale,
      q.offset,
      q.replyTo?.messageId ?? '',
    ]);
    const kept = this.cache.get(key);
    if (kept && kept.until > this.clock()) return kept.answer;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const wait = this.rate.take(userId);
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: Math.ceil(wait / 1000) });
    const asked = this.call(userId, extension, q)
      .then(({ answer, keepS }) => {
        if (keepS > 0) this.cache.set(key, { answer, until: this.clock() + keepS * 1000 });
        return answer;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, asked);
    return asked;
  }

  private async call(userId: string, extension: ComposeExtensionRecord, q: Question) {
    const body: ComposeQuery = {
      query: q.query,
      locale: q.locale,
      offset: q.offset,
      user: { id: this.userIdFor(extension.appId, userId) },
    };
    if (q.replyTo) body.context = { replyTo: await q.replyTo.context() };
    const bytes = Buffer.from(asciiJson(body), 'utf8');
    const secret = await this.secretOf(extension.appId);
    const failed = (why: string, details: Record<string, unknown>) =>
      new AppError('app_query_failed', `${extension.name} did not give a usable answer: ${why}`, details);
    let answer: Awaited<ReturnType<AppCaller['call']>>;
    try {
      answer = await this.caller.call(new URL(extension.queryUrl), {
        method: 'POST',
        timeoutMs: this.o.timeoutMs,
        maxBytes: composeLimits.answerBytes,
        body: bytes,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...signatureHeaders(secret, bytes) },
      });
    } catch (e) {
      if (!(e instanceof OutboundError)) throw e;
      if (e.failure.reason === 'timeout') {
        throw new AppError(
          'app_query_timeout',
          `${extension.name} did not answer within ${this.o.timeoutMs / 1000} s`,
          {
            timeoutMs: this.o.timeoutMs,
          },
        );
      }
      const { words, ...details } = failureDetails(e.failure);
      throw failed(words, details);
    }
    if (answer.status < 200 || answer.status > 299)
      throw failed(`it answered ${answer.status}`, { reason: 'status', status: answer.status });
    if (answer.truncated)
      throw failed(`its answer is larger than ${composeLimits.answerBytes / 1024} KiB`, {
        reason: 'too_large',
        maxBytes: composeLimits.answerBytes,
      });
    let json: unknown;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      throw failed('its answer is not JSON', { reason: 'json' });
    }
    const parsed = composeAnswer.safeParse(json);
    const fields: Record<string, string> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) fields[issue.path.join('.') || '(body)'] ??= issue.message;
    } else {
      const seen = new Set<string>();
      parsed.data.results.forEach((r, i) => {
        if (!extension.kinds.includes(r.type))
          fields[`results.${i}.type`] = `not one of the extension's kinds (${extension.kinds.join(', ')})`;
        if (seen.has(r.id)) fields[`results.${i}.id`] = 'given to another result of the answer';
        seen.add(r.id);
      });
    }
    if (!parsed.success || Object.keys(fields).length > 0) {
      const summary = Object.entries(fields)
        .slice(0, 5)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
      throw failed(`its answer does not have the expected shape (${summary})`, { reason: 'shape', fields });
    }
    const data = parsed.data;
    return {
      answer: { results: data.results, nextOffset: data.nextOffset ?? null },
      keepS: Math.min(data.cacheTime ?? 0, composeLimits.cacheSeconds),
    };
  }
}
