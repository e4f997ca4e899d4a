import type * as api from '../../../protocol/api.ts';
import type * as c from '../../../protocol/commerce.ts';
import { orderStatuses, shipmentStatuses } from '../../../protocol/commerce.ts';
import { attachment, quickReply } from '../../../protocol/content.ts';
import { type ErrorBody, errorIds } from '../../../protocol/errors.ts';
import type { DomainEvent, DomainEventType } from '../../../protocol/events.ts';
import { type AttachmentView, mediaKinds, type UploadMediaResponse } from '../../../protocol/media.ts';
import type * as o from '../../../protocol/optins.ts';
import type * as r from '../../../protocol/order-requests.ts';
import { requestKinds, requestPolicyBody, requestStates, returnReasons } from '../../../protocol/order-requests.ts';
import { greeting, type PageProfileView, persistentMenu } from '../../../protocol/profile.ts';
import type * as v from '../../../protocol/views.ts';
import { composeAnswers, composeViews } from './compose-views.ts';
import { inboxAnswers, inboxEvents, inboxViews } from './inbox-views.ts';
import {
  arrayOf,
  boolean,
  fromZod,
  integer,
  type JsonSchema,
  literal,
  nullable,
  objectSchema,
  oneOf,
  ref,
  string,
  time,
} from './schema.ts';

/**
 * The JSON Schemas of what the native API answers (protocol/views.ts, protocol/api.ts): each written once
 * here, its property names checked against its interface by `tsc` (objectSchema), its content against
 * real answers by openapi.test.ts. Shapes that have a zod schema (attachments, quick replies, the
 * messenger profile) come from it.
 */

const role = (roles: readonly string[]) => oneOf(roles);
const payload = objectSchema<{ payload: string }>({ payload: string }, {});

const views = {
  ErrorBody: objectSchema<ErrorBody>(
    {
      id: oneOf(errorIds),
      message: string,
      details: {
        type: 'object',
        description: 'Field-level problems for `bad_request`, seconds to wait for `rate_limited`.',
      },
    },
    { details: true },
    'The body of every error answer, under `error`.',
  ),
  UserView: objectSchema<v.UserView>(
    {
      id: string,
      username: string,
      displayName: string,
      kind: literal('page'),
      avatar: ref('AvatarView'),
      deleted: literal(true),
    },
    { kind: true, avatar: true, deleted: true },
    '`kind: "page"` on the account a business page speaks through; `avatar`: the profile photo, if any; ' +
      '`deleted: true` on a deleted account (empty username and display name: show "Deleted account").',
  ),
  SelfView: objectSchema<v.SelfView>(
    {
      id: string,
      username: string,
      displayName: string,
      kind: literal('page'),
      avatar: ref('AvatarView'),
      deleted: literal(true),
      createdAt: time,
    },
    { kind: true, avatar: true, deleted: true },
  ),
  AvatarView: objectSchema<v.AvatarView>(
    { id: string, url: string, thumbnailUrl: string },
    {},
    'A profile photo, readable by any signed-in account; `thumbnailUrl` is its 480 px variant.',
  ),
  SessionView: objectSchema<v.SessionView>(
    {
      id: string,
      userAgent: nullable(string),
      ip: nullable(string),
      createdAt: time,
      lastSeenAt: time,
      expiresAt: time,
      current: boolean,
    },
    {},
  ),
  PageView: objectSchema<v.PageView>(
    { id: string, username: string, name: string, description: string, createdAt: time },
    {},
  ),
  PageMemberView: objectSchema<v.PageMemberView>(
    { user: ref('UserView'), role: role(['admin', 'agent']), addedAt: time },
    {},
  ),
  ReceiverView: objectSchema<v.ReceiverView>(
    { id: string, name: string, inbox: boolean, role: role(['primary', 'secondary']) },
    {},
    `A receiver of the handover protocol: a connected app, or the page inbox (id ${'`'}263902037430900${'`'}).`,
  ),
  HandoverView: objectSchema<v.HandoverView>(
    { primaryAppId: string, chosen: boolean, receivers: arrayOf(ref('ReceiverView')) },
    {},
  ),
  ThreadControlView: objectSchema<v.ThreadControlView>({ owner: ref('ReceiverView') }, {}),
  AppView: objectSchema<v.AppView>({ id: string, name: string, createdAt: time }, {}),
  AppPageView: objectSchema<v.AppPageView>({ pageId: string, connectedAt: time }, {}),
  WebhookView: objectSchema<v.WebhookView>(
    {
      url: string,
      fields: arrayOf(string),
      verified: boolean,
      verifiedAt: nullable(time),
      disabled: objectSchema<NonNullable<v.WebhookView['disabled']>>({ at: time, reason: nullable(string) }, {}),
    },
    { disabled: true },
  ),
  PageAppWebhookView: objectSchema<v.PageAppWebhookView>(
    {
      status: oneOf(['active', 'unverified', 'disabled', 'none']),
      origin: nullable(string),
      fields: arrayOf(string),
      disabledAt: nullable(time),
      disabledReason: nullable(string),
      failingSince: nullable(time),
    },
    {},
    "An app's webhook as a page's admins see it: the callback URL's origin only, no secret, no verify token.",
  ),
  PageAppView: objectSchema<v.PageAppView>(
    {
      id: string,
      name: string,
      owner: nullable(ref('UserView')),
      connectedAt: time,
      webhook: ref('PageAppWebhookView'),
    },
    {},
  ),
  DeliveryView: objectSchema<v.DeliveryView>(
    {
      id: string,
      field: string,
      pageId: string,
      standby: boolean,
      state: oneOf(['pending', 'delivered', 'failed']),
      attempts: integer,
      createdAt: time,
      lastAttemptAt: nullable(time),
      nextAttemptAt: nullable(time),
      deliveredAt: nullable(time),
      status: nullable(integer),
      latencyMs: nullable({ type: 'number' }),
      error: nullable(string),
      responseSnippet: nullable(string),
      event: { description: 'The messaging event exactly as it goes into the webhook envelope (docs/PLATFORM.md).' },
    },
    {},
  ),
  QuoteView: objectSchema<v.QuoteView>({ id: string, senderId: string, text: nullable(string), deleted: boolean }, {}),
  Attachment: fromZod(attachment, 'output'),
  AttachmentView: objectSchema<AttachmentView>(
    {
      id: string,
      kind: oneOf(mediaKinds),
      mime: string,
      name: string,
      size: integer,
      width: nullable(integer),
      height: nullable(integer),
      durationMs: nullable(integer),
      voice: boolean,
      waveform: nullable(arrayOf(integer)),
      url: string,
      thumbnailUrl: nullable(string),
    },
    {},
  ),
  QuickReply: fromZod(quickReply, 'output'),
  MessageView: objectSchema<v.MessageView>(
    {
      id: string,
      conversationId: string,
      seq: integer,
      senderId: string,
      clientId: nullable(string),
      text: nullable(string),
      replyTo: nullable(ref('QuoteView')),
      createdAt: time,
      editedAt: nullable(time),
      deletedAt: nullable(time),
      attachment: ref('Attachment'),
      attachments: arrayOf(ref('AttachmentView')),
      quickReplies: arrayOf(ref('QuickReply')),
      quickReply: payload,
      postback: payload,
      order: ref('OrderMessageView'),
      orderRequest: ref('OrderRequestMessageView'),
      csat: objectSchema<{ questionId: string }>({ questionId: string }, {}),
      via: objectSchema<{ appId: string; name: string }>(
        { appId: string, name: string },
        {},
        'The content app its media was picked in, named as it was then: shown as "via <name>".',
      ),
      forwarded: { type: 'boolean', const: true, description: 'A forward of another message: shown "Forwarded".' },
      reactions: arrayOf(ref('ReactionView')),
    },
    {
      attachment: true,
      attachments: true,
      quickReplies: true,
      quickReply: true,
      postback: true,
      order: true,
      orderRequest: true,
      csat: true,
      via: true,
      forwarded: true,
      reactions: true,
    },
  ),
  ReactionView: objectSchema<v.ReactionView>(
    { emoji: string, count: integer, userIds: arrayOf(string) },
    {},
    'One emoji on a message: how many reacted with it, and who, in the order they did.',
  ),
  OrderRequestMessageView: objectSchema<r.OrderRequestMessageView>(
    { orderId: string, requestId: string, kind: oneOf(requestKinds), state: oneOf(requestStates) },
    {},
    "A message about a customer's request on an order: asked, answered or replied.",
  ),
  RequestStepView: objectSchema<r.RequestStepView>(
    { at: time, by: oneOf(['customer', 'page']), state: oneOf(requestStates), text: nullable(string) },
    {},
  ),
  ItemQuantity: objectSchema<{ item: number; quantity: number }>({ item: integer, quantity: integer }, {}),
  OrderRequestView: objectSchema<r.OrderRequestView>(
    {
      id: string,
      orderId: string,
      kind: oneOf(requestKinds),
      state: oneOf(requestStates),
      change: nullable({
        type: 'object',
        properties: { items: arrayOf(ref('ItemQuantity')), shippingAddress: { type: 'object' } },
        additionalProperties: false,
      }),
      reason: nullable(oneOf(returnReasons)),
      items: nullable(arrayOf(ref('ItemQuantity'))),
      note: nullable(string),
      photos: arrayOf(ref('AttachmentView')),
      history: arrayOf(ref('RequestStepView')),
      createdAt: time,
      updatedAt: time,
    },
    {},
    'A customer\'s request on an order (docs/COMMERCE.md, "Customer requests").',
  ),
  CustomerActionsView: objectSchema<r.CustomerActionsView>(
    { changeAddress: boolean, changeItems: boolean, cancel: boolean, return: boolean },
    {},
    'What the customer may ask now, by the page’s policy, the order’s status and its open requests.',
  ),
  RequestPolicy: fromZod(requestPolicyBody, 'output'),
  OrderMessageView: objectSchema<c.OrderMessageView>(
    {
      orderId: string,
      kind: oneOf(['receipt', 'shipment', 'tracking', 'refund']),
      shipmentId: nullable(string),
      status: nullable(oneOf(shipmentStatuses)),
      snapshot: nullable(ref('OrderView')),
      update: nullable(ref('ShippingUpdateView')),
      refund: ref('RefundNoticeView'),
    },
    { refund: true },
    "An order's message in its thread: the receipt card, with the order as it was placed (`snapshot`), a shipping update, with what it announces (`update`), or a refund (`refund`).",
  ),
  RefundNoticeView: objectSchema<c.RefundNoticeView>(
    { id: string, number: string, currency: string, amount: integer, reason: nullable(string), at: time },
    {},
    'A refund as its message in the thread announces it (amount in minor units of `currency`).',
  ),
  ShippingUpdateView: objectSchema<c.ShippingUpdateView>(
    {
      number: string,
      carrier: string,
      trackingNumber: string,
      trackingUrl: nullable(string),
      place: nullable(string),
      description: nullable(string),
      at: time,
    },
    {},
  ),
  OrderItemView: objectSchema<c.OrderItemView>(
    { title: string, subtitle: nullable(string), quantity: integer, unitPrice: integer, imageUrl: nullable(string) },
    {},
  ),
  PriceLineView: objectSchema<c.PriceLineView>({ label: string, amount: integer }, {}),
  AddressView: objectSchema<c.AddressView>(
    {
      name: nullable(string),
      street1: string,
      street2: nullable(string),
      city: string,
      postalCode: string,
      state: nullable(string),
      country: string,
    },
    {},
  ),
  TrackingEventView: objectSchema<c.TrackingEventView>(
    { status: oneOf(shipmentStatuses), place: nullable(string), description: nullable(string), at: time },
    {},
  ),
  ShipmentView: objectSchema<c.ShipmentView>(
    {
      id: string,
      carrier: string,
      trackingNumber: string,
      trackingUrl: nullable(string),
      items: arrayOf(objectSchema<{ item: number; quantity: number }>({ item: integer, quantity: integer }, {})),
      status: oneOf(shipmentStatuses),
      createdAt: time,
      updatedAt: time,
      events: arrayOf(ref('TrackingEventView')),
    },
    {},
  ),
  TimelineEntryView: objectSchema<c.TimelineEntryView>(
    {
      at: time,
      kind: oneOf(['status', 'shipment', 'tracking', 'updated', 'refund']),
      status: oneOf([...orderStatuses, ...shipmentStatuses]),
      shipmentId: nullable(string),
      place: nullable(string),
      description: nullable(string),
    },
    {},
  ),
  RefundView: objectSchema<c.RefundView>(
    { id: string, amount: integer, reason: nullable(string), at: time },
    {},
    'A refund the merchant recorded, in minor units of the order’s currency.',
  ),
  // billingAddress: optional in the type only for snapshots stored before it; the API always answers it.
  OrderView: objectSchema<Omit<c.OrderView, 'billingAddress'> & Required<Pick<c.OrderView, 'billingAddress'>>>(
    {
      id: string,
      pageId: string,
      number: string,
      status: oneOf(orderStatuses),
      customer: objectSchema<{ psid: string }>({ psid: string }, {}),
      currency: string,
      items: arrayOf(ref('OrderItemView')),
      subtotal: integer,
      adjustments: arrayOf(ref('PriceLineView')),
      taxes: arrayOf(ref('PriceLineView')),
      shippingCost: integer,
      total: integer,
      shippingAddress: nullable(ref('AddressView')),
      billingAddress: nullable(ref('AddressView')),
      paymentMethod: nullable(string),
      merchantName: nullable(string),
      orderUrl: nullable(string),
      shipments: arrayOf(ref('ShipmentView')),
      timeline: arrayOf(ref('TimelineEntryView')),
      refunds: arrayOf(ref('RefundView')),
      refunded: integer,
      placedAt: time,
      updatedAt: time,
      version: integer,
      requests: arrayOf(ref('OrderRequestView')),
      customerActions: ref('CustomerActionsView'),
    },
    {},
    'An order as it now is: amounts in minor units of `currency` (ISO 4217).',
  ),
  OrderTrackedView: objectSchema<c.OrderTrackedView>(
    {
      orderId: string,
      version: integer,
      status: oneOf(orderStatuses),
      updatedAt: time,
      shipment: objectSchema<c.OrderTrackedView['shipment']>(
        { id: string, status: oneOf(shipmentStatuses), updatedAt: time },
        {},
      ),
      entries: arrayOf(ref('TimelineEntryView')),
      customerActions: ref('CustomerActionsView'),
    },
    {},
    'A tracking event’s change to an order (applies to the order at `version - 1`): its status, the shipment’s, the timeline lines added, what the customer may now ask.',
  ),
  MemberView: objectSchema<v.MemberView>(
    { user: ref('UserView'), role: role(['admin', 'member']), deliveredSeq: integer, readSeq: integer },
    {},
  ),
  ActivityView: objectSchema<v.ActivityView>(
    {
      id: string,
      conversationId: string,
      afterSeq: integer,
      at: time,
      kind: oneOf(['created', 'renamed', 'history', 'added', 'removed', 'left', 'admin']),
      actorId: string,
      targetId: nullable(string),
      title: nullable(string),
      history: nullable(oneOf(['joined', 'full'])),
    },
    {},
    "A group's activity line: it sits in the thread after the message `afterSeq` (0: before the first).",
  ),
  FormerMemberView: objectSchema<v.FormerMemberView>(
    { user: ref('UserView'), deliveredSeq: integer, readSeq: integer },
    {},
    'Someone who left or was removed, with the receipts they reached while a member.',
  ),
  ConversationView: objectSchema<v.ConversationView>(
    {
      id: string,
      kind: oneOf(['direct', 'group']),
      title: nullable(string),
      history: oneOf(['joined', 'full']),
      createdBy: string,
      createdAt: time,
      lastActivityAt: time,
      lastSeq: integer,
      members: arrayOf(ref('MemberView')),
      formerMembers: arrayOf(ref('FormerMemberView')),
      lastMessage: nullable(ref('MessageView')),
      unread: integer,
      mutedUntil: nullable(time),
      pinnedAt: nullable(time),
      archived: boolean,
    },
    {},
  ),
  PageProfileView: objectSchema<PageProfileView>(
    {
      getStarted: nullable(payload),
      greeting: nullable(arrayOf(fromZod(greeting, 'output'))),
      persistentMenu: nullable(arrayOf(fromZod(persistentMenu, 'output'))),
    },
    {},
  ),
  ...inboxViews,
  ...composeViews,
  BlockView: objectSchema<v.BlockView>({ user: ref('UserView'), at: time }, {}, 'A person you block, since `at`.'),
} satisfies Record<string, JsonSchema>;

type Of<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
const history = oneOf(['joined', 'full']);
/** Every domain event a person's feed may hold: one schema each, `tsc` fails when a type is missing. */
const events: { [T in DomainEventType]: JsonSchema } = {
  'message.created': objectSchema<Of<'message.created'>>(
    {
      type: literal('message.created'),
      conversationId: string,
      message: ref('MessageView'),
      orderChange: ref('OrderTrackedView'),
    },
    { orderChange: true },
    'A message was posted; a shipping update of a tracking event carries the order’s change with it (`orderChange`, as `order.tracked`).',
  ),
  'message.edited': objectSchema<Of<'message.edited'>>(
    { type: literal('message.edited'), conversationId: string, message: ref('MessageView') },
    {},
  ),
  'message.deleted': objectSchema<Of<'message.deleted'>>(
    { type: literal('message.deleted'), conversationId: string, message: ref('MessageView') },
    {},
  ),
  'receipt.updated': objectSchema<Of<'receipt.updated'>>(
    {
      type: literal('receipt.updated'),
      conversationId: string,
      userId: string,
      deliveredSeq: integer,
      readSeq: integer,
    },
    {},
  ),
  'conversation.joined': objectSchema<Of<'conversation.joined'>>(
    {
      type: literal('conversation.joined'),
      conversationId: string,
      conversation: ref('ConversationView'),
      userIds: arrayOf(string),
      activity: arrayOf(ref('ActivityView')),
    },
    { activity: true },
  ),
  'conversation.updated': objectSchema<Of<'conversation.updated'>>(
    {
      type: literal('conversation.updated'),
      conversationId: string,
      title: nullable(string),
      history,
      by: string,
      activity: arrayOf(ref('ActivityView')),
    },
    { activity: true },
  ),
  'member.added': objectSchema<Of<'member.added'>>(
    {
      type: literal('member.added'),
      conversationId: string,
      user: ref('UserView'),
      role: role(['admin', 'member']),
      by: string,
      activity: arrayOf(ref('ActivityView')),
    },
    { activity: true },
  ),
  'member.removed': objectSchema<Of<'member.removed'>>(
    {
      type: literal('member.removed'),
      conversationId: string,
      userId: string,
      by: string,
      reason: oneOf(['removed', 'left']),
      activity: arrayOf(ref('ActivityView')),
    },
    { activity: true },
  ),
  'member.role_changed': objectSchema<Of<'member.role_changed'>>(
    {
      type: literal('member.role_changed'),
      conversationId: string,
      userId: string,
      role: role(['admin', 'member']),
      activity: arrayOf(ref('ActivityView')),
    },
    { activity: true },
  ),
  'user.updated': objectSchema<Of<'user.updated'>>(
    { type: literal('user.updated'), conversationId: nullable(string), user: ref('UserView') },
    {},
  ),
  'session.revoked': objectSchema<Of<'session.revoked'>>(
    { type: literal('session.revoked'), conversationId: { type: 'null' }, sessionId: string },
    {},
  ),
  'page.membership_changed': objectSchema<Of<'page.membership_changed'>>(
    {
      type: literal('page.membership_changed'),
      conversationId: { type: 'null' },
      page: ref('PageView'),
      userId: string,
      role: nullable(role(['admin', 'agent'])),
    },
    {},
  ),
  ...inboxEvents,
  'order.updated': objectSchema<Of<'order.updated'>>(
    { type: literal('order.updated'), conversationId: string, order: ref('OrderView') },
    {},
  ),
  'order.tracked': objectSchema<Of<'order.tracked'>>(
    { type: literal('order.tracked'), conversationId: string, change: ref('OrderTrackedView') },
    {},
    'A tracking event moved an order’s shipment: the change only; a client holding the order at `version - 1` applies it, any other reads the order.',
  ),
  'conversation.settings_updated': objectSchema<Of<'conversation.settings_updated'>>(
    {
      type: literal('conversation.settings_updated'),
      conversationId: string,
      mutedUntil: nullable(time),
      pinnedAt: nullable(time),
      archived: boolean,
    },
    {},
    'Your own settings of a conversation changed (to your devices only).',
  ),
  'message.hidden': objectSchema<Of<'message.hidden'>>(
    { type: literal('message.hidden'), conversationId: string, messageId: string, seq: integer, unread: integer },
    {},
    'You deleted a message for yourself (to your devices only); `unread`: your unread count there now.',
  ),
  'block.updated': objectSchema<Of<'block.updated'>>(
    {
      type: literal('block.updated'),
      conversationId: { type: 'null' },
      userId: string,
      block: nullable(ref('BlockView')),
    },
    {},
  ),
  'reaction.updated': objectSchema<Of<'reaction.updated'>>(
    {
      type: literal('reaction.updated'),
      conversationId: string,
      messageId: string,
      seq: integer,
      userId: string,
      emoji: string,
      on: boolean,
    },
    {},
  ),
};

/** Opt-in at checkout (protocol/optins.ts). */
const optinViews = {
  OptinView: objectSchema<o.OptinView>(
    {
      page: ref('PageView'),
      userRef: string,
      ref: nullable(string),
      how: oneOf(['checkbox', 'link']),
      createdAt: time,
    },
    {},
    'One of your opt-ins to a page’s updates (active).',
  ),
  PageConsentView: objectSchema<o.PageConsentView>(
    { page: ref('PageView'), optedIn: boolean, updatesStopped: boolean, blocked: boolean },
    {},
    'Your standing with a page: an active opt-in, its updates stopped, the page blocked.',
  ),
  OptinResponse: objectSchema<o.OptinResponse>(
    { optin: ref('OptinView'), returnTo: nullable(string) },
    {},
    '`returnTo`: for the link flow, the merchant page to go back to, with `comptoir_optin=<user_ref>` added.',
  ),
  OptinCheckResponse: objectSchema<o.OptinCheckResponse>({ page: ref('PageView'), alreadyOptedIn: boolean }, {}),
  OptinsResponse: objectSchema<o.OptinsResponse>(
    { optins: arrayOf(ref('OptinView')), pages: arrayOf(ref('PageConsentView')) },
    {},
  ),
  PageConsentResponse: objectSchema<o.PageConsentResponse>({ consent: ref('PageConsentView') }, {}),
} satisfies Record<string, JsonSchema>;

const answers = {
  InstanceResponse: objectSchema<api.InstanceResponse>({ signup: oneOf(['open', 'closed']) }, {}),
  UserResponse: objectSchema<{ user: v.SelfView }>({ user: ref('SelfView') }, {}),
  MeResponse: objectSchema<api.MeResponse>({ user: ref('SelfView'), sessionId: string }, {}),
  UsersResponse: objectSchema<api.UsersResponse>({ users: arrayOf(ref('UserView')) }, {}),
  SessionsResponse: objectSchema<api.SessionsResponse>({ sessions: arrayOf(ref('SessionView')) }, {}),
  ConversationsResponse: objectSchema<api.ConversationsResponse>(
    { cursor: integer, conversations: arrayOf(ref('ConversationView')) },
    {},
  ),
  ConversationResponse: objectSchema<api.ConversationResponse>({ conversation: ref('ConversationView') }, {}),
  MessagesResponse: objectSchema<api.MessagesResponse>(
    {
      messages: arrayOf(ref('MessageView')),
      hasMore: boolean,
      users: arrayOf(ref('UserView')),
      activity: arrayOf(ref('ActivityView')),
      hasNewer: boolean,
    },
    { hasNewer: true },
  ),
  MessageResponse: objectSchema<api.MessageResponse>({ message: ref('MessageView') }, {}),
  ForwardResponse: objectSchema<api.ForwardResponse>({ messages: arrayOf(ref('MessageView')) }, {}),
  ConversationSettingsResponse: objectSchema<api.ConversationSettingsResponse>(
    { settings: objectSchema({ mutedUntil: nullable(time), pinnedAt: nullable(time), archived: boolean }, {}) },
    {},
  ),
  UploadMediaResponse: objectSchema<UploadMediaResponse>({ attachment: ref('AttachmentView') }, {}),
  EventsResponse: objectSchema<api.EventsResponse>(
    {
      events: arrayOf(
        objectSchema<api.EventsResponse['events'][number]>({ pos: integer, event: ref('DomainEvent') }, {}),
      ),
      cursor: integer,
      hasMore: boolean,
    },
    {},
  ),
  DomainEvent: { oneOf: Object.values(events) },
  PageResponse: objectSchema<api.PageResponse>({ page: ref('PageView') }, {}),
  PagesResponse: objectSchema<api.PagesResponse>({ pages: arrayOf(ref('PageView')) }, {}),
  MyPagesResponse: objectSchema<api.MyPagesResponse>(
    {
      pages: arrayOf(
        objectSchema<api.MyPagesResponse['pages'][number]>(
          { page: ref('PageView'), role: role(['admin', 'agent']) },
          {},
        ),
      ),
    },
    {},
  ),
  PageMembersResponse: objectSchema<api.PageMembersResponse>({ members: arrayOf(ref('PageMemberView')) }, {}),
  PageProfileResponse: objectSchema<api.PageProfileResponse>({ profile: ref('PageProfileView') }, {}),
  OrderResponse: objectSchema<c.OrderResponse>({ order: ref('OrderView') }, {}),
  ShipmentResponse: objectSchema<c.ShipmentResponse>({ order: ref('OrderView'), shipment: ref('ShipmentView') }, {}),
  OrderRequestResponse: objectSchema<r.OrderRequestResponse>(
    { request: ref('OrderRequestView'), order: ref('OrderView') },
    {},
  ),
  RequestPolicyResponse: objectSchema<r.RequestPolicyResponse>({ policy: ref('RequestPolicy') }, {}),
  ContactSupportResponse: objectSchema<r.ContactSupportResponse>({ message: ref('MessageView') }, {}),
  RefundResponse: objectSchema<c.RefundResponse>({ order: ref('OrderView'), refund: ref('RefundView') }, {}),
  OrdersResponse: objectSchema<c.OrdersResponse>({ orders: arrayOf(ref('OrderView')) }, {}),
  PageAppsResponse: objectSchema<api.PageAppsResponse>({ apps: arrayOf(ref('PageAppView')) }, {}),
  PageConversationResponse: objectSchema<api.PageConversationResponse>(
    { conversation: ref('ConversationView'), created: boolean },
    {},
  ),
  HandoverResponse: objectSchema<api.HandoverResponse>({ handover: ref('HandoverView') }, {}),
  ThreadControlResponse: objectSchema<api.ThreadControlResponse>({ threadControl: ref('ThreadControlView') }, {}),
  AppSecretResponse: objectSchema<api.AppSecretResponse>(
    { app: ref('AppView'), secret: string },
    {},
    'The secret is shown here only, once.',
  ),
  AppsResponse: objectSchema<api.AppsResponse>({ apps: arrayOf(ref('AppView')) }, {}),
  AppResponse: objectSchema<api.AppResponse>(
    { app: ref('AppView'), webhook: nullable(ref('WebhookView')), pages: arrayOf(ref('AppPageView')) },
    {},
  ),
  WebhookResponse: objectSchema<api.WebhookResponse>({ webhook: ref('WebhookView') }, {}),
  PageAccessTokenResponse: objectSchema<api.PageAccessTokenResponse>({ pageAccessToken: string }, {}),
  DeliveriesResponse: objectSchema<api.DeliveriesResponse>(
    { deliveries: arrayOf(ref('DeliveryView')), next: nullable(string) },
    {},
  ),
  DeliveryResponse: objectSchema<api.DeliveryResponse>({ delivery: ref('DeliveryView') }, {}),
  DeliveryQueuedResponse: objectSchema<api.DeliveryQueuedResponse>({ queued: literal(true) }, {}),
  ...inboxAnswers,
  ...composeAnswers,
  PresenceView: objectSchema<v.PresenceView>(
    { userId: string, state: oneOf(['online', 'offline', 'hidden']), lastSeenAt: nullable(time) },
    {},
    '`hidden`: the person or the viewer turned `showPresence` off; `lastSeenAt` is set when `offline` (null if never seen).',
  ),
  PresenceResponse: objectSchema<api.PresenceResponse>({ presence: arrayOf(ref('PresenceView')) }, {}),
  SettingsView: objectSchema<v.SettingsView>({ showPresence: boolean }, {}),
  SettingsResponse: objectSchema<api.SettingsResponse>({ settings: ref('SettingsView') }, {}),
  BlocksResponse: objectSchema<api.BlocksResponse>({ blocks: arrayOf(ref('BlockView')) }, {}),
  BlockResponse: objectSchema<api.BlockResponse>({ block: ref('BlockView') }, {}),
  MessageSearchResponse: objectSchema<api.MessageSearchResponse>(
    {
      results: arrayOf(
        objectSchema<api.MessageSearchResult>(
          {
            message: ref('MessageView'),
            conversation: objectSchema<api.MessageSearchResult['conversation']>(
              { id: string, kind: oneOf(['direct', 'group']), title: nullable(string) },
              {},
            ),
            snippet: objectSchema<api.SearchSnippetView>(
              {
                text: string,
                matches: arrayOf({ type: 'array', items: integer, minItems: 2, maxItems: 2 }),
              },
              {},
              'Where the words matched in `text`: [start, end) offsets in UTF-16 code units, in order.',
            ),
          },
          {},
        ),
      ),
      users: arrayOf(ref('UserView')),
      nextCursor: nullable(string),
    },
    {},
  ),
} satisfies Record<string, JsonSchema>;

/** `components.schemas` of the document. */
export const componentSchemas = { ...views, ...answers, ...optinViews };
export type SchemaName = keyof typeof componentSchemas;
export const schemaRef = (name: SchemaName): JsonSchema => ref(name);
