import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';

register(
  'data:text/javascript,export async function load(url, context, next) { if (url.endsWith(".css")) return { format: "module", source: "", shortCircuit: true }; return next(url, context); }',
);

const { renderToString } = await import('react-dom/server');
const { createElement } = await import('react');
const { MessageAttachment, QuickReplies } = await import('./MessageAttachment.tsx');

test('a page’s templates render as cards with safe links; postbacks shown, quick replies shown', () => {
  const generic = renderToString(
    createElement(MessageAttachment, {
      attachment: {
        type: 'template',
        template: {
          templateType: 'generic',
          elements: [
            {
              title: 'Comté <24 mois>',
              subtitle: '250 g',
              imageUrl: 'javascript:alert(1)',
              buttons: [
                { type: 'web_url', title: 'Voir', url: 'https://shop.example/comte' },
                { type: 'postback', title: 'Ajouter', payload: 'ADD' },
                { type: 'phone_number', title: 'Appeler', payload: '+33 1 23 45 67 89' },
              ],
            },
          ],
        },
      },
    }),
  );
  assert.match(generic, /Comté &lt;24 mois&gt;/, 'text escaped');
  assert.match(
    generic,
    /href="https:\/\/shop\.example\/comte"[^>]*rel="noopener noreferrer nofollow"|rel="noopener noreferrer nofollow"[^>]*href="https:\/\/shop\.example\/comte"/,
  );
  assert.doesNotMatch(generic, /javascript:/, 'an unsafe URL is never rendered');
  assert.match(generic, /href="tel:\+33123456789"/);
  assert.match(generic, /data-testid="postback-button"[^>]*>Ajouter</);
  const receipt = renderToString(
    createElement(MessageAttachment, {
      attachment: {
        type: 'template',
        template: {
          templateType: 'receipt',
          recipientName: 'Margot',
          orderNumber: 'A-42',
          currency: 'EUR',
          paymentMethod: 'Visa 1234',
          summary: { totalCost: 56.14 },
          elements: [{ title: 'Chemise', quantity: 2, price: 50 }],
        },
      },
    }),
  );
  assert.match(receipt, /A-42/);
  assert.match(receipt, /56\.14 EUR/);
  assert.match(receipt, /2 × <!-- -->Chemise|2 × Chemise/);
  const replies = renderToString(
    createElement(QuickReplies, { replies: [{ contentType: 'text', title: 'Oui', payload: 'YES' }] }),
  );
  assert.match(replies, /data-testid="quick-replies"/);
  assert.match(replies, />Oui</);
});
