import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventsResponse, MessagesResponse, PageConversationResponse } from '../../protocol/api.ts';
import type { ErrorBody } from '../../protocol/errors.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import type {
  CannedReplyResponse,
  CsatReportResponse,
  ExpandedCannedReplyResponse,
  InboxLabelsResponse,
  InboxNoteResponse,
  InboxNotesResponse,
  InboxSettingsResponse,
  InboxThreadResponse,
  InboxThreadsResponse,
  InboxThreadView,
} from '../../protocol/inbox.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, SocketClient, signUp } from '../../test/helpers/client.ts';
import {
  connectedApp,
  fastWebhooks,
  graphSend,
  pageWithCustomer,
  type SigningBot,
  say,
  webhookTestEnv,
} from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { until } from '../../test/helpers/until.ts';
import { startWebhookBot } from '../../test/helpers/webhook-bot.ts';

type Err = { error: ErrorBody };
let n = 0;
const clientId = () => `binbox-${process.pid}-${++n}`;
const isInboxEvent =
  (type: string, pred: (e: Record<string, unknown>) => boolean = () => true) =>
  (f: ServerFrame) =>
    f.type === 'event' && f.event.type === type && pred(f.event as unknown as Record<string, unknown>);
const threadIs = (conversationId: string, pred: (t: InboxThreadView) => boolean) =>
  isInboxEvent('inbox.thread_updated', (e) => {
    const t = e.thread as InboxThreadView;
    return t.conversationId === conversationId && pred(t);
  });

/**
 * The business inbox (server/inbox/): the state of a page's threads, notes, labels, canned replies, targets
 * and satisfaction, for the people who run the page — and nobody else, the customer least of all.
 */
for (const backend of backends) {
  describe(`the business inbox (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let agent: Person;
    let agent2: Person;
    let otherAgent: Person;
    let stranger: Person;
    let customer: Person;
    let pageId: string;
    let conversationId: string;
    let otherPageId: string;
    let otherConversationId: string;
    let bot: SigningBot;
    let token: string;
    let skip: string | false = false;

    const base = () => `/api/pages/${pageId}/inbox`;
    const thread = (c = conversationId) => `${base()}/threads/${c}`;
    const pageSocket = async (p: Person, cursor: number | null = null) => {
      const ws = await SocketClient.connect(`${s.wsUrl}?page=${encodeURIComponent(pageId)}`, p.http.cookie);
      ws.send({ type: 'hello', cursor });
      await ws.next((f) => f.type === 'ready');
      return ws;
    };

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, webhookTestEnv, { webhooks: fastWebhooks });
      const f = await pageWithCustomer(s);
      ({ owner, customer, pageId, conversationId } = f);
      [agent, agent2, otherAgent, stranger] = (await Promise.all([1, 2, 3, 4].map(() => signUp(s.url)))) as [
        Person,
        Person,
        Person,
        Person,
      ];
      for (const p of [agent, agent2]) {
        await owner.http.post(`/api/pages/${pageId}/members`, { username: p.user.username, role: 'agent' });
      }
      const other = await pageWithCustomer(s, otherAgent);
      otherPageId = other.pageId;
      otherConversationId = other.conversationId;
      await say(other.customer, otherConversationId, 'Hello other page');
      // A bot subscribed to the page's messages and echoes: the webhooks must never carry a note.
      bot = await startWebhookBot();
      token = (await connectedApp(owner, pageId, bot, ['messages', 'message_echoes', 'standby'])).token;
      // The inbox takes the thread back from the bot (the app is the primary receiver once connected).
      await agent.http.post(`/api/pages/${pageId}/conversations/${conversationId}/thread-control`, { action: 'take' });
      await say(customer, conversationId, 'Bonjour, ma commande ?');
    });
    after(async () => {
      if (skip) return;
      await bot?.close();
      await s.close();
    });

    it('a customer’s message makes an open thread; the list filters, counts, searches and pages', async (t) => {
      if (skip) return t.skip(skip);
      const list = await agent.http.get<InboxThreadsResponse>(`${base()}/threads`);
      assert.equal(list.status, 200);
      const mine = list.body.threads.find((x) => x.conversationId === conversationId);
      assert.ok(mine, 'the thread is listed');
      assert.equal(mine.status, 'open');
      assert.equal(mine.customer.id, customer.user.id);
      assert.equal(mine.botOwned, false, 'the inbox took it');
      assert.equal(list.body.counts.open, 1);
      assert.ok(
        !list.body.threads.some((x) => x.conversationId === otherConversationId),
        'never another page’s thread',
      );
      const found = await agent.http.get<InboxThreadsResponse>(`${base()}/threads?q=${encodeURIComponent('COMMANDE')}`);
      assert.deepEqual(
        found.body.threads.map((x) => x.conversationId),
        [conversationId],
      );
      const byName = await agent.http.get<InboxThreadsResponse>(
        `${base()}/threads?q=${encodeURIComponent(customer.user.displayName.slice(0, 4))}`,
      );
      assert.ok(byName.body.threads.some((x) => x.conversationId === conversationId));
      const none = await agent.http.get<InboxThreadsResponse>(`${base()}/threads?q=zzzzzz`);
      assert.deepEqual(none.body.threads, []);
      // Pages of one: a second customer, then the cursor.
      const second = await signUp(s.url);
      const c2 = (await second.http.post<{ conversation: { id: string } }>(`/api/pages/${pageId}/conversation`)).body
        .conversation.id;
      await say(second, c2, 'Un autre client');
      const p1 = await agent.http.get<InboxThreadsResponse>(`${base()}/threads?limit=1`);
      assert.deepEqual(
        p1.body.threads.map((x) => x.conversationId),
        [c2],
      );
      assert.ok(p1.body.nextCursor);
      const p2 = await agent.http.get<InboxThreadsResponse>(
        `${base()}/threads?limit=1&cursor=${encodeURIComponent(p1.body.nextCursor)}`,
      );
      assert.deepEqual(
        p2.body.threads.map((x) => x.conversationId),
        [conversationId],
      );
      const bad = await agent.http.get<Err>(`${base()}/threads?cursor=nonsense`);
      assert.equal(bad.status, 400);
      assert.ok(bad.body.error.details && 'fields' in bad.body.error.details);
      const badFilter = await agent.http.get<Err>(`${base()}/threads?filter=archived`);
      assert.equal(badFilter.status, 400);
    });

    it('status: pending, resolved, reopened by the customer with a new cycle; every change live to the other agents', async (t) => {
      if (skip) return t.skip(skip);
      const watcher = await pageSocket(agent2);
      const pending = await agent.http.put<InboxThreadResponse>(`${thread()}/status`, { status: 'pending' });
      assert.equal(pending.status, 200);
      assert.equal(pending.body.thread.status, 'pending');
      await watcher.next(threadIs(conversationId, (x) => x.status === 'pending'));
      const filtered = await agent.http.get<InboxThreadsResponse>(`${base()}/threads?filter=pending`);
      assert.deepEqual(
        filtered.body.threads.map((x) => x.conversationId),
        [conversationId],
      );
      await say(customer, conversationId, 'Vous êtes là ?');
      await watcher.next(threadIs(conversationId, (x) => x.status === 'open'));
      const resolved = await agent.http.put<InboxThreadResponse>(`${thread()}/status`, { status: 'resolved' });
      assert.equal(resolved.body.thread.status, 'resolved');
      assert.ok(resolved.body.thread.resolvedAt);
      const openedBefore = resolved.body.thread.openedAt;
      const mark = watcher.frames.length;
      await say(customer, conversationId, 'Encore une question');
      const reopened = await watcher.next(
        threadIs(conversationId, (x) => x.status === 'open' && x.resolvedAt === null),
        5000,
        mark,
      );
      assert.ok(reopened.type === 'event' && reopened.event.type === 'inbox.thread_updated');
      assert.ok(reopened.event.thread.openedAt > openedBefore, 'a new cycle starts');
      watcher.close();
    });

    it('snoozes until a time to come: wakes when it passes, or when the customer writes; never into the past', async (t) => {
      if (skip) return t.skip(skip);
      const past = await agent.http.put<Err>(`${thread()}/status`, {
        status: 'snoozed',
        until: new Date(Date.now() - 60_000).toISOString(),
      });
      assert.equal(past.status, 400);
      assert.deepEqual(Object.keys((past.body.error.details?.fields as object) ?? {}), ['until']);
      const noUntil = await agent.http.put<Err>(`${thread()}/status`, { status: 'snoozed' });
      assert.equal(noUntil.status, 400);
      const bad = await agent.http.put<Err>(`${thread()}/status`, { status: 'archived' });
      assert.equal(bad.status, 400);
      const watcher = await pageSocket(agent2);
      const snoozed = await agent.http.put<InboxThreadResponse>(`${thread()}/status`, {
        status: 'snoozed',
        until: new Date(Date.now() + 700).toISOString(),
      });
      assert.equal(snoozed.body.thread.status, 'snoozed');
      assert.ok(snoozed.body.thread.snoozedUntil);
      await watcher.next(
        threadIs(conversationId, (x) => x.status === 'open'),
        5000,
      );
      await agent.http.put(`${thread()}/status`, {
        status: 'snoozed',
        until: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const mark = watcher.frames.length;
      await say(customer, conversationId, 'Je me réveille');
      await watcher.next(
        threadIs(conversationId, (x) => x.status === 'open' && x.snoozedUntil === null),
        5000,
        mark,
      );
      watcher.close();
    });

    it('assigns to a member of the page, never to anyone else; mine and unassigned follow', async (t) => {
      if (skip) return t.skip(skip);
      const toSelf = await agent.http.put<InboxThreadResponse>(`${thread()}/assignee`, { userId: agent.user.id });
      assert.equal(toSelf.body.thread.assignee?.id, agent.user.id);
      const mine = await agent.http.get<InboxThreadsResponse>(`${base()}/threads?filter=mine`);
      assert.deepEqual(
        mine.body.threads.map((x) => x.conversationId),
        [conversationId],
      );
      assert.equal(mine.body.counts.mine, 1);
      const theirs = await agent2.http.get<InboxThreadsResponse>(`${base()}/threads?filter=mine`);
      assert.deepEqual(theirs.body.threads, []);
      for (const userId of [otherAgent.user.id, customer.user.id, stranger.user.id, 'nobody']) {
        const r = await agent.http.put<Err>(`${thread()}/assignee`, { userId });
        assert.equal(r.status, 400);
        assert.equal(r.body.error.id, 'assignee_not_member');
      }
      const none = await agent.http.put<InboxThreadResponse>(`${thread()}/assignee`, { userId: null });
      assert.equal(none.body.thread.assignee, null);
      const unassigned = await agent.http.get<InboxThreadsResponse>(`${base()}/threads?filter=unassigned`);
      assert.ok(unassigned.body.threads.some((x) => x.conversationId === conversationId));
    });

    it('labels: the page’s admins keep the set, its agents put them on and off; lengths and duplicates refused', async (t) => {
      if (skip) return t.skip(skip);
      const made = await owner.http.post<InboxLabelsResponse>(`${base()}/labels`, { name: 'Livraison' });
      assert.equal(made.status, 201);
      const label = made.body.labels[0];
      assert.ok(label);
      const dup = await owner.http.post<Err>(`${base()}/labels`, { name: 'livraison' });
      assert.equal(dup.body.error.id, 'label_exists');
      assert.equal((await owner.http.post<Err>(`${base()}/labels`, { name: 'x'.repeat(41) })).status, 400);
      assert.equal((await owner.http.post<Err>(`${base()}/labels`, { name: '   ' })).status, 400);
      assert.equal((await agent.http.post<Err>(`${base()}/labels`, { name: 'Agent' })).body.error.id, 'not_page_admin');
      const listed = await agent.http.get<InboxLabelsResponse>(`${base()}/labels`);
      assert.deepEqual(
        listed.body.labels.map((l) => l.name),
        ['Livraison'],
      );
      assert.equal((await agent.http.put<Err>(`${thread()}/labels/nolabel`)).body.error.id, 'label_not_found');
      const on = await agent.http.put<InboxThreadResponse>(`${thread()}/labels/${label.id}`);
      assert.deepEqual(
        on.body.thread.labels.map((l) => l.name),
        ['Livraison'],
      );
      const byLabel = await agent.http.get<InboxThreadsResponse>(`${base()}/threads?label=${label.id}`);
      assert.deepEqual(
        byLabel.body.threads.map((x) => x.conversationId),
        [conversationId],
      );
      const otherLabel = await otherAgent.http.post<InboxLabelsResponse>(`/api/pages/${otherPageId}/inbox/labels`, {
        name: 'Ailleurs',
      });
      const foreign = await agent.http.put<Err>(`${thread()}/labels/${otherLabel.body.labels[0]?.id}`);
      assert.equal(foreign.body.error.id, 'label_not_found', 'another page’s label');
      const off = await agent.http.delete<InboxThreadResponse>(`${thread()}/labels/${label.id}`);
      assert.deepEqual(off.body.thread.labels, []);
      await agent.http.put(`${thread()}/labels/${label.id}`);
      const watcher = await pageSocket(agent2);
      assert.equal((await owner.http.delete(`${base()}/labels/${label.id}`)).status, 204);
      await watcher.next(threadIs(conversationId, (x) => x.labels.length === 0));
      await watcher.next(isInboxEvent('inbox.settings_updated'));
      assert.equal((await owner.http.delete<Err>(`${base()}/labels/${label.id}`)).body.error.id, 'label_not_found');
      watcher.close();
    });

    it('a note reaches the page’s people at once and never the customer: not live, not in catch-up, history, events or webhooks', async (t) => {
      if (skip) return t.skip(skip);
      const customerLive = await SocketClient.live(s.wsUrl, customer);
      const watcher = await pageSocket(agent2);
      const headBefore = s.comptoir.committer.durablePosition;
      const note = await agent.http.post<InboxNoteResponse>(`${thread()}/notes`, {
        text: 'SECRET-NOTE: refund approved',
      });
      assert.equal(note.status, 201);
      assert.equal(note.body.note.author.id, agent.user.id);
      const live = await watcher.next(isInboxEvent('inbox.note_created'));
      assert.ok(live.type === 'event' && live.event.type === 'inbox.note_created');
      assert.equal(live.event.note.text, 'SECRET-NOTE: refund approved');
      // The reply after it: the customer gets the reply, and nothing of the note.
      const reply = await agent.http.post(`/api/pages/${pageId}/conversations/${conversationId}/messages`, {
        clientId: clientId(),
        text: 'Votre remboursement est en route',
      });
      assert.equal(reply.status, 201);
      await customerLive.next(
        (f) =>
          f.type === 'event' &&
          f.event.type === 'message.created' &&
          f.event.message.text === 'Votre remboursement est en route',
      );
      const secret = (x: unknown) => JSON.stringify(x).includes('SECRET-NOTE');
      assert.ok(!customerLive.frames.some(secret), 'the customer’s socket saw nothing of the note');
      const replay = await SocketClient.live(s.wsUrl, customer, headBefore);
      assert.ok(!replay.frames.some(secret), 'nor does their catch-up');
      const events = await customer.http.get<EventsResponse>(`/api/events?after=${headBefore}`);
      assert.equal(events.status, 200);
      assert.ok(!secret(events.body), 'nor GET /api/events');
      const history = await customer.http.get<MessagesResponse>(`/api/conversations/${conversationId}/messages`);
      assert.ok(!secret(history.body), 'nor the history');
      // The bot (messages, echoes, standby) is sent the reply's echo, never the note.
      await until(
        'the bot got the reply',
        () => bot.events().some((e) => JSON.stringify(e).includes('Votre remboursement')),
        5000,
      );
      assert.ok(!bot.deliveries.some((d) => d.raw.toString().includes('SECRET-NOTE')), 'no webhook carries it');
      const notes = await agent2.http.get<InboxNotesResponse>(`${thread()}/notes`);
      assert.deepEqual(
        notes.body.notes.map((x) => x.text),
        ['SECRET-NOTE: refund approved'],
      );
      assert.equal((await customer.http.get<Err>(`${thread()}/notes`)).body.error.id, 'not_page_member');
      const empty = await agent.http.post<Err>(`${thread()}/notes`, { text: '  ' });
      assert.equal(empty.status, 400);
      const long = await agent.http.post<Err>(`${thread()}/notes`, { text: 'x'.repeat(4001) });
      assert.equal(long.status, 400);
      for (const c of [customerLive, replay, watcher]) c.close();
    });

    it('timers: the first answer of a member stops the first-response timer, a bot’s does not; admins set targets', async (t) => {
      if (skip) return t.skip(skip);
      const second = await signUp(s.url);
      const c = (await second.http.post<{ conversation: { id: string } }>(`/api/pages/${pageId}/conversation`)).body
        .conversation.id;
      await say(second, c, 'Bonjour');
      // The app is primary: it owns this new thread and answers it through the Send API.
      const psid = (await s.comptoir.storage.reader.pages.psidOf(pageId, second.user.id)) as string;
      const sent = await graphSend(s, token, { recipient: { id: psid }, message: { text: 'Bot here' } });
      assert.equal(sent.status, 200);
      const botOwned = await agent.http.get<InboxThreadsResponse>(`${base()}/threads?filter=bot`);
      const listed = botOwned.body.threads.find((x) => x.conversationId === c);
      assert.ok(listed, 'listed under bot');
      assert.equal(listed.firstResponseAt, null, 'a bot’s answer is no first response');
      const watcher = await pageSocket(agent2);
      const taken = await agent.http.post(`/api/pages/${pageId}/conversations/${c}/thread-control`, { action: 'take' });
      assert.equal(taken.status, 200);
      await watcher.next(
        threadIs(c, (x) => !x.botOwned),
        5000,
      );
      await agent.http.post(`/api/pages/${pageId}/conversations/${c}/messages`, { clientId: clientId(), text: 'Moi' });
      const answered = await agent.http.get<InboxThreadResponse>(thread(c));
      assert.ok(answered.body.thread.firstResponseAt);
      const set = await owner.http.put<InboxSettingsResponse>(`${base()}/settings`, {
        firstResponseTargetMinutes: 5,
        resolutionTargetMinutes: 60,
      });
      assert.equal(set.status, 200);
      assert.deepEqual(
        [set.body.settings.firstResponseTargetMinutes, set.body.settings.resolutionTargetMinutes],
        [5, 60],
      );
      await watcher.next(isInboxEvent('inbox.settings_updated'));
      assert.equal(
        (await agent.http.put<Err>(`${base()}/settings`, { csatEnabled: true })).body.error.id,
        'not_page_admin',
      );
      assert.equal((await owner.http.put<Err>(`${base()}/settings`, { firstResponseTargetMinutes: 0 })).status, 400);
      assert.equal((await owner.http.put<Err>(`${base()}/settings`, { firstResponseTargetMinutes: 1.5 })).status, 400);
      const read = await agent.http.get<InboxSettingsResponse>(`${base()}/settings`);
      assert.equal(read.body.settings.firstResponseTargetMinutes, 5);
      watcher.close();
    });

    it('an answer sent on the page’s socket by a member is the first response too', async (t) => {
      if (skip) return t.skip(skip);
      const third = await signUp(s.url);
      const c = (await third.http.post<{ conversation: { id: string } }>(`/api/pages/${pageId}/conversation`)).body
        .conversation.id;
      await say(third, c, 'Bonsoir');
      await agent.http.post(`/api/pages/${pageId}/conversations/${c}/thread-control`, { action: 'take' });
      assert.equal((await agent.http.get<InboxThreadResponse>(thread(c))).body.thread.firstResponseAt, null);
      const ws = await pageSocket(agent2);
      ws.send({ type: 'send', ref: 'fr1', conversationId: c, clientId: clientId(), text: 'Bonsoir !' });
      await ws.next((f) => f.type === 'ack' && f.ref === 'fr1');
      const answered = await agent.http.get<InboxThreadResponse>(thread(c));
      assert.ok(answered.body.thread.firstResponseAt, 'a member behind the page answered');
      ws.close();
    });

    it('canned replies: admins keep them, agents insert them with their variables filled', async (t) => {
      if (skip) return t.skip(skip);
      const made = await owner.http.post<CannedReplyResponse>(`${base()}/canned-replies`, {
        shortcut: 'hello',
        text: 'Bonjour {{first_name}}, ici {{agent_name}} de {{page_name}}. Commande {{order_number}}.',
      });
      assert.equal(made.status, 201);
      const id = made.body.cannedReply.id;
      const dup = await owner.http.post<Err>(`${base()}/canned-replies`, { shortcut: 'HELLO', text: 'x' });
      assert.equal(dup.body.error.id, 'canned_reply_exists');
      assert.equal(
        (await owner.http.post<Err>(`${base()}/canned-replies`, { shortcut: 'a b', text: 'x' })).status,
        400,
      );
      assert.equal(
        (await owner.http.post<Err>(`${base()}/canned-replies`, { shortcut: 'x'.repeat(33), text: 'x' })).status,
        400,
      );
      assert.equal(
        (await owner.http.post<Err>(`${base()}/canned-replies`, { shortcut: 'long', text: 'x'.repeat(2001) })).status,
        400,
      );
      assert.equal(
        (await agent.http.post<Err>(`${base()}/canned-replies`, { shortcut: 'mine', text: 'x' })).body.error.id,
        'not_page_admin',
      );
      const expanded = await agent.http.get<ExpandedCannedReplyResponse>(`${thread()}/canned-replies/${id}`);
      assert.equal(expanded.status, 200);
      const first = customer.user.displayName.split(' ')[0];
      assert.equal(
        expanded.body.text,
        `Bonjour ${first}, ici ${agent.user.displayName} de Épicerie. Commande {{order_number}}.`,
      );
      assert.deepEqual(expanded.body.missing, ['order_number']);
      const bye = await owner.http.post<CannedReplyResponse>(`${base()}/canned-replies`, {
        shortcut: 'bye',
        text: 'Au revoir',
      });
      const clash = await owner.http.patch<Err>(`${base()}/canned-replies/${bye.body.cannedReply.id}`, {
        shortcut: 'Hello',
      });
      assert.equal(clash.body.error.id, 'canned_reply_exists');
      assert.equal((await owner.http.patch<Err>(`${base()}/canned-replies/${id}`, {})).status, 400);
      assert.equal(
        (await owner.http.patch<Err>(`${base()}/canned-replies/nope`, { text: 'x' })).body.error.id,
        'canned_reply_not_found',
      );
      assert.equal(
        (await owner.http.delete<Err>(`${base()}/canned-replies/nope`)).body.error.id,
        'canned_reply_not_found',
      );
      assert.equal((await owner.http.delete(`${base()}/canned-replies/${bye.body.cannedReply.id}`)).status, 204);
      const edited = await owner.http.patch<CannedReplyResponse>(`${base()}/canned-replies/${id}`, { text: 'Salut' });
      assert.equal(edited.body.cannedReply.text, 'Salut');
      assert.equal(edited.body.cannedReply.shortcut, 'hello');
      const list = await agent.http.get<{ cannedReplies: { id: string }[] }>(`${base()}/canned-replies`);
      assert.deepEqual(
        list.body.cannedReplies.map((c) => c.id),
        [id],
      );
      assert.equal((await owner.http.delete(`${base()}/canned-replies/${id}`)).status, 204);
      assert.equal(
        (await agent.http.get<Err>(`${thread()}/canned-replies/${id}`)).body.error.id,
        'canned_reply_not_found',
      );
    });

    it('satisfaction: resolving sends the 1–5 question; the customer’s tap is recorded and reported, and reopens nothing', async (t) => {
      if (skip) return t.skip(skip);
      await owner.http.put(`${base()}/settings`, { csatEnabled: true });
      await agent.http.put(`${thread()}/assignee`, { userId: agent.user.id });
      const customerLive = await SocketClient.live(s.wsUrl, customer);
      const resolved = await agent.http.put<InboxThreadResponse>(`${thread()}/status`, { status: 'resolved' });
      assert.equal(resolved.body.thread.status, 'resolved');
      assert.equal(resolved.body.thread.csat?.rating, null);
      const question = await customerLive.next(
        (f) => f.type === 'event' && f.event.type === 'message.created' && !!f.event.message.quickReplies,
      );
      assert.ok(question.type === 'event' && question.event.type === 'message.created');
      // Marked as the question (the app shows it in the person's language); its text for notifications.
      assert.equal(typeof question.event.message.csat?.questionId, 'string');
      assert.match(question.event.message.text ?? '', /How would you rate/);
      const replies = question.event.message.quickReplies ?? [];
      assert.deepEqual(
        replies.map((q) => ('title' in q ? q.title : '')),
        ['1', '2', '3', '4', '5'],
      );
      const four = replies[3] as { title: string; payload: string };
      const tap = await customer.http.post(`/api/conversations/${conversationId}/messages`, {
        clientId: clientId(),
        text: four.title,
        quickReply: { payload: four.payload },
      });
      assert.equal(tap.status, 201);
      const after = await agent.http.get<InboxThreadResponse>(thread());
      assert.equal(after.body.thread.status, 'resolved', 'the answer does not reopen it');
      assert.equal(after.body.thread.csat?.rating, 4);
      const report = await agent2.http.get<CsatReportResponse>(`${base()}/csat`);
      assert.equal(report.body.report.count, 1);
      assert.equal(report.body.report.average, 4);
      assert.deepEqual(report.body.report.distribution, [0, 0, 0, 1, 0]);
      assert.equal(report.body.report.perAgent[0]?.agent?.id, agent.user.id);
      // A second tap on the same question changes nothing.
      await customer.http.post(`/api/conversations/${conversationId}/messages`, {
        clientId: clientId(),
        text: '5',
        quickReply: { payload: (replies[4] as { payload: string }).payload },
      });
      const again = await agent.http.get<CsatReportResponse>(`${base()}/csat`);
      assert.equal(again.body.report.count, 1);
      // Reopened, resolved again; the customer writes (which reopens it), then taps the question, still the
      // page's latest message: the answer counts, and the tap changes nothing more.
      await say(customer, conversationId, 'Une dernière chose');
      const mark = customerLive.frames.length;
      await agent.http.put(`${thread()}/status`, { status: 'resolved' });
      const second = await customerLive.next(
        (f) => f.type === 'event' && f.event.type === 'message.created' && !!f.event.message.quickReplies,
        5000,
        mark,
      );
      assert.ok(second.type === 'event' && second.event.type === 'message.created');
      await say(customer, conversationId, 'Merci pour tout');
      assert.equal((await agent.http.get<InboxThreadResponse>(thread())).body.thread.status, 'open');
      const two = (second.event.message.quickReplies ?? [])[1] as { title: string; payload: string };
      const late = await customer.http.post(`/api/conversations/${conversationId}/messages`, {
        clientId: clientId(),
        text: two.title,
        quickReply: { payload: two.payload },
      });
      assert.equal(late.status, 201);
      const both = await agent.http.get<CsatReportResponse>(`${base()}/csat`);
      assert.deepEqual(both.body.report.distribution, [0, 1, 0, 1, 0]);
      assert.equal(both.body.report.average, 3);
      customerLive.close();
      await owner.http.put(`${base()}/settings`, { csatEnabled: false });
    });

    it('satisfaction: a customer who blocked the page is not asked; the thread resolves all the same', async (t) => {
      if (skip) return t.skip(skip);
      const blocker = await signUp(s.url);
      const conv = await blocker.http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`);
      const convId = conv.body.conversation.id;
      assert.equal((await say(blocker, convId, 'Je ne veux plus de vos messages')).status, 201);
      await owner.http.put(`${base()}/settings`, { csatEnabled: true });
      try {
        const block = await blocker.http.post(`/api/pages/${pageId}/consent`, { blocked: true });
        assert.equal(block.status, 200);
        const resolved = await agent.http.put<InboxThreadResponse>(`${thread(convId)}/status`, { status: 'resolved' });
        assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
        assert.equal(resolved.body.thread.status, 'resolved');
        assert.equal(resolved.body.thread.csat, null, 'no question recorded');
        const stored = await s.comptoir.storage.reader.inbox.thread(convId);
        assert.equal(stored?.status, 'resolved');
        assert.equal(stored?.csatId, null);
        const history = await blocker.http.get<MessagesResponse>(`/api/conversations/${convId}/messages`);
        assert.deepEqual(
          history.body.messages.map((m) => m.text),
          ['Je ne veux plus de vos messages'],
          'nothing sent to the customer',
        );
        // Unblocked, a later resolve asks again, in the resolve's own job.
        await blocker.http.post(`/api/pages/${pageId}/consent`, { blocked: false });
        await say(blocker, convId, 'Finalement, une question');
        const again = await agent.http.put<InboxThreadResponse>(`${thread(convId)}/status`, { status: 'resolved' });
        assert.equal(again.status, 200, JSON.stringify(again.body));
        assert.equal(again.body.thread.csat?.rating, null);
        const after = await blocker.http.get<MessagesResponse>(`/api/conversations/${convId}/messages`);
        assert.equal(typeof after.body.messages.at(-1)?.csat?.questionId, 'string');
        assert.equal(after.body.messages.at(-1)?.quickReplies?.length, 5);
      } finally {
        await owner.http.put(`${base()}/settings`, { csatEnabled: false });
      }
    });

    it('satisfaction: a customer who deleted their account is not asked either; the thread resolves', async (t) => {
      if (skip) return t.skip(skip);
      const gone = await signUp(s.url);
      const conv = await gone.http.post<PageConversationResponse>(`/api/pages/${pageId}/conversation`);
      const convId = conv.body.conversation.id;
      assert.equal((await say(gone, convId, 'Au revoir')).status, 201);
      await owner.http.put(`${base()}/settings`, { csatEnabled: true });
      try {
        assert.equal((await gone.http.request('DELETE', '/api/me', { password: gone.password })).status, 204);
        const resolved = await agent.http.put<InboxThreadResponse>(`${thread(convId)}/status`, { status: 'resolved' });
        assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
        assert.equal(resolved.body.thread.status, 'resolved');
        assert.equal(resolved.body.thread.csat, null);
        assert.equal((await s.comptoir.storage.reader.inbox.thread(convId))?.csatId, null);
      } finally {
        await owner.http.put(`${base()}/settings`, { csatEnabled: false });
      }
    });

    it('refuses strangers, another page’s agents, unknown and foreign conversations, with nothing changed', async (t) => {
      if (skip) return t.skip(skip);
      const routes: [string, string, unknown?][] = [
        ['GET', `${base()}/threads`],
        ['GET', thread()],
        ['PUT', `${thread()}/status`, { status: 'open' }],
        ['PUT', `${thread()}/assignee`, { userId: null }],
        ['GET', `${thread()}/notes`],
        ['POST', `${thread()}/notes`, { text: 'intrusion' }],
        ['GET', `${base()}/labels`],
        ['POST', `${base()}/labels`, { name: 'Intrus' }],
        ['GET', `${base()}/canned-replies`],
        ['POST', `${base()}/canned-replies`, { shortcut: 'x', text: 'x' }],
        ['GET', `${base()}/settings`],
        ['PUT', `${base()}/settings`, { csatEnabled: true }],
        ['GET', `${base()}/csat`],
      ];
      const call = (p: Person, method: string, path: string, body?: unknown) =>
        p.http.request<Err>(method as 'GET', path, body);
      for (const who of [stranger, otherAgent, customer]) {
        for (const [method, path, body] of routes) {
          const r = await call(who, method, path, body);
          assert.deepEqual([r.status, r.body.error?.id], [403, 'not_page_member'], `${method} ${path}`);
        }
      }
      const unknownPage = await agent.http.get<Err>('/api/pages/nopage/inbox/threads');
      assert.equal(unknownPage.body.error.id, 'page_not_found');
      for (const c of ['nope', otherConversationId]) {
        for (const [method, path, body] of [
          ['GET', thread(c)],
          ['PUT', `${thread(c)}/status`, { status: 'pending' }],
          ['PUT', `${thread(c)}/assignee`, { userId: agent.user.id }],
          ['POST', `${thread(c)}/notes`, { text: 'lost' }],
          ['GET', `${thread(c)}/notes`],
        ] as [string, string, unknown?][]) {
          const r = await call(agent, method, path, body);
          assert.deepEqual([r.status, r.body.error?.id], [404, 'conversation_not_found'], `${method} ${path}`);
        }
      }
      const theirs = await s.comptoir.storage.reader.inbox.thread(otherConversationId);
      assert.equal(theirs?.status, 'open');
      assert.equal(theirs?.assigneeId, null);
      assert.deepEqual(await s.comptoir.storage.reader.inbox.notes(otherConversationId, 10), []);
    });
  });
}
