import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webhookFields } from '../../../protocol/webhooks.ts';
import { ApiError } from '../api/http.ts';
import { translate } from '../i18n/translate.ts';
import { checkDraft, draftFrom, toggleField, type WebhookProblem, webhookProblem } from './webhook.ts';

const fail = (id: ConstructorParameters<typeof ApiError>[0], details?: Record<string, unknown>) =>
  new ApiError(id, 400, 'refused', details);
const words = (p: WebhookProblem | null) => (p ? translate('en', p.key, p.params) : null);

test('a new webhook starts with the usual fields; changing one keeps its URL and fields, not its token', () => {
  assert.deepEqual(draftFrom(null), { url: '', verifyToken: '', fields: ['messages', 'messaging_postbacks'] });
  const existing = draftFrom({
    url: 'https://bot.example/hook',
    fields: ['standby', 'messages'],
    verified: true,
    verifiedAt: '2024-01-01T00:00:00.000Z',
  });
  assert.deepEqual(existing, { url: 'https://bot.example/hook', verifyToken: '', fields: ['messages', 'standby'] });
});

test('fields toggle in the server’s order', () => {
  assert.deepEqual(toggleField(['standby'], 'messages', true), ['messages', 'standby']);
  assert.deepEqual(toggleField(['messages', 'standby'], 'messages', false), ['standby']);
  assert.deepEqual(toggleField(['messages'], 'messages', true), ['messages']);
  assert.deepEqual(
    webhookFields.reduce((acc, f) => toggleField(acc, f, true), [] as ReturnType<typeof toggleField>),
    [...webhookFields],
  );
});

test('the form’s own checks: an http(s) URL without credentials, a verify token, a field', () => {
  const ok = { url: 'https://bot.example/hook', verifyToken: 't', fields: ['messages' as const] };
  assert.deepEqual(checkDraft(ok), []);
  assert.deepEqual(checkDraft({ ...ok, url: ' http://127.0.0.1:8080/x ' }), [], 'spaces around it are fine');
  const reason = (url: string) => checkDraft({ ...ok, url }).map((p) => [p.field, p.key]);
  assert.deepEqual(reason('bot.example/hook'), [['url', 'console.webhook.error.url.syntax']]);
  assert.deepEqual(reason(''), [['url', 'console.webhook.error.url.syntax']]);
  assert.deepEqual(reason('ftp://bot.example/'), [['url', 'console.webhook.error.url.scheme']]);
  assert.deepEqual(reason('https://me:pw@bot.example/'), [['url', 'console.webhook.error.url.credentials']]);
  assert.deepEqual(reason(`https://bot.example/${'x'.repeat(2048)}`), [['url', 'console.webhook.error.url.too_long']]);
  assert.deepEqual(
    checkDraft({ url: 'x', verifyToken: '', fields: [] }).map((p) => p.field),
    ['url', 'verifyToken', 'fields'],
  );
  assert.equal(checkDraft({ ...ok, verifyToken: 'x'.repeat(257) })[0]?.field, 'verifyToken');
  assert.equal(
    words(checkDraft({ ...ok, url: 'https://bot.example/'.padEnd(2100, 'x') })[0] ?? null),
    'The URL is too long: at most 2,048 characters.',
  );
});

test('a failed handshake says what the webhook answered, or why it could not be reached', () => {
  assert.deepEqual(webhookProblem(fail('webhook_verification_failed', { reason: 'status', status: 500 })), {
    field: 'general',
    key: 'console.webhook.error.status',
    params: { status: '500' },
  });
  assert.equal(
    words(webhookProblem(fail('webhook_verification_failed', { reason: 'status', status: 403 }))),
    'Your webhook answered 403 to the verification request, instead of 200 with the challenge.',
  );
  assert.match(
    words(webhookProblem(fail('webhook_verification_failed', { reason: 'challenge' }))) ?? '',
    /not with the challenge alone/,
  );
  assert.match(words(webhookProblem(fail('webhook_verification_failed', { reason: 'timeout' }))) ?? '', /in time/);
  assert.equal(
    words(webhookProblem(fail('webhook_verification_failed', { reason: 'connection', code: 'ECONNREFUSED' }))),
    'The server could not connect to your webhook (ECONNREFUSED).',
  );
  assert.equal(
    words(webhookProblem(fail('webhook_verification_failed', { reason: 'connection' }))),
    'The server could not connect to your webhook.',
  );
  assert.deepEqual(
    webhookProblem(fail('webhook_verification_failed', { reason: 'dns', code: 'ENOTFOUND' }))?.field,
    'url',
  );
  assert.equal(webhookProblem(fail('webhook_verification_failed', { reason: 'new one' })), null, 'unknown: generic');
  assert.equal(
    translate('fr', 'console.webhook.error.status', { status: '500' }),
    'Votre webhook a répondu 500 à la demande de vérification, au lieu de 200 avec le défi.',
  );
});

test('a refused URL is said under the URL; a named field under that field; anything else is left generic', () => {
  assert.equal(
    words(webhookProblem(fail('webhook_address_forbidden', { kind: 'loopback' }))),
    'This URL points to a local or private address (loopback), which this server does not call.',
  );
  assert.deepEqual(webhookProblem(fail('invalid_webhook_url', { reason: 'credentials' })), {
    field: 'url',
    key: 'console.webhook.error.url.credentials',
    params: { max: 2048 },
  });
  assert.equal(webhookProblem(fail('invalid_webhook_url', { reason: 'unheard of' })), null);
  assert.equal(webhookProblem(fail('bad_request', { fields: { verifyToken: 'too long' } }))?.field, 'verifyToken');
  assert.equal(
    webhookProblem(fail('bad_request', { fields: { 'fields.0': 'unknown field "feed"' } }))?.field,
    'fields',
  );
  assert.equal(webhookProblem(fail('bad_request', { fields: { url: 'too long' } }))?.field, 'url');
  assert.equal(webhookProblem(fail('bad_request')), null);
  assert.equal(webhookProblem(fail('rate_limited', { retryAfter: 3 })), null);
  assert.equal(webhookProblem(new Error('boom')), null);
});
