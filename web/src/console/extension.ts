import {
  type ComposeExtensionBody,
  type ComposeExtensionView,
  type ComposeKind,
  composeExtensionBody,
  composeKinds,
  composeLimits,
} from '../../../protocol/compose.ts';
import { ApiError } from '../api/http.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { Params } from '../i18n/types.ts';

/**
 * The console's compose extension form: what it starts from, what it checks before asking the server (the
 * same zod schema the server validates with), and what a refusal means, under the field it is about.
 */

export interface ExtensionDraft {
  name: string;
  iconUrl: string;
  kinds: ComposeKind[];
  queryUrl: string;
}

export type ExtensionField = 'name' | 'iconUrl' | 'kinds' | 'queryUrl' | 'general';

export interface ExtensionProblem {
  field: ExtensionField;
  key: MessageKey;
  params?: Params;
}

export function extensionDraftFrom(e: ComposeExtensionView | null, appName: string): ExtensionDraft {
  if (!e) return { name: appName.slice(0, composeLimits.name), iconUrl: '', kinds: ['gif'], queryUrl: '' };
  return { name: e.name, iconUrl: e.iconUrl, kinds: [...e.kinds], queryUrl: e.queryUrl };
}

/** Adds or removes a kind, in the protocol's order. */
export function toggleKind(kinds: readonly ComposeKind[], kind: ComposeKind, on: boolean): ComposeKind[] {
  return composeKinds.filter((k) => (k === kind ? on : kinds.includes(k)));
}

const problemOf = (field: string): ExtensionProblem | null => {
  switch (field) {
    case 'name':
      return { field, key: 'console.extension.problem.name', params: { max: composeLimits.name } };
    case 'iconUrl':
    case 'queryUrl':
      return { field, key: 'console.extension.problem.url' };
    case 'kinds':
      return { field, key: 'console.extension.problem.kinds' };
    default:
      return null;
  }
};

/** The body to send, or the problems found (one per field, in the form's order). */
export function checkExtension(d: ExtensionDraft): { body: ComposeExtensionBody } | { problems: ExtensionProblem[] } {
  const r = composeExtensionBody.safeParse({ ...d, iconUrl: d.iconUrl.trim(), queryUrl: d.queryUrl.trim() });
  if (r.success) return { body: r.data };
  const fields = new Set(r.error.issues.map((i) => String(i.path[0] ?? '')));
  const problems = (['name', 'iconUrl', 'kinds', 'queryUrl'] as const)
    .filter((f) => fields.has(f))
    .map((f) => problemOf(f))
    .filter((p): p is ExtensionProblem => p !== null);
  return { problems };
}

/** A refusal of the server, under its field when it names one; null: say the error's own sentence. */
export function extensionProblem(e: unknown): ExtensionProblem | null {
  if (!(e instanceof ApiError)) return null;
  if (e.id === 'app_icon_failed') {
    const reason = e.details?.reason;
    const known = ['address', 'timeout', 'unreachable', 'status', 'too_large', 'not_image'] as const;
    const r = known.find((k) => k === reason) ?? 'unreachable';
    return {
      field: 'iconUrl',
      key: `console.extension.problem.icon.${r}`,
      params: { status: typeof e.details?.status === 'number' ? e.details.status : 0 },
    };
  }
  if (e.id === 'bad_request') {
    const fields = e.details?.fields;
    if (typeof fields === 'object' && fields !== null)
      for (const f of Object.keys(fields)) {
        const p = problemOf(f.split('.')[0] ?? '');
        if (p) return p;
      }
  }
  return null;
}
