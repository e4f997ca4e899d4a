import type {
  AppSecretResponse,
  PageAccessTokenResponse,
  PageConversationResponse,
  PageResponse,
  WebhookResponse,
} from '../../protocol/api.ts';
import type { WebhookField } from '../../protocol/schemas.ts';
import { type Person, signUp } from './client.ts';
import type { TestServer } from './server.ts';
import type { WebhookBot } from './webhook-bot.ts';

let n = 0;

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
  bot: WebhookBot & { secret: string },
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
