import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ContractContext, fixtures } from '../storage/contract-fixtures.ts';
import { reactionsContract } from './reactions.contract.ts';
import type { MessageRecord } from './store.ts';

/** The messaging store: conversations, members, messages, the conversation list. Run on both backends by the storage contract (contract.ts). */
export function messagingContract(ctx: ContractContext) {
  const { write, user, addUsers, member, message, conversation, post } = fixtures(ctx);
  const uid = ctx.uid;

  it('keeps conversations and members; one direct conversation per pair', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    await addUsers(a, b);
    const direct = await conversation([a.id, b.id], 'direct');
    const c = await ctx.storage().reader.messaging.conversationByDirectKey(`${a.id}:${b.id}`);
    assert.equal(c?.id, direct);
    assert.equal(c?.kind, 'direct');
    assert.equal(await ctx.storage().reader.messaging.directConversationId(`${a.id}:${b.id}`), direct);
    assert.equal(await ctx.storage().reader.messaging.directConversationId(`${a.id}:nobody`), null);
    // In a transaction: the conversation it made, too.
    const e = user();
    await addUsers(e);
    await write(async (tx) => {
      await tx.messaging.insertConversation({
        id: uid('c'),
        kind: 'direct',
        title: null,
        directKey: `${a.id}:${e.id}`,
        createdBy: a.id,
        createdAt: 1,
        lastActivityAt: 1,
        lastSeq: 0,
        history: 'full',
      });
      assert.ok(await tx.messaging.directConversationId(`${a.id}:${e.id}`));
    });
    await assert.rejects(
      write((tx) =>
        tx.messaging.insertConversation({
          id: uid('c'),
          kind: 'direct',
          title: null,
          directKey: `${a.id}:${b.id}`,
          createdBy: a.id,
          createdAt: 1,
          lastActivityAt: 1,
          lastSeq: 0,
          history: 'full',
        }),
      ),
    );
    const members = await ctx.storage().reader.messaging.membersOf(direct);
    assert.deepEqual(members.map((m) => m.userId).sort(), [a.id, b.id].sort());
    assert.deepEqual((await ctx.storage().reader.messaging.conversationIdsOfUser(a.id)).includes(direct), true);

    await write((tx) => tx.messaging.deactivateMember(direct, b.id, true));
    assert.equal((await ctx.storage().reader.messaging.member(direct, b.id))?.active, false);
    assert.equal((await ctx.storage().reader.messaging.member(direct, b.id))?.removed, true);
    assert.equal((await ctx.storage().reader.messaging.conversationById(direct))?.history, 'joined');
    await write((tx) => tx.messaging.setConversationHistory(direct, 'full'));
    assert.equal((await ctx.storage().reader.messaging.conversationById(direct))?.history, 'full');
    assert.equal((await ctx.storage().reader.messaging.conversationIdsOfUser(b.id)).includes(direct), false);
    assert.equal(
      (await ctx.storage().reader.messaging.conversationIdsEverOfUser(b.id)).includes(direct),
      true,
      'a former membership counts among those ever held',
    );
    assert.deepEqual(await ctx.storage().reader.messaging.conversationIdsEverOfUser('nobody'), []);
    await write((tx) =>
      tx.messaging.upsertMember(
        member(direct, b.id, { role: 'admin', deliveredSeq: 3, readSeq: 2, visibleFromSeq: 2 }),
      ),
    );
    const back = await ctx.storage().reader.messaging.member(direct, b.id);
    assert.equal(back?.active, true);
    assert.equal(back?.removed, false);
    assert.equal(back?.visibleFromSeq, 2);
    assert.equal(back?.role, 'admin');
    await write((tx) => tx.messaging.setMemberRole(direct, b.id, 'member'));
    assert.equal((await ctx.storage().reader.messaging.member(direct, b.id))?.role, 'member');
    await write((tx) => tx.messaging.updateConversationTitle(direct, 'Renamed'));
    assert.equal((await ctx.storage().reader.messaging.conversationById(direct))?.title, 'Renamed');
    assert.equal(await ctx.storage().reader.messaging.member(direct, 'nobody'), null);
  });

  it('moves watermarks forward only', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    await addUsers(a);
    const c = await conversation([a.id]);
    await write((tx) => tx.messaging.advanceWatermarks(c, a.id, 5, 3));
    await write((tx) => tx.messaging.advanceWatermarks(c, a.id, 2, 1));
    const m = await ctx.storage().reader.messaging.member(c, a.id);
    assert.equal(m?.deliveredSeq, 5);
    assert.equal(m?.readSeq, 3);
  });

  it('stores messages: by id, by client id, pages backwards, counts unread', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    await addUsers(a, b);
    const c = await conversation([a.id, b.id]);
    const sent: MessageRecord[] = [];
    for (let seq = 1; seq <= 7; seq++) sent.push((await post(c, seq % 2 ? a.id : b.id, seq)).message);
    const first = sent[0] as MessageRecord;
    assert.deepEqual(await ctx.storage().reader.messaging.messageById(first.id), first);
    assert.deepEqual(await ctx.storage().reader.messaging.messageByClientId(a.id, first.clientId as string), first);
    assert.equal(
      await ctx.storage().reader.messaging.messageByClientId(b.id, first.clientId as string),
      null,
      'client ids are per sender',
    );
    await assert.rejects(post(c, a.id, 8, { clientId: first.clientId }), 'a client id is used once per sender');
    await assert.rejects(post(c, b.id, 7), 'a seq is used once per conversation');
    const latest = await ctx.storage().reader.messaging.messagesBefore(c, null, 3);
    assert.deepEqual(
      latest.map((m) => m.seq),
      [5, 6, 7],
    );
    const older = await ctx.storage().reader.messaging.messagesBefore(c, 5, 3);
    assert.deepEqual(
      older.map((m) => m.seq),
      [2, 3, 4],
    );
    assert.deepEqual(
      (await ctx.storage().reader.messaging.messagesBefore(c, 2, 3)).map((m) => m.seq),
      [1],
    );
    assert.equal((await ctx.storage().reader.messaging.conversationById(c))?.lastSeq, 7);
    // b has read up to 2: unread are a's messages 3, 5, 7
    assert.equal(await ctx.storage().reader.messaging.unreadCount(c, b.id, 2), 2 + 0 + 1);
    await write((tx) => tx.messaging.updateMessage((sent[4] as MessageRecord).id, null, null, 9999, [12, 57], null));
    assert.equal(await ctx.storage().reader.messaging.unreadCount(c, b.id, 2), 2, 'deleted messages are not unread');
    const deleted = await ctx.storage().reader.messaging.messageById((sent[4] as MessageRecord).id);
    assert.equal(deleted?.text, null);
    assert.equal(deleted?.deletedAt, 9999);
    assert.deepEqual(deleted?.eventPositions, [12, 57]);
    await write((tx) => tx.messaging.updateMessage(first.id, 'edited', 123, null, [], null));
    assert.equal((await ctx.storage().reader.messaging.messageById(first.id))?.editedAt, 123);
    const byIds = await ctx.storage().reader.messaging.messagesByIds([first.id, (sent[1] as MessageRecord).id]);
    assert.equal(byIds.length, 2);
  });

  it('finds the replies to a message, and rewrites events still in the log', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    await addUsers(a);
    const c = await conversation([a.id]);
    const original = message(c, a.id, 1, { eventPositions: [3] });
    const reply = message(c, a.id, 2, { replyToId: original.id, eventPositions: [4, 9] });
    const other = message(c, a.id, 3);
    await write(async (tx) => {
      for (const m of [original, reply, other]) await tx.messaging.insertMessage(m);
    });
    assert.deepEqual(await ctx.storage().reader.messaging.messagesReplyingTo(original.id), [reply]);
    assert.deepEqual(await ctx.storage().reader.messaging.messagesReplyingTo(other.id), []);
    const [p1, p2] = await write(async (tx) => [
      await tx.events.appendEvent({ conversationId: c, userId: null, type: 'x', payload: '{"v":1}', createdAt: 1 }),
      await tx.events.appendEvent({ conversationId: c, userId: null, type: 'x', payload: '{"v":2}', createdAt: 1 }),
    ]);
    await write((tx) => tx.events.rewriteEvent(p1 as number, '{"v":"erased"}'));
    const back = await ctx.storage().reader.events.eventsAt([p2 as number, p1 as number, 999_999_999]);
    assert.deepEqual(
      back.map((e) => [e.pos, e.payload]),
      [
        [p1, '{"v":"erased"}'],
        [p2, '{"v":2}'],
      ],
    );
    assert.deepEqual(await ctx.storage().reader.events.eventsAt([]), []);
  });

  it('answers the conversation list and its cursor from one snapshot', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    await addUsers(a, b);
    const older = await conversation([a.id, b.id]);
    const newer = await conversation([a.id, b.id]);
    await post(older, b.id, 1);
    await post(newer, b.id, 1);
    await post(newer, b.id, 2);
    await write((tx) => tx.messaging.advanceWatermarks(newer, a.id, 1, 1));
    const list = await ctx.storage().reader.messaging.conversationList(a.id);
    assert.equal(list.cursor, await ctx.storage().reader.events.headPosition());
    assert.deepEqual(
      list.items.map((i) => i.conversation.id),
      [newer, older],
    );
    const first = list.items[0];
    assert.equal(first?.unread, 1);
    assert.equal(first?.lastMessage?.seq, 2);
    assert.equal(first?.members.length, 2);
    assert.deepEqual((await ctx.storage().reader.messaging.conversationList('nobody')).items, []);
  });

  it('keeps what a message carries besides text (attachment, quick replies, metadata), and clears it', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [a, b] = [user(), user()];
    await addUsers(a, b);
    const c = await conversation([a.id, b.id], 'direct');
    const content = {
      attachment: {
        type: 'template' as const,
        template: {
          templateType: 'button' as const,
          text: 'Votre commande est prête — « retrait » ?',
          buttons: [{ type: 'postback' as const, title: 'Oui', payload: 'PICKUP_YES' }],
        },
      },
      quickReplies: [{ contentType: 'text' as const, title: 'Plus tard', payload: 'LATER' }],
      metadata: 'order:42',
    };
    const { message: m } = await post(c, b.id, 1, { text: null, content });
    const back = await ctx.storage().reader.messaging.messageById(m.id);
    assert.deepEqual(back?.content, content);
    assert.equal(back?.text, null);
    assert.deepEqual(
      (await ctx.storage().reader.messaging.messagesBefore(c, null, 10)).map((x) => x.content),
      [content],
    );
    const list = await ctx.storage().reader.messaging.conversationList(a.id);
    assert.deepEqual(list.items.find((i) => i.conversation.id === c)?.lastMessage?.content, content, 'in the list too');
    await write((tx) => tx.messaging.updateMessage(m.id, null, null, 9000, [], null));
    assert.equal((await ctx.storage().reader.messaging.messageById(m.id))?.content, null, 'cleared');
  });

  it('tells when someone last wrote in a conversation', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [a, b] = [user(), user()];
    await addUsers(a, b);
    const c = await conversation([a.id, b.id], 'direct');
    assert.equal(await ctx.storage().reader.messaging.lastMessageAt(c, a.id), null);
    await post(c, a.id, 1, { createdAt: 7000 });
    await post(c, b.id, 2, { createdAt: 7100 });
    await post(c, a.id, 3, { createdAt: 7200 });
    await post(c, b.id, 4, { createdAt: 7300 });
    assert.equal(await ctx.storage().reader.messaging.lastMessageAt(c, a.id), 7200);
    assert.equal(await ctx.storage().reader.messaging.lastMessageAt(c, b.id), 7300);
    assert.equal(await write((tx) => tx.messaging.lastMessageAt(c, a.id)), 7200);
  });

  it('finds someone’s latest message not deleted, and their messages whose content mentions a fragment', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const [person, page] = [user(), user({ kind: 'page' })];
    await addUsers(person, page);
    const c = await conversation([person.id, page.id], 'direct');
    const other = await conversation([page.id], 'group');
    assert.equal(await ctx.storage().reader.messaging.latestMessageOf(c, page.id), null);
    const buttons = (payload: string) => ({
      attachment: {
        type: 'template' as const,
        template: {
          templateType: 'button' as const,
          text: 'Choose',
          buttons: [{ type: 'postback' as const, title: 'Go', payload }],
        },
      },
    });
    const { message: first } = await post(c, page.id, 1, { content: buttons('GO_50%_"a"\\b') });
    const { message: second } = await post(c, page.id, 2, { content: buttons('OTHER') });
    await post(c, person.id, 3);
    await post(other, page.id, 1, { content: buttons('GO_50%_"a"\\b') });
    const { message: third } = await post(c, page.id, 4, { content: buttons('GO_50%_"a"\\b') });
    assert.equal((await ctx.storage().reader.messaging.latestMessageOf(c, page.id))?.id, third.id);
    assert.equal((await ctx.storage().reader.messaging.latestMessageOf(c, person.id))?.seq, 3);
    const fragment = `"payload":${JSON.stringify('GO_50%_"a"\\b')}`;
    const ids = async (limit: number) =>
      (await ctx.storage().reader.messaging.messagesWithContent(c, page.id, fragment, limit)).map((x) => x.id);
    assert.deepEqual(await ids(10), [third.id, first.id], 'newest first, this conversation and sender only');
    assert.deepEqual(await ids(1), [third.id]);
    for (const wild of ['"payload":"G_', '"payload":"G%b']) {
      assert.deepEqual(
        await ctx.storage().reader.messaging.messagesWithContent(c, page.id, wild, 10),
        [],
        `${wild}: % and _ are matched as themselves, not as wildcards`,
      );
    }
    assert.deepEqual(await ctx.storage().reader.messaging.messagesWithContent(c, person.id, fragment, 10), []);
    // Deleted: neither the latest nor among those found.
    await write((tx) => tx.messaging.updateMessage(third.id, null, null, 9000, [], null));
    assert.equal((await ctx.storage().reader.messaging.latestMessageOf(c, page.id))?.id, second.id);
    assert.deepEqual(await ids(10), [first.id]);
    assert.deepEqual(
      await write(async (tx) => {
        await tx.messaging.insertMessage({ ...message(c, page.id, 5), content: buttons('GO_50%_"a"\\b') });
        return (await tx.messaging.messagesWithContent(c, page.id, fragment, 10)).length;
      }),
      2,
      'a transaction finds its own messages',
    );
  });

  it("keeps a group's activity lines and reads them between two seqs, in order", async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    await addUsers(a, b);
    const group = await conversation([a.id, b.id], 'group');
    const other = await conversation([a.id, b.id], 'group');
    const line = (id: string, conversationId: string, afterSeq: number, at: number, extra: object = {}) =>
      write((tx) =>
        tx.messaging.insertActivity({
          id,
          conversationId,
          afterSeq,
          at,
          kind: 'added',
          actorId: a.id,
          targetId: b.id,
          title: null,
          history: null,
          ...extra,
        }),
      );
    const ids = {
      created: uid('act'),
      renamed: uid('act'),
      added: uid('act'),
      late: uid('act'),
      elsewhere: uid('act'),
    };
    await line(ids.late, group, 7, 50);
    await line(ids.added, group, 3, 40);
    await line(ids.created, group, 0, 10, { kind: 'created', targetId: null, title: 'Trip' });
    await line(ids.renamed, group, 3, 30, { kind: 'renamed', targetId: null, title: 'Été ☀️' });
    await line(ids.elsewhere, other, 3, 20, { kind: 'history', targetId: null, history: 'full' });
    const r = ctx.storage().reader.messaging;
    const all = await r.activityBetween(group, 0, Number.MAX_SAFE_INTEGER, 100);
    assert.deepEqual(
      all.map((x) => x.id),
      [ids.created, ids.renamed, ids.added, ids.late],
    );
    assert.deepEqual(all[0], {
      id: ids.created,
      conversationId: group,
      afterSeq: 0,
      at: 10,
      kind: 'created',
      actorId: a.id,
      targetId: null,
      title: 'Trip',
      history: null,
    });
    assert.equal(all[1]?.title, 'Été ☀️');
    assert.deepEqual(
      (await r.activityBetween(group, 3, 6, 100)).map((x) => x.id),
      [ids.renamed, ids.added],
    );
    assert.deepEqual(
      (await r.activityBetween(group, 0, 7, 2)).map((x) => x.id),
      [ids.created, ids.renamed],
    );
    assert.deepEqual(await r.activityBetween(group, 8, 100, 100), []);
    assert.equal((await r.activityBetween(other, 0, 10, 100))[0]?.history, 'full');
    assert.deepEqual(await r.activityBetween('nobody\0', 0, 10, 100), []);
    // A line names a kind it knows, in the conversation it belongs to.
    await assert.rejects(line(uid('act'), group, 1, 1, { kind: 'exploded' }));
    await assert.rejects(line(uid('act'), 'no-such-conversation', 1, 1));
  });

  it("keeps each person's own settings of a conversation, and counts their pinned ones while members", async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    await addUsers(a, b);
    const one = await conversation([a.id, b.id]);
    const two = await conversation([a.id, b.id]);
    const r = ctx.storage().reader.messaging;
    assert.equal(await r.settingsOf(one, a.id), null);
    const settings = {
      conversationId: one,
      userId: a.id,
      mutedUntil: 253402300799999,
      pinnedAt: 5,
      archivedAt: null,
      archivedSeq: 0,
    };
    await write((tx) => tx.messaging.putSettings(settings));
    await write((tx) => tx.messaging.putSettings({ ...settings, conversationId: two, pinnedAt: 6 }));
    assert.deepEqual(await r.settingsOf(one, a.id), settings);
    assert.equal(await r.settingsOf(one, b.id), null, 'only their own');
    assert.equal(await r.pinnedCount(a.id), 2);
    assert.equal(await r.pinnedCount(b.id), 0);
    await write((tx) => tx.messaging.putSettings({ ...settings, pinnedAt: null, archivedAt: 9, archivedSeq: 3 }));
    assert.deepEqual(await r.settingsOf(one, a.id), { ...settings, pinnedAt: null, archivedAt: 9, archivedSeq: 3 });
    await write((tx) => tx.messaging.deactivateMember(two, a.id, false));
    assert.equal(await r.pinnedCount(a.id), 0, 'a conversation left does not count');
    await write((tx) => tx.messaging.deleteSettings(two, a.id));
    assert.deepEqual(
      (await r.settingsOfUser(a.id)).map((s) => s.conversationId),
      [one],
    );
  });

  it('hides a message for one person: their pages, unread count and list skip it', async (t) => {
    if (ctx.skip()) return t.skip(String(ctx.skip()));
    const a = user();
    const b = user();
    await addUsers(a, b);
    const c = await conversation([a.id, b.id]);
    for (let seq = 1; seq <= 4; seq++) await post(c, b.id, seq);
    const r = ctx.storage().reader.messaging;
    const [m1, m2, m3, m4] = await r.messagesBefore(c, null, 10);
    assert.ok(m1 && m2 && m3 && m4);
    const hide = { userId: a.id, messageId: m4.id, conversationId: c, seq: 4, hiddenAt: 1 };
    await write((tx) => tx.messaging.hideMessage(hide));
    await write((tx) => tx.messaging.hideMessage(hide)); // twice: nothing more
    await write((tx) => tx.messaging.hideMessage({ ...hide, messageId: m2.id, seq: 2 }));
    assert.equal(await r.isHidden(a.id, m4.id), true);
    assert.equal(await r.isHidden(b.id, m4.id), false);
    assert.deepEqual(await r.hiddenBy(m4.id), [a.id]);
    assert.deepEqual(await r.hiddenBy(m3.id), []);
    assert.deepEqual((await r.hiddenAmong(a.id, [m1.id, m2.id, m4.id])).sort(), [m2.id, m4.id].sort());
    assert.deepEqual(
      (await r.visibleMessagesBefore(c, a.id, 0, null, 10)).map((m) => m.seq),
      [1, 3],
    );
    assert.deepEqual(
      (await r.visibleMessagesBefore(c, a.id, 1, 4, 10)).map((m) => m.seq),
      [3],
    );
    assert.deepEqual(
      (await r.visibleMessagesBefore(c, b.id, 0, null, 2)).map((m) => m.seq),
      [3, 4],
    );
    assert.equal(await r.unreadCount(c, a.id, 0), 2);
    assert.equal(await r.unreadCount(c, b.id, 0), 0, 'their own messages');
    const item = (await r.conversationList(a.id)).items.find((i) => i.conversation.id === c);
    assert.equal(item?.unread, 2, 'the list counts what is not hidden');
  });

  reactionsContract(ctx);
}
