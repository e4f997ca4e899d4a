import type {
  AppSecretResponse,
  MessageResponse,
  PageAccessTokenResponse,
  PageConversationResponse,
  PageResponse,
  WebhookResponse,
} from '../../protocol/api.ts';
import type { WebhookField } from '../../protocol/schemas.ts';
import { type HttpClient, type Person, signUp } from './client.ts';
import type { TestServer } from './server.ts';
import type { WebhookBot } from './webhook-bot.ts';

let n = 0;

/** A webhook test bot that knows its app's secret (set by connectedApp), to check the signatures. */
export type SigningBot = WebhookBot & { secret: string };

/** A server that may call webhooks on 127.0.0.1, with rates that a test's bursts stay under. */
export const webhookTestEnv = {
  WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
  RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '1000',
  RATE_GRAPH_CALLS_PER_SECOND: '1000',
  RATE_MESSAGES_PER_SECOND: '1000',
  RATE_MESSAGES_BURST: '1000',
};

/** Short webhook delays (CoreOptions.webhooks): a POST times out after 700 ms, a retry comes after 50–200 ms. */
export const fastWebhooks = { timeoutMs: 700, backoffMs: 50, maxBackoffMs: 200 };

/** A person's text message in a conversation, with a client id of its own. */
export const say = (p: Person, conversationId: string, text: string) =>
  p.http.post<MessageResponse>(`/api/conversations/${conversationId}/messages`, {
    clientId: `say-${process.pid}-${++n}`,
    text,
  });

/** A page run by `owner`, and a person who opened their conversation with it. */
export interface PageWithCustomer {
  owner: Person;
  customer: Person;
  pageId: string;
  conversationId: string;
  /** The customer's id for that page. */
  psid: string;
}

export async function pageWithCustomer(s: TestServer, owner?: Person): Promise<PageWithCustomer> {
  const o = owner ?? (await signUp(s.url));
  const customer = await signUp(s.url);
  const page = await o.http.post<PageResponse>('/api/pages', {
    name: 'Épicerie',
    username: `shop${process.pid}x${++n}`,
  });
  if (page.status !== 201) throw new Error(`page: ${page.status} ${JSON.stringify(page.body)}`);
  const pageId = page.body.page.id;
  const conv = await customer.http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`);
  const psid = (await s.comptoir.storage.reader.pages.psidOf(pageId, customer.user.id)) as string;
  return { owner: o, customer, pageId, conversationId: conv.body.conversation.id, psid };
}

/** An app of `owner` connected to the page (its token), its webhook set on `bot` for these fields. */
export async function connectedApp(
  owner: Person,
  pageId: string,
  bot: SigningBot,
  fields: readonly WebhookField[],
  name = 'Bot',
): Promise<{ appId: string; secret: string; token: string }> {
  const app = await owner.http.post<AppSecretResponse>('/api/apps', { name });
  const appId = app.body.app.id;
  const token = (await owner.http.post<PageAccessTokenResponse>(`/api/apps/${appId}/pages/${pageId}`)).body
    .pageAccessToken;
  bot.secret = app.body.secret;
  const set = await owner.http.put<WebhookResponse>(`/api/apps/${appId}/webhook`, {
    url: bot.url,
    verifyToken: bot.verifyToken,
    fields,
  });
  if (set.status !== 200) throw new Error(`webhook: ${set.status} ${JSON.stringify(set.body)}`);
  return { appId, secret: app.body.secret, token };
}

/** Sends with the Graph API as the page (JSON body, token in the query). */
export async function graphSend(s: TestServer, token: string, body: unknown) {
  const res = await fetch(`${s.url}/v19.0/me/messages?access_token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { message_id?: string; error?: { code: number } } };
}

/** A Graph API answer: a success body, or `{error: {message, type, code, error_subcode?, fbtrace_id}}`. */
export interface GraphAnswer<T = Record<string, unknown>> {
  status: number;
  body: T & {
    error?: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
  };
}

let pages = 0;

/**
 * A business page run by `owner` (through its HTTP client), with an app connected to it: the page's id, the
 * app's id and secret, and the page access token a bot would be given.
 */
export async function pageWithApp(
  owner: HttpClient,
  name = 'Épicerie',
): Promise<{ pageId: string; appId: string; secret: string; token: string }> {
  const username = `pg${process.pid % 100000}x${++pages}${Math.floor(Math.random() * 1000)}`;
  const page = await owner.post<PageResponse>('/api/pages', { name, username });
  if (page.status !== 201) throw new Error(`page not created: ${page.status} ${JSON.stringify(page.body)}`);
  const app = await owner.post<AppSecretResponse>('/api/apps', { name: `${name} bot` });
  if (app.status !== 201) throw new Error(`app not created: ${app.status} ${JSON.stringify(app.body)}`);
  const token = await owner.post<PageAccessTokenResponse>(`/api/apps/${app.body.app.id}/pages/${page.body.page.id}`);
  return {
    pageId: page.body.page.id,
    appId: app.body.app.id,
    secret: app.body.secret,
    token: token.body.pageAccessToken,
  };
}

/** A person's conversation with a page (the same one every time): its id. */
export async function conversationWithPage(person: HttpClient, pageId: string): Promise<string> {
  return (await person.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`)).body.conversation.id;
}

/** One Graph API call with a page access token in the query (`null`: none), a JSON body when given. */
export async function graphCall<T = Record<string, unknown>>(
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  token: string | null,
  body?: unknown,
  query: Record<string, string> = {},
): Promise<GraphAnswer<T>> {
  const q = new URLSearchParams(query);
  if (token !== null) q.set('access_token', token);
  const res = await fetch(`${baseUrl}${path}?${q}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as GraphAnswer<T>['body'] };
}
