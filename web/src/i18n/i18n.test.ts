import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorIds } from '../../../protocol/errors.ts';
import { en, type MessageKey } from './en.ts';
import { fr } from './fr.ts';
import { detectLocale, interpolate, translate, translateError } from './translate.ts';

test('fr has exactly the keys of en, with the same kinds of entries', () => {
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  for (const key of Object.keys(en) as MessageKey[]) {
    assert.equal(typeof fr[key], typeof en[key], key);
    const value = fr[key];
    if (typeof value === 'string') assert.ok(value.trim().length > 0, `${key} is empty`);
  }
});

test('placeholders match between en and fr', () => {
  const placeholders = (e: unknown) => [...new Set(JSON.stringify(e).match(/\{\w+\}/g) ?? [])].sort();
  for (const key of Object.keys(en) as MessageKey[]) {
    assert.deepEqual(placeholders(fr[key]), placeholders(en[key]), key);
  }
});

test('every error id has a translation in every language', () => {
  for (const id of errorIds) {
    const k = `error.${id}`;
    assert.ok(k in en, `en lacks ${k}`);
    assert.ok(k in fr, `fr lacks ${k}`);
    for (const locale of ['en', 'fr'] as const) {
      const s = translateError(locale, id);
      assert.ok(s.length > 0);
      assert.notEqual(s, translate(locale, 'error.unknown'), `${locale} ${id} falls back`);
      assert.ok(!/\{\w+\}/.test(s), `${locale} ${id} has an unfilled placeholder: ${s}`);
    }
  }
  assert.match(translateError('en', 'message_too_long'), /4,000/);
  assert.match(translateError('fr', 'member_limit'), /256/);
});

test('plural forms follow each language', () => {
  assert.equal(translate('en', 'sidebar.unread', { count: 1 }), '1 unread message');
  assert.equal(translate('en', 'sidebar.unread', { count: 2 }), '2 unread messages');
  assert.equal(translate('en', 'sidebar.unread', { count: 0 }), '0 unread messages');
  assert.equal(translate('fr', 'sidebar.unread', { count: 1 }), '1 message non lu');
  // In French, 0 and 1.5 take the singular ("one") form.
  assert.equal(translate('fr', 'sidebar.unread', { count: 0 }), '0 message non lu');
  assert.equal(translate('fr', 'sidebar.unread', { count: 2 }), '2 messages non lus');
  assert.equal(translate('en', 'newGroup.selected', { count: 0 }), 'No one selected yet');
  assert.equal(translate('fr', 'newGroup.selected', { count: 3 }), '3 personnes sélectionnées');
  assert.equal(translate('en', 'sidebar.unread', { count: 1200 }), '1,200 unread messages');
});

test('interpolation fills named placeholders and keeps unknown ones', () => {
  assert.equal(translate('en', 'typing.two', { a: 'Ana', b: 'Ben' }), 'Ana and Ben are typing…');
  assert.equal(translate('fr', 'typing.one', { name: 'Ana' }), 'Ana écrit…');
  assert.equal(interpolate('en', '{a} {b} {a}', { a: 'x' }), 'x {b} x');
  // Values are inserted as they are, never re-interpreted as templates.
  assert.equal(interpolate('en', 'hi {name}', { name: '{name}<b>' }), 'hi {name}<b>');
});

test('language detection: fr* is French, anything else English', () => {
  assert.equal(detectLocale(['fr-FR', 'en']), 'fr');
  assert.equal(detectLocale(['fr']), 'fr');
  assert.equal(detectLocale(['fr-CA']), 'fr');
  assert.equal(detectLocale(['en-GB', 'fr']), 'en');
  assert.equal(detectLocale(['de-DE', 'fr-FR']), 'fr');
  assert.equal(detectLocale(['de-DE']), 'en');
  assert.equal(detectLocale([]), 'en');
  assert.equal(detectLocale(['FR-be']), 'fr');
  assert.equal(detectLocale(['fri']), 'en');
});

/** Every sentence of a catalogue: its strings and each plural form. */
function sentences(catalogue: Record<string, unknown>): [string, string][] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string'
      ? [[key, value] as [string, string]]
      : Object.values(value as Record<string, string>).map((v) => [key, v] as [string, string]),
  );
}

test('French typography: a no-break space before « : » and inside « », a narrow one before « ; ? ! »', () => {
  for (const [key, value] of sentences(fr)) {
    // A colon in a URL ("https://") or a time ("03:16") is not punctuation.
    for (const m of value.matchAll(/(.?):(?!\/\/|\d)/g)) assert.match(m[1] ?? '', /[\u00a0\u202f]/, `${key}: ${value}`);
    for (const m of value.matchAll(/(.?)[;?!]/g)) assert.equal(m[1], '\u202f', `${key}: ${value}`);
    for (const m of value.matchAll(/«(.?)/g)) assert.equal(m[1], '\u00a0', `${key}: ${value}`);
    for (const m of value.matchAll(/(.?)»/g)) assert.equal(m[1], '\u00a0', `${key}: ${value}`);
  }
  // English puts no space between a word and them.
  for (const [key, value] of sentences(en)) assert.doesNotMatch(value, /\w\s[;:?!](\s|$)/, `${key}: ${value}`);
});

test('French wording a new user met: agreement, and the screen-reader label of a message', () => {
  assert.equal(translate('fr', 'sidebar.search.none'), 'Aucune personne trouvée.');
  assert.equal(translate('fr', 'message.fromYou', { time: '03:16' }), 'Vous, à 03:16');
  assert.equal(translate('fr', 'message.from', { name: 'Anaïs' }).startsWith('Anaïs, à'), true);
  assert.equal(translate('en', 'message.fromYou', { time: '3:16 AM' }), 'You, at 3:16 AM');
  // A date after a participle takes "le": "Connecté le 2 déc. 2026", not "Connecté 2 déc. 2026".
  for (const key of ['settings.session.created', 'console.apps.created', 'console.webhook.state.verified'] as const) {
    assert.match(translate('fr', key, { time: 'X', date: 'X' }), / le X$/, key);
  }
});
