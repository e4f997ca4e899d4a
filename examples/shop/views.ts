/**
 * The shop's pages, rendered on the server: plain HTML forms (they work without script and with the
 * keyboard), one stylesheet and one small script (/shop.css, /shop.js), everything escaped.
 */
import { type CartLine, formatMoney, PRODUCTS, type Totals } from './catalogue.ts';
import type { Seen } from './shop.ts';
import type { Checkout, Order } from './store.ts';

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export interface Layout {
  shopName: string;
  title: string;
  cartCount: number;
  /** Extra tags in <head> (none by default). */
  head?: string;
}

export function page(l: Layout, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(l.title)} · ${esc(l.shopName)}</title><link rel="stylesheet" href="/shop.css">${l.head ?? ''}</head>
<body><a class="skip" href="#main">Skip to content</a>
<header><a class="brand" href="/">${esc(l.shopName)}</a>
<nav aria-label="Shop"><a href="/">Cheeses</a> <a href="/cart" data-testid="cart-link">Cart (<span data-testid="cart-count">${l.cartCount}</span>)</a> <a href="/admin">Admin</a></nav></header>
<main id="main">${body}</main>
<footer>An example shop for Comptoir (examples/shop): no payment is taken.</footer>
<script src="/shop.js" defer></script>
</body></html>`;
}

interface ShownLine {
  title: string;
  subtitle: string | null;
  quantity: number;
  unitPrice: number;
}
interface ShownAddress {
  name: string | null;
  street1: string;
  street2?: string | null;
  city: string;
  postalCode: string;
  state?: string | null;
  country: string;
}

const lineRows = (lines: readonly ShownLine[]) =>
  lines
    .map(
      (l) =>
        `<tr><td>${esc(l.title)}${l.subtitle ? ` <span class="muted">${esc(l.subtitle)}</span>` : ''}</td><td>× ${l.quantity}</td><td class="num">${formatMoney(l.unitPrice * l.quantity)}</td></tr>`,
    )
    .join('');

const addressText = (a: ShownAddress) =>
  [a.name, a.street1, a.street2, `${a.postalCode} ${a.city}`, a.state, a.country].filter(Boolean).join(', ');

/**
 * What the order is now: Comptoir's copy when the order is in Comptoir — the customer may have changed its
 * address or items there, and the merchant accepted — else the shop's own, as it was placed.
 */
function current(o: Order): {
  lines: readonly ShownLine[];
  address: ShownAddress;
  shippingCost: number;
  total: number;
} {
  const v = o.comptoir;
  if (!v) return { lines: o.lines, address: o.address, shippingCost: o.shippingCost, total: o.total };
  return {
    lines: v.items,
    address: v.shippingAddress ?? o.address,
    shippingCost: v.shippingCost,
    total: v.total,
  };
}

/** Said when Comptoir did not answer just now: the page shows the order as Comptoir last answered it. */
const unreachableNote = (o: Order) =>
  `<p class="notice" role="note" data-testid="comptoir-unreachable">Comptoir could not be reached just now: this is the order as it last answered${o.comptoir ? ` (${esc(o.comptoir.updatedAt)})` : ''}; changes made since may be missing.</p>`;

const totalRows = (t: Totals) =>
  `<tr><th scope="row" colspan="2">Shipping</th><td class="num">${t.shippingCost === 0 ? 'Free' : formatMoney(t.shippingCost)}</td></tr>
<tr class="total"><th scope="row" colspan="2">Total</th><td class="num" data-testid="total">${formatMoney(t.total)}</td></tr>`;

export function catalogue(added: string | null): string {
  const cards = PRODUCTS.map(
    (p) => `<li class="product" data-testid="product" data-product-id="${esc(p.id)}">${p.svg}
<h2 id="p-${esc(p.id)}">${esc(p.title)}</h2><p class="muted">${esc(p.subtitle)}</p><p class="price">${formatMoney(p.unitPrice)}</p>
<form method="post" action="/cart/add" aria-labelledby="p-${esc(p.id)}"><input type="hidden" name="product" value="${esc(p.id)}">
<label>Quantity <input type="number" name="quantity" value="1" min="1" max="20" required></label>
<button type="submit" data-testid="add-${esc(p.id)}">Add to cart</button></form></li>`,
  ).join('\n');
  return `<h1>Our cheeses</h1>
${added ? `<p role="status" class="notice" data-testid="added">${esc(added)} is in your cart. <a href="/cart">See your cart</a></p>` : ''}
<ul class="products">${cards}</ul>`;
}

export function cart(lines: readonly CartLine[], totals: Totals): string {
  if (lines.length === 0) return `<h1>Your cart</h1><p>Your cart is empty. <a href="/">See our cheeses</a></p>`;
  const rows = lines
    .map(
      (l) => `<tr><td>${esc(l.product.title)} <span class="muted">${esc(l.product.subtitle)}</span></td>
<td><form method="post" action="/cart/set" class="inline"><input type="hidden" name="product" value="${esc(l.product.id)}">
<label><span class="sr">Quantity of ${esc(l.product.title)}</span><input type="number" name="quantity" value="${l.quantity}" min="0" max="20"></label>
<button type="submit">Update</button></form></td><td class="num">${formatMoney(l.product.unitPrice * l.quantity)}</td></tr>`,
    )
    .join('');
  return `<h1>Your cart</h1>
<table><thead><tr><th scope="col">Cheese</th><th scope="col">Quantity</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>${rows}</tbody><tfoot>${totalRows(totals)}</tfoot></table>
<form method="post" action="/checkout"><button type="submit" class="primary" data-testid="checkout">Check out</button></form>`;
}

export interface CheckoutForm {
  name: string;
  street1: string;
  city: string;
  postalCode: string;
  country: string;
}

const COUNTRIES: [string, string][] = [
  ['FR', 'France'],
  ['BE', 'Belgium'],
  ['CH', 'Switzerland'],
  ['LU', 'Luxembourg'],
  ['DE', 'Germany'],
  ['ES', 'Spain'],
  ['IT', 'Italy'],
  ['NL', 'Netherlands'],
];

export function checkout(
  c: Checkout,
  totals: Totals,
  comptoir: { url: string; pageId: string; returnTo: string },
  values: CheckoutForm,
  errors: Partial<Record<keyof CheckoutForm, string>>,
): string {
  const field = (name: keyof CheckoutForm, label: string, autocomplete: string) => {
    const err = errors[name];
    return `<p><label for="f-${name}">${label}</label>
<input id="f-${name}" name="${name}" value="${esc(values[name])}" autocomplete="${autocomplete}" required maxlength="200"${err ? ` aria-invalid="true" aria-describedby="e-${name}"` : ''}>
${err ? `<span class="error" id="e-${name}">${esc(err)}</span>` : ''}</p>`;
  };
  const linkFlow = new URL('/optin', comptoir.url);
  linkFlow.search = new URLSearchParams({
    page_id: comptoir.pageId,
    user_ref: c.userRef,
    ref: c.number,
    return_to: comptoir.returnTo,
  }).toString();
  const optedIn = c.optin !== null;
  return `<h1>Checkout</h1>
<table><caption>Your order ${esc(c.number)}</caption><tbody>${lineRows(c.lines)}</tbody><tfoot>${totalRows(totals)}</tfoot></table>
${Object.keys(errors).length ? '<p role="alert" class="error">Please check the fields marked below.</p>' : ''}
<form method="post" action="/checkout/${esc(c.id)}/place" id="checkout-form" data-checkout-id="${esc(c.id)}" data-user-ref="${esc(c.userRef)}" novalidate>
<fieldset><legend>Delivery address</legend>
${field('name', 'Full name', 'name')}
${field('street1', 'Street and number', 'address-line1')}
${field('postalCode', 'Postal code', 'postal-code')}
${field('city', 'City', 'address-level2')}
<p><label for="f-country">Country</label><select id="f-country" name="country" autocomplete="country">${COUNTRIES.map(
    ([code, name]) => `<option value="${code}"${values.country === code ? ' selected' : ''}>${name}</option>`,
  ).join('')}</select></p>
</fieldset>
<fieldset class="comptoir"><legend>Order updates</legend>
${
  optedIn
    ? `<p data-testid="optin-done">✓ Your order updates will go to Comptoir.</p>`
    : `<div class="comptoir-checkbox" data-page-id="${esc(comptoir.pageId)}" data-user-ref="${esc(c.userRef)}" data-ref="${esc(c.number)}" data-return-to="${esc(comptoir.returnTo)}" data-title="Comptoir order updates"></div>
<p id="optin-status" role="status" class="muted"></p>
<p class="muted small" id="optin-fallback">No box above? <a href="${esc(linkFlow.toString())}" data-testid="optin-link">Get your order updates on Comptoir</a> (you come back here after).</p>`
}
<input type="hidden" name="optin" value="">
</fieldset>
<button type="submit" class="primary" data-testid="place-order">Place order · ${formatMoney(totals.total)}</button>
</form>
${optedIn ? '' : `<script src="${esc(comptoir.url)}/plugins/checkbox.js" async></script>`}`;
}

const STATUS: Record<string, string> = {
  placed: 'Placed',
  processing: 'Processing',
  partially_shipped: 'Partially shipped',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  returned: 'Returned',
  label_created: 'Label created',
  in_transit: 'In transit',
  out_for_delivery: 'Out for delivery',
  exception: 'Delivery problem',
};
export const statusWord = (s: string) => STATUS[s] ?? s;

export function confirmation({ order: o, unreachable }: Seen, comptoirUrl: string): string {
  const now = current(o);
  const t = { subtotal: 0, shippingCost: now.shippingCost, total: now.total };
  return `<h1>Thank you!</h1>
<p role="status" data-testid="confirmation">Your order <strong data-testid="order-number">${esc(o.number)}</strong> is placed.</p>
${
  o.comptoir
    ? `<p data-testid="comptoir-followed">Its receipt is in your <a href="${esc(comptoirUrl)}/">Comptoir</a> conversation with us; every shipment and tracking update will follow there.</p>
<p>Status: <span data-testid="confirmation-status">${esc(statusWord(o.comptoir.status))}</span></p>`
    : `<p data-testid="comptoir-not-followed" class="muted">${esc(o.comptoirNote ?? '')}</p>`
}
${unreachable ? unreachableNote(o) : ''}
<table><caption>Order ${esc(o.number)}</caption><tbody>${lineRows(now.lines)}</tbody><tfoot>${totalRows(t)}</tfoot></table>
<p>Delivered to <span data-testid="confirmation-address">${esc(addressText(now.address))}</span>.</p>
<p><a href="/">Back to the cheeses</a></p>`;
}

const REQUEST_KIND: Record<string, string> = { change: 'Change', cancel: 'Cancellation', return: 'Return' };
const REQUEST_STATE: Record<string, string> = {
  requested: 'asked, to answer in Comptoir’s inbox',
  needs_info: 'waiting for the customer’s answer',
  accepted: 'accepted',
  rejected: 'refused',
  applied: 'applied',
  withdrawn: 'withdrawn',
};

const TRACKING = ['in_transit', 'out_for_delivery', 'delivered', 'exception'];

export function admin(orders: readonly Seen[], nonce: string, open: boolean, flash: string | null): string {
  const blocks = orders.map(({ order: o, unreachable }) => {
    const v = o.comptoir;
    const now = current(o);
    const shipments = (v?.shipments ?? [])
      .map(
        (
          s,
        ) => `<li data-testid="admin-shipment" data-shipment-id="${esc(s.id)}"><strong>${esc(s.carrier)} ${esc(s.trackingNumber)}</strong> — ${esc(statusWord(s.status))}
<ul>${s.events.map((e) => `<li>${esc(statusWord(e.status))}${e.place ? ` · ${esc(e.place)}` : ''} <span class="muted">${esc(e.at)}</span></li>`).join('')}</ul>
${
  s.status === 'delivered'
    ? ''
    : `<form method="post" action="/admin/orders/${esc(o.number)}/shipments/${esc(s.id)}/events" class="inline">
<input type="hidden" name="nonce" value="${esc(nonce)}">
<label>Status <select name="status" data-testid="track-status">${TRACKING.map((t) => `<option value="${t}">${statusWord(t)}</option>`).join('')}</select></label>
<label>Place <input name="place" maxlength="200" data-testid="track-place"></label>
<button type="submit" data-testid="track-submit">Add tracking event</button></form>`
}</li>`,
      )
      .join('');
    const canShip = v !== null && ['placed', 'processing', 'partially_shipped'].includes(v.status);
    const requests = (v?.requests ?? [])
      .map(
        (r) =>
          `<li data-testid="admin-request" data-kind="${esc(r.kind)}" data-state="${esc(r.state)}">${esc(REQUEST_KIND[r.kind] ?? r.kind)}: ${esc(REQUEST_STATE[r.state] ?? r.state)}</li>`,
      )
      .join('');
    const returnAccepted = (v?.requests ?? []).some((r) => r.kind === 'return' && r.state === 'accepted');
    return `<section class="order" data-testid="admin-order" data-number="${esc(o.number)}" aria-labelledby="o-${esc(o.number)}">
<h2 id="o-${esc(o.number)}">${esc(o.number)} · <span data-testid="admin-status">${esc(v ? statusWord(v.status) : 'Placed')}</span></h2>
${unreachable ? unreachableNote(o) : ''}
<p><span data-testid="admin-address">${esc(addressText(now.address))}</span> · <span data-testid="admin-total">${formatMoney(now.total)}</span>${v && v.refunded > 0 ? ` · refunded ${formatMoney(v.refunded)}` : ''} · <span class="muted">${esc(o.placedAt)}</span></p>
<p>${v ? 'Followed in Comptoir.' : `<span class="muted">${esc(o.comptoirNote ?? '')}</span>`}</p>
<table><tbody>${lineRows(now.lines)}</tbody></table>
${requests ? `<h3>Customer requests</h3><ul>${requests}</ul>` : ''}
${shipments ? `<h3>Shipments</h3><ul>${shipments}</ul>` : ''}
${
  canShip
    ? `<form method="post" action="/admin/orders/${esc(o.number)}/ship" class="ship">
<input type="hidden" name="nonce" value="${esc(nonce)}">
<label>Carrier <input name="carrier" list="carriers" required maxlength="200" data-testid="ship-carrier"></label>
<label>Tracking number <input name="trackingNumber" required maxlength="200" data-testid="ship-number"></label>
<label>Tracking URL <input name="trackingUrl" type="url" maxlength="2000" data-testid="ship-url"></label>
<button type="submit" data-testid="ship-submit">Ship</button></form>`
    : ''
}${
  v?.status === 'delivered'
    ? `<form method="post" action="/admin/orders/${esc(o.number)}/returned">
<input type="hidden" name="nonce" value="${esc(nonce)}">
<p class="muted small">${returnAccepted ? 'The customer’s return is accepted in Comptoir. ' : ''}Once the parcel is back, mark the order returned: Comptoir applies the returns it accepted, and the customer’s card shows it.</p>
<button type="submit" data-testid="mark-returned">Mark returned</button></form>`
    : ''
}</section>`;
  });
  return `<h1>Orders</h1>
${open ? '<p class="notice" role="note">This admin has no password (SHOP_ADMIN_PASSWORD is not set): fine for the demo on your machine, never on a server others reach.</p>' : ''}
${flash ? `<p role="alert" class="error" data-testid="admin-error">${esc(flash)}</p>` : ''}
<datalist id="carriers"><option value="Colissimo"><option value="Chronopost"><option value="DHL"><option value="UPS"></datalist>
${blocks.length ? blocks.join('\n') : '<p>No orders yet.</p>'}`;
}

export function message(title: string, text: string): string {
  return `<h1>${esc(title)}</h1><p>${esc(text)}</p><p><a href="/">Back to the cheeses</a></p>`;
}

export const CSS = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f1d1a;background:#fbf8f2}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.75rem 1.5rem;background:#5b3a1a;color:#fff}
header a{color:#fff}.brand{font-weight:700;font-size:1.2rem;text-decoration:none}nav a{margin-left:1rem}
main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem}footer{text-align:center;color:#6b645a;font-size:.85rem;padding:2rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem;z-index:1}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
a{color:#8a4b0f}:focus-visible{outline:3px solid #2f6fde;outline-offset:2px}
.products{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:1rem}
.product{background:#fff;border:1px solid #e6dccb;border-radius:.5rem;padding:1rem}.product h2{font-size:1.1rem;margin:.25rem 0 0}
.price{font-weight:700}.muted{color:#6b645a}.small{font-size:.85rem}.num{text-align:right}
input,select,button{font:inherit}input,select{padding:.3rem .4rem;border:1px solid #b9ad98;border-radius:.25rem}
input[type=number]{width:4.5rem}button{padding:.4rem .9rem;border-radius:.3rem;border:1px solid #8a4b0f;background:#fff;color:#5b3a1a;cursor:pointer}
.primary{background:#8a4b0f;color:#fff;font-weight:600;margin-top:1rem}
table{border-collapse:collapse;width:100%;margin:1rem 0;background:#fff}td,th{padding:.4rem .6rem;border-bottom:1px solid #eee4d3;text-align:left}
caption{text-align:left;font-weight:600;padding:.3rem 0}.total td,.total th{font-weight:700}
fieldset{border:1px solid #e6dccb;border-radius:.5rem;margin:1rem 0;background:#fff}label{display:inline-block;margin-right:.5rem}
fieldset p label{display:block;font-weight:600}fieldset input{width:100%;max-width:24rem}
.error{color:#a11a1a;font-weight:600}.notice{background:#fff4d6;border:1px solid #e8c66a;padding:.5rem .75rem;border-radius:.3rem}
.inline{display:inline}.order{background:#fff;border:1px solid #e6dccb;border-radius:.5rem;padding:.5rem 1rem;margin:1rem 0}
.order h2{font-size:1.15rem}.ship label,.order form label{margin:.25rem .5rem .25rem 0}`;

/** The checkout's script: what the plugin tells (comptoir:optin) goes into the form; typed fields survive the link flow. */
export const JS = `(function () {
  'use strict';
  var form = document.getElementById('checkout-form');
  if (!form) return;
  var key = 'shop-checkout-' + form.dataset.checkoutId;
  var names = ['name', 'street1', 'postalCode', 'city', 'country'];
  var optin = form.elements.optin;
  var status = document.getElementById('optin-status');
  try {
    var saved = JSON.parse(sessionStorage.getItem(key) || '{}');
    names.forEach(function (n) { if (saved[n] && !form.elements[n].value) form.elements[n].value = saved[n]; });
  } catch (e) {}
  form.addEventListener('input', function () {
    var o = {};
    names.forEach(function (n) { o[n] = form.elements[n].value; });
    try { sessionStorage.setItem(key, JSON.stringify(o)); } catch (e) {}
  });
  document.addEventListener('comptoir:optin', function (e) {
    var d = e.detail || {};
    if (d.userRef !== form.dataset.userRef) return;
    form.dataset.optin = d.event;
    // The frame shows (the box, or Comptoir's own link): the plain link for when it does not is not needed.
    var fallback = document.getElementById('optin-fallback');
    if (d.event === 'rendered' && fallback) fallback.hidden = true;
    if (d.event === 'opted_in') { optin.value = d.userRef; if (status) status.textContent = 'Your order updates will go to Comptoir.'; }
    else if (d.event === 'opted_out') { optin.value = ''; if (status) status.textContent = ''; }
    else if (d.event === 'error' && status) status.textContent = 'Comptoir could not record your choice (' + d.error + ').';
  });
  form.addEventListener('submit', function () {
    try { sessionStorage.removeItem(key); } catch (e) {}
    var b = form.querySelector('button[type=submit]');
    setTimeout(function () { b.disabled = true; }, 0);
  });
})();`;
