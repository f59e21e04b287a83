// Gzip decompression of byte streams: a cut .gz (an interrupted download or copy, piped or on disk) gives
// everything that decompresses before the cut, whatever the pieces it arrives in and however slowly it is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { gunzipChunks, openByteStream } from '../../src/sources/byte-stream.js';
import { readStream, type SourceWarning } from '../../src/sources/index.js';
import { prng } from '../helpers/random.js';
import { evtxOf, sysmonEvents } from '../hunt/fixtures.js';
import { readAll, tempDir } from './helpers.js';

const EVTX = evtxOf(sysmonEvents('ws1', 2000));
/** The compressed EVTX cut at 60%: decompression ends with "unexpected end of file" in chunk 10 of 18. */
const CUT = gzipSync(EVTX).subarray(0, Math.floor(gzipSync(EVTX).length * 0.6));

async function* piecesOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

/** Everything an iterable yields before it throws, and what it threw. */
async function drain(
  chunks: AsyncIterable<Buffer>,
  slow = false,
): Promise<{ bytes: Buffer; error?: string }> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of chunks) {
      parts.push(chunk);
      if (slow) await sleep(5);
    }
  } catch (err) {
    return { bytes: Buffer.concat(parts), error: (err as Error).message };
  }
  return { bytes: Buffer.concat(parts) };
}

test('a cut gzip stream gives the same decompressed prefix in any pieces, then the error', async () => {
  const whole = await drain(gunzipChunks(piecesOf(CUT, CUT.length)));
  assert.equal(whole.error, 'unexpected end of file');
  // Most of the 60% of compressed bytes decompress: the cut is in chunk 10 (offset ~660 KiB) of 1.18 MB.
  assert.ok(whole.bytes.length > 640_000, `only ${whole.bytes.length} bytes`);
  assert.ok(whole.bytes.equals(EVTX.subarray(0, whole.bytes.length)));
  // The last piece used to be inflated with the end-of-input check, whose failure drops that call's output:
  // 4096-byte pieces lost ~37 KB (64 records) before the cut.
  for (const size of [1, 100, 4096, 65536 + 17]) {
    const got = await drain(gunzipChunks(piecesOf(CUT, size)));
    assert.equal(got.error, 'unexpected end of file', `${size}-byte pieces`);
    assert.equal(got.bytes.length, whole.bytes.length, `${size}-byte pieces`);
  }
});

test('a cut .gz file read slowly loses nothing before the cut (a destroyed stream dropped what was unread)', async () => {
  // 1.2 MB of JSONL that compresses ~2.6x (random hex), so the cut is several 256 KiB outputs in.
  const rand = prng(7);
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    let hex = '';
    for (let j = 0; j < 40; j++) hex += Math.floor(rand() * 16).toString(16);
    lines.push(`{"EventID":1,"x":"${hex}"}`);
  }
  const text = Buffer.from(lines.join('\n'));
  const gz = gzipSync(text);
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'cut.jsonl.gz');
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const fast = await drain(openByteStream(path, true));
    assert.ok(fast.bytes.length > 700_000, `only ${fast.bytes.length} bytes`);
    // Read 5 ms per chunk: the old pipeline() lost the last ~57 KB it had decompressed but not handed out.
    const slow = await drain(openByteStream(path, true), true);
    assert.equal(slow.error, 'unexpected end of file');
    assert.equal(slow.bytes.length, fast.bytes.length);
    assert.ok(slow.bytes.equals(text.subarray(0, slow.bytes.length)));
  } finally {
    cleanup();
  }
});

test('readStream of a cut .evtx.gz in pieces gives the records and warnings of the file reader', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'cut.evtx.gz');
    writeFileSync(path, CUT);
    const expected = await readAll(path);
    assert.ok(expected.records.length > 1100, `${expected.records.length} records`);
    for (const size of [4096, 5000]) {
      let records = 0;
      const warnings: SourceWarning[] = [];
      await readStream(
        piecesOf(CUT, size),
        { name: path },
        { record: () => records++, warning: (w) => warnings.push(w) },
      );
      assert.equal(records, expected.records.length, `${size}-byte pieces`);
      assert.deepEqual(warnings, expected.warnings, `${size}-byte pieces`);
    }
  } finally {
    cleanup();
  }
});

test('concatenated gzip members decompress as one stream; a member cut short ends it with the error', async () => {
  const a = Buffer.from('{"EventID":1}\n');
  const b = Buffer.from('{"EventID":2}\n');
  const both = await drain(gunzipChunks(piecesOf(Buffer.concat([gzipSync(a), gzipSync(b)]), 3)));
  assert.equal(both.error, undefined);
  assert.equal(both.bytes.toString(), '{"EventID":1}\n{"EventID":2}\n');
  const gzB = gzipSync(b);
  const cut = await drain(gunzipChunks(piecesOf(Buffer.concat([gzipSync(a), gzB.subarray(0, 12)]), 5)));
  assert.equal(cut.error, 'unexpected end of file');
  assert.ok(cut.bytes.toString().startsWith('{"EventID":1}\n'));
});

test('a reader that stops early closes the source (a live producer is not left waiting)', async () => {
  let closed = false;
  async function* endless(): AsyncGenerator<Buffer> {
    try {
      const member = gzipSync(Buffer.from('{"EventID":1}\n'));
      for (;;) yield member;
    } finally {
      closed = true;
    }
  }
  let seen = 0;
  for await (const chunk of gunzipChunks(endless())) {
    seen += chunk.length;
    if (seen > 1000) break;
  }
  assert.ok(closed);
});
