import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DomainEvent } from '../../protocol/events.ts';
import type { MessageView } from '../../protocol/views.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, signUp, startDirect } from '../../test/helpers/client.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import type { AppError } from '../errors.ts';

/**
 * Jobs submitted in the same turn of the event loop run in one batch, one transaction: what one job
 * wrote, the next one sees — even where the backend holds the writes to send them together (PostgreSQL).
 */
for (const backend of backends) {
  describe(`messages sent in one batch (${backend.name})`, () => {
    let s: TestServer;
    let ana: Person;
    let ben: Person;
    let eve: Person;
    let skip: string | false = false;
    let n = 0;
    const cid = () => `batch-${Date.now().toString(36)}-${++n}`;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_MESSAGES_BURST: '500' });
      ana = await signUp(s.url);
      ben = await signUp(s.url);
      eve = await signUp(s.url);
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    const logOf = async (p: Person, cursor: number) =>
      (await s.comptoir.feed.feed(p.user.id, cursor, 1000)).events.map((e) => e.event);
    const history = async (p: Person, conversationId: string) =>
      (await s.comptoir.messages.history(p.user.id, conversationId, undefined, 100)).messages;

    it('answers a retry in the same batch with the original message: one row, one event', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ana, ben);
      const head = await s.comptoir.feed.head();
      let clientId = cid();
      const send = () => s.comptoir.messages.send(ana.user.id, { conversationId: conv.id, clientId, text: 'once' });
      // The three in one batch: a background write (the webhook planner saving its position now and then)
      // may commit a batch of its own meanwhile, which the count cannot tell apart: then again, anew.
      let sent: Awaited<ReturnType<typeof send>>[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        if (attempt > 0) clientId = cid();
        const batches = s.comptoir.committer.stats.batches;
        sent = await Promise.all([send(), send(), send()]);
        if (s.comptoir.committer.stats.batches - batches === 1) break;
        sent = [];
      }
      assert.equal(sent.length, 3, 'one batch');
      const [first, retry, again] = sent as [(typeof sent)[number], (typeof sent)[number], (typeof sent)[number]];
      assert.equal(first.created, true);
      assert.equal(retry.created, false);
      assert.equal(retry.pos, null);
      assert.equal(again.created, false);
      assert.deepEqual(retry.message, first.message);
      assert.deepEqual(again.message, first.message);
      // One row and one event per client id (an attempt that shared its batch with another is one too).
      const rows = (await history(ana, conv.id)).map((m: MessageView) => m.id);
      assert.ok(rows.includes(first.message.id));
      assert.equal(new Set(rows).size, rows.length);
      const created = (await logOf(ana, head)).filter((e: DomainEvent) => e.type === 'message.created');
      assert.equal(created.length, rows.length, 'one event per message');
      // And in a later batch, read back from the database.
      const later = await send();
      assert.equal(later.created, false);
      assert.deepEqual(later.message, first.message);
    });

    it('refuses a client id used in another conversation earlier in the same batch', async (t) => {
      if (skip) return t.skip(skip);
      const withBen = await startDirect(ana, ben);
      const withEve = await startDirect(ana, eve);
      const clientId = cid();
      const outcomes = await Promise.allSettled([
        s.comptoir.messages.send(ana.user.id, { conversationId: withBen.id, clientId, text: 'to ben' }),
        s.comptoir.messages.send(ana.user.id, { conversationId: withEve.id, clientId, text: 'to eve' }),
        s.comptoir.messages.send(ana.user.id, { conversationId: withEve.id, clientId: cid(), text: 'fine' }),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal(outcomes[1].status === 'rejected' && (outcomes[1].reason as AppError).id, 'client_id_conflict');
      assert.deepEqual(
        (await history(eve, withEve.id)).map((m) => m.text),
        ['fine'],
      );
    });

    it('numbers a batch of messages of one conversation without gaps, and moves the watermarks once', async (t) => {
      if (skip) return t.skip(skip);
      const conv = await startDirect(ben, eve);
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.comptoir.messages.send(i % 2 ? ben.user.id : eve.user.id, {
            conversationId: conv.id,
            clientId: cid(),
            text: `m${i}`,
          }),
        ),
      );
      assert.deepEqual(
        sent.map((r) => r.message.seq),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const view = await s.comptoir.conversations.get(ben.user.id, conv.id);
      assert.equal(view.lastMessage?.seq, 20);
      const me = view.members.find((m) => m.user.id === ben.user.id);
      assert.equal(me?.readSeq, 20, "ben's watermark: his last message");
      assert.equal(view.members.find((m) => m.user.id === eve.user.id)?.readSeq, 19);
    });

    it('applies receipts in the batch of the messages they follow, each change once', async (t) => {
      if (skip) return t.skip(skip);
      const zoe = await signUp(s.url);
      const conv = await startDirect(eve, zoe);
      const head = await s.comptoir.feed.head();
      const m = s.comptoir.messages;
      await Promise.all([
        m.send(eve.user.id, { conversationId: conv.id, clientId: cid(), text: 'one' }),
        m.send(eve.user.id, { conversationId: conv.id, clientId: cid(), text: 'two' }),
        m.receipt(zoe.user.id, conv.id, 2, 1),
        m.receipt(zoe.user.id, conv.id, 2, 1), // the same again: nothing changes
        m.receipt(zoe.user.id, conv.id, 1, 0), // backwards: nothing changes
        m.receipt(zoe.user.id, conv.id, 2, 2),
      ]);
      const receipts = (await logOf(zoe, head)).filter((e) => e.type === 'receipt.updated');
      assert.deepEqual(
        receipts.map((e) => e.type === 'receipt.updated' && [e.deliveredSeq, e.readSeq]),
        [
          [2, 1],
          [2, 2],
        ],
      );
      const view = await s.comptoir.conversations.get(zoe.user.id, conv.id);
      const me = view.members.find((x) => x.user.id === zoe.user.id);
      assert.deepEqual([me?.deliveredSeq, me?.readSeq], [2, 2]);
      assert.equal(view.unread, 0);
    });
  });
}
