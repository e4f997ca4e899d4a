/**
 * Limits shared by the server (validation at the edge) and the web app (counters, input maxLength).
 * Change them here and both sides follow.
 */
export const limits = {
  username: { min: 3, max: 32, pattern: /^[a-z0-9][a-z0-9_.]*$/ },
  displayName: { min: 1, max: 64 },
  password: { min: 12, max: 256 },
  /** Characters (UTF-16 code units, as `String.length` counts them) in one message. */
  messageText: { max: 4000 },
  groupTitle: { min: 1, max: 100 },
  /** Members of a group, the creator included. */
  groupMembers: { max: 256 },
  clientId: { min: 8, max: 64, pattern: /^[A-Za-z0-9_-]+$/ },
  /** Messages in one history page. */
  historyPage: { default: 50, max: 100 },
  /** Events in one catch-up page (HTTP) or one replayed burst (socket). */
  eventsPage: { default: 500, max: 1000 },
  /** People search: at least 2 characters; strangers are found by their exact username only. */
  userSearch: { queryMin: 2, queryMax: 64, results: 20 },
  /** A business page: its name (its account's display name) and description. */
  pageName: { min: 1, max: 80 },
  pageDescription: { max: 500 },
  /** Page search: like people search; pages are public, found by username prefix or name. */
  pageSearch: { queryMin: 2, queryMax: 64, results: 20 },
  /** A developer app's name. */
  appName: { min: 1, max: 80 },
  /** A webhook's callback URL (characters), and the verify token the developer chose for its handshake. */
  webhookUrl: { max: 2048 },
  verifyToken: { min: 1, max: 256 },
  /**
   * The `ref` of a page's short link (`/m/<username>?ref=…`), handed to the page's apps as Messenger's m.me
   * links do: up to 250 of the characters Messenger takes.
   */
  ref: { min: 1, max: 250, pattern: /^[A-Za-z0-9+/=\-.:_]+$/ },
  /** Bytes in one WebSocket text frame the server will read; larger frames get `frame_too_large`. */
  frameBytes: 16 * 1024,
  /** Bytes in one HTTP request body. */
  httpBodyBytes: 64 * 1024,
  /** Conversations one person may pin (`too_many_pinned` past it). */
  pinnedConversations: { max: 5 },
  /** Conversations one message may be forwarded to at once. */
  forwardTargets: { max: 5 },
  /** The people one person may block (`GET /api/blocks` lists them all). */
  blocks: { max: 1000 },
  /**
   * Emoji reactions: one emoji is one RGI emoji grapheme of at most `emojiBytes` UTF-8 bytes; a person
   * puts at most `perPerson` different emojis on one message, and one message carries at most
   * `perMessage` different emojis (from everyone).
   */
  reactions: { emojiBytes: 32, perPerson: 10, perMessage: 20 },
} as const;

/** Milliseconds a typing indicator stays up after the last `typing` frame. */
export const TYPING_TTL_MS = 6000;
/** A client sends `typing` at most this often while the person keeps typing. */
export const TYPING_RESEND_MS = 3000;

/** `mutedUntil` of a conversation muted "Always": the latest time ISO 8601 writes with four digits. */
export const MUTED_FOREVER = '9999-12-31T23:59:59.999Z';
/** Whether a conversation's `mutedUntil` silences it at `now` (ms since the epoch). */
export function isMuted(mutedUntil: string | null | undefined, now: number): boolean {
  return mutedUntil != null && Date.parse(mutedUntil) > now;
}

/** People asked about at once in `GET /api/presence?userIds=…` (comma-separated). */
export const PRESENCE_QUERY_MAX = 200;
/** After a person's last socket closes, they still show online this long (a reload does not flap). */
export const PRESENCE_GRACE_MS = 10_000;
/**
 * Message search (GET /api/search/messages): a query of at most `queryMax` characters, of which the first
 * `terms` words count; `results` per page by default, `pageMax` at most; a result's snippet is about
 * `snippet` characters of the message around its first match.
 */
export const messageSearch = { queryMin: 1, queryMax: 200, terms: 8, results: 20, pageMax: 50, snippet: 120 } as const;
