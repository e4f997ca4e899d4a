import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listeningOrigin, WebhookMediaUrls } from './media-urls.ts';

/** A stand-in for media's signedUrl that shows what it was asked (media's own links are tested there). */
const sign = (id: string, variant: string, origin: string) => `${origin}/api/media/${id}/${variant}?signed`;

test('a recorded event is sent with signed absolute URLs in place of its media ids', () => {
  const urls = new WebhookMediaUrls(sign, 'https://chat.example.org');
  const recorded = {
    sender: { id: '1' },
    recipient: { id: 'p' },
    timestamp: 1,
    message: {
      mid: 'm_1',
      attachments: [
        { type: 'image', payload: { media_id: 'media01' } },
        { type: 'template', payload: { template_type: 'button', text: 'x', buttons: [] } },
        { type: 'image', payload: { url: 'https://cdn.example.org/a.png' } },
      ],
    },
  };
  const copy = structuredClone(recorded);
  assert.deepEqual(urls.present(recorded), {
    ...recorded,
    message: {
      mid: 'm_1',
      attachments: [
        { type: 'image', payload: { url: 'https://chat.example.org/api/media/media01/original?signed' } },
        recorded.message.attachments[1],
        recorded.message.attachments[2],
      ],
    },
  });
  assert.deepEqual(recorded, copy, 'the recorded event is left as it was');
  for (const other of [null, 'x', [], { message: 'x' }, { message: { attachments: 'x' } }, { sender: { id: '1' } }])
    assert.deepEqual(urls.present(other), other);
});

test('an order request’s photos get signed links, the thumbnail only where there is one', () => {
  const urls = new WebhookMediaUrls(sign, null);
  urls.listening = () => 'http://127.0.0.1:4000';
  const photo = (id: string, thumbnail: boolean) => ({
    id,
    kind: 'image',
    url: `/api/media/${id}`,
    thumbnailUrl: thumbnail ? `/api/media/${id}/thumbnail` : null,
  });
  const event = {
    order_request: {
      action: 'requested',
      order_number: '42',
      request: { id: 'r1', photos: [photo('a', true), photo('b', false)] },
    },
  };
  assert.deepEqual(urls.present(event), {
    order_request: {
      action: 'requested',
      order_number: '42',
      request: {
        id: 'r1',
        photos: [
          {
            ...photo('a', true),
            url: 'http://127.0.0.1:4000/api/media/a/original?signed',
            thumbnailUrl: 'http://127.0.0.1:4000/api/media/a/thumbnail?signed',
          },
          { ...photo('b', false), url: 'http://127.0.0.1:4000/api/media/b/original?signed', thumbnailUrl: null },
        ],
      },
    },
  });
});

test('the links’ origin: PUBLIC_ORIGIN, else where the server listens', () => {
  assert.equal(new WebhookMediaUrls(sign, 'https://chat.example.org').origin(), 'https://chat.example.org');
  const local = new WebhookMediaUrls(sign, null);
  assert.equal(local.origin(), 'http://localhost', 'before it listens');
  local.listening = () => listeningOrigin({ address: '::', port: 3000 });
  assert.equal(local.origin(), 'http://localhost:3000');
  assert.equal(listeningOrigin({ address: '127.0.0.1', port: 8080 }), 'http://127.0.0.1:8080');
  assert.equal(listeningOrigin({ address: '::1', port: 8080 }), 'http://[::1]:8080');
  assert.equal(listeningOrigin({ address: '0.0.0.0', port: 80 }), 'http://localhost:80');
  assert.equal(listeningOrigin('/tmp/socket'), null);
  assert.equal(listeningOrigin(null), null);
});
