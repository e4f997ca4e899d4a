/**
 * The GIF Box's library, made here and nowhere else (no network, no third-party media): animated GIFs drawn
 * with sharp from SVG frames — a word, a colour, a shape that moves — and short WAV tones written sample by
 * sample. Each item has tags (what a search matches), a title, its file and a preview (the GIF itself; for
 * a clip, a still image naming it). Everything is small: each GIF well under 100 KB.
 *
 * `node --import tsx examples/gif-app/generate.ts <dir>` writes the library to a directory, to look at it;
 * the app itself generates it in memory when it starts (about a second).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export interface LibraryFile {
  name: string;
  mime: string;
  bytes: Buffer;
}

export interface LibraryItem {
  id: string;
  type: 'gif' | 'audio';
  title: string;
  /** The title in French, when it differs. */
  titleFr: string | null;
  tags: string[];
  file: LibraryFile;
  preview: LibraryFile;
  width: number;
  height: number;
  durationMs: number | null;
}

const W = 160;
const H = 120;

type Shape = 'circle' | 'square' | 'star' | 'heart' | 'paw';

interface GifSpec {
  id: string;
  word: string;
  tags: string[];
  colours: [string, string];
  shape: Shape;
}

const GIFS: GifSpec[] = [
  { id: 'cat-hello', word: 'meow', tags: ['cat', 'hello', 'hi'], colours: ['#ffb347', '#5a3e1b'], shape: 'paw' },
  { id: 'cat-nap', word: 'zzz', tags: ['cat', 'sleep', 'tired'], colours: ['#b39ddb', '#311b92'], shape: 'circle' },
  { id: 'cat-love', word: 'purr', tags: ['cat', 'love'], colours: ['#f48fb1', '#880e4f'], shape: 'heart' },
  { id: 'dog-wag', word: 'woof', tags: ['dog', 'hello', 'happy'], colours: ['#a5d6a7', '#1b5e20'], shape: 'paw' },
  { id: 'dog-ball', word: 'fetch!', tags: ['dog', 'play'], colours: ['#90caf9', '#0d47a1'], shape: 'circle' },
  { id: 'yes', word: 'YES', tags: ['yes', 'ok', 'happy', 'reply'], colours: ['#c5e1a5', '#33691e'], shape: 'star' },
  { id: 'no', word: 'nope', tags: ['no', 'sad', 'reply'], colours: ['#ef9a9a', '#b71c1c'], shape: 'square' },
  { id: 'thanks', word: 'merci', tags: ['thanks', 'merci', 'reply'], colours: ['#fff59d', '#f57f17'], shape: 'heart' },
  { id: 'lol', word: 'LOL', tags: ['lol', 'funny', 'laugh', 'reply'], colours: ['#ffe082', '#e65100'], shape: 'star' },
  { id: 'party', word: 'party', tags: ['party', 'happy', 'celebrate'], colours: ['#ce93d8', '#4a148c'], shape: 'star' },
  { id: 'hello', word: 'hello', tags: ['hello', 'hi', 'bonjour'], colours: ['#80deea', '#006064'], shape: 'circle' },
  { id: 'love', word: '<3', tags: ['love', 'heart'], colours: ['#f8bbd0', '#c2185b'], shape: 'heart' },
];

interface ClipSpec {
  id: string;
  title: string;
  titleFr: string;
  tags: string[];
  /** Frequencies of the notes (Hz), each `noteMs` long. */
  notes: number[];
  noteMs: number;
  colour: string;
}

const CLIPS: ClipSpec[] = [
  {
    id: 'ding',
    title: 'Ding',
    titleFr: 'Ding',
    tags: ['ding', 'bell', 'sound', 'yes', 'reply'],
    notes: [1318.5],
    noteMs: 500,
    colour: '#4db6ac',
  },
  {
    id: 'tada',
    title: 'Ta-da',
    titleFr: 'Tadam',
    tags: ['tada', 'party', 'sound', 'celebrate'],
    notes: [523.3, 659.3, 784, 1046.5],
    noteMs: 150,
    colour: '#ffb74d',
  },
  {
    id: 'womp',
    title: 'Womp womp',
    titleFr: 'Bof bof',
    tags: ['womp', 'sad', 'no', 'sound'],
    notes: [392, 370, 349.2, 329.6],
    noteMs: 220,
    colour: '#90a4ae',
  },
  {
    id: 'meow',
    title: 'Meow (a tone)',
    titleFr: 'Miaou (un son)',
    tags: ['cat', 'meow', 'sound'],
    notes: [880, 1174.7, 987.8],
    noteMs: 140,
    colour: '#ffb347',
  },
];

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function shapeSvg(shape: Shape, x: number, y: number, r: number, fill: string): string {
  switch (shape) {
    case 'circle':
      return `<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}"/>`;
    case 'square':
      return `<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${2 * r}" rx="3" fill="${fill}"/>`;
    case 'star': {
      const points = Array.from({ length: 10 }, (_, i) => {
        const a = (Math.PI / 5) * i - Math.PI / 2;
        const d = i % 2 === 0 ? r : r / 2.2;
        return `${(x + d * Math.cos(a)).toFixed(1)},${(y + d * Math.sin(a)).toFixed(1)}`;
      });
      return `<polygon points="${points.join(' ')}" fill="${fill}"/>`;
    }
    case 'heart':
      return `<path transform="translate(${x - r},${y - r}) scale(${r / 12})" d="M12 21s-9-6.2-9-12a5 5 0 0 1 9-3 5 5 0 0 1 9 3c0 5.8-9 12-9 12z" fill="${fill}"/>`;
    case 'paw':
      return [
        `<ellipse cx="${x}" cy="${y + r * 0.35}" rx="${r * 0.6}" ry="${r * 0.5}" fill="${fill}"/>`,
        ...[-0.7, -0.25, 0.25, 0.7].map(
          (dx, i) =>
            `<circle cx="${x + dx * r}" cy="${y - r * (i === 0 || i === 3 ? 0.25 : 0.6)}" r="${r * 0.22}" fill="${fill}"/>`,
        ),
      ].join('');
  }
}

/** One frame: the background, the shape where it is at step `i` of `n`, the word. */
function frameSvg(spec: GifSpec, i: number, n: number): string {
  const [bg, fg] = spec.colours;
  const t = i / n;
  const x = 30 + 100 * (0.5 - 0.5 * Math.cos(2 * Math.PI * t));
  const y = 34 - 12 * Math.abs(Math.sin(2 * Math.PI * t));
  const scale = 1 + 0.12 * Math.sin(2 * Math.PI * t);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <rect width="${W}" height="${H}" fill="${bg}"/>
  ${shapeSvg(spec.shape, x, y, 16, fg)}
  <text x="${W / 2}" y="96" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"
    font-weight="bold" font-size="${Math.round(30 * scale)}" fill="${fg}">${xml(spec.word)}</text>
</svg>`;
}

async function drawGif(spec: GifSpec): Promise<Buffer> {
  const n = 8;
  const frames = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      sharp(Buffer.from(frameSvg(spec, i, n)))
        .png()
        .toBuffer(),
    ),
  );
  return sharp(frames, { join: { animated: true } })
    .gif({ delay: 110, loop: 0, colours: 16, effort: 7 })
    .toBuffer();
}

/** A WAV file: 16-bit mono PCM at 16 kHz, each note a sine with a short fade in and out. */
export function tone(notes: readonly number[], noteMs: number, rate = 16_000): Buffer {
  const perNote = Math.round((rate * noteMs) / 1000);
  const samples = perNote * notes.length;
  const data = Buffer.alloc(samples * 2);
  const fade = Math.round(rate * 0.01);
  notes.forEach((hz, k) => {
    for (let i = 0; i < perNote; i++) {
      const envelope = Math.min(1, i / fade, (perNote - i) / fade);
      const v = Math.sin((2 * Math.PI * hz * i) / rate) * envelope * 0.5;
      data.writeInt16LE(Math.round(v * 32767), (k * perNote + i) * 2);
    }
  });
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // the fmt chunk's size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // bytes per frame
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A clip's preview: a still image with a note and its title (PNG). */
async function clipPreview(spec: ClipSpec): Promise<Buffer> {
  const bars = spec.notes
    .map((hz, i) => {
      const h = 10 + Math.round((hz / 1400) * 40);
      return `<rect x="${58 + i * 12}" y="${60 - h}" width="8" height="${h}" rx="2" fill="#fff"/>`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <rect width="${W}" height="${H}" fill="${spec.colour}"/>
  <path d="M30 30v36a10 8 0 1 1-4-6V34l20-5v30a10 8 0 1 1-4-6V35z" fill="#fff"/>
  ${bars}
  <text x="${W / 2}" y="100" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"
    font-weight="bold" font-size="18" fill="#fff">${xml(spec.title)}</text>
</svg>`;
  return sharp(Buffer.from(svg)).png({ palette: true }).toBuffer();
}

/** The app's icon: a PNG of 128 px. */
export function drawIcon(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128">
  <rect width="128" height="128" rx="28" fill="#6a1b9a"/>
  <rect x="18" y="36" width="92" height="56" rx="10" fill="#fff"/>
  <text x="64" y="76" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"
    font-weight="bold" font-size="30" fill="#6a1b9a">GIF</text>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The whole library, GIFs first, in a fixed order (searches page through it in this order). */
export async function generateLibrary(): Promise<LibraryItem[]> {
  const gifs = await Promise.all(
    GIFS.map(async (spec): Promise<LibraryItem> => {
      const file = { name: `${spec.id}.gif`, mime: 'image/gif', bytes: await drawGif(spec) };
      return {
        id: spec.id,
        type: 'gif',
        title: spec.word,
        titleFr: null,
        tags: spec.tags,
        file,
        preview: file,
        width: W,
        height: H,
        durationMs: null,
      };
    }),
  );
  const clips = await Promise.all(
    CLIPS.map(
      async (spec): Promise<LibraryItem> => ({
        id: spec.id,
        type: 'audio',
        title: spec.title,
        titleFr: spec.titleFr,
        tags: spec.tags,
        file: { name: `${spec.id}.wav`, mime: 'audio/wav', bytes: tone(spec.notes, spec.noteMs) },
        preview: { name: `${spec.id}.png`, mime: 'image/png', bytes: await clipPreview(spec) },
        width: W,
        height: H,
        durationMs: spec.notes.length * spec.noteMs,
      }),
    ),
  );
  return [...gifs, ...clips];
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node --import tsx examples/gif-app/generate.ts <directory>');
    process.exit(2);
  }
  fs.mkdirSync(dir, { recursive: true });
  const library = await generateLibrary();
  for (const item of library) {
    fs.writeFileSync(path.join(dir, item.file.name), item.file.bytes);
    if (item.preview !== item.file) fs.writeFileSync(path.join(dir, item.preview.name), item.preview.bytes);
    console.log(`${item.file.name}\t${item.file.bytes.length} bytes\t${item.tags.join(', ')}`);
  }
  fs.writeFileSync(path.join(dir, 'icon.png'), await drawIcon());
}
