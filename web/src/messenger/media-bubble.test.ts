import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';
import type { AttachmentView } from '../../../protocol/media.ts';

register(
  'data:text/javascript,export async function load(url, context, next) { if (url.endsWith(".css")) return { format: "module", source: "", shortCircuit: true }; return next(url, context); }',
);

const { renderToString } = await import('react-dom/server');
const { createElement } = await import('react');
const { MessageBubble } = await import('./MessageBubble.tsx');
const { ana, me, msg } = await import('../state/fixtures.test-helpers.ts');

const photo: AttachmentView = {
  id: 'ph',
  kind: 'image',
  mime: 'image/jpeg',
  name: 'cat.jpg',
  size: 10,
  width: 400,
  height: 300,
  durationMs: null,
  voice: false,
  waveform: null,
  url: '/api/media/ph',
  thumbnailUrl: '/api/media/ph/thumbnail',
};
const noop = () => {};
const bubble = (props: Partial<Parameters<typeof MessageBubble>[0]>) =>
  renderToString(
    createElement(MessageBubble, {
      message: null,
      pending: null,
      own: false,
      status: 'received',
      senderName: 'Ana',
      showSender: false,
      quote: null,
      seenBy: null,
      tabbable: true,
      onReply: noop,
      onEdit: noop,
      onDelete: noop,
      onQuoteClick: noop,
      onRetry: noop,
      onDiscard: noop,
      ...props,
    }),
  );

test('a photo without a caption (text null, as stored) is not a deleted message; a caption goes under it', () => {
  const bare = bubble({ message: msg(1, ana.id, { text: null, attachments: [photo] }) });
  assert.match(bare, /data-testid="message-media"/);
  assert.doesNotMatch(bare, /was deleted/);
  assert.doesNotMatch(bare, /data-testid="message-text"/);
  const captioned = bubble({ message: msg(2, ana.id, { text: 'Look', attachments: [photo] }) });
  assert.ok(captioned.indexOf('message-media') < captioned.indexOf('Look'), 'the caption under the media');
  // Deleted: neither the media nor the caption.
  const gone = bubble({ message: msg(3, ana.id, { text: null, deletedAt: '2024-01-01T11:00:00.000Z' }) });
  assert.match(gone, /This message was deleted/);
  assert.doesNotMatch(gone, /message-media/);
});

test('my pending message shows its attachments; a reply quotes a photo as what it is', () => {
  const pending = bubble({
    own: true,
    status: 'pending',
    pending: {
      clientId: 'c-1',
      conversationId: 'c1',
      text: '',
      replyToId: null,
      replyTo: null,
      createdAt: '2024-01-01T10:00:00.000Z',
      status: 'pending',
      error: null,
      attachments: [photo],
    },
  });
  assert.match(pending, /data-testid="media-image"/);
  assert.doesNotMatch(pending, /data-testid="message-text"/);
  const quoted = msg(1, me.id, { text: null, attachments: [photo] });
  const reply = bubble({
    message: msg(2, ana.id, { text: 'Nice' }),
    quote: { quote: { id: 'm1', senderId: me.id, text: null, deleted: false }, local: quoted, senderName: 'You' },
  });
  assert.match(reply, /class="msg-quote-text">Photo</);
  const remote = bubble({
    message: msg(2, ana.id, { text: 'Nice' }),
    quote: { quote: { id: 'm1', senderId: me.id, text: null, deleted: false }, local: undefined, senderName: 'You' },
  });
  assert.match(remote, /class="msg-quote-text">Sent an attachment</);
  // As the server quotes one: its text empty.
  const served = bubble({
    message: msg(2, ana.id, { text: 'Nice' }),
    quote: { quote: { id: 'm1', senderId: me.id, text: '', deleted: false }, local: undefined, senderName: 'You' },
  });
  assert.match(served, /class="msg-quote-text">Sent an attachment</);
  const deleted = bubble({
    message: msg(2, ana.id, { text: 'Nice' }),
    quote: { quote: { id: 'm1', senderId: me.id, text: null, deleted: true }, local: undefined, senderName: 'You' },
  });
  assert.match(deleted, /class="msg-quote-text">The original message was deleted</);
});
