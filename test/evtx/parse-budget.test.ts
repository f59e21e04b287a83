// Overlapping template definitions: a chunk whose records each point at a different definition inside one long
// run of valid BinXML tokens made every record parse most of the chunk again (~1.5 s of CPU for one 64 KiB
// chunk). The chunk's parse budget caps that work; the records it refuses become warnings naming file, chunk,
// offset and reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_SIZE, FILE_HEADER_SIZE, parseEvtxBuffer, renderXml, writeEvtx } from '../../src/evtx/index.js';
import { parsedTemplateCount } from '../../src/evtx/shape.js';

const RECORD_SIZE = 46;

/**
 * A writer-made file whose first chunk's record area is replaced: substitution tokens (4 bytes) with a
 * character reference (3 bytes) every `period` bytes, from 512 to `regionEnd`, then records of 46 bytes each
 * naming the next definition found inside that run. Every definition's size is chosen so that its body ends on
 * a token boundary: each one parses in full, and no two share their bytes.
 */
function overlappingDefinitions(regionEnd = 36000, period = 97): { file: Buffer; records: number } {
  const file = writeEvtx([
    { provider: 'P', eventId: 1, channel: 'C', computer: 'h', time: Date.UTC(2024, 0, 1), data: { A: 'a' } },
  ]);
  const c = file.subarray(FILE_HEADER_SIZE, FILE_HEADER_SIZE + CHUNK_SIZE);
  c.fill(0, 512);
  const starts: number[] = [];
  const substitution = new Set<number>();
  let p = 512;
  let sinceRef = 0;
  while (p + 4 <= regionEnd) {
    if (sinceRef >= period) {
      c.set([0x08, 0x41, 0x00], p); // &#x41;
      starts.push(p);
      p += 3;
      sinceRef = 0;
      continue;
    }
    c.set([0x0d, 0x00, 0x00, 0x00], p); // substitution of slot 0, type null
    starts.push(p);
    substitution.add(p);
    p += 4;
    sinceRef += 4;
  }
  const boundary = new Set([...starts, p]);
  const defs: number[] = [];
  for (const d of starts) {
    let whole = true;
    for (let k = 0; k <= 20; k += 4) whole &&= substitution.has(d + k);
    if (!whole) continue;
    // The size field (d + 20) is a substitution token 0d s0 00 00: size 0x0d + 256 * s0.
    for (let s0 = 0xff; s0 >= 0x10; s0--) {
      if (boundary.has(d + 24 + 0x0d + 256 * s0)) {
        c[d + 21] = s0;
        defs.push(d);
        break;
      }
    }
  }
  let off = regionEnd;
  let n = 0;
  for (; off + RECORD_SIZE <= CHUNK_SIZE && n < defs.length; n++, off += RECORD_SIZE) {
    const d = defs[n]!;
    c.writeUInt32LE(0x2a2a, off);
    c.writeUInt32LE(RECORD_SIZE, off + 4);
    c.writeUInt32LE(n + 1, off + 8);
    c.set([0x0f, 1, 1, 0, 0x0c, 1], off + 24); // fragment header, template instance
    c.writeUInt32LE(c.readUInt32LE(d + 4), off + 30); // the template id the definition holds
    c.writeUInt32LE(d, off + 34);
    c.writeUInt32LE(0, off + 38); // no values
    c.writeUInt32LE(RECORD_SIZE, off + 42);
  }
  c.writeUInt32LE(off, 0x30);
  return { file, records: n };
}

test('records pointing at overlapping template definitions cost a bounded amount of parsing', () => {
  const { file, records } = overlappingDefinitions();
  assert.ok(records > 500, `${records} records built`);
  const before = parsedTemplateCount();
  const reader = parseEvtxBuffer(file, 'overlap.evtx');
  let decoded = 0;
  for (const r of reader) {
    decoded++;
    for (const _ of r.fields()) {
      // every field decoded
    }
    renderXml(r);
  }
  const parsed = parsedTemplateCount() - before;
  // Unbounded, every record parsed its own ~8-16 KiB definition (over 500 parses).
  assert.ok(parsed < 64, `${parsed} template definitions parsed`);
  assert.ok(decoded > 0, 'definitions parsed within the budget still decode');
  const refused = reader.warnings.filter((w) => /parse budget spent/.test(w.reason));
  assert.ok(refused.length > 0);
  for (const w of refused) {
    assert.equal(w.file, 'overlap.evtx');
    assert.equal(w.chunk, 0);
    assert.ok(w.offset >= FILE_HEADER_SIZE && w.offset < FILE_HEADER_SIZE + CHUNK_SIZE);
  }
});

test('a chunk over its parse budget yields the same records and warnings on every reading', () => {
  // The second reading finds the definitions the first parsed in the thread's bytes cache: they must cost the
  // budget as much as parsing them did, or what a file yields would depend on what the thread read before.
  const { file } = overlappingDefinitions();
  const read = (): { records: string[]; warnings: string[] } => {
    const reader = parseEvtxBuffer(file, 'overlap.evtx');
    const records = [...reader].map((r) => renderXml(r));
    return { records, warnings: reader.warnings.map((w) => `${w.offset}: ${w.reason}`) };
  };
  const first = read();
  const again = read();
  assert.ok(first.warnings.some((w) => /parse budget spent/.test(w)));
  assert.deepEqual(again, first);
});

test('a valid writer-made file stays well within the parse budget', () => {
  const events = Array.from({ length: 300 }, (_, i) => ({
    provider: `P${i % 40}`,
    eventId: i,
    channel: 'C',
    computer: 'h',
    time: Date.UTC(2024, 0, 1) + i,
    // Many distinct templates (field sets) in each chunk.
    data: Object.fromEntries(Array.from({ length: 1 + (i % 23) }, (_, k) => [`F${k}x${i % 17}`, `v${i}`])),
  }));
  const reader = parseEvtxBuffer(writeEvtx(events), 'many-templates.evtx');
  let n = 0;
  for (const _ of reader) n++;
  assert.equal(n, 300);
  assert.deepEqual(
    reader.warnings.map((w) => w.reason),
    [],
  );
});
