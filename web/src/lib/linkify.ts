/**
 * Splits message text into plain-text runs and web links. Only `http:` and `https:` URLs become links;
 * everything else (including `javascript:`, `data:` and markup) stays text, rendered as text by React.
 * Linear in the length of the text: every character is looked at a bounded number of times.
 */
export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/**
 * A longer URL stays plain text: shown whole and copyable, rather than a link whose destination cannot be
 * read at a glance (shortening its text would hide part of where it goes). Browsers, proxies and servers
 * commonly refuse URLs past about 2,000 characters anyway.
 */
export const MAX_LINK_LENGTH = 2048;

const urlPattern = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '»', '”', '’']);
const OPENER: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * How much of `candidate` is the URL: without the trailing punctuation and unbalanced closing brackets
 * that belong to the sentence. Brackets are counted once, then the end walks back one character at a time.
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
    if (TRAILING.has(c)) end--;
    else if (open && (count[c] as number) > (count[open] as number)) {
      count[c] = (count[c] as number) - 1;
      end--;
    } else break;
  }
  return end;
}

/** The normalised href when `raw` is a valid http(s) URL with a host, else null. */
export function safeHref(raw: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (!parsed.hostname) return null;
  return parsed.href;
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
    if (start > 0 && /[A-Za-z0-9]/.test(text[start - 1] ?? '')) continue;
    const url = match[0].slice(0, urlLength(match[0]));
    if (url.length <= 'https://'.length - 1 || url.length > MAX_LINK_LENGTH) continue;
    const href = safeHref(url);
    if (!href) continue;
    pushText(text.slice(last, start));
    out.push({ kind: 'link', text: url, href });
    last = start + url.length;
  }
  pushText(text.slice(last));
  return out;
}
