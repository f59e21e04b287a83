// Hostile byte streams: EVTX, JSONL and XML inputs, plain and gzip, are truncated, bit-flipped and spliced with
// garbage, then delivered in pieces of random sizes. readStream must never throw, never report that a reader
// failed, name the stream in every warning, and hand out only records that answer fields() and get().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readStream, type SourceWarning } from '../../src/sources/index.js';
import { prng } from '../helpers/random.js';
import { asEvtxDumpJson, asXml, evtxOf, sysmonEvents } from '../hunt/fixtures.js';

const EVENTS = sysmonEvents('ws1', 160);
const BASES: Buffer[] = [
  evtxOf(EVENTS),
  Buffer.from(asEvtxDumpJson(EVENTS.slice(0, 40))),
  Buffer.from(asXml(EVENTS.slice(0, 40))),
];

function mutate(data: Buffer, rand: () => number): Buffer {
  const out = Buffer.from(data);
  switch (Math.floor(rand() * 4)) {
    case 0:
      return out.subarray(0, Math.floor(rand() * out.length));
    case 1:
      for (let i = 0; i < 1 + rand() * 40; i++)
        out[Math.floor(rand() * out.length)] ^= 1 << Math.floor(rand() * 8);
      return out;
    case 2: {
      const at = Math.floor(rand() * out.length);
      const junk = Buffer.from(
        Array.from({ length: Math.floor(rand() * 3000) }, () => Math.floor(rand() * 256)),
      );
      return Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]);
    }
    default:
      return out;
  }
}

async function* piecesOf(data: Buffer, rand: () => number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length;) {
    const size = 1 + Math.floor(rand() * 9000);
    yield data.subarray(i, i + size);
    i += size;
  }
}

test('mutated streams in random pieces never throw; warnings name the stream; records answer', async () => {
  const rand = prng(0x5eed);
  let records = 0;
  let warned = 0;
  let unrecognised = 0;
  for (let round = 0; round < 300; round++) {
    const base = BASES[round % BASES.length]!;
    let data = mutate(base, rand);
    // Half the rounds compress before or after the damage (a damaged gzip stream).
    if (rand() < 0.25) data = gzipSync(data);
    else if (rand() < 0.33) data = mutate(gzipSync(base), rand);
    const warnings: SourceWarning[] = [];
    const stats = await readStream(
      piecesOf(data, rand),
      { name: '<stdin>' },
      {
        record: (r) => {
          records++;
          for (const [name] of r.fields()) r.get(name);
          assert.equal(r.source.file, '<stdin>');
        },
        warning: (w) => warnings.push(w),
      },
    );
    warned += warnings.length;
    // A recognised stream is read to its end (a gzip one to where it failed to decompress: nothing after can
    // be); an unrecognised one only as far as sniffing needed.
    const undecodable =
      stats.gzip && warnings.some((w) => /^decompression failed|^read failed/.test(w.reason));
    if (stats.format && undecodable) assert.ok(stats.bytes <= data.length, `round ${round}`);
    else if (stats.format) assert.equal(stats.bytes, data.length, `round ${round}`);
    else {
      assert.ok(stats.unreadable && stats.bytes <= data.length, `round ${round}`);
      unrecognised++;
    }
    for (const w of warnings) {
      assert.equal(w.file, '<stdin>', `round ${round}`);
      assert.doesNotMatch(w.reason, /reader failed/, `round ${round}`);
    }
  }
  assert.ok(records > 1000, `only ${records} records came out`);
  assert.ok(warned > 10, `only ${warned} warnings`);
  assert.ok(unrecognised > 0, 'no round damaged the first bytes');
});
