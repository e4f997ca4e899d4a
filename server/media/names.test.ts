import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mediaLimits } from '../../protocol/media.ts';
import { AppError } from '../errors.ts';
import { cleanName, nameFor } from './names.ts';
import type { Sniffed } from './sniff.ts';

const png: Pick<Sniffed, 'kind' | 'ext'> = { kind: 'image', ext: 'png' };
const jpeg: Pick<Sniffed, 'kind' | 'ext'> = { kind: 'image', ext: 'jpg' };
const mp4: Pick<Sniffed, 'kind' | 'ext'> = { kind: 'video', ext: 'mp4' };
const voice: Pick<Sniffed, 'kind' | 'ext'> = { kind: 'audio', ext: 'webm' };
const m4a: Pick<Sniffed, 'kind' | 'ext'> = { kind: 'audio', ext: 'm4a' };
const pdf: Pick<Sniffed, 'kind' | 'ext'> = { kind: 'file', ext: 'pdf' };
const unknown: Pick<Sniffed, 'kind' | 'ext'> = { kind: 'file', ext: null };

const mismatch = (given: string, sniffed: Pick<Sniffed, 'kind' | 'ext'>) =>
  assert.throws(
    () => nameFor(given, sniffed),
    (e) => e instanceof AppError && e.id === 'media_type_mismatch',
    `${given} holding ${sniffed.kind}/${sniffed.ext}`,
  );

describe('media names', () => {
  it('cleans a name: no directory, no control or bidi characters, trimmed', () => {
    assert.equal(cleanName('C:\\Users\\ann\\Pictures\\cat.png'), 'cat.png');
    assert.equal(cleanName('../../etc/passwd'), 'passwd');
    assert.equal(cleanName('/tmp/'), '');
    assert.equal(cleanName('..'), '');
    assert.equal(cleanName('  a\u0000b\u0007c\n.txt \t'), 'abc.txt');
    assert.equal(cleanName('invoice\u202Efdp.exe'), 'invoicefdp.exe', 'a right-to-left override is removed');
    assert.equal(cleanName('\uFEFFzero\u200Bwidth.md'), 'zerowidth.md');
    assert.equal(cleanName('cafe\u0301.txt'), 'café.txt', 'NFC');
    assert.equal(cleanName('famille 👨‍👩‍👧.jpg'), 'famille 👨‍👩‍👧.jpg', 'emoji sequences keep their joiners');
    assert.equal(cleanName(null), '');
    assert.equal(cleanName(undefined), '');
  });

  it('caps a name to the limit, keeping its extension and never splitting a character', () => {
    const long = `${'a'.repeat(400)}.pdf`;
    const capped = cleanName(long);
    assert.equal(capped.length, mediaLimits.name);
    assert.ok(capped.endsWith('a.pdf'));
    const emoji = `${'😀'.repeat(200)}.png`; // 400 UTF-16 units before the extension
    const cut = cleanName(emoji);
    assert.ok(cut.length <= mediaLimits.name);
    assert.ok(cut.endsWith('😀.png'), 'no lone surrogate');
    assert.equal(cleanName('x'.repeat(300)).length, mediaLimits.name);
    const longExt = `a.${'b'.repeat(300)}`;
    assert.equal(cleanName(longExt).length, mediaLimits.name);
  });

  it('generates a name when none is left', () => {
    assert.equal(nameFor(null, jpeg), 'image.jpg');
    assert.equal(nameFor('', mp4), 'video.mp4');
    assert.equal(nameFor('   ', voice), 'audio.webm');
    assert.equal(nameFor('/', unknown), 'file');
    assert.equal(nameFor(null, pdf), 'file');
  });

  it('gives a media name its type’s extension', () => {
    assert.equal(nameFor('cat.png', png), 'cat.png');
    assert.equal(nameFor('Cat.PNG', png), 'Cat.png');
    assert.equal(nameFor('photo.jpg', png), 'photo.png', 'same kind, another type: the extension corrected');
    assert.equal(nameFor('photo.jpeg', jpeg), 'photo.jpg');
    assert.equal(nameFor('scan', png), 'scan.png', 'no extension: appended');
    assert.equal(nameFor('holiday.2024', jpeg), 'holiday.2024.jpg', 'an unknown extension is part of the name');
    assert.equal(nameFor('clip.mov', mp4), 'clip.mp4');
    assert.equal(nameFor('voice.mp4', m4a), 'voice.m4a', 'an MP4 holding audio only');
    assert.equal(nameFor('recording.ogg', voice), 'recording.webm');
    const long = nameFor(`${'a'.repeat(300)}.gif`, jpeg);
    assert.equal(long.length, mediaLimits.name, 'cut to the limit, then given its extension');
    assert.ok(long.endsWith('a.jpg'));
  });

  it('keeps a file’s name as given', () => {
    assert.equal(nameFor('report.pdf', pdf), 'report.pdf');
    assert.equal(nameFor('notes.txt', unknown), 'notes.txt');
    assert.equal(nameFor('README', unknown), 'README');
    assert.equal(nameFor('.bashrc', unknown), '.bashrc');
    assert.equal(nameFor('page.html', unknown), 'page.html');
    assert.equal(nameFor('logo.svg', unknown), 'logo.svg');
  });

  it('refuses bytes of another kind than the name says', () => {
    mismatch('photo.jpg', pdf); // a non-media file under a media extension
    mismatch('photo.jpg', unknown);
    mismatch('photo.JPG', mp4);
    mismatch('song.mp3', png);
    mismatch('song.mp3', mp4);
    mismatch('clip.mp4', png);
    mismatch('clip.webm', unknown);
    mismatch('report.pdf', jpeg); // media under a file's extension
    mismatch('logo.svg', png);
    mismatch('page.html', png);
    mismatch('notes.txt', png);
    mismatch('setup.exe', mp4);
    mismatch('archive.zip', voice);
    mismatch('photo.jpg.exe', jpeg);
    mismatch('photo.heic', jpeg);
  });
});
