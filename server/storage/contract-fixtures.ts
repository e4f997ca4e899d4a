import type { UserRecord } from '../accounts/store.ts';
import type { MemberRecord, MessageRecord } from '../messaging/store.ts';
import type { Storage, Tx } from './types.ts';

/** What the parts of the storage contract need of the suite they run in (contract.ts). */
export interface ContractContext {
  storage(): Storage;
  skip(): string | false;
  uid(prefix: string): string;
}

/** Small factories the parts share: records, and rows written through a transaction. */
export function fixtures(ctx: ContractContext) {
  const uid = ctx.uid;
  const write = <T>(fn: (tx: Tx) => Promise<T>) => ctx.storage().transaction(fn);
  const user = (over: Partial<UserRecord> = {}): UserRecord => {
    const id = uid('u');
    return {
      id,
      username: `user_${id}`,
      displayName: `User ${id}`,
      kind: 'person',
      passwordHash: 'h',
      createdAt: 1000,
      ...over,
    };
  };
  const addUsers = async (...users: UserRecord[]) =>
    write(async (tx) => {
      for (const u of users) await tx.accounts.insertUser(u);
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
    content: null,
    eventPositions: [],
    ...over,
  });
  /** A conversation with members, each with a period opened by a joined event. */
  const conversation = async (members: string[], kind: 'direct' | 'group' = 'group') => {
    const id = uid('c');
    await write(async (tx) => {
      await tx.messaging.insertConversation({
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
        await tx.messaging.upsertMember(member(id, m));
        const pos = await tx.events.appendEvent({
          conversationId: null,
          userId: m,
          type: 'conversation.joined',
          payload: `{"c":"${id}"}`,
          createdAt: 10,
        });
        await tx.events.openPeriod(id, m, pos, 0);
      }
    });
    return id;
  };
  const post = async (conversationId: string, senderId: string, seq: number, over: Partial<MessageRecord> = {}) => {
    const m = message(conversationId, senderId, seq, over);
    const pos = await write(async (tx) => {
      await tx.messaging.insertMessage(m);
      await tx.messaging.bumpConversation(conversationId, seq, m.createdAt);
      return tx.events.appendEvent({
        conversationId,
        userId: null,
        type: 'message.created',
        payload: JSON.stringify({ seq }),
        createdAt: m.createdAt,
      });
    });
    return { message: m, pos };
  };
  return { write, user, addUsers, member, message, conversation, post };
}
