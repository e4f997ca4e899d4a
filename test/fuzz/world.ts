import assert from 'node:assert/strict';
import type {
  ConversationsResponse,
  EventsResponse,
  MessageResponse,
  MessagesResponse,
  MyPagesResponse,
  PageConversationResponse,
  PageMembersResponse,
  PageResponse,
} from '../../protocol/api.ts';
import type { DomainEvent } from '../../protocol/events.ts';
import { webhookFields } from '../../protocol/schemas.ts';
import type { MessageView, PageView, SelfView } from '../../protocol/views.ts';
import { stillImage } from '../../server/media/fixtures.ts';
import { createGroup, type Person, SocketClient, signUp, startDirect } from '../helpers/client.ts';
import { composeApp, startContentApp, type TestContentApp } from '../helpers/content-app.ts';
import { uploaded } from '../helpers/media.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import type { TestServer } from '../helpers/server.ts';
import { rawRequest } from './harness.ts';
import { openRows, type RowReader, type Rows } from './rows.ts';

export type Name = 'ana' | 'ben' | 'cat' | 'eve';
export const names: Name[] = ['ana', 'ben', 'cat', 'eve'];

export interface Member extends Person {
  name: Name;
  /** The session the fuzzed requests use, and a second one of theirs (a target for DELETE /api/sessions/:id). */
  sessionId: string;
  spareSessionId: string;
}

/** A conversation list and the latest history page of each of the world's first conversations in it. */
export interface Inbox {
  list: ConversationsResponse;
  histories: Record<string, MessagesResponse>;
}

/**
 * What one person can see: their conversation list and histories; and, when asked for (it costs requests
 * on every run), the pages they help run and the inbox of each of the world's pages among them.
 */
export interface View extends Inbox {
  pages?: MyPagesResponse;
  inboxes?: Record<string, Inbox>;
}

export interface Snapshot {
  rows: Rows;
  head: number;
  views: Partial<Record<Name, View>>;
}

/**
 * The people and conversations every fuzz property runs against, on one server:
 * - ana, ben and cat share a group (ana admin) and ana and ben a one-to-one conversation;
 * - eve is a stranger to those: she has her own group with cat and a one-to-one with cat;
 * - ana left a group of ben's (ana gets `not_member` there);
 * - there are messages from each, a reply and a deleted message;
 * - ana and eve each have a developer app, and a webhook receiver runs on 127.0.0.1 (the fuzz server
 *   allows that address only).
 * - ana runs a business page, with ben as its agent (cat and eve do not run it); cat has opened her
 *   conversation with it and written, and the page (ben, in its inbox) has answered; eve runs a page of
 *   her own.
 * - ana's app is connected to ana's page and eve's to eve's, each with a webhook on the receiver (every
 *   field): ana's app has deliveries in its log (cat's message, the page's answer).
 * - a content app runs on 127.0.0.1 (test/helpers/content-app.ts): ana's third app is it (its compose
 *   extension set), and ana and ben turned it on and searched it (its previews' links are theirs).
 * The pools (conversations, messages, users, used client ids, pages, conversations with pages, ana's
 * deliveries and cursors of her log, preview links) grow as fuzzed requests succeed.
 */
export class World {
  readonly people = {} as Record<Name, Member>;
  readonly conversations: string[] = [];
  /** The conversations made at the start: the histories a view holds (the pools grow, views do not). */
  readonly base: string[] = [];
  readonly messages: string[] = [];
  readonly users: string[] = [];
  /** Messages by sender (user id): what they may edit and delete. */
  readonly sentBy = new Map<string, string[]>();
  /** Client ids already used, with where: a retry must add nothing. */
  readonly clientIds: { clientId: string; conversationId: string; senderId: string }[] = [];
  /** Uploaded media, and who may read each (its owner, the members of the one-to-one conversation it was sent in). */
  readonly media: string[] = [];
  readonly mediaReaders = new Map<string, Set<string>>();
  /** Developer apps, and who owns each. */
  readonly apps: string[] = [];
  readonly appOwners = new Map<string, string>();
  /** Webhook deliveries (ids, of ana's app mostly) and cursors of a delivery log (the `next` of a page). */
  readonly deliveries: string[] = [];
  readonly deliveryCursors: string[] = [];
  /** A webhook receiving the subscribe handshakes (test/helpers/receiver.ts), and the verify token it expects. */
  receiver!: Receiver;
  readonly webhookToken = 'fuzz-verify-token';
  /** Business pages (their ids, which are also their accounts' ids) and their usernames. */
  readonly pages: string[] = [];
  readonly pageUsernames: string[] = [];
  /** Conversations of a person with a page: what the pages' inboxes hold. */
  readonly pageConversations: string[] = [];
  /** ana's page (ben its agent) and eve's. */
  page!: PageView;
  evesPage!: PageView;
  /** cat's conversation with ana's page. */
  pageConversation!: string;
  /** The business inbox's labels and canned replies, as fuzzed requests make them (of any page). */
  readonly inboxLabels: string[] = [];
  readonly cannedReplies: string[] = [];
  /** The content app, ana's app that is it, and preview links by token with the person each was made for. */
  contentApp!: TestContentApp;
  composeAppId = '';
  readonly previews = new Map<string, string>();
  private rowReader!: RowReader;

  private constructor(readonly s: TestServer) {}

  static async create(s: TestServer): Promise<World> {
    const w = new World(s);
    try {
      await World.populate(w, s);
    } catch (e) {
      // Else its receiver would keep the test process alive after the failure.
      await w.receiver?.close();
      await w.contentApp?.close();
      throw e;
    }
    return w;
  }

  private static async populate(w: World, s: TestServer) {
    for (const name of names) {
      const p = await signUp(s.url, `${name}_${Math.random().toString(36).slice(2, 8)}`);
      const me = await p.http.get<{ sessionId: string }>('/api/me');
      const spare = await w.newSession(p.user.id);
      w.people[name] = { ...p, name, sessionId: me.body.sessionId, spareSessionId: spare.id };
      w.users.push(p.user.id);
    }
    const { ana, ben, cat, eve } = w.people;
    const direct = await startDirect(ana, ben);
    const group = await createGroup(ana, 'Fuzz group', [ben, cat]);
    const evesGroup = await createGroup(eve, "Eve's group", [cat]);
    const eveCat = await startDirect(eve, cat);
    const left = await createGroup(ben, 'Left by ana', [ana]);
    w.conversations.push(direct.id, group.id, evesGroup.id, eveCat.id, left.id);
    w.base.push(...w.conversations);
    const send = async (p: Member, conversationId: string, text: string, replyToId?: string) => {
      const clientId = `seed-${Math.random().toString(36).slice(2, 12)}`;
      const r = await p.http.post<{ message: MessageView }>(`/api/conversations/${conversationId}/messages`, {
        clientId,
        text,
        ...(replyToId ? { replyToId } : {}),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      w.addMessage(r.body.message.id, p.user.id);
      w.clientIds.push({ clientId, conversationId, senderId: p.user.id });
      return r.body.message;
    };
    const first = await send(ana, direct.id, 'hello ben');
    await send(ben, direct.id, 'hello ana', first.id);
    const doomed = await send(ana, direct.id, 'to be deleted');
    assert.equal((await ana.http.delete(`/api/messages/${doomed.id}`)).status, 200);
    await send(ana, group.id, 'hello group');
    await send(cat, group.id, 'hi from cat');
    await send(eve, evesGroup.id, 'eve only');
    await send(cat, eveCat.id, 'cat to eve');
    await send(ben, left.id, 'before ana left');
    assert.equal((await ana.http.delete(`/api/conversations/${left.id}/members/${ana.user.id}`)).status, 204);
    // Media: ana's photo sent to ben, an upload of hers never sent, eve's file sent to cat (one-to-one
    // conversations only: their members never change, so who may read each stays known).
    const photo = await uploaded(s.url, ana, await stillImage('jpeg', 64, 48));
    const withPhoto = await ana.http.post<{ message: MessageView }>(`/api/conversations/${direct.id}/messages`, {
      clientId: `seed-${Math.random().toString(36).slice(2, 12)}`,
      text: 'a photo',
      attachmentIds: [photo.id],
    });
    assert.equal(withPhoto.status, 201, JSON.stringify(withPhoto.body));
    const unsent = await uploaded(s.url, ana, Buffer.from('a draft'));
    const evesFile = await uploaded(s.url, eve, Buffer.from('for cat'));
    const toCat = await eve.http.post<{ message: MessageView }>(`/api/conversations/${eveCat.id}/messages`, {
      clientId: `seed-${Math.random().toString(36).slice(2, 12)}`,
      text: '',
      attachmentIds: [evesFile.id],
    });
    assert.equal(toCat.status, 201, JSON.stringify(toCat.body));
    w.addMedia(photo.id, ana, ben);
    w.addMedia(unsent.id, ana);
    w.addMedia(evesFile.id, eve, cat);
    for (const p of [ana, eve]) {
      const r = await p.http.post<{ app: { id: string } }>('/api/apps', { name: `${p.name}'s bot` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      w.addApp(r.body.app.id, p.user.id);
    }
    w.receiver = await startReceiver();
    w.contentApp = await startContentApp();
    w.composeAppId = (await composeApp(ana, w.contentApp)).appId;
    w.addApp(w.composeAppId, ana.user.id);
    for (const p of [ana, ben]) {
      assert.equal((await p.http.put(`/api/compose-apps/${w.composeAppId}/enabled`)).status, 200);
      const found = await p.http.get<{ results: { previewUrl: string }[] }>(
        `/api/compose-apps/${w.composeAppId}/results?q=cat`,
      );
      assert.equal(found.status, 200, JSON.stringify(found.body));
      w.addPreviews(found.body.results, p.user.id);
    }

    const tag = Math.random().toString(36).slice(2, 8);
    w.page = await w.createPage(ana, { name: 'Boulangerie Émile', username: `page_${tag}`, description: 'Pain' });
    w.evesPage = await w.createPage(eve, { name: "Eve's Épicerie", username: `epicerie_${tag}` });
    const agent = await ana.http.post<PageMembersResponse>(`/api/pages/${w.page.id}/members`, {
      username: ben.user.username,
      role: 'agent',
    });
    assert.equal(agent.status, 200, JSON.stringify(agent.body));
    const opened = await cat.http.post<PageConversationResponse>(`/api/pages/${w.page.id}/conversation`);
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    w.pageConversation = opened.body.conversation.id;
    w.conversations.push(w.pageConversation);
    w.base.push(w.pageConversation);
    w.pageConversations.push(w.pageConversation);
    const [anasApp, evesApp] = w.apps as [string, string];
    await w.subscribe(ana, anasApp, w.page.id);
    await w.subscribe(eve, evesApp, w.evesPage.id);
    const question = await send(cat, w.pageConversation, 'Avez-vous du pain au levain ?');
    const clientId = `seed-${Math.random().toString(36).slice(2, 12)}`;
    const answer = await ben.http.post<MessageResponse>(
      `/api/pages/${w.page.id}/conversations/${w.pageConversation}/messages`,
      { clientId, text: 'Oui, ce matin.', replyToId: question.id },
    );
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.message.senderId, w.page.id);
    w.addMessage(answer.body.message.id, w.page.id);
    w.clientIds.push({ clientId, conversationId: w.pageConversation, senderId: w.page.id });
    // The planner records deliveries after the commit: wait for them (cat's message, the page's echo).
    await s.comptoir.webhooks.planner.kick();
    const log = await s.comptoir.storage.reader.webhooks.deliveriesOf(anasApp, null, 100);
    assert.ok(log.length >= 2, `ana's app has ${log.length} deliveries`);
    w.deliveries.push(...log.map((d) => d.id));
    w.rowReader = await openRows(s.config.database);
  }

  /** A page created by `owner` over HTTP, added to the pools. */
  private async createPage(owner: Member, body: { name: string; username: string; description?: string }) {
    const r = await owner.http.post<PageResponse>('/api/pages', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    this.addPage(r.body.page);
    return r.body.page;
  }

  /** Connects `owner`'s app to the page and sets its webhook on the receiver, every field. */
  private async subscribe(owner: Member, appId: string, pageId: string) {
    const connected = await owner.http.post(`/api/apps/${appId}/pages/${pageId}`);
    assert.equal(connected.status, 201, JSON.stringify(connected.body));
    const hook = await owner.http.put(`/api/apps/${appId}/webhook`, {
      url: this.receiver.url('echo', this.webhookToken),
      verifyToken: this.webhookToken,
      fields: [...webhookFields],
    });
    assert.equal(hook.status, 200, JSON.stringify(hook.body));
  }

  /** A page (its account is a user too: ids of it go where user ids go). */
  addPage(page: PageView) {
    this.pages.push(page.id);
    this.pageUsernames.push(page.username);
    this.users.push(page.id);
  }

  addMessage(id: string, senderId: string) {
    this.messages.push(id);
    const mine = this.sentBy.get(senderId) ?? [];
    mine.push(id);
    this.sentBy.set(senderId, mine);
  }

  addMedia(id: string, ...readers: Member[]) {
    this.media.push(id);
    this.mediaReaders.set(id, new Set(readers.map((r) => r.user.id)));
  }

  /** The preview links of a content app's answer, made for `userId`. */
  addPreviews(results: readonly { previewUrl: string }[], userId: string) {
    for (const r of results) this.previews.set(r.previewUrl.split('/').pop() ?? '', userId);
  }

  addApp(id: string, ownerId: string) {
    this.apps.push(id);
    this.appOwners.set(id, ownerId);
  }

  /** A session made in process (no password hash), as sign-in would store it. */
  async newSession(userId: string): Promise<{ id: string; token: string }> {
    const { sessions, committer } = this.s.comptoir;
    const { token, session } = sessions.create(userId, { userAgent: 'fuzz', ip: '127.0.0.1' }, Date.now());
    await committer.run(({ tx }) => tx.accounts.insertSession(session));
    return { id: session.id, token };
  }

  cookieOf(name: Name): string {
    return this.people[name].http.cookie ?? '';
  }

  /**
   * Gives anyone whose session a fuzzed request ended (a sign-out, a revoked session) a new one, so that
   * the next runs act as them again.
   */
  async restoreSessions() {
    for (const name of names) {
      const p = this.people[name];
      if ((await this.s.comptoir.sessions.endsAt(p.sessionId)) === null) {
        const fresh = await this.newSession(p.user.id);
        p.sessionId = fresh.id;
        p.http.cookie = `comptoir_session=${fresh.token}`;
      }
      if ((await this.s.comptoir.sessions.endsAt(p.spareSessionId)) === null)
        p.spareSessionId = (await this.newSession(p.user.id)).id;
    }
  }

  /**
   * What `name` sees over HTTP: their list and the latest 100 messages of each of the world's first
   * conversations in it; with `pages`, the pages they help run, and the same of the inbox of ana's and
   * eve's among them.
   */
  async view(name: Name, pages = false): Promise<View> {
    const cookie = this.cookieOf(name);
    const get = async <T>(path: string): Promise<T> => {
      const r = await rawRequest(this.s.url, { method: 'GET', path, headers: { cookie } });
      assert.equal(r.status, 200, `${name} GET ${path}: ${r.text.slice(0, 300)}`);
      return r.json as T;
    };
    const inbox = async (prefix: string): Promise<Inbox> => {
      const list = await get<ConversationsResponse>(`${prefix}/conversations`);
      const histories: Record<string, MessagesResponse> = {};
      for (const c of list.conversations.filter((c) => this.base.includes(c.id)))
        histories[c.id] = await get<MessagesResponse>(`${prefix}/conversations/${c.id}/messages?limit=100`);
      return { list, histories };
    };
    const own = await inbox('/api');
    if (!pages) return own;
    const mine = await get<MyPagesResponse>('/api/me/pages');
    const inboxes: Record<string, Inbox> = {};
    for (const { page } of mine.pages)
      if (page.id === this.page.id || page.id === this.evesPage.id)
        inboxes[page.id] = await inbox(`/api/pages/${page.id}`);
    return { ...own, pages: mine, inboxes };
  }

  /** The events after `cursor` that `name` may see (GET /api/events). */
  async eventsAfter(name: Name, cursor: number): Promise<EventsResponse> {
    const r = await rawRequest(this.s.url, {
      method: 'GET',
      path: `/api/events?after=${cursor}&limit=1000`,
      headers: { cookie: this.cookieOf(name) },
    });
    assert.equal(r.status, 200, r.text);
    return r.json as EventsResponse;
  }

  /** The events after `cursor` that the account `userId` (a person or a page) may see, straight from the feed. */
  async feedOf(userId: string, cursor: number): Promise<{ pos: number; event: DomainEvent }[]> {
    return (await this.s.comptoir.feed.feed(userId, cursor, 1000)).events;
  }

  head(): Promise<number> {
    return this.s.comptoir.feed.head();
  }

  /** Every stored row, the log head, and what each of `viewers` sees (with `pages`, of pages too). */
  async snapshot(viewers: readonly Name[], pages = false): Promise<Snapshot> {
    await this.s.comptoir.committer.drain();
    const views: Partial<Record<Name, View>> = {};
    for (const v of viewers) views[v] = await this.view(v, pages);
    return { rows: await this.rowReader.snapshot(), head: await this.head(), views };
  }

  /** Whether `userId` is an active member of the conversation right now (read from storage). */
  async isMember(conversationId: string, userId: string | null): Promise<boolean> {
    if (userId === null) return false;
    return (await this.s.comptoir.storage.reader.messaging.member(conversationId, userId))?.active === true;
  }

  /** Whether `userId` is or was a member of the conversation (a catch-up replays what was theirs then). */
  async wasMember(conversationId: string, userId: string): Promise<boolean> {
    return (await this.s.comptoir.storage.reader.messaging.member(conversationId, userId)) !== null;
  }

  /** The conversation a message belongs to, or null when there is no such message. */
  async conversationOf(messageId: string): Promise<string | null> {
    return (await this.s.comptoir.storage.reader.messaging.messageById(messageId))?.conversationId ?? null;
  }

  user(name: Name): SelfView {
    return this.people[name].user;
  }

  /** A live socket of `name` (hello done). */
  socket(name: Name): Promise<SocketClient> {
    return SocketClient.live(this.s.wsUrl, this.people[name]);
  }

  async close() {
    await this.receiver?.close();
    await this.contentApp?.close();
    await this.rowReader.close();
  }
}
