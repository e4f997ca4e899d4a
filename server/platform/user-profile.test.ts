import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { HttpClient, type Person, signUp } from '../../test/helpers/client.ts';
import { assertGraphError, connectApp, graphCall, makeApp, makePage, writeToPage } from '../../test/helpers/graph.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { splitName } from './graph-profile.ts';

describe('a display name as first and last names', () => {
  it('splits at the first white space; a one-word name has an empty last name', () => {
    assert.deepEqual(splitName('Jean-Luc Picard'), { first: 'Jean-Luc', last: 'Picard' });
    assert.deepEqual(splitName('  Marie de La Tour '), { first: 'Marie', last: 'de La Tour' });
    assert.deepEqual(splitName('Zoë'), { first: 'Zoë', last: '' });
    assert.deepEqual(splitName('Ana\tMaría  López'), { first: 'Ana', last: 'María  López' });
  });
});

/** The user profile, as a bot reads it: `GET /{PSID}?fields=…` with a page access token. */
for (const backend of backends) {
  describe(`the user profile (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let customer: Person;
    let pageId: string;
    let otherPageId: string;
    let token: string;
    let otherToken: string;
    let secret: string;
    let psid: string;
    let otherPsid: string;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000' });
      owner = await signUp(s.url);
      customer = await signUp(s.url);
      const renamed = await customer.http.patch('/api/me', { displayName: 'Marie de La Tour' });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      pageId = await makePage(owner, 'Épicerie', `epi${process.pid}p`);
      otherPageId = await makePage(owner, 'Other', `oth${process.pid}p`);
      const app = await makeApp(owner, 'Bot');
      secret = app.secret;
      token = await connectApp(owner, app.id, pageId);
      otherToken = await connectApp(owner, app.id, otherPageId);
      psid = (await writeToPage(s, customer, pageId)).psid;
      const other = await signUp(s.url);
      otherPsid = (await writeToPage(s, other, otherPageId)).psid;
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    const profile = (path: string, fields?: string, t: string | null = token, proof?: string) =>
      graphCall(s.url, 'GET', path, {
        token: t,
        ...(fields !== undefined ? { query: { fields } } : {}),
        ...(proof ? { proof } : {}),
      });

    it('answers the fields asked, id always; names from the display name', async (t) => {
      if (skip) return t.skip(skip);
      const all = await profile(`/v19.0/${psid}`, 'first_name,last_name,name');
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.deepEqual(all.body, { id: psid, first_name: 'Marie', last_name: 'de La Tour', name: 'Marie de La Tour' });
      assert.deepEqual((await profile(`/v6.0/${psid}`, 'first_name')).body, { id: psid, first_name: 'Marie' });
      assert.deepEqual((await profile(`/${psid}`)).body, { id: psid, name: 'Marie de La Tour' }, 'no fields: id, name');
      assert.deepEqual(
        (await profile(`/v2.9/${psid}`, 'id,name,profile_pic,locale,timezone,gender')).body,
        { id: psid, name: 'Marie de La Tour' },
        'what Comptoir does not have is left out',
      );
      const proof = createHmac('sha256', secret).update(token).digest('hex');
      assert.equal((await profile(`/v6.0/${psid}`, 'name', token, proof)).status, 200);
      const bearer = await graphCall(s.url, 'GET', `/v6.0/${psid}`, { token, bearer: true });
      assert.deepEqual(bearer.body, { id: psid, name: 'Marie de La Tour' });
    });

    it('knows only the page’s own PSIDs: another page’s, unknown ids, account ids are no object', async (t) => {
      if (skip) return t.skip(skip);
      const unknown = /Object with ID '\d+' does not exist/;
      const elsewhere = await profile(`/v6.0/${otherPsid}`, 'name');
      assertGraphError(elsewhere, 100, 33, unknown);
      assert.equal(elsewhere.body.error?.type, 'GraphMethodException');
      assertGraphError(await profile(`/v6.0/${psid}`, 'name', otherToken), 100, 33, unknown);
      assertGraphError(await profile('/v6.0/9999999999999999', 'name'), 100, 33, unknown);
      assert.equal((await profile(`/v6.0/${otherPsid}`, 'name', otherToken)).status, 200, 'its own page knows them');
      assertGraphError(await profile(`/v6.0/${customer.user.id}`, 'name'), 100, 33, /does not exist/);
      assertGraphError(await profile(`/v6.0/${pageId}`, 'name'), 100, 33, /does not exist/);
      assertGraphError(await profile(`/v6.0/${customer.user.id}`, 'name', null), 190);
      // Without a version, only digits are a Graph path: the web app's URLs stay its own.
      const web = await new HttpClient(s.url).get(`/${customer.user.id}`);
      assert.deepEqual([web.status, typeof web.body], [200, 'string'], 'the web app answers it');
    });

    it('refuses unknown fields, bad tokens and forged proofs', async (t) => {
      if (skip) return t.skip(skip);
      assertGraphError(await profile(`/v6.0/${psid}`, 'name,email'), 100, undefined, /nonexisting field \(email\)/);
      assertGraphError(await profile(`/v6.0/${psid}`, 'name', null), 190);
      assertGraphError(await profile(`/v6.0/${psid}`, 'name', 'cpt_forged'), 190);
      assertGraphError(
        await profile(`/v6.0/${psid}`, 'name', token, 'ab'.repeat(32)),
        100,
        undefined,
        /appsecret_proof/,
      );
      const app = await makeApp(owner, 'Temp');
      const temp = await connectApp(owner, app.id, pageId);
      assert.equal((await profile(`/v6.0/${psid}`, 'name', temp)).status, 200);
      assert.equal((await owner.http.delete(`/api/apps/${app.id}/pages/${pageId}`)).status, 204);
      assertGraphError(await profile(`/v6.0/${psid}`, 'name', temp), 190, undefined, undefined);
    });
  });
}
