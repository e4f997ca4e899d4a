import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, it } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { stillImage } from './fixtures.ts';
import { ImageGate } from './images-gate.ts';
import { ingest } from './pipeline.ts';

const tmp = tempDir('comptoir-gate-');
after(() => tmp.cleanup());

it('processes at most `limit` images at once; other files do not wait for them', async () => {
  const gate = new ImageGate(ingest, 1);
  const png = await stillImage('png', 800, 600);
  const images = [0, 1, 2].map(() => gate.run(Readable.from([png]), { tmpDir: tmp.dir }));
  const file = gate.run(Readable.from([Buffer.from('just text')]), { tmpDir: tmp.dir });
  const done = await Promise.all([...images, file]);
  assert.deepEqual(
    done.map((d) => d.kind),
    ['image', 'image', 'image', 'file'],
  );
  assert.equal(gate.load.peak, 1, 'one image at a time');
  assert.deepEqual(gate.load, { running: 0, waiting: 0, peak: 1 });
  for (const d of done) await d.dispose();
});

it('hands the pipeline every byte of an image it received first, and of a stream in many chunks', async () => {
  const gate = new ImageGate(ingest, 2);
  const jpeg = await stillImage('jpeg', 300, 200);
  const pieces = Array.from({ length: Math.ceil(jpeg.length / 100) }, (_, i) => jpeg.subarray(i * 100, i * 100 + 100));
  const r = await gate.run(Readable.from(pieces), { tmpDir: tmp.dir, name: 'p.jpg' });
  assert.deepEqual([r.kind, r.width, r.height, r.name], ['image', 300, 200, 'p.jpg']);
  await r.dispose();
  const text = Buffer.alloc(10_000, 'a');
  const f = await gate.run(Readable.from([text.subarray(0, 3), text.subarray(3)]), { tmpDir: tmp.dir });
  assert.equal(f.size, text.length);
  await f.dispose();
  const empty = await gate.run(Readable.from([]), { tmpDir: tmp.dir }).catch((e: unknown) => e);
  assert.ok(
    empty instanceof Error || (empty as { size: number }).size === 0,
    'an empty body is the pipeline’s to judge',
  );
});

it('refuses a declared length over every limit before reading anything, and passes a body’s failure on', async () => {
  const gate = new ImageGate(ingest, 1);
  let read = false;
  const body = new Readable({
    read() {
      read = true;
      this.push(null);
    },
  });
  await assert.rejects(gate.run(body, { tmpDir: tmp.dir, declaredLength: 10 ** 12 }), { id: 'media_too_large' });
  assert.equal(read, false);
  const failing = new Readable({
    read() {
      this.destroy(new Error('the client went away'));
    },
  });
  await assert.rejects(gate.run(failing, { tmpDir: tmp.dir }), /went away/);
});
