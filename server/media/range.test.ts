import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseRange } from './range.ts';

it('reads one byte range against the size; past the end is unsatisfiable; the rest means the whole file', () => {
  const partial = (start: number, end: number) => ({ kind: 'partial', range: { start, end } });
  assert.deepEqual(parseRange(undefined, 100), { kind: 'whole' });
  assert.deepEqual(parseRange('bytes=0-0', 100), partial(0, 0));
  assert.deepEqual(parseRange('bytes=99-99', 100), partial(99, 99));
  assert.deepEqual(parseRange('bytes=10-', 100), partial(10, 99));
  assert.deepEqual(parseRange('bytes=-10', 100), partial(90, 99));
  assert.deepEqual(parseRange('bytes=-1000', 100), partial(0, 99), 'a suffix longer than the file: all of it');
  assert.deepEqual(parseRange('bytes=50-5000', 100), partial(50, 99), 'the end clamped');
  assert.deepEqual(parseRange(' bytes=1-2 ', 100), partial(1, 2));
  for (const h of ['bytes=100-', 'bytes=100-200', 'bytes=-0', 'bytes=1000-1001'])
    assert.deepEqual(parseRange(h, 100), { kind: 'unsatisfiable' }, h);
  assert.deepEqual(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' }, 'nothing in an empty file');
  assert.deepEqual(parseRange('bytes=-5', 0), { kind: 'unsatisfiable' });
  for (const h of [
    '',
    'bytes=',
    'bytes=-',
    'bytes=5-1',
    'bytes=0-1,3-4',
    'items=0-1',
    'bytes=a-b',
    'bytes=1e3-',
    `bytes=${'9'.repeat(30)}-`,
  ])
    assert.deepEqual(parseRange(h, 100), { kind: 'whole' }, h);
});
