import type { PageView } from './views.ts';

/**
 * Opt-in at checkout (docs/PLATFORM.md, "Opt-in at checkout"): Messenger's checkbox plugin done for
 * Comptoir, its link flow, and the person's control over the pages that may write to them. Shared by the
 * server (validation at the edge) and the web app (the confirmation screen, the settings list).
 */

export const optinLimits = {
  /**
   * A checkout's `user_ref`: made by the merchant, fresh for each checkout, unique per page. Messenger takes
   * letters, digits, `-` and `_`; `.` is taken too (order numbers often have one). Up to 250 characters.
   */
  userRef: { min: 1, max: 250, pattern: /^[A-Za-z0-9_.-]+$/ },
  /** The merchant's page to come back to after the link flow (characters). */
  returnTo: { max: 2048 },
} as const;

/** How a person opted in: the checkbox in the merchant's checkout, or the link flow on Comptoir. */
export const optinHows = ['checkbox', 'link'] as const;
export type OptinHow = (typeof optinHows)[number];

/** Whether a user_ref is one Comptoir takes (optinLimits.userRef); anything else is `invalid_user_ref`. */
export const isUserRef = (userRef: string) =>
  userRef.length >= optinLimits.userRef.min &&
  userRef.length <= optinLimits.userRef.max &&
  optinLimits.userRef.pattern.test(userRef);

/** One opt-in, as its person sees it. */
export interface OptinView {
  page: PageView;
  userRef: string;
  ref: string | null;
  how: OptinHow;
  createdAt: string;
}

/** The person's standing with a page: opted in (some opt-in not revoked), updates stopped, blocked. */
export interface PageConsentView {
  page: PageView;
  optedIn: boolean;
  updatesStopped: boolean;
  blocked: boolean;
}

export interface OptinResponse {
  optin: OptinView;
  /** Where the link flow sends the person back to: `return_to` with `comptoir_optin=<user_ref>` added. */
  returnTo: string | null;
}
export interface OptinCheckResponse {
  page: PageView;
  /** Whether this person already opted in with this user_ref (the screen then only offers to go back). */
  alreadyOptedIn: boolean;
}
/** `GET /api/optins`: the person's opt-ins (active ones) and the pages they stopped or blocked. */
export interface OptinsResponse {
  optins: OptinView[];
  pages: PageConsentView[];
}
export interface PageConsentResponse {
  consent: PageConsentView;
}

/**
 * What the checkbox's frame tells the merchant's page (`window.postMessage`, to the embedding origin only),
 * relayed by checkbox.js as a `comptoir:optin` DOM event on the plugin's element:
 * - `rendered`: the box is shown (`signedIn: true`) or, without a session there, the link (`signedIn: false`);
 * - `opted_in`: the person ticked it and the opt-in is recorded (the page's apps get `messaging_optins`);
 * - `opted_out`: they unticked it again (that opt-in is revoked);
 * - `error`: refused (`error` is the error id: `origin_not_allowed`, `invalid_user_ref`, `user_ref_taken`…).
 */
export interface CheckboxMessage {
  type: 'comptoir:optin';
  event: 'rendered' | 'opted_in' | 'opted_out' | 'error';
  pageId: string;
  userRef: string;
  ref: string | null;
  signedIn?: boolean;
  error?: string;
}
