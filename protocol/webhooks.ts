/**
 * The webhook fields an app may subscribe to (docs/PLATFORM.md), as the Messenger Platform names them. Apart
 * from schemas.ts (which re-exports them) so that the web app's console lists them without bundling zod.
 */
export const webhookFields = [
  'messages',
  'message_echoes',
  'messaging_postbacks',
  'message_deliveries',
  'message_reads',
  'message_edits',
  'messaging_optins',
  'messaging_referrals',
  'messaging_handovers',
  'standby',
  /** Comptoir-native: a customer's request on an order (protocol/order-requests.ts, docs/COMMERCE.md). */
  'order_requests',
  /** A person's emoji reaction on a page's message, put or taken back (Messenger's `message_reactions`). */
  'message_reactions',
] as const;
export type WebhookField = (typeof webhookFields)[number];
