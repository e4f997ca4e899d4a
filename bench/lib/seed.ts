/**
 * The people a benchmark talks as, signed up over HTTP on a running Comptoir (with the sign-up and
 * request limits lifted): `bench<i>`, each pair in a one-to-one conversation.
 */
import { HttpClient } from '../../test/helpers/client.ts';
import { type ClientSpec, closeAll, connectAll, fill } from './clients.ts';

export const BENCH_PASSWORD = 'bench password';

export interface Seeded {
  specs: ClientSpec[];
  /** What the bare relay needs to route: cookie → user id, conversation → its two members. */
  tables: { cookies: Record<string, string>; conversations: Record<string, string[]> };
  people: { username: string; id: string; http: HttpClient }[];
}

/** Signs up `count` people (`bench0`…, `concurrency` at a time) and returns their clients. */
export async function signUpMany(
  url: string,
  count: number,
  prefix = 'bench',
  concurrency = 16,
): Promise<Seeded['people']> {
  const people: Seeded['people'] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const http = new HttpClient(url);
      const username = `${prefix}${i}`;
      const r = await http.post<{ user: { id: string } }>('/api/auth/signup', { username, password: BENCH_PASSWORD });
      if (r.status !== 201) throw new Error(`signup ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      people[i] = { username, id: r.body.user.id, http };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return people;
}

/** 2 × count/2 people, each pair in a one-to-one conversation. */
export async function seedPairs(url: string, count: number): Promise<Seeded> {
  const people = await signUpMany(url, count);
  const specs: ClientSpec[] = new Array(count);
  const tables: Seeded['tables'] = { cookies: {}, conversations: {} };
  for (let i = 0; i < count; i += 2) {
    const a = people[i] as Seeded['people'][number];
    const b = people[i + 1] as Seeded['people'][number];
    const r = await a.http.post<{ conversation: { id: string } }>('/api/conversations/direct', { userId: b.id });
    const conversationId = r.body.conversation.id;
    specs[i] = { cookie: a.http.cookie as string, conversationId };
    specs[i + 1] = { cookie: b.http.cookie as string, conversationId };
    tables.conversations[conversationId] = [a.id, b.id];
    tables.cookies[a.http.cookie as string] = a.id;
    tables.cookies[b.http.cookie as string] = b.id;
  }
  return { specs, tables, people };
}

/**
 * An account that is a member of `groups` busy groups: it creates them, each with two other people,
 * who then post `messages` messages in all. Answers its session cookie and how many events of the log it
 * may see (a replay from cursor 0 sends it all of them).
 */
export async function seedBusyMember(
  url: string,
  username: string,
  groups: number,
  messages: number,
): Promise<{ username: string; cookie: string; visible: number }> {
  const [member] = await signUpMany(url, 1, username);
  if (!member) throw new Error('no account');
  const chatters = await signUpMany(url, Math.max(2, groups), `${username}chatter`);
  const specs: ClientSpec[] = [];
  for (let g = 0; g < groups; g++) {
    const a = chatters[g] as Seeded['people'][number];
    const b = chatters[(g + 1) % chatters.length] as Seeded['people'][number];
    const r = await member.http.post<{ conversation: { id: string } }>('/api/conversations/group', {
      title: `busy ${g}`,
      memberIds: [a.id, b.id],
    });
    if (r.status !== 201) throw new Error(`group ${g}: ${r.status} ${JSON.stringify(r.body)}`);
    specs.push({ cookie: a.http.cookie as string, conversationId: r.body.conversation.id });
  }
  const clients = await connectAll(`${url.replace(/^http/, 'ws')}/ws`, specs);
  await fill(clients, messages);
  await closeAll(clients);
  let visible = 0;
  for (let after = 0, more = true; more; ) {
    const r = await member.http.get<{ events: unknown[]; cursor: number; hasMore: boolean }>(
      `/api/events?after=${after}&limit=1000`,
    );
    if (r.status !== 200) throw new Error(`events: ${r.status} ${JSON.stringify(r.body)}`);
    visible += r.body.events.length;
    after = r.body.cursor;
    more = r.body.hasMore;
  }
  return { username: member.username, cookie: member.http.cookie as string, visible };
}
