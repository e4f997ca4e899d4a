import { createHmac } from 'node:crypto';

/**
 * How a delivery is written and signed, as the Messenger Platform does it (docs/PLATFORM.md, "Webhooks"):
 * JSON with every character outside ASCII escaped (`\uXXXX`, lowercase hex, as Facebook sends it), so
 * the bytes signed are the bytes any reader sees; signed with the app secret in HMAC-SHA256
 * (`X-Hub-Signature-256`) and HMAC-SHA1 (`X-Hub-Signature`, which Bottender and other clients check).
 */

/** JSON whose bytes are all ASCII: non-ASCII characters (and DEL) as `\uXXXX`, surrogate pairs as two escapes. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function signatureHeaders(secret: string, body: Buffer): Record<string, string> {
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
  };
}

/** One event of a POST: the page it concerns, and whether it goes under `standby`. */
export interface EnvelopeItem {
  pageId: string;
  standby: boolean;
  event: unknown;
}

/**
 * The envelope: `{object: "page", entry: [{id, time, messaging | standby: [...]}]}`, an entry for each run
 * of consecutive events of one page going the same way, so the events keep their order.
 */
export function envelope(items: readonly EnvelopeItem[], time: number) {
  const entry: ({ id: string; time: number } & ({ messaging: unknown[] } | { standby: unknown[] }))[] = [];
  let last: { pageId: string; standby: boolean; list: unknown[] } | null = null;
  for (const item of items) {
    if (!last || last.pageId !== item.pageId || last.standby !== item.standby) {
      const list: unknown[] = [];
      last = { pageId: item.pageId, standby: item.standby, list };
      entry.push(item.standby ? { id: item.pageId, time, standby: list } : { id: item.pageId, time, messaging: list });
    }
    last.list.push(item.event);
  }
  return { object: 'page', entry };
}
