import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toReactionEmoji } from '../../../../protocol/reactions.ts';
import { EMOJI_CATEGORIES, foldForSearch, QUICK_REACTIONS, searchEmoji } from './emoji.ts';
import { nextButton } from './keys.ts';

describe('the picker’s emoji', () => {
  test('every one is an emoji the server takes as it is, listed once', () => {
    const all = [...QUICK_REACTIONS, ...EMOJI_CATEGORIES.flatMap((c) => c.emojis.map((e) => e.emoji))];
    for (const e of all) assert.equal(toReactionEmoji(e), e, `${e} is taken unchanged`);
    const grid = EMOJI_CATEGORIES.flatMap((c) => c.emojis.map((e) => e.emoji));
    assert.equal(new Set(grid).size, grid.length, 'no emoji twice in the grid');
    for (const q of QUICK_REACTIONS) assert.ok(grid.includes(q), `${q} is in the grid too`);
    for (const c of EMOJI_CATEGORIES) for (const e of c.emojis) assert.ok(e.en && e.fr, `${e.emoji} has both names`);
  });

  test('search by English or French name, accents and ligatures aside, every word a word start', () => {
    const found = (q: string) => searchEmoji(q).map((e) => e.emoji);
    assert.deepEqual(found('pizza'), ['🍕']);
    assert.ok(found('heart').includes('❤️'));
    assert.deepEqual(found('coeur bris'), ['💔']);
    assert.deepEqual(found('Cœur brisé'), ['💔']);
    assert.ok(found('pouce').includes('👍'));
    assert.deepEqual(found('izza'), [], 'the start of a word, not its middle');
    assert.deepEqual(found('🍕'), ['🍕'], 'the emoji itself');
    assert.deepEqual(found('   '), []);
    assert.deepEqual(found('zzzzqqq'), []);
    assert.equal(foldForSearch('Œil d’Été'), 'oeil d ete');
  });
});

describe('arrow keys in the picker', () => {
  // Two rows: a quick row of 3 (y 0) and a grid of 4 (y 40) drawn at other columns.
  const buttons = [
    { top: 0, left: 0 },
    { top: 0, left: 50 },
    { top: 0, left: 100 },
    { top: 40, left: 0 },
    { top: 40, left: 36 },
    { top: 40, left: 72 },
    { top: 40, left: 108 },
  ];
  test('left and right move by one, within bounds; Home and End to the ends', () => {
    assert.equal(nextButton(buttons, 1, 'ArrowRight'), 2);
    assert.equal(nextButton(buttons, 6, 'ArrowRight'), 6);
    assert.equal(nextButton(buttons, 0, 'ArrowLeft'), 0);
    assert.equal(nextButton(buttons, 4, 'Home'), 0);
    assert.equal(nextButton(buttons, 0, 'End'), 6);
  });
  test('up and down go to the nearest column of the row above or below, and stay at the edges', () => {
    assert.equal(nextButton(buttons, 1, 'ArrowDown'), 4);
    assert.equal(nextButton(buttons, 2, 'ArrowDown'), 6);
    assert.equal(nextButton(buttons, 5, 'ArrowUp'), 1);
    assert.equal(nextButton(buttons, 0, 'ArrowUp'), 0);
    assert.equal(nextButton(buttons, 6, 'ArrowDown'), 6);
    assert.equal(nextButton([], 0, 'ArrowDown'), -1);
  });
});
