import { z } from 'zod';
import {
  type MenuItem,
  type MessengerProfile,
  type ProfileField,
  profileFields,
  profileLimits,
  profileLocale,
} from '../../protocol/profile.ts';
import { graphField, SendBodyError } from './send-body.ts';

/**
 * The Messenger Profile API's bodies as Messenger clients send them (snake_case, docs/PLATFORM.md), read into
 * what Comptoir stores (protocol/profile.ts), and back. Every refusal names the field the way the Graph API
 * does (`persistent_menu[0][call_to_actions][2][title]`), for error code 100 (SendBodyError, the Send
 * API's refusal, becomes that Graph error in graph-errors.ts).
 */

/** Messenger profile fields Comptoir does not serve: set, they are refused by name; deleted, ignored. */
export const unservedFields = [
  'account_linking_url',
  'home_url',
  'ice_breakers',
  'payment_settings',
  'target_audience',
  'commands',
  'subject_to_new_eu_privacy_rules',
  'title',
  'description',
  'platform',
] as const;

const isServed = (f: string): f is ProfileField => (profileFields as readonly string[]).includes(f);
const isUnserved = (f: string) => (unservedFields as readonly string[]).includes(f);

const noNul = (v: string) => !v.includes('\u0000');
const str = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, 'must not contain NUL characters');
const _httpsUrl = z
  .string()
  .max(profileLimits.url, `must be at most ${profileLimits.url} characters`)
  .refine((u) => {
    try {
      return new URL(u).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an https URL');
/**
 * A whitelisted domain: an https URL, or an http one on this machine (`localhost`, `127.0.0.1`, `[::1]`) —
 * what browsers count as secure too — so that a merchant's site in development can embed the checkbox plugin.
 */
const whitelistedUrl = z
  .string()
  .max(profileLimits.url, `must be at most ${profileLimits.url} characters`)
  .refine((u) => {
    try {
      const p = new URL(u);
      return (
        p.protocol === 'https:' || (p.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(p.hostname))
      );
    } catch {
      return false;
    }
  }, 'must be an https URL (or http on localhost)');
const httpUrl = z
  .string()
  .max(profileLimits.url, `must be at most ${profileLimits.url} characters`)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'https:' || p === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');
const payload = z.union([z.string(), z.number()]).transform(String).pipe(str(profileLimits.payload));
const locale = z
  .string()
  .refine((v) => profileLocale.safeParse(v).success, 'must be "default" or a locale such as en_US');

const wireItem = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.literal('postback'), title: str(profileLimits.menuItemTitle), payload }),
    z.looseObject({
      type: z.literal('web_url'),
      title: str(profileLimits.menuItemTitle),
      url: httpUrl,
      webview_height_ratio: z.enum(['compact', 'tall', 'full']).optional(),
    }),
  ],
  { error: 'must be "postback" or "web_url" (nested menus are gone from Graph API v8.0)' },
);

/** Locales listed once each, `default` among them. */
const byLocale = <T extends { locale: string }>(item: z.ZodType<T>) =>
  z
    .array(item)
    .min(1, 'must not be empty')
    .max(profileLimits.locales, `must hold at most ${profileLimits.locales} locales`)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      for (const [i, e] of list.entries()) {
        if (seen.has(e.locale)) ctx.addIssue({ code: 'custom', path: [i, 'locale'], message: 'is repeated' });
        seen.add(e.locale);
      }
      if (!seen.has('default')) ctx.addIssue({ code: 'custom', message: 'must include the "default" locale' });
    });

const wireProfile = z.looseObject({
  get_started: z.looseObject({ payload }).optional(),
  greeting: byLocale(z.looseObject({ locale, text: str(profileLimits.greetingText) })).optional(),
  persistent_menu: byLocale(
    z.looseObject({
      locale,
      composer_input_disabled: z.boolean().optional(),
      call_to_actions: z
        .array(wireItem)
        .min(1, 'must not be empty')
        .max(profileLimits.menuItems, `must hold at most ${profileLimits.menuItems} items`),
    }),
  ).optional(),
  whitelisted_domains: z
    .array(whitelistedUrl)
    .min(1, 'must not be empty')
    .max(profileLimits.whitelistedDomains, `must hold at most ${profileLimits.whitelistedDomains} domains`)
    .optional(),
});

function refuse(error: z.ZodError): never {
  const issue = error.issues[0];
  throw new SendBodyError(graphField(issue?.path ?? []), issue?.message ?? 'invalid');
}

const asObject = (raw: unknown): Record<string, unknown> => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new SendBodyError('body', 'must be an object');
  return raw as Record<string, unknown>;
};

/** A `POST me/messenger_profile` body: the fields to set, each checked and converted. */
export function readProfileBody(raw: unknown): MessengerProfile {
  const body = asObject(raw);
  const keys = Object.keys(body);
  for (const k of keys) {
    if (isUnserved(k)) throw new SendBodyError(k, 'is not supported by Comptoir');
    if (!isServed(k)) throw new SendBodyError(k, 'is not a messenger profile field');
  }
  if (keys.length === 0) throw new SendBodyError('body', `set at least one of ${profileFields.join(', ')}`);
  const parsed = wireProfile.safeParse(body);
  if (!parsed.success) refuse(parsed.error);
  const b = parsed.data;
  const out: MessengerProfile = {};
  if (b.get_started) out.getStarted = { payload: b.get_started.payload };
  if (b.greeting) out.greeting = b.greeting.map((g) => ({ locale: g.locale, text: g.text }));
  if (b.persistent_menu) {
    out.persistentMenu = b.persistent_menu.map((m) => ({
      locale: m.locale,
      composerInputDisabled: m.composer_input_disabled ?? false,
      callToActions: m.call_to_actions.map(
        (i): MenuItem =>
          i.type === 'postback'
            ? { type: 'postback', title: i.title, payload: i.payload }
            : {
                type: 'web_url',
                title: i.title,
                url: i.url,
                ...(i.webview_height_ratio ? { webviewHeightRatio: i.webview_height_ratio } : {}),
              },
      ),
    }));
  }
  if (b.whitelisted_domains) out.whitelistedDomains = [...new Set(b.whitelisted_domains)];
  return out;
}

/**
 * The fields a `GET` asks for (`?fields=get_started,greeting`) or a `DELETE` names (`{fields: [...]}`): the
 * served ones, unknown ones refused by name; Messenger's fields Comptoir does not serve are left out.
 */
export function readFieldList(raw: unknown, field: string): ProfileField[] {
  const list =
    typeof raw === 'string'
      ? raw.split(',').map((f) => f.trim())
      : Array.isArray(raw) && raw.every((f) => typeof f === 'string')
        ? (raw as string[])
        : null;
  if (list === null || list.length === 0 || list.every((f) => f === ''))
    throw new SendBodyError(field, `list the fields, among ${profileFields.join(', ')}`);
  if (list.length > 64) throw new SendBodyError(field, 'lists too many fields');
  const out = new Set<ProfileField>();
  for (const f of list) {
    if (isServed(f)) out.add(f);
    else if (!isUnserved(f)) throw new SendBodyError(field, `unknown field "${f.slice(0, 64)}"`);
  }
  return [...out];
}

/** The asked fields of a stored profile, in Messenger's snake_case; `{}` when none of them is set. */
export function presentProfile(p: MessengerProfile, fields: readonly ProfileField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f === 'get_started' && p.getStarted) out.get_started = { payload: p.getStarted.payload };
    if (f === 'greeting' && p.greeting) out.greeting = p.greeting.map((g) => ({ locale: g.locale, text: g.text }));
    if (f === 'whitelisted_domains' && p.whitelistedDomains) out.whitelisted_domains = p.whitelistedDomains;
    if (f === 'persistent_menu' && p.persistentMenu) {
      out.persistent_menu = p.persistentMenu.map((m) => ({
        locale: m.locale,
        composer_input_disabled: m.composerInputDisabled,
        call_to_actions: m.callToActions.map((i) =>
          i.type === 'postback'
            ? { type: 'postback', title: i.title, payload: i.payload }
            : {
                type: 'web_url',
                title: i.title,
                url: i.url,
                ...(i.webviewHeightRatio ? { webview_height_ratio: i.webviewHeightRatio } : {}),
              },
        ),
      }));
    }
  }
  return out;
}
