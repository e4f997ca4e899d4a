import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageContent } from '../../protocol/content.ts';
import type { MessageView } from '../../protocol/views.ts';
import type { ReferralEvent } from '../platform/referrals.ts';
import { type Lookups, webhookEventsOf } from './events.ts';
import type { PlannableEvent } from './store.ts';

const page = 'page01';
const person = 'person01';
const psid = '5830000000000001';
const at = 1_764_672_000_123;

/** A log event of the person's thread with the page, as the planner has it (the person's PSID known). */
const logged = (payload: object, over: Partial<PlannableEvent> = {}): PlannableEvent => ({
  pos: 7,
  type: (payload as { type: string }).type,
  payload: JSON.stringify(payload),
  createdAt: at,
  conversationId: 'conv01',
  scope: null,
  pageId: page,
  personId: person,
  psid,
  ...over,
});
const lookups = (content: MessageContent | null = null): Lookups => ({
  contentOf: () => content,
  messagesBetween: () => [],
});

test('a short link’s referral is a messaging_referrals event, the person by their PSID', () => {
  const event: ReferralEvent = {
    type: 'platform.referral',
    pageId: page,
    userId: person,
    conversationId: 'conv01',
    ref: 'summer+sale/2025=',
    source: 'SHORTLINK',
    at,
  };
  assert.deepEqual(webhookEventsOf(logged(event, { scope: `page:${page}`, conversationId: null }), lookups()), [
    {
      field: 'messaging_referrals',
      pageId: page,
      event: {
        sender: { id: psid },
        recipient: { id: page },
        timestamp: at,
        referral: { ref: 'summer+sale/2025=', source: 'SHORTLINK', type: 'OPEN_THREAD' },
      },
    },
  ]);
  // Another person's referral (the planner gave this event the wrong person): nothing, rather than a lie.
  assert.deepEqual(webhookEventsOf(logged({ ...event, userId: 'someone-else' }), lookups()), []);
  // The person not known to the page: nothing.
  assert.deepEqual(webhookEventsOf(logged(event, { psid: null, personId: null, pageId: null }), lookups()), []);
});

test('a Get Started postback carries the short link’s referral stored with it; others carry none', () => {
  const message: MessageView = {
    id: 'msg01',
    conversationId: 'conv01',
    seq: 1,
    senderId: person,
    clientId: 'client-0001',
    text: 'Get Started',
    replyTo: null,
    createdAt: new Date(at).toISOString(),
    editedAt: null,
    deletedAt: null,
    postback: { payload: 'GET_STARTED' },
  };
  const created = logged({ type: 'message.created', conversationId: 'conv01', message });
  const withRef = lookups({
    postback: { payload: 'GET_STARTED' },
    referral: { ref: 'ad-7', source: 'SHORTLINK' },
  });
  assert.deepEqual(webhookEventsOf(created, withRef), [
    {
      field: 'messaging_postbacks',
      pageId: page,
      event: {
        sender: { id: psid },
        recipient: { id: page },
        timestamp: at,
        postback: {
          title: 'Get Started',
          payload: 'GET_STARTED',
          mid: 'm_msg01',
          referral: { ref: 'ad-7', source: 'SHORTLINK', type: 'OPEN_THREAD' },
        },
      },
    },
  ]);
  const [plain] = webhookEventsOf(created, lookups({ postback: { payload: 'GET_STARTED' } }));
  assert.deepEqual(plain?.event.postback, { title: 'Get Started', payload: 'GET_STARTED', mid: 'm_msg01' });
});

test('a message’s media are its attachments, recorded by media id — the person’s and the page’s echo alike', () => {
  const view = (id: string, kind: 'image' | 'file') => ({
    id,
    kind,
    mime: kind === 'image' ? 'image/png' : 'application/pdf',
    name: kind === 'image' ? 'photo.png' : 'menu.pdf',
    size: 10,
    width: null,
    height: null,
    durationMs: null,
    voice: false,
    waveform: null,
    url: `/api/media/${id}`,
    thumbnailUrl: null,
  });
  const message = (senderId: string): MessageView => ({
    id: 'msg02',
    conversationId: 'conv01',
    seq: 2,
    senderId,
    clientId: 'client-0002',
    text: 'Voici',
    replyTo: null,
    createdAt: new Date(at).toISOString(),
    editedAt: null,
    deletedAt: null,
    attachments: [view('media01', 'image'), view('media02', 'file')],
  });
  const recorded = [
    { type: 'image', payload: { media_id: 'media01' } },
    { type: 'file', payload: { media_id: 'media02' } },
  ];
  const [fromPerson] = webhookEventsOf(
    logged({ type: 'message.created', conversationId: 'conv01', message: message(person) }),
    lookups(),
  );
  assert.equal(fromPerson?.field, 'messages');
  assert.deepEqual(fromPerson?.event.message, { mid: 'm_msg02', text: 'Voici', attachments: recorded });
  const [echo] = webhookEventsOf(
    logged({ type: 'message.created', conversationId: 'conv01', message: message(page) }),
    lookups({ appId: 'app01' }),
  );
  assert.equal(echo?.field, 'message_echoes');
  assert.deepEqual(echo?.event.message, {
    is_echo: true,
    app_id: 'app01',
    mid: 'm_msg02',
    text: 'Voici',
    attachments: recorded,
  });
});
