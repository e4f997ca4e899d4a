import type { OrderView } from '../../protocol/commerce.ts';
import type { Template } from '../../protocol/content.ts';
import { exponentOf as exponent, toMajorUnits } from '../../protocol/currencies.ts';
import { AppError } from '../errors.ts';
import type { OrderInput } from './service.ts';

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
export function orderOfReceipt(r: Extract<Template, { templateType: 'receipt' }>): OrderInput {
  const field = (name: string) => `message.attachment.payload.${name}`;
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
        `${field('summary.subtotal')}: ${r.summary.subtotal} given, the elements add up to ${sum / 10 ** exponent(r.currency)}`,
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
