// Damaged input: every readable record is recovered, what is skipped is named in a warning, nothing throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusPath, corpusSkip } from '../helpers/corpus.js';
import {
  CHUNK_SIZE,
  FILE_HEADER_SIZE,
  parseChunk,
  parseEvtxBuffer,
  readEvtxFile,
  renderJson,
  renderXml,
  stringifyJson,
  type EvtxReader,
} from '../../src/evtx/index.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';
import { slackWithOverwrittenTemplate } from '../helpers/evtx-slack.js';

function sampleEvents(count: number): EventSpec[] {
  const events: EventSpec[] = [];
  for (let i = 0; i < count; i++) {
    events.push({
      provider: 'Microsoft-Windows-Security-Auditing',
      eventId: i % 2 ? 4624 : 4688,
      channel: 'Security',
      computer: `host${i % 3}.corp.example`,
      time: Date.UTC(2024, 0, 1) + i * 1000,
      data: { TargetUserName: `user${i}`, CommandLine: `cmd.exe /c echo ${i}`, LogonType: i % 11 },
    });
  }
  return events;
}

function sample(count = 40): Buffer {
  return writeEvtx(sampleEvents(count));
}

function drain(reader: EvtxReader): { ids: number[]; recovered: number } {
  const ids: number[] = [];
  let recovered = 0;
  for (const r of reader) {
    ids.push(r.recordId);
    if (r.recovered) recovered++;
    // Touch everything a consumer might.
    r.get('CommandLine');
    assert.ok([...r.fields()].length >= 0);
    stringifyJson(renderJson(r));
  }
  return { ids, recovered };
}

/** Offsets of every record signature in the first chunk. */
function recordOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  const chunk = buf.subarray(FILE_HEADER_SIZE, FILE_HEADER_SIZE + CHUNK_SIZE);
  let p = 512;
  while (p + 24 <= chunk.length && chunk.readUInt32LE(p) === 0x2a2a) {
    out.push(FILE_HEADER_SIZE + p);
    p += chunk.readUInt32LE(p + 4);
  }
  return out;
}

test('a clean file reads without warnings', () => {
  const reader = parseEvtxBuffer(sample(), 'clean.evtx');
  const { ids } = drain(reader);
  assert.equal(ids.length, 40);
  assert.deepEqual(reader.warnings, []);
  assert.equal(reader.stats.records, 40);
  assert.equal(reader.stats.damagedChunks, 0);
});

test('a truncated file gives the records before the cut and names the truncation', () => {
  const buf = sample();
  const offsets = recordOffsets(buf);
  const cut = buf.subarray(0, offsets[20] + 10);
  const reader = parseEvtxBuffer(cut, 'cut.evtx');
  const { ids } = drain(reader);
  assert.deepEqual(
    ids,
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  assert.ok(
    reader.warnings.some((w) => /truncated/.test(w.reason) && w.file === 'cut.evtx' && w.chunk === 0),
  );
});

test('a record with a broken size is skipped with a warning; the records after it are still read', () => {
  const buf = Buffer.from(sample());
  const offsets = recordOffsets(buf);
  buf.writeUInt32LE(0xfffffff0, offsets[5] + 4);
  const reader = parseEvtxBuffer(buf, 'size.evtx');
  const { ids } = drain(reader);
  assert.ok(!ids.includes(6));
  assert.ok(ids.includes(7) && ids.includes(40));
  const w = reader.warnings.find((x) => /bad size/.test(x.reason));
  assert.ok(w, JSON.stringify(reader.warnings));
  assert.equal(w.offset, offsets[5]);
});

test('a bad chunk magic: records are carved and marked recovered', () => {
  const buf = Buffer.from(sample());
  buf.write('XXXXXXXX', FILE_HEADER_SIZE, 'latin1');
  const reader = parseEvtxBuffer(buf, 'magic.evtx');
  const { ids, recovered } = drain(reader);
  assert.equal(ids.length, 40);
  assert.equal(recovered, 40);
  assert.ok(reader.warnings.some((w) => w.reason === 'bad chunk magic'));
  assert.equal(reader.stats.damagedChunks, 1);
});

test('checksums: a flipped data byte is reported, an absurd free-space offset is bounded', () => {
  const buf = Buffer.from(sample());
  const offsets = recordOffsets(buf);
  buf[offsets[3] + 8] ^= 0x01; // record id: changes the data CRC, not the structure
  buf.writeUInt32LE(0x7fffffff, FILE_HEADER_SIZE + 0x30);
  const reader = parseEvtxBuffer(buf, 'crc.evtx');
  const { ids } = drain(reader);
  assert.equal(ids.length, 40);
  assert.ok(reader.warnings.some((w) => /free-space/.test(w.reason)));
  assert.ok(reader.warnings.some((w) => /chunk header CRC32/.test(w.reason)));
});

test('a broken template reference: recovered by template id when known, else only that record is skipped', () => {
  const buf = Buffer.from(sample());
  const offsets = recordOffsets(buf);
  // The template instance sits after the record header (24) and the fragment header (4): point its
  // definition offset at the record itself, a self-reference that must not loop.
  const instance = offsets[10] + 24 + 4;
  assert.equal(buf[instance], 0x0c);
  buf.writeUInt32LE(offsets[10] - FILE_HEADER_SIZE, instance + 6);
  const known = [...parseEvtxBuffer(buf, 'tpl.evtx')];
  assert.equal(known.length, 40);
  assert.equal(known[10].get('CommandLine'), 'cmd.exe /c echo 10');

  buf.writeUInt32LE(0xdeadbeef, instance + 2); // and a template id nobody defined
  const reader = parseEvtxBuffer(buf, 'tpl.evtx');
  const { ids } = drain(reader);
  assert.ok(!ids.includes(11));
  assert.equal(ids.length, 39);
  assert.ok(reader.warnings.some((w) => /record 11 skipped: template deadbeef/.test(w.reason)));
});

test('parseChunk on garbage, empty and tiny buffers never throws', () => {
  const loc = { file: 'g', chunkIndex: 0, fileOffset: 0 };
  assert.equal(parseChunk(Buffer.alloc(CHUNK_SIZE), loc).empty, true);
  assert.equal(parseChunk(Buffer.alloc(0), loc).records.length, 0);
  const noise = Buffer.alloc(CHUNK_SIZE);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  noise.write('ElfChnk\0', 0, 'latin1');
  const r = parseChunk(noise, loc);
  assert.ok(r.damaged);
  assert.ok(r.warnings.length > 0);
});

test('an unreadable path is a warning, not an exception', () => {
  const reader = readEvtxFile('/nonexistent/dir/x.evtx');
  assert.deepEqual([...reader], []);
  assert.match(reader.warnings[0].reason, /^cannot open/);
});

test(
  'edge cases: bad chunk magic, dirty header, missing CRC32 are named; records recovered',
  { skip: corpusSkip },
  () => {
    const magic = readEvtxFile(corpusPath('evtx', 'edge-cases', 'sample_with_a_bad_chunk_magic.evtx'));
    const m = drain(magic);
    assert.ok(magic.warnings.some((w) => w.reason === 'bad chunk magic'));
    assert.ok(magic.warnings.some((w) => /dirty/.test(w.reason)));
    assert.ok(m.recovered > 0);
    assert.ok(m.ids.length >= 267);

    const noCrc = readEvtxFile(corpusPath('evtx', 'edge-cases', 'Application_no_crc32.evtx'));
    const n = drain(noCrc);
    assert.ok(noCrc.warnings.some((w) => /CRC32/.test(w.reason)));
    assert.ok(n.ids.length >= 17);
  },
);

test(
  'a bad string cache changes nothing: same records, same values as the clean copy',
  { skip: corpusSkip },
  () => {
    const render = (name: string): string[] =>
      [...readEvtxFile(corpusPath('evtx', 'edge-cases', name))]
        .filter((r) => !r.recovered)
        .map((r) => stringifyJson(renderJson(r), ''));
    const clean = render('security.evtx');
    const bad = render('security_bad_string_cache.evtx');
    assert.equal(clean.length, 2261);
    assert.deepEqual(bad, clean);
  },
);

test(
  'zero-size data, size_t and irregular booleans decode without loss of records',
  { skip: corpusSkip },
  () => {
    for (const [name, min] of [
      ['sample-with-zero-data-size-event.evtx', 335],
      ['Security_with_size_t.evtx', 636],
      ['sample-with-irregular-bool-values.evtx', 3028],
    ] as const) {
      const reader = readEvtxFile(corpusPath('evtx', 'edge-cases', name));
      const { ids } = drain(reader);
      assert.ok(ids.length >= min, `${name}: ${ids.length}`);
      assert.equal(reader.stats.skipped, 0, `${name}: ${JSON.stringify(reader.warnings.slice(0, 3))}`);
    }
    // size_t values are plain numbers, as evtxexport shows them.
    const sizeT = [...readEvtxFile(corpusPath('evtx', 'edge-cases', 'Security_with_size_t.evtx'))].find(
      (r) => r.get('ProcessId') !== undefined && typeof r.get('ProcessId') === 'number',
    );
    assert.ok(sizeT);
    assert.ok(readFileSync(corpusPath('evtx', 'edge-cases', 'Security_with_size_t.evtx')).length > 0);
  },
);

test('a bare run of chunks (no file header) is read from offset 0', () => {
  const buf = sample();
  const chunks = buf.subarray(FILE_HEADER_SIZE);
  const reader = parseEvtxBuffer(chunks, 'carved.evtx');
  const { ids } = drain(reader);
  assert.equal(ids.length, 40);
  assert.equal(reader.stats.header, null);
});

test('carved records whose template was overwritten borrow an earlier copy: a recovery note, not damage', () => {
  // Chunk 1's records all lie in slack space and the template they use has an overwritten name: carving decodes
  // them with chunk 0's copy of that template id, which the recovery note counts; slack space holding stale
  // definitions is normal, so nothing is reported as damage.
  const { bytes } = slackWithOverwrittenTemplate(sampleEvents(600));
  const reader = parseEvtxBuffer(bytes, 'slack.evtx');
  const records = [...reader];
  const carved = records.filter((r) => r.recovered);
  assert.ok(
    carved.length > 0 && records.length === 600,
    `${records.length} records, ${carved.length} carved`,
  );
  for (const r of carved) assert.equal(r.get('Channel'), 'Security');
  const chunk1 = reader.warnings.filter((w) => w.chunk === 1).map((w) => w.reason);
  assert.deepEqual(chunk1, [
    `recovered ${carved.length} records from slack space (1 overwritten template taken from an earlier copy with the same id)`,
  ]);
});

test('a template whose names were overwritten is rejected by the name hash, not rendered as garbage', () => {
  // Enough records for two chunks: each chunk defines its templates again.
  const buf = Buffer.from(sample(600));
  const second = FILE_HEADER_SIZE + CHUNK_SIZE;
  assert.ok(buf.length >= second + CHUNK_SIZE, 'two chunks');
  const perChunk = [...parseEvtxBuffer(buf.subarray(second, second + CHUNK_SIZE), 'c1.evtx')].length;
  assert.ok(perChunk > 0 && perChunk < 600);
  // The first record of chunk 1 defines its template inline; its first element name ("Event") follows the
  // definition header. Corrupt one character of that name: the stored hash no longer matches.
  const nameChars = buf.indexOf(Buffer.from('Event', 'utf16le'), second + 512);
  assert.ok(nameChars > 0 && nameChars < second + CHUNK_SIZE);
  buf[nameChars] ^= 0x20; // "Event" -> "event"
  const reader = parseEvtxBuffer(buf, 'names.evtx', { recover: false });
  const records = [...reader];
  // Chunk 0 of the same file read that template earlier: chunk 1's records decode with it, correctly.
  assert.equal(records.length, 600);
  for (const r of records) assert.equal(r.get('Channel'), 'Security', 'no record decodes with garbage names');
  assert.ok(
    reader.warnings.some((w) =>
      /fails its hash check.*used the template with the same id read earlier/.test(w.reason),
    ),
    JSON.stringify(reader.warnings.slice(0, 2)),
  );
  // Read again, the failed definition comes from the cache of definitions by bytes (not parsed again): the same
  // records and the same warnings, offsets included.
  const again = parseEvtxBuffer(buf, 'names.evtx', { recover: false });
  assert.equal([...again].length, 600);
  assert.deepEqual(
    again.warnings.map((w) => w.reason),
    reader.warnings.map((w) => w.reason),
  );
  // Chunk 1 on its own: nothing earlier in this reading has the template, so its records are skipped with the
  // reason (never decoded with garbage names), however often this thread read that template in other files.
  const alone = parseEvtxBuffer(buf.subarray(second, second + CHUNK_SIZE), 'chunk1.evtx', { recover: false });
  const decoded = [...alone];
  assert.ok(decoded.length < perChunk, `${decoded.length} of ${perChunk}`);
  for (const r of decoded) assert.equal(r.get('Channel'), 'Security');
  assert.ok(alone.warnings.some((w) => /fails its hash check/.test(w.reason)));
});

/** A chunk holding one record whose body is raw BinXML (no template): `depth` nested <E> elements. */
function deepChunk(depth: number): Buffer {
  const chunk = Buffer.alloc(CHUNK_SIZE);
  chunk.write('ElfChnk\0', 0, 'latin1');
  const body: number[] = [0x0f, 0x01, 0x01, 0x00];
  const recordStart = 512;
  const bodyStart = recordStart + 24;
  let nameOffset = -1;
  for (let i = 0; i < depth; i++) {
    const pos = bodyStart + body.length;
    body.push(0x01, 0xff, 0xff, 0, 0, 0, 0);
    const here = pos + 11;
    const off = nameOffset < 0 ? here : nameOffset;
    body.push(off & 0xff, (off >> 8) & 0xff, 0, 0);
    if (nameOffset < 0) {
      nameOffset = here;
      const h = 69; // nameHash("E") = 'E'
      body.push(0, 0, 0, 0, h, 0, 1, 0, 0x45, 0, 0, 0);
    }
    body.push(0x02);
  }
  for (let i = 0; i < depth; i++) body.push(0x04);
  body.push(0x00);
  const size = 24 + body.length + 4 + ((8 - ((24 + body.length + 4) % 8)) % 8);
  chunk.writeUInt32LE(0x2a2a, recordStart);
  chunk.writeUInt32LE(size, recordStart + 4);
  chunk.writeUInt32LE(1, recordStart + 8);
  Buffer.from(body).copy(chunk, bodyStart);
  chunk.writeUInt32LE(size, recordStart + size - 4);
  chunk.writeUInt32LE(recordStart + size, 0x30);
  return chunk;
}

test('raw BinXML records: moderate nesting decodes, absurd nesting is refused without a stack overflow', () => {
  const loc = { file: 'deep.evtx', chunkIndex: 0, fileOffset: FILE_HEADER_SIZE };
  const ok = parseChunk(deepChunk(20), loc, { checksums: false });
  assert.equal(ok.records.length, 1);
  assert.match(renderXml(ok.records[0]), /^<E>\n {2}<E>/);
  const deep = parseChunk(deepChunk(3000), loc, { checksums: false });
  assert.equal(deep.records.length, 0);
  assert.ok(
    deep.warnings.some((w) => /nested too deeply/.test(w.reason)),
    JSON.stringify(deep.warnings),
  );
});

test('a reader can be iterated again; finish() after a full pass does not re-read', () => {
  const reader = parseEvtxBuffer(sample(), 'again.evtx');
  assert.equal([...reader].length, 40);
  assert.equal([...reader].length, 40);
  assert.equal(reader.finish().records, 40);
  const partial = parseEvtxBuffer(sample(), 'partial.evtx');
  for (const _ of partial) break;
  assert.equal(partial.finish().records, 40, 'a partial pass is completed by finish()');
});

test('leftover blocks after the counted chunks: one summary warning, not damaged chunks', () => {
  const junk = Buffer.alloc(2 * CHUNK_SIZE);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7 + 3) & 0xff || 1;
  const reader = parseEvtxBuffer(Buffer.concat([sample(), junk]), 'leftover.evtx');
  assert.equal([...reader].length, 40);
  assert.equal(reader.stats.damagedChunks, 0);
  const w = reader.warnings.filter((x) => /hold no EVTX data/.test(x.reason));
  assert.equal(w.length, 1, JSON.stringify(reader.warnings));
  assert.match(w[0].reason, /^2 chunk-sized blocks/);
});

test('warnings stay bounded: a chunk full of broken records lists a few and counts the rest', () => {
  const chunk = Buffer.alloc(CHUNK_SIZE);
  chunk.write('ElfChnk\0', 0, 'latin1');
  chunk.writeUInt32LE(CHUNK_SIZE, 0x30);
  // Thousands of well-framed 32-byte records whose BinXML is garbage: each would be a warning.
  for (let p = 512; p + 32 <= CHUNK_SIZE; p += 32) {
    chunk.writeUInt32LE(0x2a2a, p);
    chunk.writeUInt32LE(32, p + 4);
    chunk.writeUInt32LE(p, p + 8);
    chunk[p + 24] = 0x0c;
    chunk.writeUInt32LE(32, p + 28);
  }
  const r = parseChunk(chunk, { file: 'flood.evtx', chunkIndex: 0, fileOffset: FILE_HEADER_SIZE });
  assert.ok(r.skipped > 2000);
  assert.ok(r.warnings.length <= 70, `${r.warnings.length} warnings`);
  assert.match(r.warnings[r.warnings.length - 1].reason, /^\d+ more problems in this chunk not listed$/);

  const file = Buffer.concat([
    sample().subarray(0, FILE_HEADER_SIZE),
    ...Array.from({ length: 20 }, () => chunk),
  ]);
  const reader = parseEvtxBuffer(file, 'flood.evtx');
  assert.equal([...reader].length, 0);
  assert.ok(reader.warnings.length <= 1001, `${reader.warnings.length} warnings`);
  assert.match(reader.warnings[reader.warnings.length - 1].reason, /more warnings not listed$/);
});

test('a record cut short (trailing size copy missing) is still decoded, marked recovered', () => {
  const buf = Buffer.from(sample());
  const offsets = recordOffsets(buf);
  const size = buf.readUInt32LE(offsets[5] + 4);
  buf.writeUInt32LE(0, offsets[5] + size - 4);
  const reader = parseEvtxBuffer(buf, 'short.evtx');
  const records = [...reader];
  assert.equal(records.length, 40);
  const six = records.find((r) => r.recordId === 6);
  assert.ok(six);
  assert.equal(six.recovered, true);
  assert.equal(six.get('CommandLine'), 'cmd.exe /c echo 5');
  assert.ok(reader.warnings.some((w) => /record 6 cut short/.test(w.reason) && w.offset === offsets[5]));
});
