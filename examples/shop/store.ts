/**
 * What the shop remembers: checkouts, orders and the opt-ins its webhook was told of. In memory, or in one
 * JSON file rewritten whole on each change (write then rename). It is an example: a real shop keeps this in
 * its database.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OrderView } from './comptoir.ts';

export interface Line {
  productId: string;
  title: string;
  subtitle: string;
  quantity: number;
  unitPrice: number;
}

export interface Address {
  name: string;
  street1: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface Checkout {
  /** Random, unguessable: the checkout's and the confirmation's address. */
  id: string;
  /** The order's number, chosen with the checkout so that a retried order is the same order. */
  number: string;
  /** The opt-in's reference for this checkout, made fresh, never reused. */
  userRef: string;
  lines: Line[];
  createdAt: string;
  /** How the shop learnt the person opted in (the link flow's return, or the webhook); null: not (yet). */
  optin: { how: 'link' | 'webhook'; at: string } | null;
  placedAt: string | null;
}

export interface Order {
  number: string;
  checkoutId: string;
  address: Address;
  lines: Line[];
  shippingCost: number;
  total: number;
  placedAt: string;
  /** Sent to Comptoir (the customer opted in): the order as Comptoir last answered it. */
  comptoir: OrderView | null;
  /** Why the order is not in Comptoir (not opted in, or Comptoir's refusal). */
  comptoirNote: string | null;
}

interface Data {
  checkouts: Record<string, Checkout>;
  orders: Record<string, Order>;
  /** user_ref → when the webhook said so (messaging_optins). */
  optins: Record<string, { ref: string | null; at: string }>;
}

export class ShopStore {
  private data: Data = { checkouts: {}, orders: {}, optins: {} };
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string | null) {
    if (file && fs.existsSync(file)) this.data = JSON.parse(fs.readFileSync(file, 'utf8')) as Data;
  }

  checkout(id: string): Checkout | null {
    return Object.hasOwn(this.data.checkouts, id) ? (this.data.checkouts[id] ?? null) : null;
  }
  checkoutByUserRef(userRef: string): Checkout | null {
    return Object.values(this.data.checkouts).find((c) => c.userRef === userRef) ?? null;
  }
  order(number: string): Order | null {
    return Object.hasOwn(this.data.orders, number) ? (this.data.orders[number] ?? null) : null;
  }
  /** Newest first. */
  orders(): Order[] {
    return Object.values(this.data.orders).sort((a, b) => b.placedAt.localeCompare(a.placedAt));
  }
  optin(userRef: string) {
    return Object.hasOwn(this.data.optins, userRef) ? (this.data.optins[userRef] ?? null) : null;
  }

  async putCheckout(c: Checkout): Promise<void> {
    this.data.checkouts[c.id] = c;
    await this.save();
  }
  async putOrder(o: Order): Promise<void> {
    this.data.orders[o.number] = o;
    await this.save();
  }
  async putOptin(userRef: string, ref: string | null, at: string): Promise<void> {
    this.data.optins[userRef] = { ref, at };
    await this.save();
  }

  /** Writes the file (one write at a time, the newest data each time). */
  private save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    this.writing = this.writing.then(async () => {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, JSON.stringify(this.data, null, 2));
      await fs.promises.rename(tmp, file);
    });
    return this.writing;
  }
}
