import type { OrderView } from '../../protocol/commerce.ts';
import type { Template } from '../../protocol/content.ts';
import { exponentOf as exponent, toMajorUnits } from '../../protocol/currencies.ts';
import { AppError } from '../errors.ts';
import { expectedTotal, subtotalOf } from './policy.ts';
import type { OrderInput } from './service.ts';

/** Messenger's receipt template, as the Send API read it. */
export type ReceiptTemplate = Extract<Template, { templateType: 'receipt' }>;

/** Where a receipt's fields are, in the Send API's body. */
const PAYLOAD = 'message.attachment.payload';

/** An amount in minor units as the receipt template carries it: major units, the currency's decimals (60.00). */
const majorText = (minor: number, currency: string) => toMajorUnits(minor, currency).toFixed(exponent(currency));

/*
 * An order and Messenger's receipt template, each way: what an app's receipt sent through the Send API
 * makes of the page's order, and what the receipt card of an order shows the apps (their echoes).
 */

/** What Messenger's receipt template shows of an order (for apps' echoes; people see the live card). */
export function receiptOf(order: OrderView, recipientName: string): Template {
  const major = (n: number) => toMajorUnits(n, order.currency);
  const a = order.shippingAddress;
  const t: Template = {
    templateType: 'receipt',
    recipientName,
    orderNumber: order.number,
    currency: order.currency,
    paymentMethod: order.paymentMethod ?? '—',
    summary: {
      subtotal: major(order.subtotal),
      shippingCost: major(order.shippingCost),
      totalTax: major(order.taxes.reduce((s, x) => s + x.amount, 0)),
      totalCost: major(order.total),
    },
    // Messenger's adjustments are amounts taken off: a discount of -500 is an adjustment of 5.00.
    adjustments: order.adjustments.map((x) => ({ name: x.label, amount: major(-x.amount) })),
    elements: order.items.map((i) => ({
      title: i.title.slice(0, 80),
      ...(i.subtitle ? { subtitle: i.subtitle } : {}),
      quantity: i.quantity,
      price: major(i.quantity * i.unitPrice),
      currency: order.currency,
      ...(i.imageUrl ? { imageUrl: i.imageUrl } : {}),
    })),
  };
  if (order.merchantName) t.merchantName = order.merchantName;
  if (order.orderUrl) t.orderUrl = order.orderUrl;
  if (a)
    t.address = {
      street1: a.street1,
      city: a.city,
      postalCode: a.postalCode,
      state: a.state ?? '',
      country: a.country,
      ...(a.street2 ? { street2: a.street2 } : {}),
    };
  return t;
}

/**
 * A receipt template (Messenger's amounts in major units, its element prices per line, its adjustments
 * taken off) as an order's content in minor units; refuses, naming the field, what has more decimals than
 * the currency or a line price its quantity does not divide.
 */
export function orderOfReceipt(r: ReceiptTemplate): OrderInput {
  const field = (name: string) => `${PAYLOAD}.${name}`;
  const minor = (amount: number, name: string): number => {
    const m = Math.round(amount * 10 ** exponent(r.currency));
    if (Math.abs(amount * 10 ** exponent(r.currency) - m) > 1e-6)
      throw new AppError('bad_request', `${field(name)}: more decimals than ${r.currency} has`, { field: field(name) });
    return m;
  };
  const items = (r.elements ?? []).map((e, i) => {
    const quantity = e.quantity ?? 1;
    if (quantity < 1)
      throw new AppError('bad_request', `${field(`elements[${i}].quantity`)}: at least 1`, {
        field: field(`elements[${i}].quantity`),
      });
    const line = minor(e.price, `elements[${i}].price`);
    if (line < 0 || line % quantity !== 0)
      throw new AppError(
        'bad_request',
        `${field(`elements[${i}].price`)}: the line's price must be a non-negative multiple of its quantity`,
        {
          field: field(`elements[${i}].price`),
        },
      );
    return { title: e.title, subtitle: e.subtitle, quantity, unitPrice: line / quantity, imageUrl: e.imageUrl };
  });
  if (items.length === 0)
    throw new AppError('bad_request', `${field('elements')}: an order has at least one item`, {
      field: field('elements'),
    });
  const shippingCost = minor(r.summary.shippingCost ?? 0, 'summary.shipping_cost');
  const tax = minor(r.summary.totalTax ?? 0, 'summary.total_tax');
  const total = minor(r.summary.totalCost, 'summary.total_cost');
  if (shippingCost < 0 || tax < 0 || total < 0)
    throw new AppError('bad_request', `${field('summary')}: amounts must not be negative`, { field: field('summary') });
  if (r.summary.subtotal !== undefined) {
    const subtotal = minor(r.summary.subtotal, 'summary.subtotal');
    const sum = items.reduce((s, i) => s + i.quantity * i.unitPrice, 0);
    if (subtotal !== sum)
      throw new AppError(
        'totals_mismatch',
        `${field('summary.subtotal')}: ${majorText(subtotal, r.currency)} given, but the elements add up to ${majorText(sum, r.currency)}`,
        {
          field: field('summary.subtotal'),
        },
      );
  }
  return {
    number: r.orderNumber,
    currency: r.currency,
    items,
    adjustments: (r.adjustments ?? []).map((a, i) => ({
      label: a.name,
      amount: -minor(a.amount, `adjustments[${i}].amount`),
    })),
    taxes: tax > 0 ? [{ label: 'Tax', amount: tax }] : [],
    shippingCost,
    total,
    shippingAddress: r.address
      ? {
          name: r.recipientName,
          street1: r.address.street1,
          street2: r.address.street2,
          city: r.address.city,
          postalCode: r.address.postalCode,
          state: r.address.state || undefined,
          country: r.address.country,
        }
      : undefined,
    paymentMethod: r.paymentMethod,
    merchantName: r.merchantName,
    orderUrl: r.orderUrl,
  };
}

/** Where orderOfReceipt puts each field of the template, the other way: the order's field → the template's. */
const templateFields: Readonly<Record<string, string>> = {
  number: 'order_number',
  currency: 'currency',
  items: 'elements',
  adjustments: 'adjustments',
  // One tax line, made of total_tax.
  taxes: 'summary.total_tax',
  shippingCost: 'summary.shipping_cost',
  total: 'summary.total_cost',
  shippingAddress: 'address',
  paymentMethod: 'payment_method',
  merchantName: 'merchant_name',
  orderUrl: 'order_url',
};
const elementFields: Readonly<Record<string, string>> = {
  title: 'title',
  subtitle: 'subtitle',
  quantity: 'quantity',
  // The element's price is the line's: quantity × unit price.
  unitPrice: 'price',
  imageUrl: 'image_url',
};
const adjustmentFields: Readonly<Record<string, string>> = { label: 'name', amount: 'amount' };
const addressFields: Readonly<Record<string, string>> = {
  // The address's name is the receipt's recipient.
  name: 'recipient_name',
  street1: 'address.street_1',
  street2: 'address.street_2',
  city: 'address.city',
  postalCode: 'address.postal_code',
  state: 'address.state',
  country: 'address.country',
};

/**
 * The receipt template's field an order's field was read from (orderOfReceipt, inverted), as the Send API's
 * body names it: `total` → `message.attachment.payload.summary.total_cost`, `number` → `…order_number`,
 * `items.1.unitPrice` → `…elements[1].price`, `adjustments.0.amount` → `…adjustments[0].amount`,
 * `taxes.0.amount` → `…summary.total_tax`, `shippingAddress.postalCode` → `…address.postal_code`. A field
 * no template field makes names the payload.
 */
export function receiptFieldOf(orderField: string): string {
  const [head = '', index, leaf] = orderField.split('.');
  const own = (fields: Readonly<Record<string, string>>, key: string | undefined) =>
    key !== undefined && Object.hasOwn(fields, key) ? fields[key] : undefined;
  const listed = (name: string, fields: Readonly<Record<string, string>>) => {
    if (index === undefined || !/^[0-9]+$/.test(index)) return undefined;
    const of = own(fields, leaf);
    return of === undefined ? `${name}[${index}]` : `${name}[${index}].${of}`;
  };
  const nested =
    index === undefined
      ? undefined
      : head === 'items'
        ? listed('elements', elementFields)
        : head === 'adjustments'
          ? listed('adjustments', adjustmentFields)
          : head === 'shippingAddress'
            ? own(addressFields, index)
            : undefined;
  const path = nested ?? own(templateFields, head);
  return path === undefined ? PAYLOAD : `${PAYLOAD}.${path}`;
}

/** The refusals of an order's rules a receipt may meet (policy.ts, service.ts), named by the order's fields. */
const orderRefusals: ReadonlySet<string> = new Set([
  'totals_mismatch',
  'unknown_currency',
  'order_number_taken',
  'order_not_editable',
  // A receipt sent again whose total is below what the order's refunds took back.
  'refund_exceeds_total',
]);

/**
 * An order's refusal of what a receipt made of it, as a refusal of the receipt: naming the template's field
 * (receiptFieldOf), and quoting amounts as the template sent them — major units with the currency's decimals
 * (`…summary.total_cost: 60.00 given, but elements (75.00) - adjustments (30.00) + … = 56.14`), where the
 * order's rules count minor units. Any other error, or one already naming the template's field
 * (orderOfReceipt's), is answered as it is.
 */
export function receiptRefusal(e: unknown, input: OrderInput): unknown {
  if (!(e instanceof AppError) || !orderRefusals.has(e.id)) return e;
  const named = typeof e.details?.field === 'string' ? e.details.field : '';
  if (named.startsWith(PAYLOAD)) return e;
  const field = receiptFieldOf(named);
  const m = (n: number) => majorText(n, input.currency);
  const major = (n: unknown) => (typeof n === 'number' ? toMajorUnits(n, input.currency) : n);
  const refusal = (why: string, details: Record<string, unknown> = {}) =>
    new AppError(e.id, `${field}: ${why}`, { ...e.details, field, ...details }, { cause: e });
  if (e.id === 'totals_mismatch' && named === 'total') {
    const off = -input.adjustments.reduce((s, a) => s + a.amount, 0);
    const tax = input.taxes.reduce((s, t) => s + t.amount, 0);
    return refusal(
      `${m(input.total)} given, but elements (${m(subtotalOf(input.items))}) - adjustments (${m(off)}) + total_tax (${m(tax)}) + shipping_cost (${m(input.shippingCost)}) = ${m(expectedTotal(input))}`,
      { given: major(e.details?.given), expected: major(e.details?.expected) },
    );
  }
  const { total, refunded } = e.details ?? {};
  if (e.id === 'refund_exceeds_total' && typeof total === 'number' && typeof refunded === 'number')
    return refusal(
      `${m(total)} is less than the ${m(refunded)} already refunded; the order’s refunds may not exceed its total`,
      { total: major(total), refunded: major(refunded) },
    );
  return refusal(named !== '' && e.message.startsWith(`${named}: `) ? e.message.slice(named.length + 2) : e.message);
}
