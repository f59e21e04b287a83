// The EVTX writer: file and chunk structure, checksums, template reuse, error handling, and acceptance by
// libevtx's evtxexport (skipped when it is not installed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvtxEncoder, EvtxFileWriter, writeEvtx } from '../../src/evtx/writer.js';
import { crc32Tables } from '../../src/evtx/crc32.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';

const T0 = Date.UTC(2024, 2, 1, 8, 30, 0, 250);

function logon(i: number): EventSpec {
  return {
    provider: 'Microsoft-Windows-Security-Auditing',
    providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
    eventId: 4624,
    version: 2,
    task: 12544,
    keywords: 0x8020000000000000n,
    channel: 'Security',
    computer: `WS${i % 5}.corp.example`,
    time: T0 + i * 1000,
    processId: 600,
    threadId: 700 + (i % 3),
    data: {
      TargetUserName: `user${i}`,
      TargetDomainName: 'CORP',
      LogonType: 3 + (i % 8),
      IpAddress: `10.0.${i % 250}.${(i * 7) % 250}`,
      ProcessName: 'C:\\Windows\\System32\\lsass.exe',
    },
  };
}

interface Chunk {
  firstId: bigint;
  lastId: bigint;
  free: number;
  records: { offset: number; size: number; id: bigint }[];
}

// An independent reading of the structure, to check what the writer claims.
function chunksOf(buf: Buffer): Chunk[] {
  const count = buf.readUInt16LE(42);
  const out: Chunk[] = [];
  for (let c = 0; c < count; c++) {
    const base = 4096 + c * 65536;
    const chunk = buf.subarray(base, base + 65536);
    assert.equal(chunk.toString('latin1', 0, 8), 'ElfChnk\0');
    const free = chunk.readUInt32LE(48);
    assert.equal(chunk.readUInt32LE(52), crc32Tables(chunk, 512, free), `chunk ${c} records CRC`);
    const headerCrc = crc32Tables(chunk, 128, 512, crc32Tables(chunk, 0, 120));
    assert.equal(chunk.readUInt32LE(124), headerCrc, `chunk ${c} header CRC`);
    const records: Chunk['records'] = [];
    let pos = 512;
    while (pos < free) {
      assert.equal(chunk.readUInt32LE(pos), 0x2a2a);
      const size = chunk.readUInt32LE(pos + 4);
      assert.equal(chunk.readUInt32LE(pos + size - 4), size, 'size copy at record end');
      records.push({ offset: pos, size, id: chunk.readBigUInt64LE(pos + 8) });
      pos += size;
    }
    assert.equal(pos, free);
    assert.equal(chunk.readUInt32LE(44), records[records.length - 1].offset, 'last record offset');
    out.push({ firstId: chunk.readBigUInt64LE(8), lastId: chunk.readBigUInt64LE(16), free, records });
  }
  return out;
}

test('file header: magic, version 3.2, chunk count, next record id and CRC', () => {
  const buf = writeEvtx(Array.from({ length: 10 }, (_, i) => logon(i)));
  assert.equal(buf.toString('latin1', 0, 8), 'ElfFile\0');
  assert.equal(buf.readUInt16LE(38), 3);
  assert.equal(buf.readUInt16LE(36), 2);
  assert.equal(buf.readUInt16LE(42), 1);
  assert.equal(buf.readBigUInt64LE(24), 11n);
  assert.equal(buf.readUInt32LE(124), crc32Tables(buf, 0, 120));
  assert.equal(buf.length, 4096 + 65536);
});

test('many records fill many chunks with correct ids, sizes and checksums', () => {
  const n = 2500;
  const buf = writeEvtx(Array.from({ length: n }, (_, i) => logon(i)));
  const chunks = chunksOf(buf);
  assert.ok(chunks.length >= 3, `expected several chunks, got ${chunks.length}`);
  const ids = chunks.flatMap((c) => c.records.map((r) => r.id));
  assert.deepEqual(
    ids,
    Array.from({ length: n }, (_, i) => BigInt(i + 1)),
  );
  for (const c of chunks) {
    assert.equal(c.firstId, c.records[0].id);
    assert.equal(c.lastId, c.records[c.records.length - 1].id);
  }
});

test('a template is defined once per chunk and then referenced', () => {
  const buf = writeEvtx(Array.from({ length: 50 }, (_, i) => logon(i)));
  const [chunk] = chunksOf(buf);
  const base = 4096;
  const defOffsets = chunk.records.map((r) => buf.readUInt32LE(base + r.offset + 24 + 4 + 6));
  // First record: definition inline right after the instance header; the rest point back at it.
  assert.equal(defOffsets[0], chunk.records[0].offset + 24 + 4 + 10);
  assert.ok(defOffsets.every((o) => o === defOffsets[0]));
  assert.ok(chunk.records[1].size < chunk.records[0].size / 2, 'later records carry no definition');
});

test('explicit record ids are kept and the next one continues from them', () => {
  const specs = [{ ...logon(0), recordId: 1000 }, logon(1), { ...logon(2), recordId: 5 }, logon(3)];
  const [chunk] = chunksOf(writeEvtx(specs));
  assert.deepEqual(
    chunk.records.map((r) => r.id),
    [1000n, 1001n, 5n, 6n],
  );
});

test('an invalid event throws and leaves the writer consistent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-writer-'));
  try {
    const path = join(dir, 'bad.evtx');
    const w = new EvtxFileWriter(path);
    w.add(logon(0));
    const badGuid: EventSpec = { ...logon(1), data: { G: { type: 'guid', value: 'not-a-guid' } } };
    assert.throws(() => w.add(badGuid), /invalid GUID/);
    assert.throws(() => w.add({ ...logon(1), eventId: 70000 }), RangeError);
    assert.throws(() => w.add({ ...logon(1), data: { Big: 'x'.repeat(40000) } }), RangeError);
    w.add(logon(2));
    const summary = w.close();
    assert.equal(summary.records, 2);
    const chunks = chunksOf(readFileSync(path));
    assert.deepEqual(
      chunks[0].records.map((r) => r.id),
      [1n, 2n],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('EvtxFileWriter writes the same bytes as writeEvtx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-writer-'));
  try {
    const specs = Array.from({ length: 1500 }, (_, i) => logon(i));
    const path = join(dir, 'same.evtx');
    const w = new EvtxFileWriter(path);
    for (const s of specs) w.add(s);
    const summary = w.close();
    const onDisk = readFileSync(path);
    assert.equal(summary.bytes, onDisk.length);
    assert.ok(onDisk.equals(writeEvtx(specs)));
    assert.throws(() => w.add(logon(0)), /closed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reusing the encoded System part gives the same bytes as encoding every record in full', () => {
  // System values change at different rates; some events are invalid and must leave no trace.
  const specs: EventSpec[] = Array.from({ length: 3000 }, (_, i) => ({
    ...logon(i),
    computer: `HOST${Math.floor(i / 3) % 4}`,
    userSid: i % 7 < 3 ? 'S-1-5-18' : undefined,
    eventId: i % 5 === 0 ? 4625 : 4624,
    level: i % 50 === 0 ? 2 : 0,
    processId: i % 11,
    threadId: i,
    time: T0 + i * 17,
    ...(i % 97 === 0 ? { task: 70000 } : {}),
    ...(i % 89 === 0 ? { data: { G: { type: 'guid' as const, value: 'bad' } } } : {}),
  }));
  const encode = (reuseSystem: boolean): { bytes: Buffer; failed: number[] } => {
    const chunks: Buffer[] = [];
    const encoder = new EvtxEncoder((c) => chunks.push(Buffer.from(c)), { reuseSystem });
    const failed: number[] = [];
    specs.forEach((spec, i) => {
      try {
        encoder.add(spec);
      } catch {
        failed.push(i);
      }
    });
    encoder.finish();
    return { bytes: Buffer.concat(chunks), failed };
  };
  const full = encode(false);
  const reused = encode(true);
  assert.ok(full.failed.length > 40, 'invalid events are in the mix');
  assert.deepEqual(reused.failed, full.failed);
  assert.ok(reused.bytes.equals(full.bytes));
});

test('no events: a valid header without chunks', () => {
  const buf = writeEvtx([]);
  assert.equal(buf.length, 4096);
  assert.equal(buf.readUInt16LE(42), 0);
  assert.equal(buf.readBigUInt64LE(24), 1n);
});

const evtxexport = spawnSync('evtxexport', ['-V']);
const noEvtxexport = evtxexport.error ? 'evtxexport (libevtx-utils) is not installed' : false;

test('evtxexport reads every record and value the writer wrote', { skip: noEvtxexport }, () => {
  const specs: EventSpec[] = Array.from({ length: 1200 }, (_, i) => logon(i));
  specs.push({
    provider: 'Microsoft-Windows-Sysmon',
    eventId: 1,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    computer: 'WS1',
    time: Date.UTC(2024, 2, 2),
    userSid: 'S-1-5-21-1004336348-1177238915-682003330-512',
    activityId: '{11111111-2222-3333-4444-555555555555}',
    data: [
      ['CommandLine', 'powershell -enc SQBFAFgA "ünï" <&>'],
      ['Hash', { type: 'hex64', value: 0xdeadbeefn }],
      ['Flag', false],
      ['Blob', new Uint8Array([0, 1, 254, 255])],
      ['When', { type: 'filetime', value: Date.UTC(2020, 0, 2, 3, 4, 5, 6) }],
      ['Empty', ''],
      ['Guid', { type: 'guid', value: 'abcdef01-2345-6789-abcd-ef0123456789' }],
      ['Sid', { type: 'sid', value: 'S-1-5-18' }],
      ['Names', { type: 'array', itemType: 'string', value: ['x', 'y'] }],
      ['Real', 0.5],
    ],
  });
  specs.push({
    provider: 'Microsoft-Windows-Eventlog',
    eventId: 1102,
    channel: 'Security',
    computer: 'DC01',
    time: Date.UTC(2024, 2, 3),
    userData: {
      element: 'LogFileCleared',
      xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog',
      fields: { SubjectUserName: 'mallory', SubjectDomainName: 'CORP' },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'dwell-writer-'));
  try {
    const path = join(dir, 'export.evtx');
    writeFileSync(path, writeEvtx(specs));
    const run = spawnSync('evtxexport', ['-f', 'xml', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(run.status, 0, run.stderr);
    const xml = run.stdout;
    assert.equal(xml.split('<Event xmlns=').length - 1, specs.length);
    assert.match(xml, /<Data Name="TargetUserName">user1199<\/Data>/);
    assert.match(xml, /<EventRecordID>1202<\/EventRecordID>/);
    assert.match(xml, /<Computer>WS4\.corp\.example<\/Computer>/);
    assert.match(xml, /<TimeCreated SystemTime="2024-03-01T08:30:00\.250000000Z"\/>/);
    assert.match(xml, /<Keywords>0x8020000000000000<\/Keywords>/);
    assert.match(xml, /<Security UserID="S-1-5-21-1004336348-1177238915-682003330-512"\/>/);
    assert.match(xml, /ActivityID="\{11111111-2222-3333-4444-555555555555\}"/);
    assert.match(xml, /<Data Name="CommandLine">powershell -enc SQBFAFgA "ünï" &lt;&amp;&gt;<\/Data>/);
    assert.match(xml, /<Data Name="Hash">0x00000000deadbeef<\/Data>/);
    assert.match(xml, /<Data Name="Blob">0001FEFF<\/Data>/);
    assert.match(xml, /<Data Name="When">2020-01-02T03:04:05\.006000000Z<\/Data>/);
    assert.match(xml, /<Data Name="Guid">\{ABCDEF01-2345-6789-ABCD-EF0123456789\}<\/Data>/);
    assert.match(xml, /<Data Name="Sid">S-1-5-18<\/Data>/);
    assert.match(xml, /<SubjectUserName>mallory<\/SubjectUserName>/);
    assert.match(
      xml,
      /<LogFileCleared xmlns="http:\/\/manifests\.microsoft\.com\/win\/2004\/08\/windows\/eventlog">/,
    );
    const info = spawnSync('evtxinfo', [path], { encoding: 'utf8' });
    assert.match(info.stdout, /Number of records\s*:\s*1202/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('evtxexport keeps the last record of a chunk whatever its size', { skip: noEvtxexport }, () => {
  // Sweep the size of one record across a chunk's end: libevtx drops a last record that leaves fewer than
  // 4 bytes of the chunk free, so the writer must never fill a chunk that far.
  const dir = mkdtempSync(join(tmpdir(), 'dwell-writer-'));
  try {
    const filler = (i: number, len: number): EventSpec => ({
      provider: 'P',
      eventId: 1,
      channel: 'C',
      computer: 'X',
      time: i,
      data: { S: 'x'.repeat(len) },
    });
    const base = Array.from({ length: 64 }, (_, i) => filler(i, 400));
    const ends = new Set<number>();
    for (let len = 620; len < 700; len++) {
      const specs = [...base, filler(99, len), filler(100, 10)];
      const buf = writeEvtx(specs);
      ends.add(buf.readUInt32LE(4096 + 48));
      const path = join(dir, `sweep-${len}.evtx`);
      writeFileSync(path, buf);
      const info = spawnSync('evtxinfo', [path], { encoding: 'utf8' });
      assert.match(
        info.stdout,
        new RegExp(`Number of records\\s*:\\s*${specs.length}\\n`),
        `record length ${len}`,
      );
    }
    assert.ok(Math.max(...ends) >= 65520, 'the sweep must reach the end of the chunk');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
