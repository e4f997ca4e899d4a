import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { MessageContent, Template } from '../../protocol/content.ts';
import type { MessengerProfile, ProfileField } from '../../protocol/profile.ts';
import type { PublishedSignal } from '../bus/types.ts';
import type { MessagesService } from '../messaging/messages.ts';
import type { Committer } from '../storage/commit.ts';
import type { Storage } from '../storage/types.ts';
import type { SavedAttachments } from './attachments.ts';
import { graph } from './graph-errors.ts';
import type { GraphMedia } from './graph-media.ts';
import type { HandoverService } from './handover.ts';
import type { Standing } from './optins-store.ts';
import { graphField } from './send-body.ts';
import type { PageThreads } from './threads.ts';

/** What the Graph API asks of apps (a port: apps/service.ts serves it). */
export interface GraphAuth {
  /** The app and page a page access token grants (it is active), or null. */
  grant(accessToken: string): Promise<{ appId: string; pageId: string } | null>;
  /** Whether `proof` is HMAC-SHA256(app secret, access token), hex. */
  checkProof(appId: string, accessToken: string, proof: string): Promise<boolean>;
}

/** A page's messenger profile, as the Messenger Profile API uses it (pages/profile.ts serves it). */
export interface ProfilePort {
  get(pageId: string): Promise<MessengerProfile>;
  set(pageId: string, fields: MessengerProfile): Promise<void>;
  delete(pageId: string, fields: readonly ProfileField[]): Promise<void>;
}

/**
 * A receipt template sent to a person (a port: flows/orders.ts serves it): the page's order with that
 * number, created or brought up to date, and the receipt sent as its card.
 */
export interface ReceiptPort {
  /**
   * Reads the receipt as the page's order and checks it (amounts, currency, totals), refusing it as
   * `receipt` would: called before anything is written for it (a first send to a user_ref opens a thread).
   */
  checkReceipt(template: Extract<Template, { templateType: 'receipt' }>): void;
  /**
   * The same, for a receipt that would open the person's thread with the page (a first send to a
   * user_ref): its number must not be another person's order either.
   */
  checkFirstReceipt(
    template: Extract<Template, { templateType: 'receipt' }>,
    pageId: string,
    personId: string,
  ): Promise<void>;
  receipt(
    pageId: string,
    thread: { userId: string; conversationId: string; psid: string },
    content: MessageContent & {
      attachment: { type: 'template'; template: Extract<Template, { templateType: 'receipt' }> };
    },
    text: string,
  ): Promise<{ id: string }>;
}

/** What the Graph routes use of the rest of the server (app.ts wires it). */
export interface GraphDeps {
  auth: GraphAuth;
  storage: Storage;
  messages: MessagesService;
  handover: HandoverService;
  /** The page's saved attachments (their 15-digit ids). */
  attachments: SavedAttachments;
  /** Media the apps send and save: fetched from URLs, uploaded, claimed by messages (graph-media.ts). */
  media: GraphMedia;
  /** The person's standing with the page (blocked, updates stopped, opted in): cached, `fresh` reads it again. */
  standing: (pageId: string, userId: string, fresh: boolean) => Promise<Standing>;
  /** The Send API's cache of PSIDs, threads and the messaging window (threads.ts). */
  threads: PageThreads;
  /** Pages' messenger profiles (profile.ts). */
  profiles: ProfilePort;
  signal: (s: PublishedSignal) => void;
  /** Receipt templates become orders (flows/orders.ts). */
  receipts: ReceiptPort;
  /** Writes (a send to a user_ref takes it in a job of its own: graph-optin.ts). */
  committer: Committer;
  /** Opens the person's thread with the page (and their PSID) for a first send to a user_ref: its id. */
  openThread: (personId: string, pageId: string) => Promise<string>;
}

/** A call's grant: the app, acting for the page, by a page access token. */
export interface Grant {
  appId: string;
  pageId: string;
}

/**
 * Authenticates a call for a page: the version in the path (any `v<major>.<minor>`), the token and its
 * proof, the page in the path (`me` or the token's page), the rate. What each route of a page edge calls
 * first (graph.ts makes it).
 */
export type PageCall = (req: FastifyRequest) => Promise<Grant>;

/** The four paths of a page's edge: with a version or without, as `me` or by the page's id. */
export const edgePaths = (edge: string) => [
  `/:version/me/${edge}`,
  `/me/${edge}`,
  `/:version/:pageId/${edge}`,
  `/:pageId/${edge}`,
];

/** The Graph routes opt out of the session guards: they authenticate by page access token. */
export const open = { config: { auth: false } };

/**
 * The `fields` a GET asks for (comma-separated), each one the node has (else 100 naming it); `id` is
 * always answered. Without `fields`, `fallback`.
 */
export function fieldsOf(req: FastifyRequest, known: readonly string[], node: string, fallback = known): string[] {
  const raw = (req.query as Record<string, unknown>).fields;
  if (raw === undefined || raw === '') return ['id', ...fallback.filter((f) => f !== 'id')];
  if (typeof raw !== 'string') throw graph.param('fields', 'must be a comma-separated list');
  const asked = raw
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const f of asked) if (f !== 'id' && !known.includes(f)) throw graph.unknownField(f, node);
  return ['id', ...new Set(asked.filter((f) => f !== 'id'))];
}

/** The fields of `o` that were asked for and that it has, in the order asked. */
export const pick = (o: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(fields.filter((f) => o[f] !== undefined).map((f) => [f, o[f]]));

/** Reads a body with its schema, or refuses it naming the first wrong field (100): `required` when it is missing. */
export function read<S extends z.ZodType>(schema: S, params: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path ?? [];
  let value: unknown = params;
  for (const key of path)
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  throw graph.param(graphField(path), value === undefined ? 'required' : (issue?.message ?? 'invalid'));
}
