import type {
  AppSecretResponse,
  PageAccessTokenResponse,
  PageConversationResponse,
  PageResponse,
} from '../../protocol/api.ts';
import type { HttpClient } from './client.ts';

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
