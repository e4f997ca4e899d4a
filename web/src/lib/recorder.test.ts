import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canRecord, failureOf, recordingType, voiceFileName } from './recorder.ts';

test('Opus in WebM first, then what the browser records', () => {
  assert.equal(
    recordingType(() => true),
    'audio/webm;codecs=opus',
  );
  assert.equal(
    recordingType((t) => t === 'audio/mp4'),
    'audio/mp4',
  );
  assert.equal(
    recordingType((t) => t.startsWith('audio/ogg')),
    'audio/ogg;codecs=opus',
  );
  assert.equal(
    recordingType(() => false),
    undefined,
  );
});

test('why recording could not start, from the browser’s error names', () => {
  assert.equal(failureOf(new DOMException('no', 'NotAllowedError')), 'denied');
  assert.equal(failureOf({ name: 'SecurityError' }), 'denied');
  assert.equal(failureOf(new DOMException('none', 'NotFoundError')), 'no_device');
  assert.equal(failureOf(new DOMException('busy', 'NotReadableError')), 'failed');
  assert.equal(failureOf('weird'), 'failed');
  assert.equal(failureOf(null), 'failed');
});

test('a clip’s file name follows its type; no recorder here, no microphone button', () => {
  assert.equal(voiceFileName('audio/webm;codecs=opus'), 'voice.webm');
  assert.equal(voiceFileName('audio/ogg;codecs=opus'), 'voice.ogg');
  assert.equal(voiceFileName('audio/mp4'), 'voice.m4a');
  assert.equal(voiceFileName(''), 'voice.webm');
  assert.equal(canRecord(), false, 'Node has no MediaRecorder');
});
