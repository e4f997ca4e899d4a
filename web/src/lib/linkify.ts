/**
 * Splits message text into plain-text runs and web links. Only `http:` and `https:` URLs become links;
 * everything else (including `javascript:`, `data:` and markup) stays text, rendered as text by React.
 */
export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const urlPattern = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const trailing = /[.,;:!?'"»”’]+$/;

/** Drops trailing punctuation and unbalanced closing brackets that belong to the sentence, not the URL. */
function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const before = url;
    url = url.replace(trailing, '');
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ] as const) {
      if (url.endsWith(close) && count(url, close) > count(url, open)) url = url.slice(0, -1);
    }
    if (url === before) return url;
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
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
    const url = trimUrl(match[0]);
    const href = safeHref(url);
    // A scheme glued to preceding letters ("xhttp://") is not a link start: \b allows it, so check.
    const glued = start > 0 && /[A-Za-z0-9]/.test(text[start - 1] ?? '');
    if (!href || glued || url.length <= 'https://'.length - 1) continue;
    pushText(text.slice(last, start));
    out.push({ kind: 'link', text: url, href });
    last = start + url.length;
  }
  pushText(text.slice(last));
  return out;
}
