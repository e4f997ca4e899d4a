/**
 * Account control (issue 9): change password (optionally signing out the other devices), delete one's
 * account (re-authenticated; sessions, devices and profile erased, messages kept from "Deleted account",
 * the log's old copies of the profile rewritten), the profile photo through the media pipeline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ServerFrame } from '../../protocol/frames.ts';
import type { ConversationView, MessageView, SelfView, UserView } from '../../protocol/views.ts';
import { createGroup, HttpClient, type Person, SocketClient, signUp, startDirect } from '../../test/helpers/client.ts';
import { readMedia, uploaded } from '../../test/helpers/media.ts';
import { graphSend, pageWithApp, say } from '../../test/helpers/platform.ts';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { stillImage, wav } from '../media/fixtures.ts';

type Err = { error: { id: string; message: string; details?: Record<string, unknown> } };

const NEW_PASSWORD = 'violet lantern orchard 42';

const del = (p: Person, body: unknown) => p.http.request<Err>('DELETE', '/api/me', body);
const changePassword = (p: Person, body: unknown) => p.http.post<Err>('/api/me/password', body);

/** Another browser of the same person: a second session. */
async function secondDevice(s: TestServer, p: Person): Promise<HttpClient> {
  const http = new HttpClient(s.url);
  const r = await http.post('/api/auth/signin', { username: p.user.username, password: p.password });
  assert.equal(r.status, 200);
  return http;
}

function sqlite(s: TestServer) {
  return new Database(s.config.database.kind === 'sqlite' ? s.config.database.path : '', { readonly: true });
}

describe('account control', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ RATE_SIGNIN_FAILURES: '50', RATE_CATCHUP_EVENTS_PER_SECOND: '1000000' });
  });
  after(() => s.close());

  describe('change password', () => {
    it('refuses a wrong current password, a weak or short new one, and bad bodies; nothing changes', async () => {
      const p = await signUp(s.url);
      const cases: [unknown, number, string][] = [
        [{ currentPassword: 'not my password', newPassword: NEW_PASSWORD }, 403, 'wrong_password'],
        [{ currentPassword: p.password, newPassword: 'password1234' }, 400, 'weak_password'],
        [{ currentPassword: p.password, newPassword: 'short' }, 400, 'weak_password'],
        [{ currentPassword: p.password, newPassword: `${p.user.username}2024` }, 400, 'weak_password'],
        [{ currentPassword: p.password }, 400, 'bad_request'],
        [{ currentPassword: p.password, newPassword: NEW_PASSWORD, signOutOtherDevices: 'yes' }, 400, 'bad_request'],
        [{ currentPassword: p.password, newPassword: 'x'.repeat(300) }, 400, 'bad_request'],
      ];
      for (const [body, status, id] of cases) {
        const r = await changePassword(p, body);
        assert.deepEqual([r.status, r.body.error.id], [status, id], JSON.stringify(body));
      }
      const short = await changePassword(p, { currentPassword: p.password, newPassword: 'short' });
      assert.equal(short.body.error.details?.reason, 'tooShort', 'the reason is named');
      // Nothing changed: the old password still signs in.
      await secondDevice(s, p);
    });

    it('changes it: the new one signs in, the old one no longer; other devices stay signed in by default', async () => {
      const p = await signUp(s.url);
      const other = await secondDevice(s, p);
      const r = await changePassword(p, { currentPassword: p.password, newPassword: NEW_PASSWORD });
      assert.equal(r.status, 204);
      assert.equal((await other.get('/api/me')).status, 200, 'the other device is still signed in');
      const old = await new HttpClient(s.url).post<Err>('/api/auth/signin', {
        username: p.user.username,
        password: p.password,
      });
      assert.deepEqual([old.status, old.body.error.id], [401, 'invalid_credentials']);
      const fresh = await new HttpClient(s.url).post('/api/auth/signin', {
        username: p.user.username,
        password: NEW_PASSWORD,
      });
      assert.equal(fresh.status, 200);
      const db = sqlite(s);
      const row = db.prepare('SELECT password_hash FROM users WHERE id = ?').get(p.user.id) as {
        password_hash: string;
      };
      db.close();
      assert.match(row.password_hash, /^\$argon2id\$/);
      // The same request again: the current password is now the new one.
      const again = await changePassword(p, { currentPassword: p.password, newPassword: 'another fine passphrase 7' });
      assert.deepEqual([again.status, again.body.error.id], [403, 'wrong_password']);
    });

    it('with signOutOtherDevices, every other session ends and its sockets close; this one stays', async () => {
      const p = await signUp(s.url);
      const other = await secondDevice(s, p);
      const third = await secondDevice(s, p);
      const socket = await SocketClient.connect(s.wsUrl, other.cookie);
      socket.send({ type: 'hello', cursor: null });
      await socket.next((f: ServerFrame) => f.type === 'ready');
      const mine = await SocketClient.connect(s.wsUrl, p.http.cookie);
      mine.send({ type: 'hello', cursor: null });
      await mine.next((f: ServerFrame) => f.type === 'ready');
      const r = await changePassword(p, {
        currentPassword: p.password,
        newPassword: NEW_PASSWORD,
        signOutOtherDevices: true,
      });
      assert.equal(r.status, 204);
      const closed = await socket.waitClose();
      assert.equal(closed.code, 4001, 'the other device’s socket is closed');
      for (const device of [other, third]) {
        const me = await device.get<Err>('/api/me');
        assert.deepEqual([me.status, me.body.error.id], [401, 'session_expired']);
      }
      assert.equal((await p.http.get('/api/me')).status, 200, 'this device stays signed in');
      assert.equal(mine.closed, null, 'this device’s socket stays open');
      mine.close();
      const sessions = await p.http.get<{ sessions: { current: boolean }[] }>('/api/sessions');
      assert.deepEqual(
        sessions.body.sessions.map((x) => x.current),
        [true],
      );
    });
  });

  describe('profile photo', () => {
    let ana: Person;
    let ben: Person;
    let conv: ConversationView;
    before(async () => {
      ana = await signUp(s.url);
      ben = await signUp(s.url);
      conv = await startDirect(ana, ben);
    });

    it('claims an image upload as the photo: everyone who shares a conversation sees it live, anyone signed in reads it', async () => {
      const watcher = await SocketClient.live(s.wsUrl, ben);
      const photo = await uploaded(s.url, ana, await stillImage('jpeg', 1200, 900), { name: 'me.jpg' });
      const r = await ana.http.put<{ user: SelfView }>('/api/me/avatar', { mediaId: photo.id });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.user.avatar, {
        id: photo.id,
        url: `/api/media/${photo.id}`,
        thumbnailUrl: `/api/media/${photo.id}/thumbnail`,
      });
      const seen = await watcher.next(
        (f: ServerFrame) => f.type === 'event' && f.event.type === 'user.updated' && f.event.user.id === ana.user.id,
      );
      assert.ok(seen.type === 'event' && seen.event.type === 'user.updated');
      assert.equal(seen.event.type === 'user.updated' && seen.event.user.avatar?.id, photo.id);
      watcher.close();
      // In the conversation as presented, and in people search.
      const c = await ben.http.get<{ conversation: ConversationView }>(`/api/conversations/${conv.id}`);
      assert.equal(c.body.conversation.members.find((m) => m.user.id === ana.user.id)?.user.avatar?.id, photo.id);
      // Readable by ben (a conversation shared), by a stranger signed in (search finds ana by username), by nobody else.
      const stranger = await signUp(s.url);
      const found = await stranger.http.get<{ users: UserView[] }>(`/api/users?q=${ana.user.username}`);
      assert.equal(found.body.users[0]?.avatar?.id, photo.id);
      for (const who of [ben, stranger]) {
        const thumb = await readMedia(s.url, `/api/media/${photo.id}/thumbnail`, who);
        assert.equal(thumb.status, 200);
        assert.match(thumb.headers.get('content-type') ?? '', /^image\//);
      }
      assert.equal((await readMedia(s.url, `/api/media/${photo.id}/thumbnail`, null)).status, 401);
      // It survives the sweeper of unsent uploads, however old.
      await s.comptoir.media.sweeper.run(Date.now() + 1000 * 3_600_000);
      assert.equal((await readMedia(s.url, `/api/media/${photo.id}`, ben)).status, 200);
      // It is never a message's attachment.
      const send = await ana.http.post<Err>(`/api/conversations/${conv.id}/messages`, {
        clientId: `photo-${Date.now()}`,
        text: 'look',
        attachmentIds: [photo.id],
      });
      assert.deepEqual([send.status, send.body.error.id], [404, 'media_not_found']);
    });

    it('refuses what is not the person’s own image, and a deleted or sent upload', async () => {
      const bens = await uploaded(s.url, ben, await stillImage('png', 64, 64), { name: 'b.png' });
      const sound = await uploaded(s.url, ana, wav(300), { name: 'a.wav' });
      const sent = await uploaded(s.url, ana, await stillImage('png', 64, 64), { name: 's.png' });
      await ana.http.post(`/api/conversations/${conv.id}/messages`, {
        clientId: `sent-${Date.now()}`,
        text: '',
        attachmentIds: [sent.id],
      });
      const cases: [unknown, number, string][] = [
        [{ mediaId: bens.id }, 404, 'media_not_found'],
        [{ mediaId: 'nonexistent' }, 404, 'media_not_found'],
        [{ mediaId: sent.id }, 404, 'media_not_found'],
        [{ mediaId: sound.id }, 415, 'media_type_mismatch'],
        [{}, 400, 'bad_request'],
        [{ mediaId: '' }, 400, 'bad_request'],
      ];
      for (const [body, status, id] of cases) {
        const r = await ana.http.put<Err>('/api/me/avatar', body);
        assert.deepEqual([r.status, r.body.error.id], [status, id], JSON.stringify(body));
      }
    });

    it('replacing the photo deletes the old one; removing it deletes it too', async () => {
      const first = await uploaded(s.url, ana, await stillImage('png', 300, 300), { name: '1.png' });
      const second = await uploaded(s.url, ana, await stillImage('webp', 300, 200), { name: '2.webp' });
      assert.equal((await ana.http.put('/api/me/avatar', { mediaId: first.id })).status, 200);
      const r = await ana.http.put<{ user: SelfView }>('/api/me/avatar', { mediaId: second.id });
      assert.equal(r.body.user.avatar?.id, second.id);
      assert.equal((await readMedia(s.url, `/api/media/${first.id}`, ana)).status, 404, 'the old photo is deleted');
      const removed = await ana.http.delete<{ user: SelfView }>('/api/me/avatar');
      assert.equal(removed.status, 200);
      assert.equal(removed.body.user.avatar, undefined);
      assert.equal((await readMedia(s.url, `/api/media/${second.id}`, ana)).status, 404);
      const me = await ana.http.get<{ user: SelfView }>('/api/me');
      assert.equal(me.body.user.avatar, undefined);
    });
  });

  describe('delete account', () => {
    it('refuses a wrong password and a missing one; nothing is deleted', async () => {
      const p = await signUp(s.url);
      const wrong = await del(p, { password: 'not my password' });
      assert.deepEqual([wrong.status, wrong.body.error.id], [403, 'wrong_password']);
      const missing = await del(p, {});
      assert.deepEqual([missing.status, missing.body.error.id], [400, 'bad_request']);
      assert.equal((await p.http.get('/api/me')).status, 200);
    });

    it('deleting an account twice (two requests racing, or an operator after the person) is a clear error', async () => {
      const p = await signUp(s.url);
      const flow = s.comptoir.flows.accountDeletion;
      const [first, second] = await Promise.allSettled([flow.delete(p.user.id), flow.delete(p.user.id)]);
      assert.equal(first.status, 'fulfilled');
      assert.equal(second.status === 'rejected' && (second.reason as { id: string }).id, 'account_deleted');
      await assert.rejects(flow.delete(p.user.id), { id: 'account_deleted' });
      await assert.rejects(flow.delete('nobody'), { id: 'user_not_found' });
      const me = await p.http.get<Err>('/api/me');
      assert.deepEqual([me.status, me.body.error.id], [401, 'session_expired']);
    });

    it('refuses the last admin of a page, naming it; once someone else is admin, their membership goes', async () => {
      const owner = await signUp(s.url);
      const { pageId, appId, token } = await pageWithApp(owner.http, 'Boulangerie Martin');
      const r = await del(owner, { password: owner.password });
      assert.deepEqual([r.status, r.body.error.id], [409, 'last_page_admin']);
      const page = await s.comptoir.storage.reader.pages.pageById(pageId);
      assert.deepEqual(r.body.error.details?.page, {
        id: pageId,
        username: page?.username,
        name: 'Boulangerie Martin',
      });
      assert.match(r.body.error.message, /Boulangerie Martin/);
      assert.equal((await owner.http.get('/api/me')).status, 200, 'nothing deleted');
      const refusedToken = (r: Awaited<ReturnType<typeof graphSend>>) => r.body.error?.code === 190;
      assert.ok(!refusedToken(await graphSend(s, token, { recipient: { id: 'x' }, message: { text: 'hi' } })));

      const heir = await signUp(s.url);
      const added = await owner.http.post(`/api/pages/${pageId}/members`, {
        username: heir.user.username,
        role: 'admin',
      });
      assert.equal(added.status, 200);
      assert.equal((await del(owner, { password: owner.password })).status, 204);
      const members = await heir.http.get<{ members: { user: UserView }[] }>(`/api/pages/${pageId}/members`);
      assert.deepEqual(
        members.body.members.map((m) => m.user.id),
        [heir.user.id],
      );
      // Their app stopped: its page token is refused, its webhook gone.
      const graph = await graphSend(s, token, { recipient: { id: 'x' }, message: { text: 'hi' } });
      assert.ok(refusedToken(graph), 'the page token is refused (190)');
      assert.equal(await s.comptoir.storage.reader.apps.webhookOf(appId), null);
      assert.deepEqual(await s.comptoir.storage.reader.apps.activePageTokensOf(appId), []);
    });

    it('erases the person, keeps their messages from "Deleted account", and tells everyone', async () => {
      const NAME = 'Zéphyrine Quatremaine';
      const zoe = await signUp(s.url);
      assert.equal((await zoe.http.patch('/api/me', { displayName: NAME })).status, 200);
      const ben = await signUp(s.url);
      const cleo = await signUp(s.url);
      const direct = await startDirect(zoe, ben);
      const group = await createGroup(ben, 'Randonnée', [zoe, cleo]);
      const sent = await say(zoe, direct.id, 'a message that stays');
      await say(zoe, group.id, 'in the group too');
      const photo = await uploaded(s.url, zoe, await stillImage('png', 200, 200), { name: 'z.png' });
      await zoe.http.put('/api/me/avatar', { mediaId: photo.id });
      const otherDevice = await secondDevice(s, zoe);
      const zoeSocket = await SocketClient.live(s.wsUrl, zoe);
      const benSocket = await SocketClient.live(s.wsUrl, ben);
      const cleoSocket = await SocketClient.live(s.wsUrl, cleo);

      const r = await del(zoe, { password: zoe.password });
      assert.equal(r.status, 204);
      assert.equal(zoe.http.cookie, null, 'the session and device cookies are cleared');

      // Sessions revoked, sockets closed.
      assert.equal((await zoeSocket.waitClose()).code, 4001);
      for (const http of [otherDevice]) {
        const me = await http.get<Err>('/api/me');
        assert.deepEqual([me.status, me.body.error.id], [401, 'session_expired']);
      }
      // Deleting twice with an old session: a clear answer, never a 500.
      const twice = await otherDevice.request<Err>('DELETE', '/api/me', { password: zoe.password });
      assert.deepEqual([twice.status, twice.body.error.id], [401, 'session_expired']);
      // Sign-in fails exactly like a wrong password.
      const signin = await new HttpClient(s.url).post<Err>('/api/auth/signin', {
        username: zoe.user.username,
        password: zoe.password,
      });
      const unknown = await new HttpClient(s.url).post<Err>('/api/auth/signin', {
        username: 'nobody-at-all',
        password: zoe.password,
      });
      assert.deepEqual([signin.status, signin.body], [401, unknown.body]);

      // Everyone who shares a conversation is told, live: "Deleted account".
      for (const socket of [benSocket, cleoSocket]) {
        const f = await socket.next(
          (x: ServerFrame) => x.type === 'event' && x.event.type === 'user.updated' && x.event.user.id === zoe.user.id,
        );
        assert.ok(f.type === 'event' && f.event.type === 'user.updated');
        if (f.type === 'event' && f.event.type === 'user.updated') {
          assert.deepEqual(f.event.user, { id: zoe.user.id, username: '', displayName: '', deleted: true });
        }
      }
      const left = await cleoSocket.next(
        (x: ServerFrame) => x.type === 'event' && x.event.type === 'member.removed' && x.event.userId === zoe.user.id,
      );
      assert.ok(left.type === 'event' && left.event.type === 'member.removed' && left.event.reason === 'left');
      benSocket.close();
      cleoSocket.close();

      // Messages remain; the direct conversation stays for ben, read-only.
      const history = await ben.http.get<{ messages: MessageView[] }>(`/api/conversations/${direct.id}/messages`);
      assert.equal(history.body.messages.find((m) => m.id === sent.body.message.id)?.text, 'a message that stays');
      const c = await ben.http.get<{ conversation: ConversationView }>(`/api/conversations/${direct.id}`);
      assert.deepEqual(c.body.conversation.members.find((m) => m.user.id === zoe.user.id)?.user, {
        id: zoe.user.id,
        username: '',
        displayName: '',
        deleted: true,
      });
      const reply = await say(ben, direct.id, 'are you there?');
      assert.deepEqual([reply.status, (reply.body as unknown as Err).error.id], [410, 'account_deleted']);
      const g = await cleo.http.get<{ conversation: ConversationView }>(`/api/conversations/${group.id}`);
      assert.ok(!g.body.conversation.members.some((m) => m.user.id === zoe.user.id), 'out of the group');
      const again = await cleo.http.post<Err>('/api/conversations/direct', { userId: zoe.user.id });
      assert.deepEqual([again.status, again.body.error.id], [410, 'account_deleted']);
      const add = await ben.http.post<Err>(`/api/conversations/${group.id}/members`, { userIds: [zoe.user.id] });
      assert.deepEqual([add.status, add.body.error.id], [410, 'account_deleted']);
      const search = await cleo.http.get<{ users: UserView[] }>(`/api/users?q=${zoe.user.username}`);
      assert.deepEqual(search.body.users, []);

      // The photo is deleted; the username is free again.
      assert.equal((await readMedia(s.url, `/api/media/${photo.id}`, ben)).status, 404);
      const reuse = await new HttpClient(s.url).post('/api/auth/signup', {
        username: zoe.user.username,
        password: 'an entirely new person here',
      });
      assert.equal(reuse.status, 201);

      // The row is a tombstone, the devices are gone.
      const db = sqlite(s);
      const row = db.prepare('SELECT * FROM users WHERE id = ?').get(zoe.user.id) as Record<string, unknown>;
      const devices = db.prepare('SELECT count(*) AS n FROM devices WHERE user_id = ?').get(zoe.user.id) as {
        n: number;
      };
      const live = db
        .prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL')
        .get(zoe.user.id) as { n: number };
      db.close();
      assert.equal(row.display_name, '');
      assert.equal(row.display_name_folded, '');
      assert.equal(row.password_hash, '');
      assert.equal(row.avatar_media_id, null);
      assert.equal(row.username, `~deleted~${zoe.user.id}`);
      assert.equal(typeof row.deleted_at, 'number');
      assert.equal(devices.n, 0);
      assert.equal(live.n, 0);

      // Nothing of the name anywhere a member can read: the APIs, the log over HTTP, a socket replay from 0.
      for (const p of [ben, cleo]) {
        const parts: unknown[] = [];
        for (const path of [
          '/api/conversations',
          `/api/conversations/${direct.id}`,
          `/api/conversations/${group.id}/messages?limit=100`,
          '/api/events?after=0&limit=1000',
        ]) {
          const answer = await p.http.get(path);
          if (answer.status === 200) parts.push(answer.body);
        }
        const replay = await SocketClient.connect(s.wsUrl, p.http.cookie);
        replay.send({ type: 'hello', cursor: 0 });
        await replay.next((f: ServerFrame) => f.type === 'ready');
        parts.push(replay.frames);
        replay.close();
        const all = JSON.stringify(parts);
        assert.ok(all.includes(zoe.user.id), 'the tombstone is there');
        assert.ok(!all.includes(NAME), `${p.user.username} still reads the deleted name`);
        assert.ok(!all.includes(`"${zoe.user.username}"`), 'nor the old username');
      }
    });
  });
});

describe('account control: the sign-in limits guard the current password', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ RATE_SIGNIN_FAILURES: '3' });
  });
  after(() => s.close());

  it('wrong passwords to change or delete are counted like sign-in failures, then refused', async () => {
    const p = await signUp(s.url);
    for (let i = 0; i < 3; i++) {
      const r = await changePassword(p, { currentPassword: `wrong guess ${i}`, newPassword: NEW_PASSWORD });
      assert.equal(r.body.error.id, 'wrong_password');
    }
    const limited = await del(p, { password: p.password });
    assert.deepEqual([limited.status, limited.body.error.id], [429, 'rate_limited']);
    const signin = await new HttpClient(s.url).post<Err>('/api/auth/signin', {
      username: p.user.username,
      password: p.password,
    });
    assert.equal(signin.body.error.id, 'rate_limited', 'the same buckets as signing in');
    assert.equal((await p.http.get('/api/me')).status, 200, 'the account is still there');
  });
});
