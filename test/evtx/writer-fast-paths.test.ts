// The writer's fast paths: the System element copied into later templates of a chunk (also after a record
// was rolled back), and EvtxFileWriter's batched writes across many chunks. Checked by reading back with
// our reader and against writeEvtx's bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvtxBuffer } from '../../src/evtx/index.js';
import { EvtxFileWriter, writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';

const T0 = Date.UTC(2024, 4, 2, 9, 0, 0);

// Five shapes (different data names), so each chunk defines five templates after the first one.
function varied(i: number): EventSpec {
  const kind = i % 5;
  const data: Record<string, string | number> = { Common: `value ${i}` };
  data[`Field${kind}`] = `k${kind}-${i}`;
  if (kind > 2) data.Extra = i;
  return {
    provider: kind === 4 ? 'Other-Provider' : 'Microsoft-Windows-Sysmon',
    eventId: 100 + kind,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    computer: `HOST${i % 3}.corp.example`,
    time: T0 + i * 1000,
    processId: 4000 + i,
    data,
  };
}

function checkRecords(buf: Buffer, ids: number[]): void {
  const reader = parseEvtxBuffer(buf, 'fast-paths.evtx');
  const records = [...reader];
  assert.deepEqual(reader.warnings, []);
  assert.equal(reader.stats.damagedChunks, 0);
  assert.deepEqual(
    records.map((r) => r.recordId),
    ids.map((_, k) => k + 1),
  );
  records.forEach((r, k) => {
    const i = ids[k];
    const kind = i % 5;
    assert.equal(r.eventId, 100 + kind, `record ${k + 1} event id`);
    assert.equal(r.provider, kind === 4 ? 'Other-Provider' : 'Microsoft-Windows-Sysmon');
    assert.equal(r.computer, `HOST${i % 3}.corp.example`);
    assert.equal(r.timestamp, T0 + i * 1000);
    assert.equal(r.get('ProcessID'), 4000 + i);
    assert.equal(r.get('Common'), `value ${i}`);
    assert.equal(r.get(`Field${kind}`), `k${kind}-${i}`);
    assert.equal(r.get('Extra'), kind > 2 ? i : undefined);
  });
}

test('later templates of a chunk reuse the encoded System element and read back exactly', () => {
  const ids = Array.from({ length: 3000 }, (_, i) => i);
  const buf = writeEvtx(ids.map(varied));
  assert.ok(buf.readUInt16LE(42) > 3, 'several chunks');
  checkRecords(buf, ids);
});

test('a rolled-back record does not leave a stale System copy behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-writer-fast-'));
  try {
    const path = join(dir, 'rollback.evtx');
    const w = new EvtxFileWriter(path);
    const ids: number[] = [];
    for (let i = 0; i < 400; i++) {
      // A spec with a new shape whose value is invalid: its template (with new names) is written, then undone.
      const bad: EventSpec = { ...varied(i), data: { [`New${i}`]: { type: 'guid', value: 'bad' } } };
      // After record 0 the bad one is the chunk's second template: the first whose System could be copied.
      w.add(varied(i));
      ids.push(i);
      if (i % 7 === 0) assert.throws(() => w.add(bad), /invalid GUID/);
    }
    w.close();
    checkRecords(readFileSync(path), ids);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('EvtxFileWriter batches many chunks and still writes the bytes of writeEvtx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-writer-fast-'));
  try {
    const specs = Array.from({ length: 12_000 }, (_, i) => varied(i));
    const path = join(dir, 'batched.evtx');
    const w = new EvtxFileWriter(path);
    for (const s of specs) w.add(s);
    const summary = w.close();
    assert.ok(summary.chunks > 20, `more chunks than one batch holds (${summary.chunks})`);
    const onDisk = readFileSync(path);
    assert.equal(onDisk.length, summary.bytes);
    assert.ok(onDisk.equals(writeEvtx(specs)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
