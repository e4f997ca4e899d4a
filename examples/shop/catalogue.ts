/**
 * The shop's catalogue: a few cheeses, prices in euro cents (the Orders API's minor units), each with a small
 * inline SVG drawing (no image files, no requests to anyone else).
 */

export interface Product {
  id: string;
  title: string;
  subtitle: string;
  /** Euro cents, VAT included. */
  unitPrice: number;
  /** An SVG drawing, 120 × 90, in the shop's colours. */
  svg: string;
}

export const CURRENCY = 'EUR';
/** Flat shipping, free from FREE_SHIPPING_FROM (cents, items' total). */
export const SHIPPING_COST = 490;
export const FREE_SHIPPING_FROM = 4000;

const wedge = (fill: string, rind: string, holes: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 90" width="120" height="90" aria-hidden="true">` +
  `<path d="M10 70 L110 70 L110 45 L10 60 Z" fill="${rind}"/><path d="M10 60 L110 45 L95 25 Z" fill="${fill}"/>` +
  `${holes}</svg>`;

const round = (fill: string, rind: string, mark: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 90" width="120" height="90" aria-hidden="true">` +
  `<ellipse cx="60" cy="55" rx="48" ry="22" fill="${rind}"/><ellipse cx="60" cy="48" rx="48" ry="22" fill="${fill}"/>` +
  `${mark}</svg>`;

export const PRODUCTS: readonly Product[] = [
  {
    id: 'comte',
    title: 'Comté 18 mois',
    subtitle: '500 g',
    unitPrice: 1250,
    svg: wedge('#f2c14e', '#b7791f', '<circle cx="70" cy="48" r="3" fill="#d69e2e"/>'),
  },
  {
    id: 'brie',
    title: 'Brie de Meaux',
    subtitle: '350 g',
    unitPrice: 890,
    svg: round('#fbf3dc', '#e8dcc0', '<path d="M60 48 L108 48 A48 22 0 0 1 96 62 Z" fill="#f6e7b0"/>'),
  },
  {
    id: 'tomme',
    title: 'Tomme de Savoie',
    subtitle: '400 g',
    unitPrice: 1090,
    svg: round(
      '#efe3c2',
      '#8a7e6b',
      '<circle cx="45" cy="45" r="2" fill="#c9b98f"/><circle cx="72" cy="52" r="2" fill="#c9b98f"/>',
    ),
  },
  {
    id: 'beurre',
    title: 'Beurre demi-sel',
    subtitle: '250 g',
    unitPrice: 500,
    svg:
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 90" width="120" height="90" aria-hidden="true">` +
      `<rect x="20" y="35" width="80" height="35" rx="4" fill="#fff3b0"/><rect x="20" y="35" width="80" height="10" rx="4" fill="#ffe680"/>` +
      `<text x="60" y="62" font-size="11" text-anchor="middle" fill="#8a6d00" font-family="sans-serif">DEMI-SEL</text></svg>`,
  },
];

export function productById(id: string): Product | undefined {
  return PRODUCTS.find((p) => p.id === id);
}

/** Largest quantity of one product in a cart. */
export const MAX_QUANTITY = 20;

export interface CartLine {
  product: Product;
  quantity: number;
}

/** The cart as kept in its cookie: `comte:2,beurre:1` (prices never come from the browser). */
export function parseCart(cookie: string | undefined): CartLine[] {
  const lines: CartLine[] = [];
  for (const part of (cookie ?? '').split(',')) {
    const [id = '', qty = ''] = part.split(':');
    const product = productById(id);
    const quantity = Number(qty);
    if (!product || !Number.isInteger(quantity) || quantity < 1) continue;
    if (lines.some((l) => l.product.id === id)) continue;
    lines.push({ product, quantity: Math.min(quantity, MAX_QUANTITY) });
  }
  return lines;
}

export function serializeCart(lines: readonly CartLine[]): string {
  return lines.map((l) => `${l.product.id}:${l.quantity}`).join(',');
}

export interface Totals {
  subtotal: number;
  shippingCost: number;
  total: number;
}

export function totalsOf(lines: readonly { unitPrice: number; quantity: number }[]): Totals {
  const subtotal = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const shippingCost = subtotal >= FREE_SHIPPING_FROM || subtotal === 0 ? 0 : SHIPPING_COST;
  return { subtotal, shippingCost, total: subtotal + shippingCost };
}

const money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY });
export const formatMoney = (cents: number) => money.format(cents / 100);
