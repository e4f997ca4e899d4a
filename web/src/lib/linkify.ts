import { mixesScripts } from './scripts.ts';

/**
 * Splits message text into plain-text runs and links. `http:` and `https:` URLs, web addresses written
 * without a scheme (`www.example.org`, linked as https) and `mailto:` addresses become links; everything
 * else (including `javascript:`, `data:` and markup) stays text, rendered as text by React.
 * A link's text is the URL as written, except that bidirectional controls are dropped (from the href
 * too) and a host mixing scripts is shown in punycode, as in the href. Linear in the length of the text.
 */
export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/**
 * A longer URL stays plain text: shown whole and copyable, rather than a link whose destination cannot be
 * read at a glance (shortening its text would hide part of where it goes). Browsers, proxies and servers
 * commonly refuse URLs past about 2,000 characters anyway.
 */
export const MAX_LINK_LENGTH = 2048;

const urlPattern = /\b(?:https?:\/\/|www\.|mailto:)[^\s<>"'`]+/gi;
/** Before a `www.`, these mean it is part of something else (a longer host, a path, an address). */
const NOT_BEFORE_WWW = /[./@:\\_-]/;
/** A `mailto:` address: one `@`, a dotted domain, then maybe `?subject=…`. */
const MAIL_ADDRESS = /^([^\s@/\\?#]+)@([^\s@/\\?#]+\.[^\s@/\\?#]+)(\?.*)?$/s;
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '»', '”', '’']);
const OPENER: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
/** Bidirectional controls (embeddings, overrides, isolates, marks): they could show a link reversed. */
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const BIDI_CHAR = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

/**
 * How much of `candidate` is the URL: without the trailing punctuation and unbalanced closing brackets
 * that belong to the sentence (nor bidi controls among them, which are invisible). Brackets are counted
 * once, then the end walks back one character at a time.
 */
function urlLength(candidate: string): number {
  const count: Record<string, number> = { '(': 0, ')': 0, '[': 0, ']': 0, '{': 0, '}': 0 };
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate[i] as string;
    if (c in count) count[c] = (count[c] as number) + 1;
  }
  let end = candidate.length;
  while (end > 0) {
    const c = candidate[end - 1] as string;
    const open = OPENER[c];
    if (TRAILING.has(c) || BIDI_CHAR.test(c)) end--;
    else if (open && (count[c] as number) > (count[open] as number)) {
      count[c] = (count[c] as number) - 1;
      end--;
    } else break;
  }
  return end;
}

/** The parsed URL when `raw` is a valid http(s) URL with a host, else null. */
function parseWebUrl(raw: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (!parsed.hostname) return null;
  return parsed;
}

/** The normalised href (host in punycode) when `raw` is a valid http(s) URL with a host, else null. */
export function safeHref(raw: string): string | null {
  return parseWebUrl(raw)?.href ?? null;
}

/**
 * Where the host is in a written http(s) URL, as the URL parser reads it: after the scheme and any
 * slashes (or backslashes) and user info, up to a port, path, query or fragment.
 */
function hostSpan(url: string): { start: number; end: number } {
  let from = url.indexOf(':') + 1;
  while (url[from] === '/' || url[from] === '\\') from++;
  let end = from;
  while (end < url.length && !'/?#\\'.includes(url[end] as string)) end++;
  const at = url.lastIndexOf('@', end - 1);
  const start = at >= from ? at + 1 : from;
  const colon = url.indexOf(':', start);
  return { start, end: colon !== -1 && colon < end ? colon : end };
}

/** The host as the URL parser makes it (percent-decoded, mapped, in punycode), or null if it is none. */
function asciiHost(host: string): string | null {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
}

function percentDecoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The link's text: the URL as written, with a host that mixes scripts (`pаypal.com`, Cyrillic а) replaced
 * by its punycode (`xn--pypal-4ve.com`), so the person sees it is not what it looks like.
 */
function linkText(written: string, url: URL): string {
  if (!url.hostname.split('.').some((label) => label.startsWith('xn--'))) return written;
  const { start, end } = hostSpan(written);
  const host = written.slice(start, end);
  // Not the host the parser read (a spelling this reading does not know): show the normalised URL.
  if (asciiHost(host) !== url.hostname) return url.href;
  if (!mixesScripts(percentDecoded(host))) return written;
  return written.slice(0, start) + url.hostname + written.slice(end);
}

/** A `www.` address as a link (https), or null when it is not one: a host with a dot after `www.`, no user info. */
function wwwLink(written: string): { text: string; href: string } | null {
  const authority = written.split(/[/?#\\]/, 1)[0] ?? '';
  if (authority.includes('@')) return null;
  const parsed = parseWebUrl(`https://${written}`);
  if (!parsed || !/^www\.[^.]+\.[^.]+/.test(parsed.hostname)) return null;
  return { text: linkText(`https://${written}`, parsed).replace(/^https:\/\//, ''), href: parsed.href };
}

/** A `mailto:` link, or null when what follows is not an address; a domain mixing scripts shows in punycode. */
function mailtoLink(written: string): { text: string; href: string } | null {
  const match = MAIL_ADDRESS.exec(written.slice('mailto:'.length));
  if (!match) return null;
  const [, local = '', domain = '', query = ''] = match;
  const ascii = asciiHost(domain);
  if (!ascii?.includes('.')) return null;
  const normalised = `mailto:${local}@${ascii}${query}`;
  return { text: mixesScripts(percentDecoded(domain)) ? normalised : written, href: normalised };
}

/** The link a match makes, or null when it is not one. */
function linkOf(written: string): { text: string; href: string } | null {
  const scheme = written.slice(0, 7).toLowerCase();
  if (scheme === 'mailto:') return mailtoLink(written);
  if (scheme.startsWith('www.')) return wwwLink(written);
  const parsed = parseWebUrl(written);
  return parsed ? { text: linkText(written, parsed), href: parsed.href } : null;
}

export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  const pushText = (s: string) => {
    if (!s) return;
    const prev = out[out.length - 1];
    if (prev && prev.kind === 'text') prev.text += s;
    else out.push({ kind: 'text', text: s });
  };
  for (const match of text.matchAll(urlPattern)) {
    const start = match.index;
    // A scheme glued to preceding letters ("xhttp://") is not a link start: \b allows it, so check.
    const before = text[start - 1] ?? '';
    if (start > 0 && /[A-Za-z0-9]/.test(before)) continue;
    // "mail.www.example.org", "a@www.example.org", "/www.x/": part of something else.
    if (/^www\./i.test(match[0]) && NOT_BEFORE_WWW.test(before)) continue;
    const span = match[0].slice(0, urlLength(match[0]));
    const url = span.replace(BIDI, '');
    if (url.length <= 'https://'.length - 1 || url.length > MAX_LINK_LENGTH) continue;
    const link = linkOf(url);
    if (!link) continue;
    pushText(text.slice(last, start));
    out.push({ kind: 'link', ...link });
    last = start + span.length;
  }
  pushText(text.slice(last));
  return out;
}
