import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageView } from '../../../protocol/views.ts';
import { makeTranslate, translateError } from '../i18n/translate.ts';
import { messageFacts } from './MessageStatus.tsx';

const message = (over: Partial<MessageView> = {}): MessageView => ({
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  senderId: 'p1',
  clientId: 'csat-q1',
  text: 'How would you rate the help you received? (1 = poor, 5 = excellent)',
  replyTo: null,
  createdAt: '2026-12-02T10:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  ...over,
});
const i18n = (locale: 'en' | 'fr') => ({
  t: makeTranslate(locale),
  te: (id: Parameters<typeof translateError>[1]) => translateError(locale, id),
});

test('the page’s satisfaction question is shown in the person’s language; any other text as written', () => {
  const question = message({ csat: { questionId: 'q1' } });
  assert.equal(
    messageFacts(question, null, 'received', i18n('fr')).text,
    'Comment évaluez-vous l’aide reçue\u202f? (1 = mauvaise, 5 = excellente)',
  );
  assert.equal(
    messageFacts(question, null, 'received', i18n('en')).text,
    'How would you rate the help you received? (1 = poor, 5 = excellent)',
  );
  assert.equal(messageFacts(message({ text: 'Bonjour' }), null, 'received', i18n('fr')).text, 'Bonjour');
  // Deleted: no text to translate.
  assert.equal(
    messageFacts(message({ csat: { questionId: 'q1' }, text: null }), null, 'received', i18n('fr')).text,
    null,
  );
});
