// ByteBuffer: appended bytes and UTF-8 text come back in order, across growth and after clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteBuffer } from '../../src/hunt/byte-buffer.js';

test('appends bytes and UTF-8 text in order while growing, and is reused after clear', () => {
  const b = new ByteBuffer(4, 16);
  b.appendText('héllo ');
  b.append(Buffer.from('[world]'), 1, 6);
  b.appendText(' — ∑ 𝔘'); // 2-, 3- and 4-byte UTF-8
  const want = 'héllo world — ∑ 𝔘';
  assert.equal(b.view().toString('utf8'), want);
  assert.equal(b.length, Buffer.byteLength(want));
  assert.equal(b.view(7, 12).toString('utf8'), 'world');
  b.clear();
  assert.equal(b.length, 0);
  // Past the capacity it grows by what an append needs.
  const big = 'x'.repeat(100);
  b.appendText(big);
  b.append(Buffer.from(big), 0, 100);
  assert.equal(b.view().toString('utf8'), big + big);
});
