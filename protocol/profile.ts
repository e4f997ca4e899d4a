import { z } from 'zod';
import { contentLimits, url as httpUrl, text } from './content.ts';

/**
 * A page's messenger profile (docs/PLATFORM.md): what a person sees of the page before and around the
 * conversation — the greeting and the Get Started button of an empty thread, the persistent menu beside
 * the composer. The page's app sets it with the Graph API (`me/messenger_profile`, Messenger's snake_case,
 * read into these shapes); the people's app reads it with `GET /api/pages/:id/profile`. Limits are the
 * Messenger Platform's.
 */
export const profileLimits = {
  payload: contentLimits.payload,
  greetingText: 160,
  /** Locales of one field (greeting, persistent menu): Messenger supports about a hundred. */
  locales: 100,
  menuItems: 20,
  menuItemTitle: 30,
  whitelistedDomains: 50,
  url: contentLimits.url,
} as const;

/** `default`, or a Messenger locale such as `en_US`, `fr_FR`. */
export const profileLocale = z.union([z.literal('default'), z.string().regex(/^[a-z]{2,3}_[A-Z]{2}$/)]);

export const menuItem = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('postback'),
    title: text(profileLimits.menuItemTitle),
    payload: text(profileLimits.payload),
  }),
  z.strictObject({
    type: z.literal('web_url'),
    title: text(profileLimits.menuItemTitle),
    url: httpUrl,
    webviewHeightRatio: z.enum(['compact', 'tall', 'full']).optional(),
  }),
]);
export type MenuItem = z.infer<typeof menuItem>;

export const persistentMenu = z.strictObject({
  locale: profileLocale,
  composerInputDisabled: z.boolean(),
  callToActions: z.array(menuItem).min(1).max(profileLimits.menuItems),
});
export type PersistentMenu = z.infer<typeof persistentMenu>;

export const greeting = z.strictObject({ locale: profileLocale, text: text(profileLimits.greetingText) });
export type Greeting = z.infer<typeof greeting>;

/** Every field is optional: a page sets, and deletes, each one on its own. */
export const messengerProfile = z.strictObject({
  getStarted: z.strictObject({ payload: text(profileLimits.payload) }).optional(),
  greeting: z.array(greeting).min(1).max(profileLimits.locales).optional(),
  persistentMenu: z.array(persistentMenu).min(1).max(profileLimits.locales).optional(),
  whitelistedDomains: z.array(httpUrl).min(1).max(profileLimits.whitelistedDomains).optional(),
});
export type MessengerProfile = z.infer<typeof messengerProfile>;

/** The profile fields, as the Graph API names them. */
export const profileFields = ['get_started', 'greeting', 'persistent_menu', 'whitelisted_domains'] as const;
export type ProfileField = (typeof profileFields)[number];

/**
 * What the people's app is shown of a page's profile: the greeting, the Get Started button and the
 * persistent menu, every locale (the app picks the one of its language, else `default`); null when unset.
 * The domains the page's webviews may use are the app's business, not the person's.
 */
export interface PageProfileView {
  getStarted: { payload: string } | null;
  greeting: Greeting[] | null;
  persistentMenu: PersistentMenu[] | null;
}
