import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';

register(
  'data:text/javascript,export async function load(url, context, next) { if (url.endsWith(".css")) return { format: "module", source: "", shortCircuit: true }; return next(url, context); }',
);

const { renderToString } = await import('react-dom/server');
const { createElement } = await import('react');
const { MessageAttachment, QuickReplies } = await import('./MessageAttachment.tsx');

const carousel = {
  type: 'template' as const,
  template: {
    templateType: 'generic' as const,
    elements: [
      {
        title: 'Comté <24 mois>',
        subtitle: '250 g',
        imageUrl: 'javascript:alert(1)',
        buttons: [
          { type: 'web_url' as const, title: 'Voir', url: 'https://shop.example/comte' },
          { type: 'postback' as const, title: 'Ajouter', payload: 'ADD' },
          { type: 'phone_number' as const, title: 'Appeler', payload: '+33 1 23 45 67 89' },
        ],
      },
      { title: 'Brie', buttons: [{ type: 'postback' as const, title: 'Ajouter', payload: 'ADD_BRIE' }] },
    ],
  },
};

test('a page’s templates render as cards with safe links; postbacks shown, quick replies shown', () => {
  const generic = renderToString(
    createElement(MessageAttachment, {
      tabbable: false,
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
  assert.match(generic, /href="https:\/\/shop\.example\/comte" target="_blank" rel="noopener noreferrer"/);
  assert.doesNotMatch(generic, /javascript:/, 'an unsafe URL is never rendered');
  assert.match(generic, /href="tel:\+33123456789"/);
  assert.match(generic, /data-testid="postback-button"[^>]*>Ajouter</);
  const receipt = renderToString(
    createElement(MessageAttachment, {
      tabbable: false,
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
    createElement(QuickReplies, { tabbable: true, replies: [{ contentType: 'text', title: 'Oui', payload: 'YES' }] }),
  );
  assert.match(replies, /data-testid="quick-replies"/);
  assert.match(replies, />Oui</);
  assert.doesNotMatch(replies, /<button/, 'nothing to tap where nothing may be tapped');
});

test('where the person may tap: postback buttons and quick replies are buttons; the carousel is a focusable region', () => {
  const onTap = () => {};
  const html = renderToString(createElement(MessageAttachment, { attachment: carousel, onTap, tabbable: true }));
  assert.match(
    html,
    /<button type="button" class="msg-button msg-button-postback" data-testid="postback-button" tabindex="0">Ajouter<\/button>/,
  );
  assert.match(
    html,
    /<section class="msg-cards" data-testid="template-generic" aria-roledescription="carousel" aria-label="2 cards, ← and → to scroll" tabindex="0"/,
  );
  assert.match(html, /aria-label="2 of 2" data-testid="carousel-card"/);
  assert.match(html, /href="tel:\+33123456789" tabindex="0"/);
  // Out of the tab order in a message that is not the focused one (reached with the arrow keys, then Tab).
  const resting = renderToString(createElement(MessageAttachment, { attachment: carousel, onTap, tabbable: false }));
  assert.doesNotMatch(resting, /tabindex="0"/);
  const replies = renderToString(
    createElement(QuickReplies, {
      onTap,
      tabbable: true,
      replies: [{ contentType: 'text', title: 'Oui', payload: 'YES' }, { contentType: 'user_email' }],
    }),
  );
  assert.match(
    replies,
    /<button type="button" class="msg-quick-reply" data-testid="quick-reply" tabindex="0">Oui<\/button>/,
  );
  assert.match(
    replies,
    /<span class="msg-quick-reply msg-quick-reply-inert">@<\/span>/,
    'an email quick reply is not offered',
  );
});
