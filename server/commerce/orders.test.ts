import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessagesResponse } from '../../protocol/api.ts';
import {
  applyOrderTracked,
  type OrderResponse,
  type OrderView,
  type ShipmentResponse,
} from '../../protocol/commerce.ts';
import type { ServerFrame } from '../../protocol/frames.ts';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { type HttpAnswer, HttpClient, SocketClient, signUp } from '../../test/helpers/client.ts';
import { orderBody } from '../../test/helpers/orders.ts';
import {
  graphCall,
  graphSend,
  type PageWithCustomer,
  pageWithApp,
  pageWithCustomer,
  say,
} from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';

let n = 0;
type ErrorAnswer = { error: { id: string; message: string; details?: Record<string, unknown> } };

for (const backend of backends) {
  describe(`the Orders API (${backend.name})`, () => {
    let s: TestServer;
    let shop: PageWithCustomer;
    let token: string;
    let otherToken: string;
    let otherPsid: string;
    let skip: string | false = false;
    let api: (
      method: string,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
      as?: string,
    ) => Promise<HttpAnswer<Record<string, unknown>>>;

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1000', RATE_REQUESTS_PER_MINUTE: '100000' });
      shop = await pageWithCustomer(s);
      const app = await pageWithApp(shop.owner.http);
      // pageWithApp makes a page of its own: connect its app to the shop's page too.
      token = (await shop.owner.http.post<{ pageAccessToken: string }>(`/api/apps/${app.appId}/pages/${shop.pageId}`))
        .body.pageAccessToken;
      const other = await pageWithCustomer(s, shop.owner);
      otherPsid = other.psid;
      otherToken = (
        await shop.owner.http.post<{ pageAccessToken: string }>(`/api/apps/${app.appId}/pages/${other.pageId}`)
      ).body.pageAccessToken;
      const anon = new HttpClient(s.url);
      api = (method, path, body, headers = {}, as = token) =>
        anon.request(method, path, body, { authorization: `Bearer ${as}`, ...headers });
    });
    after(async () => {
      if (!skip) await s.close();
    });

    /** A socket of the shop's inbox (the page's people), past its hello. */
    async function inboxSocket() {
      const inbox = await SocketClient.connect(
        `${s.wsUrl}?page=${encodeURIComponent(shop.pageId)}`,
        shop.owner.http.cookie,
      );
      inbox.send({ type: 'hello', cursor: null });
      await inbox.next((f) => f.type === 'ready' || f.type === 'reset');
      return inbox;
    }

    it('creates an order: 201, its view, and its receipt card in the customer’s thread', async (t) => {
      if (skip) return t.skip(skip);
      const body = orderBody(shop.psid);
      const r = await api('POST', '/api/commerce/orders', body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const { order } = r.body as unknown as OrderResponse;
      assert.equal(order.number, body.number);
      assert.equal(order.status, 'placed');
      assert.equal(order.subtotal, 3000);
      assert.equal(order.total, 3430);
      assert.deepEqual(order.customer, { psid: shop.psid });
      assert.equal(order.version, 1);
      assert.equal(order.timeline[0]?.status, 'placed');
      const history = await shop.customer.http.get<MessagesResponse>(
        `/api/conversations/${shop.conversationId}/messages`,
      );
      const card = history.body.messages.at(-1);
      assert.equal(card?.senderId, shop.pageId);
      assert.equal(card?.order?.kind, 'receipt');
      assert.equal(card?.order?.orderId, order.id);
      assert.equal(card?.attachment?.type, 'template');
      // The card's order as it now is, for the customer; nobody else.
      const view = await shop.customer.http.get<OrderResponse>(`/api/orders/${order.id}`);
      assert.equal(view.status, 200);
      assert.equal(view.body.order.number, body.number);
      const stranger = await pageWithCustomer(s);
      assert.equal((await stranger.customer.http.get(`/api/orders/${order.id}`)).status, 404);
      // The event log carries order.updated in the conversation's scope (catch-up).
      const events = await shop.customer.http.get<{ events: { event: { type: string; order?: { id: string } } }[] }>(
        '/api/events?after=0&limit=500',
      );
      assert.ok(
        events.body.events.some((e) => e.event.type === 'order.updated' && e.event.order?.id === order.id),
        'order.updated is in the customer’s feed',
      );
      // By number, with the token in the query too.
      const got = await new HttpClient(s.url).get<OrderResponse>(
        `/api/commerce/orders/${encodeURIComponent(body.number)}?access_token=${encodeURIComponent(token)}`,
      );
      assert.equal(got.status, 200);
      assert.equal(got.body.order.id, order.id);
    });

    it('fills {{order_number}} in the inbox’s canned replies with the customer’s latest order', async (t) => {
      if (skip) return t.skip(skip);
      const reply = async (page: PageWithCustomer) => {
        const inbox = `/api/pages/${page.pageId}/inbox`;
        const made = await page.owner.http.post<{ cannedReply: { id: string } }>(`${inbox}/canned-replies`, {
          shortcut: 'suivi',
          text: 'Votre commande {{order_number}} est partie.',
        });
        assert.equal(made.status, 201, JSON.stringify(made.body));
        return () =>
          page.owner.http.get<{ text: string; missing: string[] }>(
            `${inbox}/threads/${page.conversationId}/canned-replies/${made.body.cannedReply.id}`,
          );
      };
      // A customer without orders: left as written, named as missing.
      const none = await reply(await pageWithCustomer(s, shop.owner));
      assert.deepEqual((await none()).body.missing, ['order_number']);
      const expand = await reply(shop);
      for (let i = 0; i < 2; i++)
        assert.equal((await api('POST', '/api/commerce/orders', orderBody(shop.psid))).status, 201);
      const latest = orderBody(shop.psid);
      assert.equal((await api('POST', '/api/commerce/orders', latest)).status, 201);
      const expanded = await expand();
      assert.equal(expanded.status, 200, JSON.stringify(expanded.body));
      assert.deepEqual(expanded.body, { text: `Votre commande ${latest.number} est partie.`, missing: [] });
    });

    it('creates an order for a checkout’s user_ref, and none for an unknown one or a person who stopped the page’s updates', async (t) => {
      if (skip) return t.skip(skip);
      const shopOrigin = 'https://shop.example';
      const profile = await graphCall(s.url, 'POST', '/v19.0/me/messenger_profile', token, {
        whitelisted_domains: [shopOrigin],
      });
      assert.equal(profile.status, 200, JSON.stringify(profile.body));
      const ana = await signUp(s.url);
      const userRef = `checkout-${process.pid}-${++n}`;
      const optin = await ana.http.post('/api/optins', {
        how: 'checkbox',
        origin: shopOrigin,
        pageId: shop.pageId,
        userRef,
      });
      assert.equal(optin.status, 201, JSON.stringify(optin.body));

      // Ana never wrote to the page: the order opens her thread, and the page now knows her by a PSID.
      const created = await api('POST', '/api/commerce/orders', { ...orderBody('x'), customer: { user_ref: userRef } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { order } = created.body as unknown as OrderResponse;
      const psid = await s.comptoir.storage.reader.pages.psidOf(shop.pageId, ana.user.id);
      assert.ok(psid);
      assert.deepEqual(order.customer, { psid });
      const thread = await s.comptoir.storage.reader.messaging.conversationByDirectKey(
        [ana.user.id, shop.pageId].sort().join(':'),
      );
      assert.ok(thread);
      const history = await ana.http.get<MessagesResponse>(`/api/conversations/${thread.id}/messages`);
      assert.equal(history.status, 200, JSON.stringify(history.body));
      assert.equal(history.body.messages.at(-1)?.order?.orderId, order.id);

      const unknown = await api('POST', '/api/commerce/orders', {
        ...orderBody('x'),
        customer: { user_ref: 'nobody' },
      });
      assert.equal(unknown.status, 404);
      assert.equal((unknown.body as unknown as ErrorAnswer).error.id, 'customer_not_found');
      assert.equal((unknown.body as unknown as ErrorAnswer).error.details?.field, 'customer.user_ref');
      const malformed = await api('POST', '/api/commerce/orders', { ...orderBody('x'), customer: { user_ref: 'a b' } });
      assert.equal(malformed.status, 400);

      // She stops the page's updates: no new order reaches her, by her PSID or her user_ref.
      assert.equal((await ana.http.post(`/api/pages/${shop.pageId}/consent`, { updates: 'stopped' })).status, 200);
      const stopped = await api('POST', '/api/commerce/orders', orderBody(psid));
      assert.equal(stopped.status, 403, JSON.stringify(stopped.body));
      assert.equal((stopped.body as unknown as ErrorAnswer).error.id, 'updates_stopped');
      const viaRef = await api('POST', '/api/commerce/orders', { ...orderBody('x'), customer: { user_ref: userRef } });
      assert.equal(viaRef.status, 404, 'stopping the updates unticked the opt-in');
      const orders = await ana.http.get<MessagesResponse>(`/api/conversations/${thread.id}/messages`);
      assert.equal(orders.body.messages.length, history.body.messages.length, 'nothing more in her thread');
      // Her order still ships and moves, its card in place, but no shipping update is posted to her.
      const path = `/api/commerce/orders/${encodeURIComponent(order.number)}`;
      const shipped = await api('POST', `${path}/shipments`, { carrier: 'DHL', trackingNumber: 'JD9' });
      assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
      const { shipment } = shipped.body as unknown as ShipmentResponse;
      const tracked = await api('POST', `${path}/shipments/${shipment.id}/events`, { status: 'in_transit' });
      assert.equal(tracked.status, 201, JSON.stringify(tracked.body));
      const quiet = await ana.http.get<MessagesResponse>(`/api/conversations/${thread.id}/messages`);
      assert.equal(quiet.body.messages.length, history.body.messages.length, 'no shipping update in her thread');
      assert.equal((await ana.http.get<OrderResponse>(`/api/orders/${order.id}`)).body.order.status, 'shipped');
      // She allows them again: the next event is posted.
      assert.equal((await ana.http.post(`/api/pages/${shop.pageId}/consent`, { updates: 'allowed' })).status, 200);
      await api('POST', `${path}/shipments/${shipment.id}/events`, { status: 'delivered', place: 'Lyon' });
      const again = await ana.http.get<MessagesResponse>(`/api/conversations/${thread.id}/messages`);
      assert.equal(again.body.messages.at(-1)?.order?.update?.place, 'Lyon');
    });

    it('sends order.updated live to the customer and the page’s inbox, and to nobody else', async (t) => {
      if (skip) return t.skip(skip);
      const other = await pageWithCustomer(s, shop.owner); // another page's customer, the same owner
      const customer = await SocketClient.live(s.wsUrl, shop.customer);
      const inbox = await inboxSocket();
      const stranger = await SocketClient.live(s.wsUrl, other.customer);
      const owner = await SocketClient.live(s.wsUrl, shop.owner); // runs the page, but as themselves
      const isOrder = (id: string) => (f: ServerFrame) =>
        f.type === 'event' && f.event.type === 'order.updated' && f.event.order.id === id;
      const body = orderBody(shop.psid);
      const created = (await api('POST', '/api/commerce/orders', body)).body as unknown as OrderResponse;
      const shipped = (
        await api('POST', `/api/commerce/orders/${encodeURIComponent(body.number)}/shipments`, {
          carrier: 'DHL',
          trackingNumber: 'JD01',
        })
      ).body as unknown as ShipmentResponse;
      for (const socket of [customer, inbox]) {
        const first = await socket.next(isOrder(created.order.id));
        assert.equal(first.type === 'event' && first.event.type === 'order.updated' && first.event.order.version, 1);
        await socket.next(
          (f) =>
            isOrder(created.order.id)(f) &&
            f.type === 'event' &&
            f.event.type === 'order.updated' &&
            f.event.order.version === shipped.order.version,
        );
      }
      // A message of the other page's customer after both: once it arrived, nothing of the order did.
      await say(other.customer, other.conversationId, 'ping');
      await stranger.next((f) => f.type === 'event' && f.event.type === 'message.created');
      assert.equal(stranger.frames.filter(isOrder(created.order.id)).length, 0);
      assert.equal(owner.frames.filter(isOrder(created.order.id)).length, 0);
      for (const socket of [customer, inbox, stranger, owner]) socket.ws.close();
    });

    it('sends a tracking event’s change alone, with its shipping update (or as order.tracked when none is posted), bringing the order held to the version answered', async (t) => {
      if (skip) return t.skip(skip);
      const customer = await SocketClient.live(s.wsUrl, shop.customer);
      const inbox = await inboxSocket();
      const body = orderBody(shop.psid);
      const path = `/api/commerce/orders/${encodeURIComponent(body.number)}`;
      await api('POST', '/api/commerce/orders', body);
      // Two shipments: a change moves its own and leaves the other's as it was.
      const first = (
        await api('POST', `${path}/shipments`, {
          carrier: 'DHL',
          trackingNumber: 'T1',
          items: [{ item: 0, quantity: 2 }],
        })
      ).body as unknown as ShipmentResponse;
      const second = (await api('POST', `${path}/shipments`, { carrier: 'UPS', trackingNumber: 'T2' }))
        .body as unknown as ShipmentResponse;
      const consent = (updates: 'stopped' | 'allowed') =>
        shop.customer.http.post(`/api/pages/${shop.pageId}/consent`, { updates });
      const answers: { order: OrderView; posted: boolean }[] = [];
      for (const [shipment, status, place, posted] of [
        [first.shipment.id, 'in_transit', 'Lyon', true],
        [second.shipment.id, 'in_transit', null, true],
        [first.shipment.id, 'delivered', 'Paris', false], // the customer stopped the page's updates
        [second.shipment.id, 'delivered', 'Paris', true], // the order's status moves too: two new lines
      ] as const) {
        if (!posted) assert.equal((await consent('stopped')).status, 200);
        const r = await api('POST', `${path}/shipments/${shipment}/events`, { status, ...(place ? { place } : {}) });
        if (!posted) assert.equal((await consent('allowed')).status, 200);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        answers.push({ order: (r.body as unknown as ShipmentResponse).order, posted });
      }
      /** The order's change a frame carries: with its shipping update, or alone. */
      const changeOf = (f: ServerFrame) => {
        if (f.type !== 'event') return null;
        const c =
          f.event.type === 'message.created'
            ? f.event.orderChange
            : f.event.type === 'order.tracked'
              ? f.event.change
              : null;
        return c?.orderId === second.order.id ? c : null;
      };
      for (const socket of [customer, inbox]) {
        // The order as the shipment's order.updated brought it, then each change applied in turn.
        const shippedFrame = await socket.next(
          (f) =>
            f.type === 'event' && f.event.type === 'order.updated' && f.event.order.version === second.order.version,
        );
        let held =
          shippedFrame.type === 'event' && shippedFrame.event.type === 'order.updated'
            ? shippedFrame.event.order
            : null;
        for (const { order: answer, posted } of answers) {
          const frame = await socket.next((f) => changeOf(f)?.version === answer.version);
          assert.ok(frame.type === 'event');
          // With the shipping update posted in the thread, or alone when none was.
          assert.equal(frame.event.type, posted ? 'message.created' : 'order.tracked');
          if (frame.event.type === 'message.created') assert.equal(frame.event.message.order?.kind, 'tracking');
          const change = changeOf(frame);
          assert.ok(held && change);
          held = applyOrderTracked(held, change);
          assert.deepEqual(held, answer);
        }
        // One event per tracking event: the change rides with its update, never twice.
        assert.equal(socket.frames.filter((f) => changeOf(f) !== null).length, answers.length);
        const last = changeOf(socket.frames.filter((f) => changeOf(f) !== null).at(-1) as ServerFrame);
        assert.deepEqual(
          last?.entries.map((e) => e.kind),
          ['tracking', 'status'],
        );
        // A change is for the version before it only: any other held version is not changed by it.
        assert.ok(last);
        assert.equal(applyOrderTracked(second.order, last), null);
      }
      assert.deepEqual((await api('GET', path)).body, { order: answers.at(-1)?.order });
      // The message of the update carries no order change of its own (it is not part of the message).
      const history = await shop.customer.http.get<MessagesResponse>(
        `/api/conversations/${shop.conversationId}/messages`,
      );
      assert.ok(history.body.messages.every((m) => !JSON.stringify(m).includes('orderChange')));
      for (const socket of [customer, inbox]) socket.ws.close();
    });

    it('answers the same request under the same Idempotency-Key with the first answer, and 409 for another body', async (t) => {
      if (skip) return t.skip(skip);
      const body = orderBody(shop.psid);
      const key = { 'idempotency-key': `k-${process.pid}-${++n}` };
      const first = await api('POST', '/api/commerce/orders', body, key);
      assert.equal(first.status, 201);
      const again = await api('POST', '/api/commerce/orders', { ...body }, key);
      assert.equal(again.status, 201);
      assert.deepEqual(again.body, first.body);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      const history = await shop.customer.http.get<MessagesResponse>(
        `/api/conversations/${shop.conversationId}/messages`,
      );
      const cards = history.body.messages.filter((m) => m.order?.snapshot?.number === body.number);
      assert.equal(cards.length, 1, 'one receipt card, not two');
      const other = await api('POST', '/api/commerce/orders', { ...body, number: `${body.number}-b` }, key);
      assert.equal(other.status, 409);
      assert.equal((other.body as unknown as ErrorAnswer).error.id, 'idempotency_key_reused');
      // A refused request stores nothing under its key: fixed, it goes through.
      const fixKey = { 'idempotency-key': `k-${process.pid}-${++n}` };
      const fixed = orderBody(shop.psid);
      const wrong = await api('POST', '/api/commerce/orders', { ...fixed, total: 1 }, fixKey);
      assert.equal((wrong.body as unknown as ErrorAnswer).error.id, 'totals_mismatch');
      assert.equal((await api('POST', '/api/commerce/orders', fixed, fixKey)).status, 201);
      const badKey = await api('POST', '/api/commerce/orders', orderBody(shop.psid), { 'idempotency-key': 'a b' });
      assert.equal(badKey.status, 400);
      assert.match((badKey.body as unknown as ErrorAnswer).error.message, /Idempotency-Key/);
      // Keys are per page: the same key on another page is another key.
      const elsewhere = await api('POST', '/api/commerce/orders', orderBody(otherPsid), key, otherToken);
      assert.equal(elsewhere.status, 201);
    });

    it('refuses bad input, naming the field, and writes nothing', async (t) => {
      if (skip) return t.skip(skip);
      const refuse = async (body: unknown, status: number, id: string, field: RegExp) => {
        const r = await api('POST', '/api/commerce/orders', body);
        assert.equal(r.status, status, JSON.stringify(r.body));
        const e = (r.body as unknown as ErrorAnswer).error;
        assert.equal(e.id, id);
        assert.match(e.message, field);
        const number = (body as { number: string }).number;
        assert.equal((await api('GET', `/api/commerce/orders/${encodeURIComponent(number)}`)).status, 404);
      };
      await refuse({ ...orderBody(shop.psid), currency: 'XYZ' }, 400, 'unknown_currency', /currency/);
      await refuse({ ...orderBody(shop.psid), currency: 'eur' }, 400, 'bad_request', /currency/);
      await refuse({ ...orderBody(shop.psid), shippingCost: -1 }, 400, 'bad_request', /shippingCost/);
      await refuse({ ...orderBody(shop.psid), total: 34.3 }, 400, 'bad_request', /total/);
      const fractional = orderBody(shop.psid);
      await refuse(
        { ...fractional, items: [{ title: 'x', quantity: 1, unitPrice: 12.5 }] },
        400,
        'bad_request',
        /items\.0\.unitPrice/,
      );
      await refuse({ ...orderBody(shop.psid), total: 3431 }, 400, 'totals_mismatch', /total: 3431 given.*3430/);
      await refuse(orderBody(otherPsid), 404, 'customer_not_found', /customer\.psid/);
      await refuse(orderBody('0000000000000000'), 404, 'customer_not_found', /customer\.psid/);
      const noToken = await new HttpClient(s.url).post('/api/commerce/orders', orderBody(shop.psid));
      assert.equal(noToken.status, 401);
      assert.equal((noToken.body as unknown as ErrorAnswer).error.id, 'invalid_token');
      const badToken = await api('POST', '/api/commerce/orders', orderBody(shop.psid), {}, 'nope');
      assert.equal(badToken.status, 401);
      const body = orderBody(shop.psid);
      assert.equal((await api('POST', '/api/commerce/orders', body)).status, 201);
      const twice = await api('POST', '/api/commerce/orders', body);
      assert.equal(twice.status, 409);
      assert.equal((twice.body as unknown as ErrorAnswer).error.id, 'order_number_taken');
    });

    it('keeps another page’s orders out of reach (404)', async (t) => {
      if (skip) return t.skip(skip);
      const body = orderBody(shop.psid);
      assert.equal((await api('POST', '/api/commerce/orders', body)).status, 201);
      const path = `/api/commerce/orders/${encodeURIComponent(body.number)}`;
      for (const [method, suffix, b] of [
        ['GET', '', undefined],
        ['PATCH', '', { status: 'processing' }],
        ['POST', '/cancel', {}],
        ['POST', '/shipments', { carrier: 'La Poste', trackingNumber: 'X1' }],
      ] as const) {
        const r = await api(method, `${path}${suffix}`, b, {}, otherToken);
        assert.equal(r.status, 404, `${method} ${suffix}`);
        assert.equal((r.body as unknown as ErrorAnswer).error.id, 'order_not_found');
      }
      assert.equal(((await api('GET', path)).body as unknown as OrderResponse).order.status, 'placed');
      assert.equal((await api('GET', '/api/commerce/orders/nope')).status, 404);
    });

    it('ships and tracks: shipping updates in the thread, the order’s status follows, illegal moves refused', async (t) => {
      if (skip) return t.skip(skip);
      const body = orderBody(shop.psid);
      const placed = (await api('POST', '/api/commerce/orders', body)).body as unknown as OrderResponse;
      const path = `/api/commerce/orders/${encodeURIComponent(body.number)}`;
      const processing = await api('PATCH', path, { status: 'processing' });
      assert.equal((processing.body as unknown as OrderResponse).order.status, 'processing');
      const tooMuch = await api('POST', `${path}/shipments`, {
        carrier: 'Colissimo',
        trackingNumber: '6A1',
        items: [{ item: 0, quantity: 3 }],
      });
      assert.equal(tooMuch.status, 400);
      assert.equal((tooMuch.body as unknown as ErrorAnswer).error.id, 'shipment_items_invalid');
      const first = await api('POST', `${path}/shipments`, {
        carrier: 'Colissimo',
        trackingNumber: '6A1',
        trackingUrl: 'https://example.com/t/6A1',
        items: [{ item: 0, quantity: 2 }],
      });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const s1 = first.body as unknown as ShipmentResponse;
      assert.equal(s1.order.status, 'partially_shipped');
      assert.equal(s1.shipment.status, 'label_created');
      // Not before anything is shipped any more: no cancel, no price change.
      const cancel = await api('POST', `${path}/cancel`, {});
      assert.equal(cancel.status, 409);
      assert.match((cancel.body as unknown as ErrorAnswer).error.message, /cancelled only before anything is shipped/);
      const reprice = await api('PATCH', path, { shippingCost: 0, total: 2940 });
      assert.equal((reprice.body as unknown as ErrorAnswer).error.id, 'order_not_editable');
      const second = (await api('POST', `${path}/shipments`, { carrier: 'Colissimo', trackingNumber: '6A2' }))
        .body as unknown as ShipmentResponse;
      assert.deepEqual(second.shipment.items, [{ item: 1, quantity: 1 }]);
      assert.equal(second.order.status, 'shipped');
      const events = (id: string) => `${path}/shipments/${id}/events`;
      const moved = await api('POST', events(s1.shipment.id), { status: 'in_transit', place: 'Lyon' });
      assert.equal(moved.status, 201);
      const delivered = [
        await api('POST', events(s1.shipment.id), { status: 'delivered', place: 'Paris' }),
        await api('POST', events(second.shipment.id), { status: 'out_for_delivery', place: 'Paris' }),
        await api('POST', events(second.shipment.id), { status: 'delivered', place: 'Paris' }),
      ].map((r) => r.body as unknown as ShipmentResponse);
      assert.equal(delivered[0]?.order.status, 'shipped');
      assert.equal(delivered[2]?.order.status, 'delivered');
      const back = await api('POST', events(s1.shipment.id), { status: 'in_transit' });
      assert.equal(back.status, 409);
      const e = (back.body as unknown as ErrorAnswer).error;
      assert.equal(e.id, 'invalid_transition');
      assert.match(e.message, /delivered → in_transit/);
      assert.equal((await api('POST', events('nope'), { status: 'in_transit' })).status, 404);
      const returned = await api('PATCH', path, { status: 'returned' });
      assert.equal((returned.body as unknown as OrderResponse).order.status, 'returned');
      const view = (await api('GET', path)).body as unknown as OrderResponse;
      assert.equal(view.order.id, placed.order.id);
      assert.equal(view.order.shipments.length, 2);
      assert.deepEqual(
        view.order.shipments[0]?.events.map((x) => [x.status, x.place]),
        [
          ['label_created', null],
          ['in_transit', 'Lyon'],
          ['delivered', 'Paris'],
        ],
      );
      // Each shipment and tracking event is a message of the page in the same thread.
      const history = await shop.customer.http.get<MessagesResponse>(
        `/api/conversations/${shop.conversationId}/messages?limit=100`,
      );
      const updates = history.body.messages.filter((m) => m.order?.orderId === placed.order.id);
      assert.deepEqual(
        updates.map((m) => m.order?.kind),
        ['receipt', 'shipment', 'shipment', 'tracking', 'tracking', 'tracking', 'tracking'],
      );
      assert.ok(updates.every((m) => m.senderId === shop.pageId && m.conversationId === shop.conversationId));
      // Made by the server, never retried by a client: no client id stored (nor indexed).
      assert.deepEqual(
        updates.map((m) => m.clientId),
        updates.map(() => null),
      );
      // The receipt carries the order as placed; an update only what it announces, not the order again.
      assert.equal(updates[0]?.order?.snapshot?.version, 1);
      assert.equal(updates[0]?.order?.update, null);
      assert.ok(updates.slice(1).every((m) => m.order?.snapshot === null));
      assert.deepEqual(updates[1]?.order?.update && { ...updates[1].order.update, at: 'at' }, {
        number: body.number,
        carrier: 'Colissimo',
        trackingNumber: '6A1',
        trackingUrl: 'https://example.com/t/6A1',
        place: null,
        description: null,
        at: 'at',
      });
      assert.deepEqual(
        updates.slice(3).map((m) => [m.order?.status, m.order?.update?.trackingNumber, m.order?.update?.place]),
        [
          ['in_transit', '6A1', 'Lyon'],
          ['delivered', '6A1', 'Paris'],
          ['out_for_delivery', '6A2', 'Paris'],
          ['delivered', '6A2', 'Paris'],
        ],
      );
    });

    it('cancels before shipping; a cancelled order takes no shipment', async (t) => {
      if (skip) return t.skip(skip);
      const body = orderBody(shop.psid);
      await api('POST', '/api/commerce/orders', body);
      const path = `/api/commerce/orders/${encodeURIComponent(body.number)}`;
      const cancelled = await api('POST', `${path}/cancel`, { reason: 'Out of stock' });
      assert.equal(cancelled.status, 200);
      assert.equal((cancelled.body as unknown as OrderResponse).order.status, 'cancelled');
      const ship = await api('POST', `${path}/shipments`, { carrier: 'UPS', trackingNumber: '1Z' });
      assert.equal(ship.status, 409);
      assert.equal((ship.body as unknown as ErrorAnswer).error.id, 'invalid_transition');
      const again = await api('PATCH', path, { status: 'processing' });
      assert.equal(again.status, 409);
    });

    it('never lets a new total fall below what was refunded (refund_exceeds_total naming total)', async (t) => {
      if (skip) return t.skip(skip);
      const body = orderBody(shop.psid);
      await api('POST', '/api/commerce/orders', body);
      const path = `/api/commerce/orders/${encodeURIComponent(body.number)}`;
      assert.equal((await api('POST', `${path}/refunds`, { amount: 3000, reason: 'Goodwill' })).status, 201);
      const before = (await api('GET', path)).body as unknown as OrderResponse;
      // 2 × 12.50 + 5.00 − 3.00 + 2.40 with no shipping: 29.40, below the 30.00 refunded.
      const lower = await api('PATCH', path, { shippingCost: 0, total: 2940 });
      assert.equal(lower.status, 400, JSON.stringify(lower.body));
      const e = (lower.body as unknown as ErrorAnswer).error;
      assert.equal(e.id, 'refund_exceeds_total');
      assert.match(e.message, /^total: 2940 is less than the 3000 already refunded/);
      assert.deepEqual(e.details, { field: 'total', total: 2940, refunded: 3000 });
      const after = (await api('GET', path)).body as unknown as OrderResponse;
      assert.deepEqual(after.order, before.order, 'nothing written');
      // At the refunded sum exactly, it holds.
      const equal = await api('PATCH', path, { shippingCost: 60, total: 3000 });
      assert.equal(equal.status, 200, JSON.stringify(equal.body));
    });

    it('bounds an order: 50 shipments, 200 tracking events a shipment (order_limit)', async (t) => {
      if (skip) return t.skip(skip);
      const number = `LIM-${process.pid}-${++n}`;
      const placed = await api('POST', '/api/commerce/orders', {
        number,
        customer: { psid: shop.psid },
        currency: 'EUR',
        items: [{ title: 'Vis', quantity: 60, unitPrice: 10 }],
        total: 600,
      });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const path = `/api/commerce/orders/${number}`;
      const parcel = { carrier: 'La Poste', trackingNumber: 'LP', items: [{ item: 0, quantity: 1 }] };
      let first = '';
      for (let i = 0; i < 50; i++) {
        const r = await api('POST', `${path}/shipments`, parcel);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        first ||= (r.body as unknown as ShipmentResponse).shipment.id;
      }
      const over = await api('POST', `${path}/shipments`, parcel);
      assert.equal(over.status, 409, JSON.stringify(over.body));
      assert.equal((over.body as unknown as ErrorAnswer).error.id, 'order_limit');
      assert.deepEqual((over.body as unknown as ErrorAnswer).error.details, { field: 'shipments', limit: 50 });
      for (let i = 0; i < 200; i++) {
        const r = await api('POST', `${path}/shipments/${first}/events`, { status: 'in_transit', place: `Hub ${i}` });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      const more = await api('POST', `${path}/shipments/${first}/events`, { status: 'delivered' });
      assert.equal(more.status, 409, JSON.stringify(more.body));
      assert.equal((more.body as unknown as ErrorAnswer).error.id, 'order_limit');
      assert.deepEqual((more.body as unknown as ErrorAnswer).error.details, { field: 'events', limit: 200 });
      const order = ((await api('GET', path)).body as unknown as OrderResponse).order;
      assert.equal(order.shipments.length, 50);
      // Its label, then the 200 tracking events.
      assert.equal(order.shipments.find((x) => x.id === first)?.events.length, 201);
      assert.equal(order.shipments.find((x) => x.id === first)?.status, 'in_transit', 'the refused event left nothing');
    });

    it('turns a receipt template sent through the Send API into the page’s order, never a duplicate', async (t) => {
      if (skip) return t.skip(skip);
      await say(shop.customer, shop.conversationId, 'Hello');
      const number = `R-${process.pid}-${++n}`;
      const receipt = (totalCost: number) => ({
        recipient: { id: shop.psid },
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'receipt',
              recipient_name: 'Ada Lovelace',
              order_number: number,
              currency: 'USD',
              payment_method: 'Visa 2345',
              summary: { subtotal: 75.0, shipping_cost: 4.95, total_tax: 6.19, total_cost: totalCost },
              adjustments: [
                { name: 'New Customer Discount', amount: 20 },
                { name: '$10 Off Coupon', amount: 10 },
              ],
              elements: [
                { title: 'Classic White T-Shirt', quantity: 2, price: 50, currency: 'USD' },
                { title: 'Classic Gray T-Shirt', quantity: 1, price: 25, currency: 'USD' },
              ],
            },
          },
        },
      });
      const first = await graphSend(s, token, receipt(56.14));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const again = await graphSend(s, token, receipt(56.14));
      assert.equal(again.status, 200);
      const got = (await api('GET', `/api/commerce/orders/${number}`)).body as unknown as OrderResponse;
      assert.equal(got.order.total, 5614);
      assert.deepEqual(
        got.order.items.map((i) => [i.quantity, i.unitPrice]),
        [
          [2, 2500],
          [1, 2500],
        ],
      );
      assert.deepEqual(
        got.order.adjustments.map((a) => a.amount),
        [-2000, -1000],
      );
      const rows = await s.comptoir.storage.reader.commerce.ordersOfCustomer(shop.pageId, shop.customer.user.id, 500);
      assert.equal(rows.filter((o) => o.number === number).length, 1, 'one order for the number');
      const history = await shop.customer.http.get<MessagesResponse>(
        `/api/conversations/${shop.conversationId}/messages?limit=100`,
      );
      const cards = history.body.messages.filter((m) => m.order?.orderId === got.order.id);
      assert.equal(cards.length, 2, 'each receipt is that order’s card');
      const wrong = await graphSend(s, token, receipt(60));
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error?.code, 100);
      assert.equal(
        ((await api('GET', `/api/commerce/orders/${number}`)).body as unknown as OrderResponse).order.total,
        5614,
        'nothing changed',
      );
    });
  });

  describe(`the Orders API's rates (${backend.name})`, () => {
    let s: TestServer;
    let skip: string | false = false;
    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      // One call a second per app and page (bursts of 10); 20 requests (and refused tokens) a minute per address.
      s = await serverOn(backend, { RATE_GRAPH_CALLS_PER_SECOND: '1', RATE_REQUESTS_PER_MINUTE: '20' });
    });
    after(async () => {
      if (!skip) await s.close();
    });

    it('limits calls per app and page, not per address, and refused tokens per address', async (t) => {
      if (skip) return t.skip(skip);
      const shop = await pageWithCustomer(s);
      const app = await pageWithApp(shop.owner.http);
      const anon = new HttpClient(s.url);
      const get = (token: string) =>
        anon.request('GET', '/api/commerce/orders/nope', undefined, { authorization: `Bearer ${token}` });
      // A page's calls are counted per app and page: 10 at once, then 429.
      const answers = [];
      for (let i = 0; i < 11; i++) answers.push((await get(app.token)).status);
      assert.deepEqual(answers, [...Array(10).fill(404), 429]);
      // Refused tokens per address: 20, then 429.
      const refused = [];
      for (let i = 0; i < 21; i++) refused.push((await get('not-a-token')).status);
      assert.deepEqual(refused, [...Array(20).fill(401), 429]);
      // None of those counted against the address's session requests (20 a minute, a handful used).
      assert.equal((await shop.owner.http.get('/api/me')).status, 200);
    });
  });
}
