import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MENU_GAP, placeMenu } from './menu-position.ts';

const viewport = { top: 0, left: 0, bottom: 600, right: 800 };
const size = { width: 200, height: 120 };
const button = (top: number, left = 500) => ({ top, left, bottom: top + 30, right: left + 30 });

test('a menu opens under its button when there is room, aligned to its end or start', () => {
  const end = placeMenu(button(100), size, viewport, viewport, 'end', false);
  assert.deepEqual(end, { top: 130 + MENU_GAP, left: 330, maxHeight: null, side: 'below' });
  assert.equal(placeMenu(button(100), size, viewport, viewport, 'start', false).left, 500);
});

test('a menu flips above when the room under its button is short, and under when "above" has no room', () => {
  const room = { top: 60, left: 0, bottom: 480, right: 800 }; // a thread above a composer
  const low = placeMenu(button(420), size, room, viewport, 'end', false);
  assert.equal(low.side, 'above');
  assert.equal(low.top, 420 - MENU_GAP - 120);
  const high = placeMenu(button(70), size, viewport, viewport, 'start', true);
  assert.equal(high.side, 'below');
});

test('a menu shifts sideways into the viewport, and scrolls inside itself when the screen is too short', () => {
  assert.equal(placeMenu(button(100, 10), size, viewport, viewport, 'end', false).left, MENU_GAP);
  assert.equal(placeMenu(button(100, 700), size, viewport, viewport, 'start', false).left, 800 - MENU_GAP - 200);
  const short = { top: 0, left: 0, bottom: 100, right: 800 };
  const tall = placeMenu(button(30), { width: 200, height: 300 }, short, short, 'end', false);
  assert.equal(tall.maxHeight, 100 - 2 * MENU_GAP);
  assert.equal(tall.top, MENU_GAP);
});
