import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { checkCurrency, checkTotals } from './policy.ts';
import { orderOfReceipt, type ReceiptTemplate, receiptFieldOf, receiptRefusal } from './receipts.ts';

const receipt = (changes: Partial<ReceiptTemplate> = {}): ReceiptTemplate => ({
  templateType: 'receipt',
  recipientName: 'Ana',
  orderNumber: 'CMD-1',
  currency: 'EUR',
  paymentMethod: 'Visa 1234',
  elements: [{ title: 'Comté', price: 8.5, quantity: 1 }],
  summary: { totalCost: 8.5 },
  ...changes,
});

/** What the receipt's order checks throw, as a receipt's refusal. */
const refusalOf = (template: ReceiptTemplate) => {
  const input = orderOfReceipt(template);
  try {
    checkCurrency(input.currency);
    checkTotals(input);
  } catch (e) {
    const refused = receiptRefusal(e, input);
    assert.ok(refused instanceof AppError);
    return refused;
  }
  throw new Error('not refused');
};

describe('receipts and orders', () => {
  it('names an order’s field by the receipt template’s field it was read from', () => {
    const cases: [string, string][] = [
      ['number', 'order_number'],
      ['currency', 'currency'],
      ['items', 'elements'],
      ['items.0', 'elements[0]'],
      ['items.2.title', 'elements[2].title'],
      ['items.2.subtitle', 'elements[2].subtitle'],
      ['items.2.quantity', 'elements[2].quantity'],
      ['items.2.unitPrice', 'elements[2].price'],
      ['items.2.imageUrl', 'elements[2].image_url'],
      ['adjustments', 'adjustments'],
      ['adjustments.1.amount', 'adjustments[1].amount'],
      ['adjustments.1.label', 'adjustments[1].name'],
      ['taxes', 'summary.total_tax'],
      ['taxes.0.amount', 'summary.total_tax'],
      ['shippingCost', 'summary.shipping_cost'],
      ['total', 'summary.total_cost'],
      ['shippingAddress', 'address'],
      ['shippingAddress.name', 'recipient_name'],
      ['shippingAddress.street1', 'address.street_1'],
      ['shippingAddress.street2', 'address.street_2'],
      ['shippingAddress.city', 'address.city'],
      ['shippingAddress.postalCode', 'address.postal_code'],
      ['shippingAddress.state', 'address.state'],
      ['shippingAddress.country', 'address.country'],
      ['paymentMethod', 'payment_method'],
      ['merchantName', 'merchant_name'],
      ['orderUrl', 'order_url'],
    ];
    for (const [order, template] of cases)
      assert.equal(receiptFieldOf(order), `message.attachment.payload.${template}`, order);
    // What no template field makes names the payload (or the part holding it), never a field it does not have.
    const unknown: [string, string][] = [
      ['', ''],
      ['customer', ''],
      ['customer.psid', ''],
      ['toString', ''],
      ['constructor', ''],
      ['items.x', '.elements'],
      ['items.0.toString', '.elements[0]'],
      ['shippingAddress.toString', '.address'],
    ];
    for (const [order, template] of unknown)
      assert.equal(receiptFieldOf(order), `message.attachment.payload${template}`, order);
  });

  it('quotes a total that does not add up in the template’s units, with the currency’s decimals', () => {
    const e = refusalOf(
      receipt({
        currency: 'USD',
        summary: { subtotal: 75, shippingCost: 4.95, totalTax: 6.19, totalCost: 60 },
        adjustments: [
          { name: 'New Customer Discount', amount: 20 },
          { name: '$10 Off Coupon', amount: 10 },
        ],
        elements: [
          { title: 'Classic White T-Shirt', quantity: 2, price: 50 },
          { title: 'Classic Gray T-Shirt', quantity: 1, price: 25 },
        ],
      }),
    );
    assert.equal(e.id, 'totals_mismatch');
    assert.equal(
      e.message,
      'message.attachment.payload.summary.total_cost: 60.00 given, but elements (75.00) - adjustments (30.00) + total_tax (6.19) + shipping_cost (4.95) = 56.14',
    );
    assert.deepEqual(e.details, { field: 'message.attachment.payload.summary.total_cost', given: 60, expected: 56.14 });
    assert.equal(
      refusalOf(
        receipt({ currency: 'JPY', elements: [{ title: 'Sencha', price: 1200 }], summary: { totalCost: 1300 } }),
      ).message,
      'message.attachment.payload.summary.total_cost: 1300 given, but elements (1200) - adjustments (0) + total_tax (0) + shipping_cost (0) = 1200',
    );
  });

  it('names the currency, and order_number for the order’s refusals in the job', () => {
    const currency = refusalOf(receipt({ currency: 'ABC' }));
    assert.equal(currency.id, 'unknown_currency');
    assert.equal(currency.message, 'message.attachment.payload.currency: ABC is not an ISO 4217 currency code in use');
    assert.deepEqual(currency.details, { field: 'message.attachment.payload.currency', currency: 'ABC' });

    const input = orderOfReceipt(receipt());
    const taken = receiptRefusal(
      new AppError('order_number_taken', 'number: order CMD-1 is another person’s', { field: 'number' }),
      input,
    );
    assert.ok(taken instanceof AppError);
    assert.equal(taken.message, 'message.attachment.payload.order_number: order CMD-1 is another person’s');
    const shipped = receiptRefusal(
      new AppError('order_not_editable', 'order CMD-1 is shipped: its receipt can no longer change', {
        field: 'number',
        status: 'shipped',
      }),
      input,
    );
    assert.ok(shipped instanceof AppError);
    assert.equal(
      shipped.message,
      'message.attachment.payload.order_number: order CMD-1 is shipped: its receipt can no longer change',
    );
    assert.equal(shipped.details?.status, 'shipped');
    // A receipt sent again whose total is below the order's refunds: the total, in the template's units.
    const refunds = receiptRefusal(
      new AppError('refund_exceeds_total', 'total: 850 is less than the 1000 already refunded', {
        field: 'total',
        total: 850,
        refunded: 1000,
      }),
      input,
    );
    assert.ok(refunds instanceof AppError);
    assert.equal(
      refunds.message,
      'message.attachment.payload.summary.total_cost: 8.50 is less than the 10.00 already refunded; the order’s refunds may not exceed its total',
    );
    assert.deepEqual(refunds.details, {
      field: 'message.attachment.payload.summary.total_cost',
      total: 8.5,
      refunded: 10,
    });
    // Other errors pass as they are.
    const other = new AppError('order_changed', undefined, { field: 'number' });
    assert.equal(receiptRefusal(other, input), other);
  });

  it('refuses what the template itself gets wrong, naming its field, amounts in its units', () => {
    const refused = (template: ReceiptTemplate) => {
      try {
        orderOfReceipt(template);
      } catch (e) {
        assert.ok(e instanceof AppError);
        return e.message;
      }
      throw new Error('not refused');
    };
    assert.equal(
      refused(receipt({ elements: [{ title: 'Comté', price: -8.5 }] })),
      "message.attachment.payload.elements[0].price: the line's price must be a non-negative multiple of its quantity",
    );
    assert.equal(
      refused(receipt({ summary: { subtotal: 9, totalCost: 8.5 } })),
      'message.attachment.payload.summary.subtotal: 9.00 given, but the elements add up to 8.50',
    );
  });
});
