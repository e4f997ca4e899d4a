import { limits } from '../../../protocol/limits.ts';
import type { I18n } from '../i18n/useI18n.ts';
import { badFields, errorIdOf, retryAfterSeconds } from '../lib/errors.ts';

/** What the page forms check before sending, and how they word what the server refused. Pure. */

export type PageField = 'name' | 'username' | 'description';
/** A problem to show: under a field, or for the whole form (`field: null`). */
export interface Problem {
  field: PageField | null;
  text: string;
}
type Words = Pick<I18n, 't' | 'te'>;

/** A username as typed: spaces around and a leading "@" dropped, lowercase (the server lowercases too). */
export function normalizeUsername(typed: string): string {
  return typed.trim().replace(/^@/, '').toLowerCase();
}

export function fieldProblem(field: PageField, { t }: Pick<I18n, 't'>): Problem {
  switch (field) {
    case 'name':
      return { field, text: t('pages.invalid.name', { min: limits.pageName.min, max: limits.pageName.max }) };
    case 'username':
      return { field, text: t('pages.invalid.username', { min: limits.username.min, max: limits.username.max }) };
    case 'description':
      return { field, text: t('pages.invalid.description', { max: limits.pageDescription.max }) };
  }
}

/** The first field that would be refused (same rules as protocol/schemas.ts), or null. Absent fields pass. */
export function checkPage(
  input: { name?: string; username?: string; description?: string },
  words: Pick<I18n, 't'>,
): Problem | null {
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (name.length < limits.pageName.min || name.length > limits.pageName.max) return fieldProblem('name', words);
  }
  if (input.username !== undefined) {
    const u = normalizeUsername(input.username);
    if (u.length < limits.username.min || u.length > limits.username.max || !limits.username.pattern.test(u)) {
      return fieldProblem('username', words);
    }
  }
  if (input.description !== undefined && input.description.trim().length > limits.pageDescription.max) {
    return fieldProblem('description', words);
  }
  return null;
}

const fields: readonly PageField[] = ['name', 'username', 'description'];

/** What a refused create or edit says: the field the server named, a taken username, a wait, or the error. */
export function pageProblem(e: unknown, words: Words): Problem {
  const named = badFields(e).find((f): f is PageField => (fields as readonly string[]).includes(f));
  if (named) return fieldProblem(named, words);
  const id = errorIdOf(e);
  if (id === 'username_taken') return { field: 'username', text: words.te(id) };
  const wait = retryAfterSeconds(e);
  if (wait !== null) return { field: null, text: words.t('pages.rateLimited', { count: Math.ceil(wait / 60) }) };
  return { field: null, text: words.te(id) };
}

/** What a refused addition of someone to a page says (they were named by username). */
export function addMemberProblem(e: unknown, words: Words): string {
  const id = errorIdOf(e);
  if (id === 'user_not_found') return words.t('pages.error.user_not_found');
  if (id === 'not_a_person') return words.t('pages.error.not_a_person');
  return words.te(id);
}
