import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { transactionContract } from './contract-tx.ts';
import type { MemberRecord, MessageRecord, Storage, Tx, UserRecord } from './types.ts';

/**
 * The storage contract: every backend runs this same suite (sqlite.test.ts, postgres.test.ts), as Hono
 * runs each router through one shared case file. A backend is correct when it passes it unchanged.
 */
export function storageContract(
  name: string,
  open: () => Promise<{ storage: Storage; reopen?: () => Promise<Storage>; cleanup: () => Promise<void> }>,
  options: { skip?: () => Promise<string | false> } = {},
) {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void> = async () => {};
    let reopen: (() => Promise<Storage>) | undefined;
    let skip: string | false = false;
    let n = 0;
    const uid = (p: string) => `${p}${String(++n).padStart(6, '0')}`;
    const write = <T>(fn: (tx: Tx) => Promise<T>) => storage.transaction(fn);

    before(async () => {
      skip = options.skip ? await options.skip() : false;
      if (skip) return;
      const o = await open();
      storage = o.storage;
      cleanup = o.cleanup;
      reopen = o.reopen;
      await storage.migrate();
      await storage.migrate(); // idempotent
    });
    after(async () => {
      if (skip) return;
      await storage.close().catch(() => {});
      await cleanup();
    });

    const user = (over: Partial<UserRecord> = {}): UserRecord => {
      const id = uid('u');
      return { id, username: `user_${id}`, displayName: `User ${id}`, passwordHash: 'h', createdAt: 1000 + n, ...over };
    };
    const addUsers = async (...users: UserRecord[]) =>
      write(async (tx) => {
        for (const u of users) await tx.insertUser(u);
      });
    const member = (conversationId: string, userId: string, over: Partial<MemberRecord> = {}): MemberRecord => ({
      conversationId,
      userId,
      role: 'member',
      deliveredSeq: 0,
      readSeq: 0,
      joinedAt: 1,
      active: true,
      visibleFromSeq: 0,
      removed: false,
      ...over,
    });
    const message = (
      conversationId: string,
      senderId: string,
      seq: number,
      over: Partial<MessageRecord> = {},
    ): MessageRecord => ({
      id: uid('m'),
      conversationId,
      seq,
      senderId,
      clientId: uid('client'),
      text: `message ${seq}`,
      replyToId: null,
      createdAt: 5000 + seq,
      editedAt: null,
      deletedAt: null,
      eventPositions: [],
      ...over,
    });
    /** A conversation with members, each with a period opened by a joined event. */
    const conversation = async (members: string[], kind: 'direct' | 'group' = 'group') => {
      const id = uid('c');
      await write(async (tx) => {
        await tx.insertConversation({
          id,
          kind,
          title: kind === 'group' ? `Group ${id}` : null,
          directKey: kind === 'direct' ? members.join(':') : null,
          createdBy: members[0] as string,
          createdAt: 10,
          lastActivityAt: 10,
          lastSeq: 0,
          history: 'joined',
        });
        for (const m of members) {
          await tx.upsertMember(member(id, m));
          const pos = await tx.appendEvent({
            conversationId: null,
            userId: m,
            type: 'conversation.joined',
            payload: `{"c":"${id}"}`,
            createdAt: 10,
          });
          await tx.openPeriod(id, m, pos, 0);
        }
      });
      return id;
    };
    const post = async (conversationId: string, senderId: string, seq: number, over: Partial<MessageRecord> = {}) => {
      const m = message(conversationId, senderId, seq, over);
      const pos = await write(async (tx) => {
        await tx.insertMessage(m);
        await tx.bumpConversation(conversationId, seq, m.createdAt);
        return tx.appendEvent({
          conversationId,
          userId: null,
          type: 'message.created',
          payload: JSON.stringify({ seq }),
          createdAt: m.createdAt,
        });
      });
      return { message: m, pos };
    };

    it('stores and finds users; usernames are unique', async (t) => {
      if (skip) return t.skip(skip);
      const a = user({ displayName: 'Élodie Martin' });
      await addUsers(a);
      assert.deepEqual(await storage.reader.userById(a.id), a);
      assert.deepEqual(await storage.reader.userByUsername(a.username), a);
      assert.equal(await storage.reader.userById('nope'), null);
      await assert.rejects(addUsers(user({ username: a.username })));
      assert.deepEqual(await storage.reader.userById(a.id), a, 'the failed insert changed nothing');
      await write((tx) => tx.updateUserDisplayName(a.id, 'Élodie M.'));
      assert.equal((await storage.reader.userById(a.id))?.displayName, 'Élodie M.');
      const both = await storage.reader.usersByIds([a.id, 'missing']);
      assert.deepEqual(
        both.map((u) => u.id),
        [a.id],
      );
      assert.deepEqual(await storage.reader.usersByIds([]), []);
    });

    it('finds contacts by username prefix or display name (no accents, no case), strangers by username', async (t) => {
      if (skip) return t.skip(skip);
      const tag = uid('s');
      const ana = user({ username: `ana_${tag}`, displayName: 'Ana Lopez' });
      const anatole = user({ username: `anatole_${tag}`, displayName: 'Anatole' });
      const zoe = user({ username: `zoe_${tag}`, displayName: `Zoé ${tag.toUpperCase()}` });
      const percent = user({ username: `pct_${tag}`, displayName: '100% real' });
      const viewer = user({ username: `viewer_${tag}` });
      const stranger = user({ username: `viewer2_${tag}` });
      await addUsers(ana, anatole, zoe, percent, viewer, stranger);
      await conversation([viewer.id, ana.id, anatole.id, zoe.id, percent.id]);
      const ids = async (q: string, asker = viewer.id) =>
        (await storage.reader.searchUsers(q, 20, asker)).map((u) => u.id);
      assert.deepEqual(await ids(`ana_${tag}`), [ana.id], 'the exact username first');
      assert.ok((await ids('ana')).includes(anatole.id), 'contacts by username prefix');
      assert.deepEqual(await ids(`zoe ${tag}`), [zoe.id], 'display name, case and accents folded');
      assert.deepEqual(await ids(`ZOÉ ${tag}`), [zoe.id]);
      assert.deepEqual(await ids(`ana_${tag}`, ana.id), [], 'the asker is excluded');
      assert.ok(!(await ids('100%')).includes(ana.id), '% is literal');
      assert.ok((await ids('100%')).includes(percent.id));
      assert.equal((await storage.reader.searchUsers('a', 2, viewer.id)).length <= 2, true, 'limit');
      // Someone who shares no conversation with them finds them by exact username only.
      assert.deepEqual(await ids('ana', stranger.id), [], 'no prefix search among strangers');
      assert.deepEqual(await ids('Ana Lopez', stranger.id), [], 'nor by display name');
      assert.deepEqual(await ids(`ANA_${tag}`, stranger.id), [ana.id], 'the exact username, any case');
    });

    it('keeps sessions: lookup by token hash, touch, revoke, list', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      await addUsers(a);
      const s = {
        id: uid('s'),
        userId: a.id,
        tokenHash: uid('hash'),
        userAgent: 'UA',
        ip: '127.0.0.1',
        createdAt: 1,
        lastSeenAt: 1,
        expiresAt: 100,
        revokedAt: null,
      };
      await write((tx) => tx.insertSession(s));
      assert.deepEqual(await storage.reader.sessionByTokenHash(s.tokenHash), s);
      await write((tx) => tx.touchSession(s.id, 50, 500));
      await write((tx) => tx.revokeSession(s.id, 60));
      await write((tx) => tx.revokeSession(s.id, 70)); // the first revocation stands
      assert.deepEqual(await storage.reader.sessionByTokenHash(s.tokenHash), {
        ...s,
        lastSeenAt: 50,
        expiresAt: 500,
        revokedAt: 60,
      });
      assert.equal((await storage.reader.sessionsOfUser(a.id)).length, 1);
      assert.equal(await storage.reader.sessionByTokenHash('nope'), null);
      assert.deepEqual(await storage.reader.sessionById(s.id), await storage.reader.sessionByTokenHash(s.tokenHash));
      assert.equal(await storage.reader.sessionById('nope'), null);
    });

    it('keeps devices by the hash of their token', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      await addUsers(a);
      const d = { id: uid('d'), userId: a.id, tokenHash: uid('dhash'), createdAt: 5, lastUsedAt: 5 };
      await write((tx) => tx.insertDevice(d));
      assert.deepEqual(await storage.reader.deviceByTokenHash(d.tokenHash), d);
      await write((tx) => tx.touchDevice(d.id, 9));
      assert.deepEqual(await storage.reader.deviceByTokenHash(d.tokenHash), { ...d, lastUsedAt: 9 });
      assert.equal(await storage.reader.deviceByTokenHash('nope'), null);
      await assert.rejects(
        write((tx) => tx.insertDevice({ ...d, id: uid('d') })),
        'a token hash is unique',
      );
    });

    it('keeps conversations and members; one direct conversation per pair', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      const b = user();
      await addUsers(a, b);
      const direct = await conversation([a.id, b.id], 'direct');
      const c = await storage.reader.conversationByDirectKey(`${a.id}:${b.id}`);
      assert.equal(c?.id, direct);
      assert.equal(c?.kind, 'direct');
      await assert.rejects(
        write((tx) =>
          tx.insertConversation({
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
      const members = await storage.reader.membersOf(direct);
      assert.deepEqual(members.map((m) => m.userId).sort(), [a.id, b.id].sort());
      assert.deepEqual((await storage.reader.conversationIdsOfUser(a.id)).includes(direct), true);

      await write((tx) => tx.deactivateMember(direct, b.id, true));
      assert.equal((await storage.reader.member(direct, b.id))?.active, false);
      assert.equal((await storage.reader.member(direct, b.id))?.removed, true);
      assert.equal((await storage.reader.conversationById(direct))?.history, 'joined');
      await write((tx) => tx.setConversationHistory(direct, 'full'));
      assert.equal((await storage.reader.conversationById(direct))?.history, 'full');
      assert.equal((await storage.reader.conversationIdsOfUser(b.id)).includes(direct), false);
      await write((tx) =>
        tx.upsertMember(member(direct, b.id, { role: 'admin', deliveredSeq: 3, readSeq: 2, visibleFromSeq: 2 })),
      );
      const back = await storage.reader.member(direct, b.id);
      assert.equal(back?.active, true);
      assert.equal(back?.removed, false);
      assert.equal(back?.visibleFromSeq, 2);
      assert.equal(back?.role, 'admin');
      await write((tx) => tx.setMemberRole(direct, b.id, 'member'));
      assert.equal((await storage.reader.member(direct, b.id))?.role, 'member');
      await write((tx) => tx.updateConversationTitle(direct, 'Renamed'));
      assert.equal((await storage.reader.conversationById(direct))?.title, 'Renamed');
      assert.equal(await storage.reader.member(direct, 'nobody'), null);
    });

    it('moves watermarks forward only', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      await addUsers(a);
      const c = await conversation([a.id]);
      await write((tx) => tx.advanceWatermarks(c, a.id, 5, 3));
      await write((tx) => tx.advanceWatermarks(c, a.id, 2, 1));
      const m = await storage.reader.member(c, a.id);
      assert.equal(m?.deliveredSeq, 5);
      assert.equal(m?.readSeq, 3);
    });

    it('stores messages: by id, by client id, pages backwards, counts unread', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      const b = user();
      await addUsers(a, b);
      const c = await conversation([a.id, b.id]);
      const sent: MessageRecord[] = [];
      for (let seq = 1; seq <= 7; seq++) sent.push((await post(c, seq % 2 ? a.id : b.id, seq)).message);
      const first = sent[0] as MessageRecord;
      assert.deepEqual(await storage.reader.messageById(first.id), first);
      assert.deepEqual(await storage.reader.messageByClientId(a.id, first.clientId as string), first);
      assert.equal(
        await storage.reader.messageByClientId(b.id, first.clientId as string),
        null,
        'client ids are per sender',
      );
      await assert.rejects(post(c, a.id, 8, { clientId: first.clientId }), 'a client id is used once per sender');
      await assert.rejects(post(c, b.id, 7), 'a seq is used once per conversation');
      const latest = await storage.reader.messagesBefore(c, null, 3);
      assert.deepEqual(
        latest.map((m) => m.seq),
        [5, 6, 7],
      );
      const older = await storage.reader.messagesBefore(c, 5, 3);
      assert.deepEqual(
        older.map((m) => m.seq),
        [2, 3, 4],
      );
      assert.deepEqual(
        (await storage.reader.messagesBefore(c, 2, 3)).map((m) => m.seq),
        [1],
      );
      assert.equal((await storage.reader.conversationById(c))?.lastSeq, 7);
      // b has read up to 2: unread are a's messages 3, 5, 7
      assert.equal(await storage.reader.unreadCount(c, b.id, 2), 2 + 0 + 1);
      await write((tx) => tx.updateMessage((sent[4] as MessageRecord).id, null, null, 9999, [12, 57]));
      assert.equal(await storage.reader.unreadCount(c, b.id, 2), 2, 'deleted messages are not unread');
      const deleted = await storage.reader.messageById((sent[4] as MessageRecord).id);
      assert.equal(deleted?.text, null);
      assert.equal(deleted?.deletedAt, 9999);
      assert.deepEqual(deleted?.eventPositions, [12, 57]);
      await write((tx) => tx.updateMessage(first.id, 'edited', 123, null, []));
      assert.equal((await storage.reader.messageById(first.id))?.editedAt, 123);
      const byIds = await storage.reader.messagesByIds([first.id, (sent[1] as MessageRecord).id]);
      assert.equal(byIds.length, 2);
    });

    it('finds the replies to a message, and rewrites events still in the log', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      await addUsers(a);
      const c = await conversation([a.id]);
      const original = message(c, a.id, 1, { eventPositions: [3] });
      const reply = message(c, a.id, 2, { replyToId: original.id, eventPositions: [4, 9] });
      const other = message(c, a.id, 3);
      await write(async (tx) => {
        for (const m of [original, reply, other]) await tx.insertMessage(m);
      });
      assert.deepEqual(await storage.reader.messagesReplyingTo(original.id), [reply]);
      assert.deepEqual(await storage.reader.messagesReplyingTo(other.id), []);
      const [p1, p2] = await write(async (tx) => [
        await tx.appendEvent({ conversationId: c, userId: null, type: 'x', payload: '{"v":1}', createdAt: 1 }),
        await tx.appendEvent({ conversationId: c, userId: null, type: 'x', payload: '{"v":2}', createdAt: 1 }),
      ]);
      await write((tx) => tx.rewriteEvent(p1 as number, '{"v":"erased"}'));
      const back = await storage.reader.eventsAt([p2 as number, p1 as number, 999_999_999]);
      assert.deepEqual(
        back.map((e) => [e.pos, e.payload]),
        [
          [p1, '{"v":"erased"}'],
          [p2, '{"v":2}'],
        ],
      );
      assert.deepEqual(await storage.reader.eventsAt([]), []);
    });

    it('appends events in increasing pos and serves each person only what they may see', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      const b = user();
      const outsider = user();
      await addUsers(a, b, outsider);
      const start = await storage.reader.headPosition();
      const c = await conversation([a.id]);
      const m1 = await post(c, a.id, 1);
      // b joins after message 1
      const joined = await write(async (tx) => {
        await tx.upsertMember(member(c, b.id));
        const pos = await tx.appendEvent({
          conversationId: null,
          userId: b.id,
          type: 'conversation.joined',
          payload: '{}',
          createdAt: 1,
        });
        await tx.openPeriod(c, b.id, pos, 0);
        return pos;
      });
      const m2 = await post(c, a.id, 2);
      // b is removed: the removal event is the last b sees
      const removed = await write(async (tx) => {
        await tx.deactivateMember(c, b.id, true);
        const pos = await tx.appendEvent({
          conversationId: c,
          userId: null,
          type: 'member.removed',
          payload: '{}',
          createdAt: 1,
        });
        await tx.closePeriod(c, b.id, pos);
        return pos;
      });
      const m3 = await post(c, a.id, 3);
      const own = await write((tx) =>
        tx.appendEvent({ conversationId: null, userId: b.id, type: 'session.revoked', payload: '{}', createdAt: 1 }),
      );
      assert.ok(
        m1.pos > start && joined > m1.pos && m2.pos > joined && removed > m2.pos && m3.pos > removed && own > m3.pos,
      );
      assert.equal(await storage.reader.headPosition(), own);

      const head = own;
      const posOf = async (userId: string, cursor = start, limit = 100) =>
        (await storage.reader.eventsFor(userId, cursor, limit, head)).events.map((e) => e.pos);
      assert.deepEqual(await posOf(b.id), [joined, m2.pos, removed, own]);
      assert.deepEqual(await posOf(b.id, m2.pos), [removed, own], 'after a cursor');
      assert.deepEqual(await posOf(b.id, start, 2), [joined, m2.pos], 'limit');
      assert.ok((await posOf(a.id)).includes(m3.pos));
      assert.ok(!(await posOf(a.id)).includes(own), "another's account events are theirs alone");
      assert.deepEqual(await posOf(outsider.id), []);
      const {
        events: [e],
        through,
      } = await storage.reader.eventsFor(b.id, m2.pos, 1, head);
      assert.equal(e?.type, 'member.removed');
      assert.equal(e?.conversationId, c);
      assert.equal(e?.payload, '{}');
      assert.equal(through, removed, 'a full page is complete up to its last event');
      assert.deepEqual(await storage.reader.eventsFor(outsider.id, start, 100, head), { events: [], through: head });
      // Up to the head given, not beyond (events committed later belong to a later page).
      assert.deepEqual(
        (await storage.reader.eventsFor(b.id, start, 100, m2.pos)).events.map((x) => x.pos),
        [joined, m2.pos],
      );
    });

    it("pages through one person's events among many others', completely and in order", async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      const b = user();
      const c = user();
      await addUsers(a, b, c);
      const mine = await conversation([a.id, b.id]);
      const theirs = await conversation([c.id]);
      const start = await storage.reader.headPosition();
      const expected: number[] = [];
      let seq = { mine: 0, theirs: 0 };
      // A busy conversation of others, with a's events sprinkled in: quiet stretches and dense ones.
      await write(async (tx) => {
        for (let i = 0; i < 3000; i++) {
          const forA = i % 97 === 0 || (i > 2000 && i < 2100);
          const conv = forA ? mine : theirs;
          const n = forA ? ++seq.mine : ++seq.theirs;
          const pos = await tx.appendEvent({
            conversationId: conv,
            userId: null,
            type: 'message.created',
            payload: `{"n":${n}}`,
            createdAt: 1,
          });
          if (forA) expected.push(pos);
        }
      });
      seq = { mine: 0, theirs: 0 };
      const head = await storage.reader.headPosition();
      const got: number[] = [];
      let cursor = start;
      let pages = 0;
      while (cursor < head) {
        const page = await storage.reader.eventsFor(a.id, cursor, 50, head);
        assert.ok(page.through > cursor, 'every page makes progress');
        assert.ok(page.events.every((e) => e.pos > cursor && e.pos <= page.through));
        got.push(...page.events.map((e) => e.pos));
        cursor = page.through;
        pages++;
      }
      assert.deepEqual(got, expected);
      assert.ok(pages <= 10, `${pages} pages for ${expected.length} events`);
    });

    it("hides the events of messages a member may not read (history 'joined'), until history is 'full'", async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      const late = user();
      await addUsers(a, late);
      const c = await conversation([a.id]);
      const at = await write(async (tx) => {
        const pos = await tx.appendEvent({
          conversationId: c,
          userId: null,
          type: 'joined',
          payload: '{}',
          createdAt: 1,
        });
        await tx.openPeriod(c, late.id, pos, 2); // joined when the conversation's last seq was 2
        return pos;
      });
      const ev = (messageSeq: number | null) =>
        write((tx) =>
          tx.appendEvent({ conversationId: c, userId: null, type: 'x', payload: '{}', createdAt: 1, messageSeq }),
        );
      const editOf1 = await ev(1);
      const editOf2 = await ev(2);
      const editOf3 = await ev(3);
      const other = await ev(null);
      const head = await storage.reader.headPosition();
      const seen = async () => (await storage.reader.eventsFor(late.id, at - 1, 100, head)).events.map((e) => e.pos);
      assert.deepEqual(await seen(), [at, editOf3, other], 'not the events of messages 1 and 2');
      assert.deepEqual(
        (await storage.reader.eventsFor(a.id, at - 1, 100, head)).events.map((e) => e.pos),
        [at, editOf1, editOf2, editOf3, other],
        'a member from the start sees them all',
      );
      await write((tx) => tx.setConversationHistory(c, 'full'));
      assert.deepEqual(await seen(), [at, editOf1, editOf2, editOf3, other], "under 'full', everything");
    });

    it('trims the oldest events and raises the floor', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      await addUsers(a);
      const c = await conversation([a.id]);
      assert.equal(await storage.reader.logFloor(), 0);
      const old = await write(async (tx) => {
        const out: number[] = [];
        for (let i = 0; i < 5; i++)
          out.push(
            await tx.appendEvent({ conversationId: c, userId: null, type: 'x', payload: '{}', createdAt: 100 + i }),
          );
        return out;
      });
      const recent = await write((tx) =>
        tx.appendEvent({ conversationId: c, userId: null, type: 'x', payload: '{}', createdAt: Date.now() }),
      );
      // Everything older than a minute (what earlier tests wrote too), at most 2 rows at a time.
      const cutoff = Date.now() - 60_000;
      assert.equal(await write((tx) => tx.trimLog(cutoff, 2)), 2, 'at most maxRows');
      let deleted = 2;
      for (;;) {
        const n = await write((tx) => tx.trimLog(cutoff, 2));
        if (n === 0) break;
        deleted += n;
      }
      assert.ok(deleted >= old.length);
      assert.equal(await storage.reader.logFloor(), old[4], 'the floor is the last position deleted');
      assert.deepEqual(
        (await storage.reader.eventsAt([...old, recent])).map((e) => e.pos),
        [recent],
        'the recent event stays',
      );
      assert.equal(await write((tx) => tx.trimLog(cutoff, 100)), 0);
    });

    it('answers the conversation list and its cursor from one snapshot', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      const b = user();
      await addUsers(a, b);
      const older = await conversation([a.id, b.id]);
      const newer = await conversation([a.id, b.id]);
      await post(older, b.id, 1);
      await post(newer, b.id, 1);
      await post(newer, b.id, 2);
      await write((tx) => tx.advanceWatermarks(newer, a.id, 1, 1));
      const list = await storage.reader.conversationList(a.id);
      assert.equal(list.cursor, await storage.reader.headPosition());
      assert.deepEqual(
        list.items.map((i) => i.conversation.id),
        [newer, older],
      );
      const first = list.items[0];
      assert.equal(first?.unread, 1);
      assert.equal(first?.lastMessage?.seq, 2);
      assert.equal(first?.members.length, 2);
      assert.deepEqual((await storage.reader.conversationList('nobody')).items, []);
    });

    it('rolls a failed transaction back entirely', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      const b = user();
      await assert.rejects(
        write(async (tx) => {
          await tx.insertUser(a);
          assert.ok(await tx.userById(a.id), 'reads inside the transaction see its writes');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await storage.reader.userById(a.id), null);
      await assert.rejects(
        write(async (tx) => {
          await tx.insertUser(b);
          await tx.insertUser({ ...b, id: uid('dup') }); // same username: fails
        }),
      );
      assert.equal(await storage.reader.userById(b.id), null, 'the first insert went too');
      await write((tx) => tx.insertUser(b));
      assert.ok(await storage.reader.userById(b.id), 'the writer works on');
    });

    it('does not show uncommitted writes to the reader', async (t) => {
      if (skip) return t.skip(skip);
      const a = user();
      let seenInside: UserRecord | null = null;
      await write(async (tx) => {
        await tx.insertUser(a);
        seenInside = await storage.reader.userById(a.id);
      });
      assert.equal(seenInside, null);
      assert.ok(await storage.reader.userById(a.id));
    });

    transactionContract({ storage: () => storage, skip: () => skip, uid });

    it('keeps everything across a reopen', async (t) => {
      if (skip) return t.skip(skip);
      if (!reopen) return t.skip('in-memory');
      const a = user();
      await addUsers(a);
      const head = await storage.reader.headPosition();
      await storage.close();
      storage = await reopen();
      await storage.migrate();
      assert.deepEqual(await storage.reader.userById(a.id), a);
      assert.equal(await storage.reader.headPosition(), head);
    });
  });
}
