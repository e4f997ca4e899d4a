/**
 * The example shop's HTTP server (node:http, no framework): the catalogue, the cart (a cookie), the checkout
 * with Comptoir's opt-in, the confirmation, the webhook Comptoir calls, and the admin. `createShopServer`
 * builds it; `listen()` starts it (port 0: any free port); main.ts runs it from the environment.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CartLine, MAX_QUANTITY, parseCart, productById, serializeCart, totalsOf } from './catalogue.ts';
import { ComptoirError, OrdersApi } from './comptoir.ts';
import type { ShopConfig } from './config.ts';
import { Shop, ShopError } from './shop.ts';
import { ShopStore } from './store.ts';
import * as views from './views.ts';
import { handshake, optinsOf, signatureValid } from './webhook.ts';

const MAX_BODY = 64 * 1024;
const CART_COOKIE = 'shop_cart';

export interface ShopServer {
  shop: Shop;
  server: http.Server;
  /** Listens (config.port; 0: any free one) and answers the shop's URL. */
  listen(): Promise<string>;
  url(): string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'The request is too large.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function form(req: http.IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new HttpError(415, 'Send the form.');
  return new URLSearchParams((await readBody(req)).toString('utf8'));
}

function cookies(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
  }
  return out;
}

export function createShopServer(config: ShopConfig): ShopServer {
  const store = new ShopStore(config.dataFile);
  let listening = '';
  const publicUrl = () => config.publicUrl ?? listening;
  const shop = new Shop(config, store, new OrdersApi(config.comptoirApiUrl, config.pageToken), publicUrl);

  const securityHeaders = {
    'content-security-policy': [
      "default-src 'self'",
      `script-src 'self' ${config.comptoirUrl}`,
      `frame-src ${config.comptoirUrl}`,
      "img-src 'self' data:",
      "style-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };

  const send = (res: http.ServerResponse, status: number, type: string, body: string, headers = {}) => {
    res.writeHead(status, { 'content-type': type, ...securityHeaders, ...headers });
    res.end(body);
  };
  const html = (res: http.ServerResponse, status: number, title: string, body: string, cartCount: number) =>
    send(res, status, 'text/html; charset=utf-8', views.page({ shopName: config.name, title, cartCount }, body));
  const redirect = (res: http.ServerResponse, to: string, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(303, { location: to, ...headers });
    res.end();
  };
  const cartCookie = (lines: readonly CartLine[]) =>
    `${CART_COOKIE}=${encodeURIComponent(serializeCart(lines))}; Path=/; HttpOnly; SameSite=Lax${lines.length ? '' : '; Max-Age=0'}`;

  /** The admin's password, when one is set (HTTP Basic, any user name). */
  const adminAllowed = (req: http.IncomingMessage): boolean => {
    if (config.adminPassword === null) return true;
    const m = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (!m?.[1]) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const given = Buffer.from(decoded.slice(decoded.indexOf(':') + 1));
    const expected = Buffer.from(config.adminPassword);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const adminPage = async (res: http.ServerResponse, cartCount: number, flash: string | null, status = 200) => {
    const orders = await shop.orders();
    const nonce = randomBytes(12).toString('base64url');
    html(res, status, 'Orders', views.admin(orders, nonce, config.adminPassword === null, flash), cartCount);
  };

  const checkoutValues = (f: URLSearchParams): views.CheckoutForm => ({
    name: (f.get('name') ?? '').trim(),
    street1: (f.get('street1') ?? '').trim(),
    city: (f.get('city') ?? '').trim(),
    postalCode: (f.get('postalCode') ?? '').trim(),
    country: (f.get('country') ?? 'FR').trim(),
  });

  const checkoutErrors = (v: views.CheckoutForm) => {
    const errors: Partial<Record<keyof views.CheckoutForm, string>> = {};
    if (!v.name) errors.name = 'Tell us who receives the parcel.';
    if (!v.street1) errors.street1 = 'The street and number are needed.';
    if (!/^[A-Za-z0-9 -]{2,10}$/.test(v.postalCode)) errors.postalCode = 'A postal code such as 75002.';
    if (!v.city) errors.city = 'The city is needed.';
    if (!/^[A-Z]{2}$/.test(v.country)) errors.country = 'Choose a country.';
    for (const k of Object.keys(v) as (keyof views.CheckoutForm)[]) {
      if (v[k].length > 200) errors[k] = 'At most 200 characters.';
    }
    return errors;
  };

  const renderCheckout = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: string,
    values: views.CheckoutForm,
    errors: Partial<Record<keyof views.CheckoutForm, string>>,
    cartCount: number,
  ) => {
    const c = shop.checkout(id);
    const body = views.checkout(
      c,
      totalsOf(c.lines),
      {
        url: config.comptoirUrl,
        pageId: config.pageId,
        returnTo: `${config.publicUrl ?? `http://${req.headers.host}`}/checkout/${c.id}`,
      },
      values,
      errors,
    );
    html(res, Object.keys(errors).length ? 400 : 200, 'Checkout', body, cartCount);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://shop');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const cart = parseCart(cookies(req)[CART_COOKIE]);
    const cartCount = cart.reduce((n, l) => n + l.quantity, 0);

    // A browser's form from another site may not change anything here (the admin's Basic credentials
    // would go with it). The webhook is Comptoir's server, which sends no Origin.
    if (method === 'POST' && path !== '/webhook') {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host}` && origin !== publicUrl()) {
        throw new HttpError(403, 'This form comes from another site.');
      }
    }

    if (method === 'GET' && path === '/shop.css') return send(res, 200, 'text/css; charset=utf-8', views.CSS);
    if (method === 'GET' && path === '/shop.js') return send(res, 200, 'text/javascript; charset=utf-8', views.JS);

    if (method === 'GET' && path === '/') {
      const added = productById(url.searchParams.get('added') ?? '');
      return html(res, 200, 'Cheeses', views.catalogue(added?.title ?? null), cartCount);
    }
    if (method === 'POST' && (path === '/cart/add' || path === '/cart/set')) {
      const f = await form(req);
      const product = productById(f.get('product') ?? '');
      const quantity = Number(f.get('quantity') ?? '1');
      if (!product) throw new HttpError(400, 'No such cheese.');
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY) {
        throw new HttpError(400, `A quantity from ${path === '/cart/add' ? 1 : 0} to ${MAX_QUANTITY}.`);
      }
      const others = cart.filter((l) => l.product.id !== product.id);
      const had = cart.find((l) => l.product.id === product.id)?.quantity ?? 0;
      const next = path === '/cart/add' ? Math.min(MAX_QUANTITY, had + Math.max(1, quantity)) : quantity;
      const lines = next > 0 ? [...others, { product, quantity: next }] : others;
      return redirect(res, path === '/cart/add' ? `/?added=${product.id}` : '/cart', {
        'set-cookie': cartCookie(lines),
      });
    }
    if (method === 'GET' && path === '/cart') {
      const lines = cart.map((l) => ({ unitPrice: l.product.unitPrice, quantity: l.quantity }));
      return html(res, 200, 'Cart', views.cart(cart, totalsOf(lines)), cartCount);
    }
    if (method === 'POST' && path === '/checkout') {
      const c = await shop.startCheckout(cart);
      return redirect(res, `/checkout/${c.id}`);
    }
    const co = /^\/checkout\/([A-Za-z0-9_-]{1,64})(\/place)?$/.exec(path);
    if (co?.[1]) {
      const c = shop.checkout(co[1]);
      if (c.placedAt) return redirect(res, `/confirmation/${c.id}`);
      if (method === 'GET' && !co[2]) {
        const back = url.searchParams.get('comptoir_optin');
        if (back) {
          await shop.linkReturned(c, back);
          return redirect(res, `/checkout/${c.id}`);
        }
        return renderCheckout(req, res, c.id, checkoutValues(new URLSearchParams()), {}, cartCount);
      }
      if (method === 'POST' && co[2]) {
        const f = await form(req);
        const values = checkoutValues(f);
        const errors = checkoutErrors(values);
        if (Object.keys(errors).length) return renderCheckout(req, res, c.id, values, errors, cartCount);
        await shop.place(c.id, values, f.get('optin') ?? '');
        return redirect(res, `/confirmation/${c.id}`, { 'set-cookie': cartCookie([]) });
      }
    }
    const conf = /^\/confirmation\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if (method === 'GET' && conf?.[1]) {
      const seen = await shop.checkoutOrder(conf[1]);
      if (!seen) return redirect(res, `/checkout/${conf[1]}`);
      return html(res, 200, `Order ${seen.order.number}`, views.confirmation(seen, config.comptoirUrl), cartCount);
    }

    if (path === '/webhook') {
      if (method === 'GET') {
        const challenge = handshake(url.searchParams, config.verifyToken);
        if (challenge === null) throw new HttpError(403, 'Wrong verify token.');
        return send(res, 200, 'text/plain; charset=utf-8', challenge);
      }
      if (method === 'POST') {
        const body = await readBody(req);
        const sig = req.headers['x-hub-signature-256'];
        if (!signatureValid(body, typeof sig === 'string' ? sig : undefined, config.appSecret)) {
          throw new HttpError(403, 'Bad signature.');
        }
        let payload: unknown;
        try {
          payload = JSON.parse(body.toString('utf8'));
        } catch {
          throw new HttpError(400, 'Not JSON.');
        }
        await shop.webhookOptins(optinsOf(payload, config.pageId));
        return send(res, 200, 'text/plain; charset=utf-8', 'EVENT_RECEIVED');
      }
    }

    if (path === '/admin' || path.startsWith('/admin/')) {
      if (!adminAllowed(req)) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="Shop admin", charset="UTF-8"', ...securityHeaders });
        res.end('The admin needs its password.');
        return;
      }
      if (method === 'GET' && path === '/admin') return adminPage(res, cartCount, null);
      const ship = /^\/admin\/orders\/([^/]+)\/ship$/.exec(path);
      const track = /^\/admin\/orders\/([^/]+)\/shipments\/([^/]+)\/events$/.exec(path);
      const returned = /^\/admin\/orders\/([^/]+)\/returned$/.exec(path);
      if (method === 'POST' && (ship || track || returned)) {
        const f = await form(req);
        const nonce = f.get('nonce') ?? '';
        if (!/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) throw new HttpError(400, 'The form is missing its nonce.');
        const text = (name: string) => (f.get(name) ?? '').trim();
        try {
          if (ship?.[1]) {
            const trackingUrl = text('trackingUrl');
            await shop.ship(
              decodeURIComponent(ship[1]),
              {
                carrier: text('carrier'),
                trackingNumber: text('trackingNumber'),
                ...(trackingUrl ? { trackingUrl } : {}),
              },
              nonce,
            );
          } else if (returned?.[1]) {
            await shop.markReturned(decodeURIComponent(returned[1]), nonce);
          } else if (track?.[1] && track[2]) {
            const place = text('place');
            await shop.track(
              decodeURIComponent(track[1]),
              decodeURIComponent(track[2]),
              { status: text('status'), ...(place ? { place } : {}) },
              `${nonce}-${track[2]}`,
            );
          }
        } catch (e) {
          if (e instanceof ComptoirError) return adminPage(res, cartCount, `Comptoir refused it: ${e.message}`, 400);
          throw e;
        }
        return redirect(res, '/admin');
      }
    }
    throw new HttpError(404, 'There is nothing here.');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError || e instanceof ShopError ? e.status : 500;
      const text = e instanceof HttpError || e instanceof ShopError ? e.message : 'Something went wrong.';
      if (status === 500) console.error(e);
      if (res.headersSent) return res.end();
      const title = status === 404 ? 'Not found' : 'Sorry';
      html(res, status, title, views.message(title, text), 0);
    });
  });

  return {
    shop,
    server,
    url: () => listening,
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      listening = `http://${config.host}:${port}`;
      return listening;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
