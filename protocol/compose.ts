import { z } from 'zod';
import { limits } from './limits.ts';

/**
 * Content apps (docs/PLATFORM.md, "Content apps"): an app declares a compose extension — a name, an icon,
 * the kinds of media it returns, the URL Comptoir queries — and people who enable it search it from the
 * composer and send what it finds. Comptoir asks the app (a signed POST), shows the answers' previews
 * through itself, and stores the picked media before sending it, so that neither the searcher's nor the
 * recipients' browsers ever call the app. Shared by the server and the web app.
 */

export const composeKinds = ['gif', 'video', 'audio', 'image'] as const;
export type ComposeKind = (typeof composeKinds)[number];

export const composeLimits = {
  /** The extension's name, shown in the drawer and under what it sent ("via GIF Box"). */
  name: 30,
  url: 2048,
  /** What a person types to search (characters). */
  query: 256,
  /** The app's paging offset, handed back as given. */
  offset: 64,
  /** A BCP 47 language tag. */
  locale: 35,
  /** Results in one answer of the app. */
  results: 50,
  resultId: 64,
  resultTitle: 100,
  /** The longest an answer is kept, whatever `cacheTime` the app gives (seconds). */
  cacheSeconds: 300,
  /** The most of an app's answer read (bytes): more is refused. */
  answerBytes: 256 * 1024,
  /** The most of a preview served (bytes). */
  previewBytes: 8 * 1024 * 1024,
  /** The most of an icon fetched (bytes), and the side it is served at (pixels). */
  iconBytes: 1024 * 1024,
  iconSide: 128,
  /** Media sides and durations an app may announce. */
  side: 16_384,
  durationMs: 24 * 3600 * 1000,
} as const;

/** Text that may be stored: no NUL character (PostgreSQL refuses it). */
const storable = (s: z.ZodString) => s.refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');

const httpUrl = (schemes: readonly string[], what: string) =>
  z
    .string()
    .max(composeLimits.url)
    .refine((u) => {
      try {
        const url = new URL(u);
        return schemes.includes(url.protocol) && url.hostname !== '' && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    }, what);

/** `PUT /api/apps/:id/compose-extension`: what the app's developer declares. */
export const composeExtensionBody = z.strictObject({
  name: storable(z.string().trim().min(1).max(composeLimits.name)),
  /** Fetched once by Comptoir (as an image, re-encoded) and served from Comptoir: its owner cannot change it under people's feet. */
  iconUrl: httpUrl(['https:', 'http:'], 'an http(s) URL without credentials'),
  kinds: z
    .array(z.enum(composeKinds))
    .min(1)
    .max(composeKinds.length)
    .refine((k) => new Set(k).size === k.length, 'each kind once'),
  /** Where Comptoir POSTs queries (signed with the app secret, as webhooks are). */
  queryUrl: httpUrl(['https:', 'http:'], 'an http(s) URL without credentials'),
});
export type ComposeExtensionBody = z.infer<typeof composeExtensionBody>;

export const composeLocale = z
  .string()
  .max(composeLimits.locale)
  .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'a language tag (en, fr-CA…)');

const query = storable(z.string().max(composeLimits.query));
const offset = storable(z.string().max(composeLimits.offset));

/** `GET /api/compose-apps/:appId/results`. */
export const composeResultsQuery = z.strictObject({
  q: query.default(''),
  offset: offset.optional(),
  /** The message the person answers ("Reply with…"): its id and first attachment go to the app. */
  replyTo: z.string().min(1).max(64).optional(),
  /** The person's language (default: the request's Accept-Language, else en). */
  locale: composeLocale.optional(),
});
export type ComposeResultsQuery = z.infer<typeof composeResultsQuery>;

/** `POST /api/compose-apps/:appId/send`: a result the app returned to this person, sent as a message. */
export const composeSendBody = z.strictObject({
  conversationId: z.string().min(1).max(64),
  clientId: z.string().min(limits.clientId.min).max(limits.clientId.max).regex(limits.clientId.pattern),
  resultId: storable(z.string().min(1).max(composeLimits.resultId)),
  /** The query, offset, reply and language the result was found with (to find it again if its answer is gone). */
  q: query,
  offset: offset.optional(),
  replyTo: z.string().min(1).max(64).optional(),
  locale: composeLocale.optional(),
});
export type ComposeSendBody = z.infer<typeof composeSendBody>;

const mediaUrl = httpUrl(['https:', 'http:'], 'an http(s) URL without credentials');

/**
 * The app's answer to a query, as Comptoir checks it (extra fields are ignored). A result's `type` must
 * be one of the kinds its extension declares.
 */
export const composeAnswer = z.object({
  results: z
    .array(
      z.object({
        id: storable(z.string().min(1).max(composeLimits.resultId)),
        type: z.enum(composeKinds),
        /** An image (GIF, PNG, JPEG, WebP) or a short video (MP4, WebM) shown in the grid. */
        previewUrl: mediaUrl,
        /** The media sent when the result is picked. */
        url: mediaUrl,
        width: z.number().int().min(1).max(composeLimits.side).optional(),
        height: z.number().int().min(1).max(composeLimits.side).optional(),
        durationMs: z.number().int().min(1).max(composeLimits.durationMs).optional(),
        title: storable(z.string().max(composeLimits.resultTitle)).optional(),
      }),
    )
    .max(composeLimits.results),
  /** The offset of the next page; absent or null: no more. */
  nextOffset: offset.nullable().optional(),
  /** How long (seconds) Comptoir may keep this answer (capped at 300; default 0: not kept). */
  cacheTime: z
    .number()
    .int()
    .min(0)
    .max(365 * 24 * 3600)
    .optional(),
});
export type ComposeAnswer = z.infer<typeof composeAnswer>;
export type ComposeResult = ComposeAnswer['results'][number];

/** The JSON body Comptoir POSTs to the app's query URL (signed: `X-Hub-Signature-256`). */
export interface ComposeQuery {
  query: string;
  locale: string;
  /** `""` for the first page, else a `nextOffset` the app gave. */
  offset: string;
  /** The person, by an id of this app's own: the same person always, never their account's id. */
  user: { id: string };
  context?: {
    replyTo: {
      messageId: string;
      /** The replied message's first attachment: a link the app may read for a while. */
      attachment?: { kind: string; mime: string; url: string };
      /** The app that sent the replied message, when one did. */
      via?: { appId: string };
    };
  };
}

/** An app's compose extension, as its developer sees it. */
export interface ComposeExtensionView {
  name: string;
  /** The URL the icon was fetched from. */
  iconUrl: string;
  /** Where Comptoir serves the icon it stored (same origin). */
  icon: string;
  kinds: ComposeKind[];
  queryUrl: string;
  updatedAt: string;
}

/** A content app, as people see it (the drawer's list). */
export interface ComposeAppView {
  appId: string;
  name: string;
  /** Same-origin URL of its icon. */
  icon: string;
  kinds: ComposeKind[];
  /** The person enabled it: it is in their drawer, and searchable with `@name`. */
  enabled: boolean;
}

/** A result, as the searcher sees it: its preview through Comptoir, never the app's own URL. */
export interface ComposeResultView {
  id: string;
  type: ComposeKind;
  /** Same-origin URL of the preview (served by Comptoir from the app's). */
  previewUrl: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  title: string | null;
}

export interface ComposeExtensionResponse {
  extension: ComposeExtensionView | null;
}
export interface ComposeAppsResponse {
  apps: ComposeAppView[];
}
export interface ComposeAppResponse {
  app: ComposeAppView;
}
export interface ComposeResultsResponse {
  results: ComposeResultView[];
  nextOffset: string | null;
}
