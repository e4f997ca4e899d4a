import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AttachmentIds, attachmentIdsIn, readSendBody, SendBodyError } from './send-body.ts';

const refused = (
  body: unknown,
  field: string,
  subcode: number | null = null,
  o: { saved?: AttachmentIds; upload?: boolean } = {},
) =>
  assert.throws(
    () => readSendBody(body, o.saved, o.upload),
    (e: unknown) => {
      assert.ok(e instanceof SendBodyError, String(e));
      assert.equal(e.field, field, e.message);
      assert.equal(e.subcode, subcode);
      assert.match(e.message, /^\(#100\) param /);
      return true;
    },
  );

const to = { recipient: { id: '1234567890123456' } };

describe('the Send API body', () => {
  it('reads text, quick replies and metadata, with the defaults of messaging_type', () => {
    const r = readSendBody({
      ...to,
      message: {
        text: 'Bonjour',
        quick_replies: [
          { content_type: 'text', title: 'Oui', payload: 'YES', image_url: 'https://x.example/y.png' },
          { content_type: 'user_email' },
        ],
        metadata: 'm1',
      },
    });
    assert.deepEqual(r, {
      recipient: { id: '1234567890123456' },
      messagingType: 'RESPONSE',
      tag: null,
      senderAction: null,
      message: {
        text: 'Bonjour',
        content: {
          quickReplies: [
            { contentType: 'text', title: 'Oui', payload: 'YES', imageUrl: 'https://x.example/y.png' },
            { contentType: 'user_email' },
          ],
          metadata: 'm1',
        },
        media: null,
      },
    });
    assert.deepEqual(readSendBody({ recipient: { user_ref: 'ref-1' }, message: { text: 'x' } }).recipient, {
      userRef: 'ref-1',
    });
    assert.deepEqual(
      readSendBody({ recipient: { id: 42 }, message: { text: 'x' } }).recipient,
      { id: '42' },
      'numeric ids, as some clients send them',
    );
    assert.equal(readSendBody({ ...to, tag: 'HUMAN_AGENT', message: { text: 'x' } }).messagingType, 'MESSAGE_TAG');
    assert.deepEqual(readSendBody({ ...to, sender_action: 'typing_on' }).senderAction, 'typing_on');
  });

  it('reads the templates clients send (snake_case) into what is stored', () => {
    const generic = readSendBody({
      ...to,
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: [
              {
                title: 'Comté',
                image_url: 'https://x.example/c.jpg',
                default_action: { type: 'web_url', url: 'https://x.example/c' },
                buttons: [
                  { type: 'web_url', title: 'Voir', url: 'https://x.example/c', webview_height_ratio: 'tall' },
                  { type: 'postback', title: 'Ajouter', payload: 'ADD' },
                  { type: 'phone_number', title: 'Appeler', payload: '+33123456789' },
                ],
              },
            ],
          },
        },
      },
    });
    assert.deepEqual(generic.message?.content?.attachment, {
      type: 'template',
      template: {
        templateType: 'generic',
        elements: [
          {
            title: 'Comté',
            imageUrl: 'https://x.example/c.jpg',
            defaultAction: { type: 'web_url', url: 'https://x.example/c' },
            buttons: [
              { type: 'web_url', title: 'Voir', url: 'https://x.example/c', webviewHeightRatio: 'tall' },
              { type: 'postback', title: 'Ajouter', payload: 'ADD' },
              { type: 'phone_number', title: 'Appeler', payload: '+33123456789' },
            ],
          },
        ],
      },
    });
    const receipt = readSendBody({
      ...to,
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'receipt',
            recipient_name: 'Margot',
            order_number: 12345,
            currency: 'EUR',
            payment_method: 'Visa 1234',
            timestamp: '1428444852',
            address: { street_1: '1 rue Haute', city: 'Lyon', postal_code: 69001, state: '', country: 'FR' },
            summary: { subtotal: 75, shipping_cost: '4.95', total_tax: 6.19, total_cost: '56.14' },
            adjustments: [{ name: 'Coupon', amount: 20 }],
            elements: [{ title: 'Chemise', quantity: 2, price: 50, currency: 'EUR' }],
          },
        },
      },
    });
    const t = receipt.message?.content?.attachment;
    assert.ok(t?.type === 'template' && t.template.templateType === 'receipt');
    assert.deepEqual(
      [t.template.orderNumber, t.template.timestamp, t.template.address?.postalCode, t.template.summary.totalCost],
      ['12345', 1428444852, '69001', 56.14],
    );
    // A media template by a saved attachment: the URL it was saved from (templates show URLs).
    const saved = { url: 'https://media.example/77.png', mediaId: 'm77' };
    const template = readSendBody(
      {
        ...to,
        message: {
          attachment: {
            type: 'template',
            payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: 77 }] },
          },
        },
      },
      (id) => (id === '77' ? saved : null),
    );
    const t2 = template.message?.content?.attachment;
    assert.ok(t2?.type === 'template' && t2.template.templateType === 'media');
    assert.equal(t2.template.elements[0]?.url, 'https://media.example/77.png');
  });

  it('reads an image, audio, video or file attachment as media to store: by URL, saved, or the call’s file', () => {
    const attach = (payload: object, type = 'image') => ({ ...to, message: { attachment: { type, payload } } });
    assert.deepEqual(readSendBody(attach({ url: 'https://x.example/a.png', is_reusable: true })).message, {
      text: '',
      content: null,
      media: { type: 'image', source: { from: 'url', url: 'https://x.example/a.png', reusable: true } },
    });
    assert.deepEqual(readSendBody(attach({ url: 'https://x.example/a.pdf' }, 'file')).message?.media, {
      type: 'file',
      source: { from: 'url', url: 'https://x.example/a.pdf', reusable: false },
    });
    const saved = { url: null, mediaId: 'm77' };
    assert.deepEqual(
      readSendBody(attach({ attachment_id: 77 }, 'video'), (id) => (id === '77' ? saved : null)).message?.media,
      { type: 'video', source: { from: 'saved', attachmentId: '77', saved } },
    );
    const uploaded = readSendBody(
      {
        ...attach({ is_reusable: true }, 'audio'),
        message: { ...attach({ is_reusable: true }, 'audio').message, quick_replies: [{ content_type: 'user_email' }] },
      },
      undefined,
      true,
    ).message;
    assert.deepEqual(uploaded?.media, { type: 'audio', source: { from: 'upload', reusable: true } });
    assert.deepEqual(uploaded?.content, { quickReplies: [{ contentType: 'user_email' }] }, 'with quick replies');
  });

  it('refuses each bad field by its name, as the Graph API does', () => {
    refused({ message: { text: 'x' } }, 'recipient');
    refused({ recipient: {}, message: { text: 'x' } }, 'recipient');
    refused({ recipient: 'x', message: { text: 'x' } }, 'recipient');
    refused(to, 'message');
    refused({ ...to, message: { text: '' } }, 'message', 2018034);
    refused({ ...to, message: { text: '   ' } }, 'message', 2018034);
    refused({ ...to, message: { text: 'x'.repeat(2001) } }, 'message[text]');
    refused({ ...to, message: { text: 5 } }, 'message[text]');
    refused({ ...to, message: { text: 'x' }, sender_action: 'typing_on' }, 'sender_action');
    refused({ ...to, sender_action: 'dance' }, 'sender_action');
    refused({ ...to, messaging_type: 'MESSAGE_TAG', message: { text: 'x' } }, 'tag');
    refused({ ...to, messaging_type: 'SPAM', message: { text: 'x' } }, 'messaging_type');
    refused({ ...to, tag: 'WHATEVER', message: { text: 'x' } }, 'tag');
    const qr = Array.from({ length: 14 }, (_, i) => ({ content_type: 'text', title: `q${i}`, payload: `p${i}` }));
    refused({ ...to, message: { text: 'x', quick_replies: qr } }, 'message[quick_replies]');
    refused(
      { ...to, message: { text: 'x', quick_replies: [{ content_type: 'text', title: 'x'.repeat(21), payload: 'p' }] } },
      'message[quick_replies][0][title]',
    );
    const generic = (elements: unknown) => ({
      ...to,
      message: { attachment: { type: 'template', payload: { template_type: 'generic', elements } } },
    });
    refused(
      generic([{ title: 't', buttons: [{ type: 'postback', title: 'x'.repeat(21), payload: 'p' }] }]),
      'message[attachment][payload][elements][0][buttons][0][title]',
    );
    refused(
      generic([
        { title: 't', buttons: Array.from({ length: 4 }, () => ({ type: 'postback', title: 'b', payload: 'p' })) },
      ]),
      'message[attachment][payload][elements][0][buttons]',
    );
    refused(generic(Array.from({ length: 11 }, () => ({ title: 't' }))), 'message[attachment][payload][elements]');
    refused(
      generic([{ title: 't', image_url: 'javascript:alert(1)' }]),
      'message[attachment][payload][elements][0][image_url]',
    );
    refused(generic([]), 'message[attachment][payload][elements]');
    refused(
      { ...to, message: { attachment: { type: 'template', payload: { template_type: 'list', elements: [] } } } },
      'message[attachment][payload][template_type]',
    );
    refused(
      { ...to, message: { text: 'x', attachment: { type: 'image', payload: { url: 'https://x.example/a.png' } } } },
      'message',
    );
    refused({ ...to, message: { attachment: { type: 'image', payload: {} } } }, 'message[attachment][payload]');
    refused(
      { ...to, message: { attachment: { type: 'image', payload: { attachment_id: 'nope' } } } },
      'message[attachment][payload][attachment_id]',
    );
    refused(
      { ...to, message: { attachment: { type: 'image', payload: { url: 'ftp://x.example/a' } } } },
      'message[attachment][payload][url]',
    );
    refused(
      { ...to, message: { attachment: { type: 'image', payload: { url: `https://x.example/${'a'.repeat(2048)}` } } } },
      'message[attachment][payload][url]',
    );
    refused(
      {
        ...to,
        message: { attachment: { type: 'image', payload: { url: 'https://x.example/a', attachment_id: '1' } } },
      },
      'message[attachment][payload]',
    );
    // The call's file: with an image, audio, video or file attachment only, and without a url or an id.
    const upload = { upload: true };
    refused(
      { ...to, message: { attachment: { type: 'image', payload: { url: 'https://x.example/a' } } } },
      'filedata',
      null,
      upload,
    );
    refused({ ...to, message: { text: 'x' } }, 'filedata', null, upload);
    refused({ ...to, sender_action: 'typing_on' }, 'filedata', null, upload);
    refused(
      {
        ...to,
        message: {
          attachment: {
            type: 'template',
            payload: { template_type: 'button', text: 'x', buttons: [{ type: 'postback', title: 'b', payload: 'p' }] },
          },
        },
      },
      'filedata',
      null,
      upload,
    );
    // A media template takes a saved attachment that has a URL; one uploaded as a file has none.
    refused(
      {
        ...to,
        message: {
          attachment: {
            type: 'template',
            payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: '9' }] },
          },
        },
      },
      'message[attachment][payload][elements][0][attachment_id]',
      null,
      { saved: () => ({ url: null, mediaId: 'm9' }) },
    );
    refused({ ...to, message: { text: 'x', metadata: 'm'.repeat(1001) } }, 'message[metadata]');
  });

  it('finds the attachment ids a body names, to load them before reading it', () => {
    const media = (elements: unknown) => ({
      ...to,
      message: { attachment: { type: 'template', payload: { template_type: 'media', elements } } },
    });
    assert.deepEqual(
      attachmentIdsIn({ ...to, message: { attachment: { type: 'image', payload: { attachment_id: 77 } } } }),
      ['77'],
    );
    assert.deepEqual(
      attachmentIdsIn(
        media([{ attachment_id: '1' }, { url: 'https://x.example' }, { attachment_id: '1' }, { attachment_id: '2' }]),
      ),
      ['1', '2'],
    );
    for (const odd of [
      null,
      'x',
      [],
      { message: 'x' },
      { message: { attachment: [] } },
      media('x'),
      media([null, { attachment_id: {} }]),
    ])
      assert.deepEqual(attachmentIdsIn(odd), []);
  });
});
