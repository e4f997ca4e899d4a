import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoff } from './dispatcher.ts';
import { asciiJson, envelope, signatureHeaders } from './signing.ts';

describe('webhook signing', () => {
  it("signs as Facebook does: the reference's test vector for SHA-1, and SHA-256 over the same bytes", () => {
    const h = signatureHeaders('FAKE_SECRET', Buffer.from('{}'));
    assert.equal(h['x-hub-signature'], 'sha1=1c99183cb7c44ea27fb834746086b65b89800db8');
    assert.match(h['x-hub-signature-256'] ?? '', /^sha256=[0-9a-f]{64}$/);
  });

  it('writes JSON in ASCII: lowercase \\u escapes, surrogate pairs as two, DEL escaped, the same value once parsed', () => {
    const value = { text: 'Crème brûlée ☕ 😀 \u007f "quoted" \\ \n', n: 1 };
    const text = asciiJson(value);
    assert.ok(
      [...text].every((c) => c.charCodeAt(0) < 0x7f),
      text,
    );
    assert.match(text, /Cr\\u00e8me br\\u00fbl\\u00e9e \\u2615 \\ud83d\\ude00 \\u007f/);
    assert.deepEqual(JSON.parse(text), value);
  });

  it('groups consecutive events of one page and one kind into entries, keeping their order', () => {
    const e = (n: number) => ({ n });
    const env = envelope(
      [
        { pageId: 'p1', standby: false, event: e(1) },
        { pageId: 'p1', standby: false, event: e(2) },
        { pageId: 'p1', standby: true, event: e(3) },
        { pageId: 'p2', standby: false, event: e(4) },
        { pageId: 'p1', standby: false, event: e(5) },
      ],
      42,
    );
    assert.deepEqual(env, {
      object: 'page',
      entry: [
        { id: 'p1', time: 42, messaging: [e(1), e(2)] },
        { id: 'p1', time: 42, standby: [e(3)] },
        { id: 'p2', time: 42, messaging: [e(4)] },
        { id: 'p1', time: 42, messaging: [e(5)] },
      ],
    });
  });

  it('backs off exponentially with jitter, between half and all of the capped delay', () => {
    assert.equal(
      backoff(1, 1000, 60_000, () => 0),
      500,
    );
    assert.equal(
      backoff(1, 1000, 60_000, () => 1),
      1000,
    );
    assert.equal(
      backoff(4, 1000, 60_000, () => 1),
      8000,
    );
    assert.equal(
      backoff(30, 1000, 60_000, () => 1),
      60_000,
      'capped',
    );
    assert.equal(
      backoff(30, 1000, 60_000, () => 0),
      30_000,
    );
  });
});
