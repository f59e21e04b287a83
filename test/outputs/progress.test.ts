import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgress, type ProgressState } from '../../src/outputs/progress.js';

/** A writable that says it is a terminal and keeps what is written. */
function fakeTerminal(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  Object.assign(stream, {
    isTTY: true,
    columns: 200,
    rows: 40,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return { stream, text: () => text };
}

const STATE: ProgressState = {
  filesDone: 1,
  files: 3,
  bytesDone: 500,
  bytes: 1000,
  records: 1234,
  detections: 5,
};

test('a known size shows the share done and an ETA; an unknown size (a stream) only records and their rate', () => {
  const sized = fakeTerminal();
  const p = createProgress(sized.stream, true);
  p.update(STATE);
  p.stop();
  assert.match(sized.text(), /50%/);
  assert.match(sized.text(), /ETA/);

  const streaming = fakeTerminal();
  const q = createProgress(streaming.stream, true);
  q.update({ ...STATE, bytes: 0, sizeUnknown: true });
  q.update({ ...STATE, bytes: 0, records: 5000, sizeUnknown: true });
  q.stop();
  assert.match(streaming.text(), /1,234 records/);
  assert.match(streaming.text(), /records\/s/);
  assert.doesNotMatch(streaming.text(), /%|ETA/);
});

test('nothing is drawn when disabled or not on a terminal', () => {
  const t = fakeTerminal();
  const p = createProgress(t.stream, false);
  p.update(STATE);
  p.stop();
  assert.equal(t.text(), '');
});
