import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PageProfileResponse } from '../../protocol/api.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type Person, signUp } from '../../test/helpers/client.ts';
import { type GraphAnswer, graphCall, pageWithApp } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';

/**
 * The Messenger Profile API as a bot calls it: `GET|POST|DELETE me/messenger_profile` (and
 * `/{page-id}/messenger_profile`, with or without a version) with a page access token; each field set,
 * read back and deleted; every bad body refused with a Graph error naming the field; the people's app
 * reading the page's greeting, Get Started and menu.
 */
for (const backend of backends) {
  describe(`the Messenger Profile API (${backend.name})`, () => {
    let s: TestServer;
    let owner: Person;
    let customer: Person;
    let page: Awaited<ReturnType<typeof pageWithApp>>;
    let other: Awaited<ReturnType<typeof pageWithApp>>;
    let skip: string | false = false;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000' });
      [owner, customer] = await Promise.all([signUp(s.url), signUp(s.url)]);
      page = await pageWithApp(owner.http, 'Épicerie');
      other = await pageWithApp(owner.http, 'Autre');
    });
    after(async () => {
      if (skip) return;
      await s.close();
    });

    const path = '/v19.0/me/messenger_profile';
    const get = (fields: string, token = page.token, at = path) =>
      graphCall<{ data: Record<string, unknown>[] }>(s.url, 'GET', at, token, undefined, { fields });
    const post = (body: unknown, token = page.token, at = path) => graphCall(s.url, 'POST', at, token, body);
    const del = (body: unknown, token = page.token, at = path) => graphCall(s.url, 'DELETE', at, token, body);
    const ok = (a: GraphAnswer) => {
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.deepEqual(a.body, { result: 'success' });
    };
    const refused = (a: GraphAnswer, code: number, field?: string) => {
      assert.ok(a.status >= 400 && a.status < 500, `status ${a.status}: ${JSON.stringify(a.body)}`);
      assert.equal(a.body.error?.code, code, JSON.stringify(a.body));
      assert.equal(a.body.error?.type, 'OAuthException');
      assert.equal(typeof a.body.error?.fbtrace_id, 'string');
      if (field !== undefined)
        assert.match(a.body.error?.message ?? '', new RegExp(`^\\(#100\\) param ${escaped(field)}:`));
    };
    const escaped = (f: string) => f.replace(/[[\]]/g, '\\$&');

    it('sets, reads and deletes each field; GET answers only the fields asked and set', async (t) => {
      if (skip) return t.skip(skip);
      assert.deepEqual((await get('get_started,greeting,persistent_menu,whitelisted_domains')).body, { data: [] });
      ok(await post({ get_started: { payload: 'GET_STARTED' } }));
      assert.deepEqual((await get('get_started')).body, { data: [{ get_started: { payload: 'GET_STARTED' } }] });
      const greeting = [
        { locale: 'default', text: 'Bonjour {{user_first_name}} ! Que puis-je pour vous ?' },
        { locale: 'en_US', text: 'Hello {{user_first_name}}!' },
      ];
      ok(await post({ greeting }));
      const menu = [
        {
          locale: 'default',
          composer_input_disabled: false,
          call_to_actions: [
            { type: 'postback', title: 'Mes commandes', payload: 'MY_ORDERS' },
            { type: 'web_url', title: 'Le site', url: 'https://example.org/', webview_height_ratio: 'full' },
          ],
        },
      ];
      ok(await post({ persistent_menu: menu, whitelisted_domains: ['https://example.org', 'https://shop.example'] }));
      assert.deepEqual((await get('greeting,persistent_menu')).body, { data: [{ greeting, persistent_menu: menu }] });
      assert.deepEqual((await get('whitelisted_domains')).body, {
        data: [{ whitelisted_domains: ['https://example.org', 'https://shop.example'] }],
      });
      // composer_input_disabled defaults to false; a field set again is replaced whole.
      ok(
        await post({
          persistent_menu: [
            { locale: 'default', call_to_actions: [{ type: 'postback', title: 'Aide', payload: 'HELP' }] },
          ],
        }),
      );
      assert.deepEqual((await get('persistent_menu')).body.data[0], {
        persistent_menu: [
          {
            locale: 'default',
            composer_input_disabled: false,
            call_to_actions: [{ type: 'postback', title: 'Aide', payload: 'HELP' }],
          },
        ],
      });
      // Messenger fields Comptoir does not serve are left out of a GET and ignored by a DELETE.
      assert.deepEqual(Object.keys((await get('get_started,ice_breakers')).body.data[0] ?? {}), ['get_started']);
      ok(await del({ fields: ['whitelisted_domains', 'greeting', 'home_url'] }));
      assert.deepEqual((await get('greeting,whitelisted_domains')).body, { data: [] });
      ok(await del({ fields: ['persistent_menu', 'get_started'] }));
      assert.deepEqual((await get('get_started,persistent_menu')).body, { data: [] });
    });

    it('answers on every path a client uses: with or without a version, /{page-id}/, a Bearer token, form bodies', async (t) => {
      if (skip) return t.skip(skip);
      ok(await post({ get_started: { payload: 'A' } }, page.token, '/me/messenger_profile'));
      ok(await post({ get_started: { payload: 'B' } }, page.token, `/v6.0/${page.pageId}/messenger_profile`));
      assert.deepEqual((await get('get_started', page.token, `/${page.pageId}/messenger_profile`)).body, {
        data: [{ get_started: { payload: 'B' } }],
      });
      const bearer = await fetch(`${s.url}/v2.9/me/messenger_profile?fields=get_started`, {
        headers: { authorization: `Bearer ${page.token}` },
      });
      assert.deepEqual(await bearer.json(), { data: [{ get_started: { payload: 'B' } }] });
      const form = await fetch(`${s.url}/me/messenger_profile?access_token=${page.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ get_started: JSON.stringify({ payload: 'C' }) }).toString(),
      });
      assert.equal(form.status, 200, await form.clone().text());
      const proof = createHmac('sha256', page.secret).update(page.token).digest('hex');
      assert.deepEqual((await get('get_started', page.token, path)).body, {
        data: [{ get_started: { payload: 'C' } }],
      });
      const proven = await graphCall(s.url, 'GET', path, page.token, undefined, {
        fields: 'get_started',
        appsecret_proof: proof,
      });
      assert.equal(proven.status, 200);
      refused(
        await graphCall(s.url, 'GET', path, page.token, undefined, { fields: 'get_started', appsecret_proof: '00' }),
        100,
      );
      // The DELETE's fields may come in the query too.
      const q = await graphCall(s.url, 'DELETE', path, page.token, undefined, { fields: 'get_started' });
      ok(q);
      assert.deepEqual((await get('get_started')).body, { data: [] });
      refused(await graphCall(s.url, 'GET', '/v1/me/messenger_profile', page.token), 100);
    });

    it('a page’s profile is its own: another page’s token, a revoked or missing token are refused (190)', async (t) => {
      if (skip) return t.skip(skip);
      ok(await post({ get_started: { payload: 'MINE' } }));
      ok(await post({ get_started: { payload: 'OTHER' } }, other.token));
      assert.deepEqual((await get('get_started')).body.data, [{ get_started: { payload: 'MINE' } }]);
      assert.deepEqual((await get('get_started', other.token)).body.data, [{ get_started: { payload: 'OTHER' } }]);
      refused(
        await post({ get_started: { payload: 'X' } }, other.token, `/v19.0/${page.pageId}/messenger_profile`),
        190,
      );
      refused(await get('get_started', other.token, `/${page.pageId}/messenger_profile`), 190);
      refused(await del({ fields: ['get_started'] }, other.token, `/${page.pageId}/messenger_profile`), 190);
      refused(await get('get_started', null as unknown as string), 190);
      refused(await get('get_started', 'cpt_nope'), 190);
      // Revoked: the token stops working at once, for every method.
      const revocable = await pageWithApp(owner.http, 'Révoquée');
      ok(await post({ get_started: { payload: 'R' } }, revocable.token));
      const r = await owner.http.delete(`/api/apps/${revocable.appId}/pages/${revocable.pageId}`);
      assert.equal(r.status, 204);
      refused(await get('get_started', revocable.token), 190);
      refused(await post({ get_started: { payload: 'R2' } }, revocable.token), 190);
      refused(await del({ fields: ['get_started'] }, revocable.token), 190);
      assert.deepEqual(await s.comptoir.profiles.get(revocable.pageId), { getStarted: { payload: 'R' } });
      assert.deepEqual((await get('get_started')).body.data, [{ get_started: { payload: 'MINE' } }], 'untouched');
    });

    it('refuses bad bodies with code 100 naming the field, and stores nothing of them', async (t) => {
      if (skip) return t.skip(skip);
      ok(await del({ fields: ['persistent_menu', 'get_started', 'greeting', 'whitelisted_domains'] }));
      const long = (n: number) => 'x'.repeat(n);
      const item = { type: 'postback', title: 'Aide', payload: 'HELP' };
      const menu = (over: Record<string, unknown> = {}) => ({ locale: 'default', call_to_actions: [item], ...over });
      const cases: [unknown, string][] = [
        [{}, 'body'],
        [[], 'body'],
        [{ get_started: { payload: '' } }, 'get_started[payload]'],
        [{ get_started: { payload: long(1001) } }, 'get_started[payload]'],
        [{ get_started: {} }, 'get_started[payload]'],
        [{ get_started: 'START' }, 'get_started'],
        [{ greeting: [] }, 'greeting'],
        [{ greeting: [{ locale: 'fr_FR', text: 'Bonjour' }] }, 'greeting'],
        [{ greeting: [{ locale: 'default', text: long(161) }] }, 'greeting[0][text]'],
        [{ greeting: [{ locale: 'default', text: '' }] }, 'greeting[0][text]'],
        [{ greeting: [{ locale: 'Default', text: 'x' }] }, 'greeting[0][locale]'],
        [
          {
            greeting: [
              { locale: 'default', text: 'a' },
              { locale: 'default', text: 'b' },
            ],
          },
          'greeting[1][locale]',
        ],
        [{ greeting: 'Bonjour' }, 'greeting'],
        [{ get_started: { payload: 'S' }, persistent_menu: [] }, 'persistent_menu'],
        [{ get_started: { payload: 'S' }, persistent_menu: [menu({ locale: 'en_US' })] }, 'persistent_menu'],
        [
          { get_started: { payload: 'S' }, persistent_menu: [menu({ call_to_actions: [] })] },
          'persistent_menu[0][call_to_actions]',
        ],
        [
          { get_started: { payload: 'S' }, persistent_menu: [menu({ call_to_actions: Array(21).fill(item) })] },
          'persistent_menu[0][call_to_actions]',
        ],
        [
          {
            get_started: { payload: 'S' },
            persistent_menu: [menu({ call_to_actions: [{ ...item, title: long(31) }] })],
          },
          'persistent_menu[0][call_to_actions][0][title]',
        ],
        [
          {
            get_started: { payload: 'S' },
            persistent_menu: [menu({ call_to_actions: [{ ...item, payload: long(1001) }] })],
          },
          'persistent_menu[0][call_to_actions][0][payload]',
        ],
        [
          {
            get_started: { payload: 'S' },
            persistent_menu: [
              menu({ call_to_actions: [item, { type: 'nested', title: 'More', call_to_actions: [item] }] }),
            ],
          },
          'persistent_menu[0][call_to_actions][1][type]',
        ],
        [
          {
            get_started: { payload: 'S' },
            persistent_menu: [
              menu({ call_to_actions: [{ type: 'web_url', title: 'Site', url: 'javascript:alert(1)' }] }),
            ],
          },
          'persistent_menu[0][call_to_actions][0][url]',
        ],
        [
          { get_started: { payload: 'S' }, persistent_menu: [menu({ composer_input_disabled: 'yes' })] },
          'persistent_menu[0][composer_input_disabled]',
        ],
        [{ persistent_menu: [menu()] }, 'persistent_menu'],
        [{ whitelisted_domains: ['http://example.org'] }, 'whitelisted_domains[0]'],
        [{ whitelisted_domains: ['not a url'] }, 'whitelisted_domains[0]'],
        [{ whitelisted_domains: Array(51).fill('https://example.org') }, 'whitelisted_domains'],
        [{ whitelisted_domains: [] }, 'whitelisted_domains'],
        [{ ice_breakers: [{ question: 'Hi?', payload: 'HI' }] }, 'ice_breakers'],
        [{ favourite_colour: 'blue' }, 'favourite_colour'],
        [{ get_started: { payload: 'S' }, home_url: { url: 'https://example.org' } }, 'home_url'],
      ];
      for (const [body, field] of cases) {
        const a = await post(body);
        assert.ok(a.status === 400, `${JSON.stringify(body).slice(0, 200)} → ${a.status} ${JSON.stringify(a.body)}`);
        refused(a, 100, field);
      }
      assert.deepEqual(await s.comptoir.profiles.get(page.pageId), {}, 'nothing stored');
      // GET and DELETE name their `fields`.
      refused(await graphCall(s.url, 'GET', path, page.token), 100, 'fields');
      refused(await get('colour'), 100, 'fields');
      refused(await del({}), 100, 'fields');
      refused(await del({ fields: [42] }), 100, 'fields');
      refused(await del({ fields: ['nope'] }), 100, 'fields');
      // A persistent menu needs Get Started: it is set first, and deleted last.
      ok(await post({ get_started: { payload: 'S' }, persistent_menu: [menu()] }));
      refused(await del({ fields: ['get_started'] }), 100, 'fields');
      ok(await del({ fields: ['get_started', 'persistent_menu'] }));
    });

    it('the people’s app reads a page’s greeting, Get Started and menu, whatever page it is; not its domains', async (t) => {
      if (skip) return t.skip(skip);
      const empty = await customer.http.get<PageProfileResponse>(`/api/pages/${other.pageId}/profile`);
      ok(await del({ fields: ['get_started'] }, other.token));
      const none = await customer.http.get<PageProfileResponse>(`/api/pages/${other.pageId}/profile`);
      assert.equal(empty.status, 200);
      assert.deepEqual(none.body, { profile: { getStarted: null, greeting: null, persistentMenu: null } });
      ok(
        await post({
          get_started: { payload: 'GO' },
          greeting: [{ locale: 'default', text: 'Bonjour {{user_first_name}}' }],
          persistent_menu: [
            {
              locale: 'default',
              composer_input_disabled: true,
              call_to_actions: [{ type: 'web_url', title: 'Le site', url: 'https://example.org/' }],
            },
          ],
          whitelisted_domains: ['https://example.org'],
        }),
      );
      const seen = await customer.http.get<PageProfileResponse>(`/api/pages/${page.pageId}/profile`);
      assert.equal(seen.status, 200);
      assert.deepEqual(seen.body, {
        profile: {
          getStarted: { payload: 'GO' },
          greeting: [{ locale: 'default', text: 'Bonjour {{user_first_name}}' }],
          persistentMenu: [
            {
              locale: 'default',
              composerInputDisabled: true,
              callToActions: [{ type: 'web_url', title: 'Le site', url: 'https://example.org/' }],
            },
          ],
        },
      });
      const missing = await customer.http.get(`/api/pages/${customer.user.id}/profile`);
      assert.equal(missing.status, 404);
      assert.equal((missing.body as { error: { id: string } }).error.id, 'page_not_found');
      const anonymous = await fetch(`${s.url}/api/pages/${page.pageId}/profile`);
      assert.equal(anonymous.status, 401);
    });
  });
}
