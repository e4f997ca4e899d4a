/**
 * Records the media fixtures of the pipeline's tests (test/fixtures/media/) the way people's browsers make
 * them: Chromium's MediaRecorder, on a canvas animation and a WebAudio tone, for about a second each —
 *
 *   voice.webm   audio/webm;codecs=opus        (a voice clip as the web app records it)
 *   voice.m4a    audio/mp4;codecs=opus         (an MP4 holding audio only, as Safari records)
 *   clip.webm    video/webm;codecs=vp8,opus    (a video with sound)
 *   clip.mp4     video/mp4;codecs=avc1         (a video, H.264 in MP4)
 *
 * Run it again to remake them: `node --import tsx scripts/media-fixtures.ts` (CHROMIUM_PATH, default
 * /usr/bin/chromium). Each stays well under 50 KB; the script fails when one does not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.join(import.meta.dirname, '..');
const out = path.join(root, 'test', 'fixtures', 'media');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const recordings = [
  { file: 'voice.webm', mimeType: 'audio/webm;codecs=opus', video: false, audio: true },
  { file: 'voice.m4a', mimeType: 'audio/mp4;codecs=opus', video: false, audio: true },
  { file: 'clip.webm', mimeType: 'video/webm;codecs=vp8,opus', video: true, audio: true },
  { file: 'clip.mp4', mimeType: 'video/mp4;codecs=avc1', video: true, audio: false },
] as const;

/**
 * In the page: records `ms` of a moving square (160×120) and/or a 440 Hz tone; answers the bytes, base64.
 * Plain JavaScript, sent as it is (the TypeScript loader's helpers do not exist in the page).
 */
const RECORD = `async (o) => {
  const tracks = [];
  let draw;
  if (o.video) {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const ctx = canvas.getContext('2d');
    let x = 0;
    const frame = () => {
      ctx.fillStyle = '#2a6';
      ctx.fillRect(0, 0, 160, 120);
      ctx.fillStyle = '#f00';
      ctx.fillRect(x, 40, 40, 40);
      x = (x + 4) % 120;
    };
    frame();
    draw = setInterval(frame, 40);
    tracks.push(...canvas.captureStream(25).getVideoTracks());
  }
  if (o.audio) {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 440;
    const sink = audio.createMediaStreamDestination();
    tone.connect(sink);
    tone.start();
    tracks.push(...sink.stream.getAudioTracks());
  }
  const recorder = new MediaRecorder(new MediaStream(tracks), {
    mimeType: o.mimeType,
    audioBitsPerSecond: 24000,
    videoBitsPerSecond: 100000,
  });
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start();
  await new Promise((resolve) => setTimeout(resolve, o.ms));
  recorder.stop();
  await stopped;
  clearInterval(draw);
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}`;

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const page = await browser.newPage();
  fs.mkdirSync(out, { recursive: true });
  for (const r of recordings) {
    const supported = await page.evaluate(`MediaRecorder.isTypeSupported(${JSON.stringify(r.mimeType)})`);
    if (!supported) throw new Error(`this Chromium cannot record ${r.mimeType}`);
    const options = { mimeType: r.mimeType, video: r.video, audio: r.audio, ms: 1000 };
    const base64 = await page.evaluate<string>(`(${RECORD})(${JSON.stringify(options)})`);
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0 || bytes.length > 50 * 1024) throw new Error(`${r.file}: ${bytes.length} bytes`);
    fs.writeFileSync(path.join(out, r.file), bytes);
    console.log(`${r.file.padEnd(12)} ${String(bytes.length).padStart(6)} bytes  ${r.mimeType}`);
  }
} finally {
  await browser.close();
}
