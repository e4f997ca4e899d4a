import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AppResponse } from '../../../protocol/api.ts';
import type { AppView, WebhookView } from '../../../protocol/views.ts';
import { appIds, forgetApp, removeAppPage, setAppDetail, setApps, setAppWebhook, upsertApp } from './apps.ts';
import { stateWith } from './fixtures.test-helpers.ts';
import { signedOut } from './local.ts';

const app = (id: string, createdAt: string, name = `App ${id}`): AppView => ({ id, name, createdAt });
const shop = app('a-shop', '2024-01-02T00:00:00.000Z', 'Shop bot');
const news = app('a-news', '2024-01-01T00:00:00.000Z', 'News bot');
const webhook: WebhookView = {
  url: 'https://bot.example/hook',
  fields: ['messages'],
  verified: true,
  verifiedAt: '2024-01-03T00:00:00.000Z',
};
const detail = (over: Partial<AppResponse> = {}): AppResponse => ({
  app: shop,
  webhook: null,
  pages: [{ pageId: 'p1', connectedAt: '2024-01-04T00:00:00.000Z' }],
  ...over,
});

describe('my apps', () => {
  test('null until loaded, then oldest first; the same answer again changes nothing', () => {
    const s0 = stateWith([]);
    assert.equal(s0.apps, null);
    assert.equal(appIds(s0), null);
    assert.equal(upsertApp(s0, shop), s0, 'nothing is kept before the list is read');
    assert.equal(setAppDetail(s0, detail()), s0);
    const s1 = setApps(s0, [news, shop]);
    assert.deepEqual(appIds(s1), ['a-news', 'a-shop']);
    assert.equal(setApps(s1, [news, shop]), s1);
    assert.deepEqual(appIds(setApps(s0, [])), []);
  });

  test('an app made after the list was read joins it; its detail, once read, survives a new list', () => {
    const s1 = setApps(stateWith([]), [news]);
    const s2 = upsertApp(s1, shop);
    assert.deepEqual(appIds(s2), ['a-news', 'a-shop']);
    assert.equal(s2.apps?.['a-shop']?.detail, null, 'its detail is not read yet');
    const s3 = setAppDetail(s2, detail());
    assert.deepEqual(s3.apps?.['a-shop']?.detail, { webhook: null, pages: detail().pages });
    assert.equal(s3.apps?.['a-news'], s2.apps?.['a-news'], 'another app keeps its object');
    assert.equal(setAppDetail(s3, detail()), s3, 'the same detail again changes nothing');
    const s4 = setApps(s3, [news, shop]);
    assert.equal(s4, s3, 'read again: unchanged');
    const renamed = setApps(s3, [news, { ...shop, name: 'Shop bot 2' }]);
    assert.equal(renamed.apps?.['a-shop']?.app.name, 'Shop bot 2');
    assert.deepEqual(renamed.apps?.['a-shop']?.detail, s3.apps?.['a-shop']?.detail, 'the detail is kept');
    assert.equal(upsertApp(s3, { ...shop }), s3, 'a rotation answers the same app: nothing changes');
    // An app gone from the list is gone with its detail.
    assert.deepEqual(appIds(setApps(s3, [news])), ['a-news']);
  });

  test('the webhook set or removed, a page revoked: in the detail only', () => {
    const s1 = setAppDetail(setApps(stateWith([]), [shop]), detail());
    const s2 = setAppWebhook(s1, 'a-shop', webhook);
    assert.deepEqual(s2.apps?.['a-shop']?.detail?.webhook, webhook);
    assert.equal(setAppWebhook(s2, 'a-shop', { ...webhook }), s2);
    const s3 = setAppWebhook(s2, 'a-shop', null);
    assert.equal(s3.apps?.['a-shop']?.detail?.webhook, null);
    assert.equal(setAppWebhook(s1, 'a-unknown', webhook), s1);
    const noDetail = setApps(stateWith([]), [shop]);
    assert.equal(setAppWebhook(noDetail, 'a-shop', webhook), noDetail, 'no detail read: nothing to change');
    const s4 = removeAppPage(s3, 'a-shop', 'p1');
    assert.deepEqual(s4.apps?.['a-shop']?.detail?.pages, []);
    assert.equal(removeAppPage(s4, 'a-shop', 'p1'), s4, 'twice: nothing more');
    assert.equal(removeAppPage(s4, 'a-unknown', 'p1'), s4);
  });

  test('an app the server no longer shows me is forgotten; signing out forgets them all', () => {
    const s1 = setApps(stateWith([]), [news, shop]);
    const s2 = forgetApp(s1, 'a-shop');
    assert.deepEqual(appIds(s2), ['a-news']);
    assert.equal(forgetApp(s2, 'a-shop'), s2);
    assert.equal(signedOut(s1).apps, null);
  });
});
