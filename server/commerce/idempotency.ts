import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { UnitOfWork } from '../storage/commit.ts';

/** An Orders API call: the page its token is for, and its Idempotency-Key (null: none). */
export interface OrderCall {
  pageId: string;
  idempotencyKey: string | null;
}

/** An Orders API answer kept under an idempotency key. */
export interface Answer<T> {
  status: number;
  body: T;
}

/** Canonical JSON (keys sorted), so that the same body written in another key order is the same request. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** What identifies a request under an idempotency key: the operation (method and route) and the body. */
export const fingerprintOf = (operation: string, body: unknown): string =>
  createHash('sha256')
    .update(`${operation}\n${canonical(body ?? null)}`)
    .digest('hex');

/**
 * Runs `work` once per (page, key): the same request again answers what it answered the first time;
 * another request under the key is refused (idempotency_key_reused). Without a key, just runs it.
 */
export async function idempotentIn<T>(
  uow: UnitOfWork,
  pageId: string,
  key: string | null,
  /** The request's fingerprint (fingerprintOf), made only when a key came with it. */
  fingerprintOfRequest: () => string,
  work: () => Promise<Answer<T>>,
): Promise<Answer<T> & { replayed: boolean }> {
  if (key === null) return { ...(await work()), replayed: false };
  const fingerprint = fingerprintOfRequest();
  const known = await uow.tx.commerce.idempotencyKey(pageId, key);
  if (known) {
    if (known.fingerprint !== fingerprint)
      throw new AppError('idempotency_key_reused', undefined, { field: 'Idempotency-Key' });
    return { status: known.status, body: JSON.parse(known.response) as T, replayed: true };
  }
  const answer = await work();
  await uow.tx.commerce.saveIdempotencyKey({
    pageId,
    key,
    fingerprint,
    status: answer.status,
    response: JSON.stringify(answer.body),
    createdAt: uow.now,
  });
  return { ...answer, replayed: false };
}
