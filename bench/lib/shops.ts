/**
 * Pages with an app, and their customers, for the benchmarks of the platform and of commerce: each page's
 * app connected (its page access token) with its webhook set to a local receiver (bench/receiver.ts);
 * customers in a conversation with a page, who say hello so that the receiver learns their page-scoped ids.
 */
import http from 'node:http';
import type { HttpClient } from '../../test/helpers/client.ts';
import { type ClientSpec, sleep } from './clients.ts';

/**
 * The server environment of the benchmarks with pages and apps: every rate and per-address limit lifted
 * (one machine plays every merchant, bot and customer), webhooks allowed to the local receiver.
 */
export const shopServerEnv = {
  LOG_LEVEL: 'warn',
  RATE_MESSAGES_PER_SECOND: '1000000',
  RATE_MESSAGES_BURST: '1000000',
  RATE_FRAMES_PER_SECOND: '1000000',
  RATE_REQUESTS_PER_MINUTE: '1000000',
  RATE_SIGNUPS_PER_HOUR: '1000000',
  RATE_PAGES_PER_HOUR: '1000000',
  RATE_APPS_PER_HOUR: '1000000',
  RATE_WEBHOOK_VERIFICATIONS_PER_HOUR: '1000000',
  RATE_GRAPH_CALLS_PER_SECOND: '1000000',
  MAX_SOCKETS_PER_ADDRESS: '100000',
  MAX_SOCKETS_PER_ACCOUNT: '1000',
  WEBHOOK_ALLOW_PRIVATE: '127.0.0.1',
};

export interface Shop {
  pageId: string;
  appId: string;
  token: string;
}

/** A page named after `i`, and an app of the owner's connected to it, its webhook `hook` (verified). */
export async function pageWithApp(
  owner: { http: HttpClient },
  i: number,
  hook: string,
  fields: readonly string[] = ['messages'],
): Promise<Shop> {
  const page = await owner.http.post<{ page: { id: string } }>('/api/pages', {
    name: `Shop ${i}`,
    username: `shop${i}`,
  });
  if (page.status !== 201) throw new Error(`page: ${page.status} ${JSON.stringify(page.body)}`);
  const pageId = page.body.page.id;
  const app = await owner.http.post<{ app: { id: string } }>('/api/apps', { name: `Bot ${i}` });
  const appId = app.body.app.id;
  const token = (await owner.http.post<{ pageAccessToken: string }>(`/api/apps/${appId}/pages/${pageId}`)).body
    .pageAccessToken;
  const set = await owner.http.put(`/api/apps/${appId}/webhook`, { url: hook, verifyToken: 't', fields });
  if (set.status !== 200) throw new Error(`webhook: ${set.status} ${JSON.stringify(set.body)}`);
  return { pageId, appId, token };
}

/** Person i opens their conversation with page i mod pages (and says hello when `hello`). */
export async function openWithPages(
  people: readonly { http: HttpClient }[],
  pageIds: readonly string[],
  hello = false,
): Promise<ClientSpec[]> {
  const specs: ClientSpec[] = [];
  for (const [i, p] of people.entries()) {
    const r = await p.http.post<{ conversation: { id: string } }>(
      `/api/pages/${pageIds[i % pageIds.length]}/conversation`,
    );
    if (r.status !== 200 && r.status !== 201) throw new Error(`conversation: ${r.status} ${JSON.stringify(r.body)}`);
    const conversationId = r.body.conversation.id;
    specs.push({ cookie: p.http.cookie as string, conversationId });
    if (!hello) continue;
    const said = await p.http.post(`/api/conversations/${conversationId}/messages`, {
      clientId: `hello-${i}-${conversationId}`,
      text: 'Bonjour',
    });
    if (said.status !== 201) throw new Error(`hello: ${said.status} ${JSON.stringify(said.body)}`);
  }
  return specs;
}

/** What bench/receiver.ts counted since its last reset. */
export interface ReceiverStats {
  events: number;
  posts: number;
  hanging: number;
  latencies: number[];
  /** Per page, the page-scoped ids of the people whose events it received. */
  psids: Record<string, string[]>;
}

export const receiverStats = async (port: number): Promise<ReceiverStats> =>
  (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as ReceiverStats;

export const resetReceiver = async (port: number) => {
  await fetch(`http://127.0.0.1:${port}/reset`, { method: 'POST' });
};

/** Waits until the receiver has seen `count` people's page-scoped ids (their hellos), at most 30 s. */
export async function psidsFromHellos(receiverPort: number, count: number): Promise<Record<string, string[]>> {
  let stats = await receiverStats(receiverPort);
  for (let waited = 0; Object.values(stats.psids).flat().length < count; waited += 100) {
    if (waited > 30_000) throw new Error(`the receiver did not get every hello: ${JSON.stringify(stats.psids)}`);
    await sleep(100);
    stats = await receiverStats(receiverPort);
  }
  return stats.psids;
}

/** One JSON request on a keep-alive agent: its status and, when `read`, its parsed body. */
export function request(
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
  read = false,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        if (read) res.on('data', (c: Buffer) => chunks.push(c));
        else res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: read && chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
