import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import type { BotOwnership, ThreadQuery, ThreadRecord } from './store.ts';

/**
 * The business inbox's store: threads and their list (filters, search, labels, cursor), notes, labels,
 * canned replies, settings, satisfaction answers, snoozes. Run on both backends by the storage contract.
 */
export function inboxContract(ctx: ContractContext) {
  const { write, user, addUsers, conversation, post } = fixtures(ctx);
  const uid = ctx.uid;
  const reader = () => ctx.storage().reader.inbox;
  const noBots: BotOwnership = { primaryIsApp: false, connectedAppIds: [] };

  /** A page run by an agent, and three customers with a thread each. */
  const world = async () => {
    const agent = user();
    const page = user({ kind: 'page', passwordHash: '' });
    const otherPage = user({ kind: 'page', passwordHash: '' });
    const [ana, ben, cyd] = [
      user({ displayName: 'Ana Lima' }),
      user({ displayName: 'Benoît Roux' }),
      user({ displayName: 'Cyd Park' }),
    ];
    await addUsers(agent, page, otherPage, ana, ben, cyd);
    await write(async (tx) => {
      for (const p of [page, otherPage]) {
        await tx.pages.insertPage({ id: p.id, description: '', createdBy: agent.id, createdAt: 1 });
      }
      await tx.pages.upsertPageMember({
        pageId: page.id,
        userId: agent.id,
        role: 'agent',
        addedBy: agent.id,
        addedAt: 1,
      });
    });
    const threads: ThreadRecord[] = [];
    let at = 1000;
    for (const person of [ana, ben, cyd]) {
      const c = await conversation([person.id, page.id], 'direct');
      const t: ThreadRecord = {
        conversationId: c,
        pageId: page.id,
        personId: person.id,
        status: 'open',
        snoozedUntil: null,
        assigneeId: null,
        openedAt: at,
        firstResponseAt: null,
        resolvedAt: null,
        lastCustomerAt: at + 10,
        csatId: null,
        updatedAt: at,
      };
      await write((tx) => tx.inbox.putThread(t));
      threads.push(t);
      at += 10;
    }
    return { agent, pageId: page.id, otherPageId: otherPage.id, ana, ben, cyd, threads };
  };
  const query = (pageId: string, over: Partial<ThreadQuery> = {}): ThreadQuery => ({
    pageId,
    filter: 'all',
    meId: '',
    bots: noBots,
    search: null,
    alsoIds: [],
    labelId: null,
    after: null,
    limit: 50,
    ...over,
  });
  const ids = (rows: readonly ThreadRecord[]) => rows.map((t) => t.conversationId);

  it('keeps a thread and answers the page’s list newest first, paged by cursor', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { pageId, otherPageId, threads } = await world();
    const [a, b, c] = threads as [ThreadRecord, ThreadRecord, ThreadRecord];
    assert.deepEqual(await reader().thread(a.conversationId), a);
    assert.equal(await reader().thread('nope'), null);
    assert.deepEqual(
      ids(await reader().threads(query(pageId))),
      [c, b, a].map((x) => x.conversationId),
    );
    const first = await reader().threads(query(pageId, { limit: 2 }));
    assert.deepEqual(ids(first), [c.conversationId, b.conversationId]);
    const next = await reader().threads(query(pageId, { after: { at: b.lastCustomerAt, id: b.conversationId } }));
    assert.deepEqual(ids(next), [a.conversationId]);
    assert.deepEqual(await reader().threads(query(otherPageId)), [], 'another page sees none of them');
  });

  it('filters by status, assignee, labels and bot ownership, and counts each filter', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { agent, pageId, threads, ben } = await world();
    const [a, b, c] = threads as [ThreadRecord, ThreadRecord, ThreadRecord];
    const label = { id: uid('l'), pageId, name: 'VIP', createdAt: 1 };
    await write(async (tx) => {
      await tx.inbox.putThread({ ...a, status: 'resolved', resolvedAt: 2000 });
      await tx.inbox.putThread({ ...b, status: 'snoozed', snoozedUntil: 5000, assigneeId: agent.id });
      await tx.inbox.insertLabel(label);
      assert.equal(await tx.inbox.addThreadLabel(c.conversationId, label.id), true);
      assert.equal(await tx.inbox.addThreadLabel(c.conversationId, label.id), false, 'once');
      // Ben's thread was passed to an app, which stays connected.
      await tx.platform.setThreadOwner(pageId, ben.id, 'app-1', 1);
    });
    const only = async (over: Partial<ThreadQuery>) => ids(await reader().threads(query(pageId, over)));
    assert.deepEqual(await only({ filter: 'resolved' }), [a.conversationId]);
    assert.deepEqual(await only({ filter: 'snoozed' }), [b.conversationId]);
    assert.deepEqual(await only({ filter: 'open' }), [c.conversationId]);
    assert.deepEqual(await only({ filter: 'mine', meId: agent.id }), [b.conversationId]);
    assert.deepEqual(await only({ filter: 'unassigned' }), [c.conversationId], 'the resolved one left out');
    assert.deepEqual(await only({ labelId: label.id }), [c.conversationId]);
    const connected: BotOwnership = { primaryIsApp: false, connectedAppIds: ['app-1'] };
    assert.deepEqual(await only({ filter: 'bot', bots: connected }), [b.conversationId]);
    assert.deepEqual(await only({ filter: 'bot', bots: noBots }), [], 'its app is no longer connected');
    const primaryApp: BotOwnership = { primaryIsApp: true, connectedAppIds: ['app-2'] };
    assert.deepEqual(await only({ filter: 'bot', bots: primaryApp }), [c.conversationId, b.conversationId]);
    await write((tx) => tx.platform.setThreadOwner(pageId, ben.id, PAGE_INBOX_APP_ID, 2));
    assert.deepEqual(await only({ filter: 'bot', bots: primaryApp }), [c.conversationId], 'the inbox took Ben’s');
    assert.deepEqual(await reader().counts(pageId, agent.id, primaryApp), {
      all: 3,
      open: 1,
      pending: 0,
      resolved: 1,
      snoozed: 1,
      mine: 1,
      unassigned: 1,
      bot: 1,
    });
    assert.deepEqual(
      [...(await reader().labelsOf([c.conversationId, a.conversationId]))].map(([id, l]) => [id, l.map((x) => x.name)]),
      [[c.conversationId, ['VIP']]],
    );
    assert.equal(await write((tx) => tx.inbox.removeThreadLabel(c.conversationId, label.id)), true);
    assert.deepEqual(await only({ labelId: label.id }), []);
  });

  it('searches customers’ names (diacritics aside) and messages’ text (case aside), and extension ids', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { pageId, threads, ana } = await world();
    const [a, b, c] = threads as [ThreadRecord, ThreadRecord, ThreadRecord];
    await post(a.conversationId, ana.id, 1, { text: 'Where is my PARCEL 42?' });
    const found = async (search: string, alsoIds: string[] = []) =>
      ids(await reader().threads(query(pageId, { search, alsoIds })));
    assert.deepEqual(await found('benoit'), [b.conversationId]);
    assert.deepEqual(await found('parcel 42'), [a.conversationId]);
    assert.deepEqual(await found('100%'), [], 'LIKE characters are literal');
    // Through the full-text index: words without diacritics, the last one as a prefix; never syntax.
    assert.deepEqual(await found('Parcél 4'), [a.conversationId]);
    assert.deepEqual(await found('"parcel" (42*'), [a.conversationId]);
    assert.deepEqual(await found('#'), []);
    assert.deepEqual(await found('zzz', [c.conversationId]), [c.conversationId]);
  });

  it('keeps notes, labels, canned replies and settings per page', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { agent, pageId, otherPageId, threads } = await world();
    const a = threads[0] as ThreadRecord;
    const note = (n: number) => ({
      id: uid('n'),
      conversationId: a.conversationId,
      pageId,
      authorId: agent.id,
      text: `note ${n}`,
      createdAt: 100 + n,
    });
    await write(async (tx) => {
      for (const n of [1, 2, 3]) await tx.inbox.insertNote(note(n));
    });
    assert.deepEqual(
      (await reader().notes(a.conversationId, 2)).map((n) => n.text),
      ['note 2', 'note 3'],
      'the latest, oldest first',
    );
    const label = { id: uid('l'), pageId, name: 'Élan', createdAt: 1 };
    await write((tx) => tx.inbox.insertLabel(label));
    assert.deepEqual(await reader().labelByName(pageId, 'elan'), label, 'names compared folded');
    assert.equal(await reader().labelByName(otherPageId, 'elan'), null);
    await write(async (tx) => {
      await tx.inbox.addThreadLabel(a.conversationId, label.id);
      await tx.inbox.deleteLabel(label.id);
    });
    assert.equal(await reader().labelById(label.id), null);
    assert.deepEqual(await reader().labelsOf([a.conversationId]), new Map());
    const reply = {
      id: uid('r'),
      pageId,
      shortcut: 'Hello',
      text: 'Hi {{first_name}}',
      updatedBy: agent.id,
      updatedAt: 5,
    };
    await write((tx) => tx.inbox.putCannedReply(reply));
    assert.deepEqual(await reader().cannedReplyByShortcut(pageId, 'hello'), reply);
    await write((tx) => tx.inbox.putCannedReply({ ...reply, text: 'Bonjour', updatedAt: 6 }));
    assert.deepEqual(await reader().cannedReplies(pageId), [{ ...reply, text: 'Bonjour', updatedAt: 6 }]);
    await write((tx) => tx.inbox.deleteCannedReply(reply.id));
    assert.equal(await reader().cannedReplyById(reply.id), null);
    assert.equal(await reader().settings(pageId), null);
    const settings = {
      pageId,
      firstResponseTargetS: 300,
      resolutionTargetS: null,
      csatEnabled: true,
      updatedBy: agent.id,
      updatedAt: 9,
    };
    await write((tx) => tx.inbox.putSettings(settings));
    assert.deepEqual(await reader().settings(pageId), settings);
  });

  it('records a satisfaction answer once, and totals them per agent and rating', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { agent, pageId, threads } = await world();
    const ask = (i: number, agentId: string | null) => ({
      id: uid('q'),
      conversationId: (threads[i] as ThreadRecord).conversationId,
      pageId,
      agentId,
      askedAt: 10,
      rating: null,
      answeredAt: null,
    });
    const [q1, q2, q3] = [ask(0, agent.id), ask(1, agent.id), ask(2, null)];
    await write(async (tx) => {
      for (const q of [q1, q2, q3]) await tx.inbox.insertCsat(q);
    });
    assert.equal(await write((tx) => tx.inbox.answerCsat(q1.id, 5, 20)), true);
    assert.equal(await write((tx) => tx.inbox.answerCsat(q1.id, 1, 21)), false, 'answered already');
    await write((tx) => tx.inbox.answerCsat(q2.id, 3, 22));
    assert.deepEqual(await reader().csatById(q1.id), { ...q1, rating: 5, answeredAt: 20 });
    const totals = (await reader().csatTotals(pageId)).sort((x, y) => x.rating - y.rating);
    assert.deepEqual(totals, [
      { agentId: agent.id, rating: 3, count: 1 },
      { agentId: agent.id, rating: 5, count: 1 },
    ]);
  });

  it('finds the snoozes that are due, and the next one', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const { threads } = await world();
    const [a, b] = threads as [ThreadRecord, ThreadRecord];
    const base = 9e12 + Math.floor(Math.random() * 1e9);
    await write(async (tx) => {
      await tx.inbox.putThread({ ...a, status: 'snoozed', snoozedUntil: base + 100 });
      await tx.inbox.putThread({ ...b, status: 'snoozed', snoozedUntil: base + 200 });
    });
    const due = (await reader().dueSnoozes(base + 150, 1000)).map((t) => t.conversationId);
    assert.ok(due.includes(a.conversationId) && !due.includes(b.conversationId));
    const next = await reader().nextSnoozeEnd();
    assert.ok(next !== null && next <= base + 100);
    // Leave nothing snoozed far ahead for the other suites sharing the database.
    await write(async (tx) => {
      await tx.inbox.putThread({ ...a, status: 'open' });
      await tx.inbox.putThread({ ...b, status: 'open' });
    });
  });
}
