import type { OrderRequestEvent } from '../commerce/requests.ts';
import type { HandoverEvent } from '../platform/handover.ts';
import type { OptinEvent } from '../platform/optins.ts';
import type { ReferralEvent } from '../platform/referrals.ts';
import type { Reader } from '../storage/types.ts';
import { optinEventOf } from './events.ts';
import type { DeliveryRecord, PlannableEvent, Subscription } from './store.ts';

/**
 * What the log's events scoped to a page or an app become for the apps (webhooks/planner.ts plans the
 * rest, a conversation's events, from webhooks/events.ts): a referral given its person, a handover, an
 * opt-in, a test event and a replay.
 */

/**
 * The log's events that apps receive (`platform.webhook_test` and `platform.webhook_replay`), scoped
 * `app:<id>`: a test event asked from the console, and a delivery sent again.
 */
export type WebhookLogEvent =
  | { type: 'platform.webhook_test'; appId: string; pageId: string }
  | { type: 'platform.webhook_replay'; appId: string; deliveryId: string };

export type Adder = (
  appId: string,
  e: PlannableEvent,
  part: number,
  d: Pick<DeliveryRecord, 'pageId' | 'field' | 'standby' | 'body'>,
) => void;

/** The id the test event's sender has: no person has it (a PSID has 16 digits). */
export const TEST_SENDER_ID = '0';

/**
 * A page's events about one person's thread — the referrals of its short links (platform/referrals.ts) —
 * with the page, the person and their page-scoped id, as a conversation's events come from the query: they
 * are then planned like those (the thread's owner, the other apps under `standby`).
 */
export async function withPersons(r: Reader, events: readonly PlannableEvent[]): Promise<PlannableEvent[]> {
  const out: PlannableEvent[] = [];
  for (const e of events) {
    if (e.type !== 'platform.referral' || !e.scope?.startsWith('page:')) {
      out.push(e);
      continue;
    }
    const { pageId, userId } = JSON.parse(e.payload) as ReferralEvent;
    const psid = await r.pages.psidOf(pageId, userId);
    out.push(psid ? { ...e, pageId, personId: userId, psid } : e);
  }
  return out;
}

/**
 * A change of a thread's owner (server/platform/handover.ts), as `messaging_handovers` to the app it
 * concerns: `pass_thread_control` to the new owner, `take_thread_control` to the one it was taken from,
 * `request_thread_control` to the owner asked. The page inbox has no webhook.
 */
export async function planHandover(r: Reader, e: PlannableEvent, add: Adder) {
  const h = JSON.parse(e.payload) as HandoverEvent;
  const psid = await r.pages.psidOf(h.pageId, h.userId);
  if (!psid) return;
  const to = h.action === 'take' ? h.fromAppId : h.toAppId;
  const [sub] = (await r.webhooks.subscriptionsOf([h.pageId])).filter((s) => s.appId === to);
  if (!sub?.fields.includes('messaging_handovers')) return;
  const metadata = h.metadata === null ? {} : { metadata: h.metadata };
  const detail =
    h.action === 'pass'
      ? { pass_thread_control: { new_owner_app_id: h.toAppId, previous_owner_app_id: h.fromAppId, ...metadata } }
      : h.action === 'take'
        ? { take_thread_control: { previous_owner_app_id: h.fromAppId, new_owner_app_id: h.toAppId, ...metadata } }
        : { request_thread_control: { requested_owner_app_id: h.fromAppId, ...metadata } };
  const body = { sender: { id: psid }, recipient: { id: h.pageId }, timestamp: h.at, ...detail };
  add(to, e, 0, { pageId: h.pageId, field: 'messaging_handovers', standby: false, body: JSON.stringify(body) });
}

/**
 * A checkout's opt-in (platform/optins.ts), as `messaging_optins` to every app of the page that subscribed
 * to it: there is no thread yet, hence no owner and no standby.
 */
export function planOptin(e: PlannableEvent, subs: ReadonlyMap<string, Subscription[]>, add: Adder) {
  const o = JSON.parse(e.payload) as OptinEvent;
  const body = JSON.stringify(optinEventOf(o));
  for (const s of subs.get(o.pageId) ?? [])
    if (s.fields.includes('messaging_optins'))
      add(s.appId, e, 0, { pageId: o.pageId, field: 'messaging_optins', standby: false, body });
}

/** The titles of the postbacks order requests become, per kind and action (what a button would say). */
const requestTitles: Record<OrderRequestEvent['action'], Record<string, string>> = {
  requested: { change: 'Change order', cancel: 'Cancel order', return: 'Return order' },
  replied: { change: 'Reply about a change', cancel: 'Reply about a cancellation', return: 'Reply about a return' },
  withdrawn: { change: 'Withdraw change', cancel: 'Withdraw cancellation', return: 'Withdraw return' },
};

/**
 * A customer's request on an order (commerce/requests.ts), for every app of the page: `order_requests`
 * (Comptoir's own field: `order_request {action, order_number, request}`) to those that take it; to those
 * that take only `messaging_postbacks` (bots written for Messenger), a postback whose payload is the JSON
 * `{"order_request": {id, kind, action, order_number}}`.
 */
export function planOrderRequest(e: PlannableEvent, subs: ReadonlyMap<string, Subscription[]>, add: Adder) {
  const o = JSON.parse(e.payload) as OrderRequestEvent;
  const head = { sender: { id: o.psid }, recipient: { id: o.pageId }, timestamp: o.at };
  const native = JSON.stringify({
    ...head,
    order_request: { action: o.action, order_number: o.orderNumber, request: o.request },
  });
  const postback = JSON.stringify({
    ...head,
    postback: {
      title: requestTitles[o.action][o.request.kind] ?? 'Order request',
      payload: JSON.stringify({
        order_request: { id: o.request.id, kind: o.request.kind, action: o.action, order_number: o.orderNumber },
      }),
    },
  });
  for (const s of subs.get(o.pageId) ?? []) {
    if (s.fields.includes('order_requests'))
      add(s.appId, e, 0, { pageId: o.pageId, field: 'order_requests', standby: false, body: native });
    else if (s.fields.includes('messaging_postbacks'))
      add(s.appId, e, 0, { pageId: o.pageId, field: 'messaging_postbacks', standby: false, body: postback });
  }
}

/** A test event or a replay, for the one app that asked. */
export async function planAppEvent(r: Reader, e: PlannableEvent, add: Adder) {
  const event = JSON.parse(e.payload) as WebhookLogEvent | { type: string };
  if (event.type === 'platform.webhook_test') {
    const t = event as Extract<WebhookLogEvent, { type: 'platform.webhook_test' }>;
    const body = {
      sender: { id: TEST_SENDER_ID },
      recipient: { id: t.pageId },
      timestamp: e.createdAt,
      message: { mid: `m_test_${e.pos}`, text: 'Test event from Comptoir' },
    };
    add(t.appId, e, 0, { pageId: t.pageId, field: 'messages', standby: false, body: JSON.stringify(body) });
  } else if (event.type === 'platform.webhook_replay') {
    const t = event as Extract<WebhookLogEvent, { type: 'platform.webhook_replay' }>;
    const original = await r.webhooks.deliveryById(t.appId, t.deliveryId);
    if (!original) return; // trimmed since it was asked: nothing to send again
    add(t.appId, e, 0, {
      pageId: original.pageId,
      field: original.field,
      standby: original.standby,
      body: original.body,
    });
  }
}
