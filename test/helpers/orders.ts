/** Orders for the server's commerce tests. */

let n = 0;

/**
 * An Orders API body that adds up, for the customer `psid`: 2 × 12.50 + 1 × 5.00 − 3.00 + 2.40 tax + 4.90
 * shipping = 34.30 EUR, to an address in Paris; a new number each time unless given.
 */
export const orderBody = (psid: string, number = `O-${process.pid}-${++n}`) => ({
  number,
  customer: { psid },
  currency: 'EUR',
  items: [
    { title: 'Café en grains', subtitle: '1 kg', quantity: 2, unitPrice: 1250 },
    { title: 'Filtres', quantity: 1, unitPrice: 500 },
  ],
  adjustments: [{ label: 'Welcome', amount: -300 }],
  taxes: [{ label: 'VAT', amount: 240 }],
  shippingCost: 490,
  total: 3430,
  shippingAddress: { name: 'Ada', street1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
  paymentMethod: 'Visa 4242',
});
