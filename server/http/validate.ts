import type { z } from 'zod';
import { AppError } from '../errors.ts';

/** Validates input at the edge: a zod failure becomes `bad_request` naming the fields. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) fields[issue.path.join('.') || '(body)'] ??= issue.message;
  const summary = Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  throw new AppError('bad_request', `Invalid request: ${summary}`, { fields });
}

/** The authenticated person of a request on an authenticated route. */
export function authOf<T extends { auth: unknown }>(req: T): NonNullable<T['auth']> {
  if (!req.auth) throw new AppError('unauthenticated');
  return req.auth as NonNullable<T['auth']>;
}
