import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { EventRecord } from '../../src/event/types.js';
import { readSource, readStream, type SourceWarning } from '../../src/sources/index.js';
import { asEvtxDumpJson, asXml, evtxOf, sysmonEvents } from '../hunt/fixtures.js';
import { readAll, tempDir } from './helpers.js';

/** A record as plain data: every field, the source and the System shortcuts. */
function plain(r: EventRecord): string {
  return JSON.stringify(
    {
      fields: [...r.fields()],
      source: r.source,
      eventId: r.eventId,
      computer: r.computer,
      channel: r.channel,
      timestamp: r.timestamp,
      recordId: r.recordId,
    },
    (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v),
  );
}

/** The bytes in pieces of `size` (the last one shorter). */
async function* piecesOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function readPieces(data: Buffer, size: number, name: string, tenant?: string) {
  const records: EventRecord[] = [];
  const warnings: SourceWarning[] = [];
  const stats = await readStream(
    piecesOf(data, size),
    { name, ...(tenant !== undefined ? { tenant } : {}) },
    { record: (r) => records.push(r), warning: (w) => warnings.push(w) },
  );
  return { records, warnings, stats };
}

const EVENTS = sysmonEvents('ws1', 300);
const EVTX = evtxOf(EVENTS);

test('the EVTX fixture spans several chunks (the stream reader crosses chunk borders)', () => {
  assert.ok(EVTX.length >= 4096 + 2 * 65536, `only ${EVTX.length} bytes`);
});

const ROWS = EVENTS.slice(0, 60).map((e) =>
  JSON.stringify({ EventID: e.eventId, Computer: e.computer, ...(e.data as object) }),
);
const XML = asXml(EVENTS.slice(0, 50));
/** One input of each format and layout; each is also read gzip-compressed. */
const INPUTS: [string, Buffer][] = [
  ['multi-chunk.evtx', EVTX],
  // Cut inside the third chunk: the stream reader must warn as the file reader does.
  ['cut.evtx', EVTX.subarray(0, 4096 + 2 * 65536 + 1000)],
  ['dump.json', Buffer.from(asEvtxDumpJson(EVENTS.slice(0, 60)))],
  ['lines.jsonl', Buffer.from(ROWS.join('\n'))],
  // A damaged value in the middle: its warning must come out the same way too.
  ['damaged.jsonl', Buffer.from([ROWS[0], '{"EventID": 1, "broken": ', ...ROWS.slice(1)].join('\n'))],
  ['array.json', Buffer.from(`[${ROWS.slice(0, 40).join(',\n')}]`)],
  ['export.xml', Buffer.from(XML)],
  ['utf16.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(XML, 'utf16le')])],
];

for (const [name, data] of INPUTS) {
  test(`readStream gives the file reader's records and warnings for ${name} and its gzip, in 1-, 7- and 4096-byte pieces`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const [file, bytes] of [
        [name, data],
        [`${name}.gz`, gzipSync(data)],
      ] as const) {
        const path = join(dir, file);
        writeFileSync(path, bytes);
        const expected = await readAll(path, 'acme');
        assert.ok(expected.records.length > 0, file);
        for (const size of [1, 7, 4096]) {
          const got = await readPieces(bytes, size, path, 'acme');
          const what = `${file} in ${size}-byte pieces`;
          assert.equal(got.records.length, expected.records.length, what);
          assert.deepEqual(got.records.map(plain), expected.records.map(plain), what);
          assert.deepEqual(got.warnings, expected.warnings, what);
          assert.equal(got.stats.unreadable, expected.unreadable, what);
          assert.equal(got.stats.gzip, file.endsWith('.gz'), what);
          assert.equal(got.stats.bytes, bytes.length, what);
        }
      }
    } finally {
      cleanup();
    }
  });
}

test('the damaged inputs above do warn (the comparison covers warnings, not only records)', async () => {
  for (const name of ['cut.evtx', 'damaged.jsonl']) {
    const data = INPUTS.find(([n]) => n === name)![1];
    const got = await readPieces(data, 4096, name);
    assert.ok(got.warnings.length > 0, name);
  }
});

test('records and warnings carry the stream name; a cut EVTX stream names the chunk and offset', async () => {
  const got = await readPieces(EVTX.subarray(0, 4096 + 65536 + 500), 4096, '<stdin>');
  assert.ok(got.records.length > 0);
  assert.ok(got.records.every((r) => r.source.file === '<stdin>'));
  assert.equal(got.stats.format, 'evtx');
  assert.ok(got.warnings.length > 0);
  for (const w of got.warnings) {
    assert.equal(w.file, '<stdin>');
    assert.equal(w.offset, 4096 + 65536);
    assert.match(w.reason, /^chunk 1: /);
  }
  assert.equal(got.warnings[0]!.reason, 'chunk 1: file ends inside the chunk (500 of 65536 bytes)');
});

test('an empty stream, garbage, an EVTX header alone and damaged gzip are one clear warning each, never a throw', async () => {
  const empty = await readPieces(Buffer.alloc(0), 7, '<stdin>');
  assert.equal(empty.stats.empty, true);
  assert.equal(empty.stats.unreadable, true);
  assert.deepEqual(empty.warnings, [
    { file: '<stdin>', reason: 'empty input (the stream ended without a byte)' },
  ]);

  const garbage = await readPieces(Buffer.from('hello, this is not a log\n'.repeat(1000)), 7, '<stdin>');
  assert.equal(garbage.stats.empty, false);
  assert.equal(garbage.stats.unreadable, true);
  assert.deepEqual(garbage.warnings, [
    { file: '<stdin>', reason: 'not a recognised log format (EVTX, JSON, JSONL, XML)' },
  ]);
  assert.ok(garbage.stats.bytes < 25_000, 'garbage is not read to its end');

  const header = await readPieces(EVTX.subarray(0, 1000), 7, '<stdin>');
  assert.equal(header.stats.unreadable, true);
  assert.deepEqual(header.warnings, [
    { file: '<stdin>', offset: 0, reason: 'input ends inside the file header (1000 of 4096 bytes)' },
  ]);

  const gz = gzipSync(Buffer.from(asXml(EVENTS.slice(0, 30))));
  const cutGz = await readPieces(gz.subarray(0, Math.floor(gz.length / 2)), 7, '<stdin>');
  assert.ok(cutGz.records.length > 0, 'what decompressed before the cut is read');
  assert.equal(cutGz.stats.format, 'xml');
  assert.ok(
    cutGz.warnings.some((w) => w.file === '<stdin>' && /unexpected end of file|ends inside/.test(w.reason)),
  );

  const badGz = await readPieces(Buffer.from([0x1f, 0x8b, 0, 0, 1, 2, 3]), 1, '<stdin>');
  assert.equal(badGz.stats.unreadable, true);
  assert.equal(badGz.warnings.length, 1);
  assert.match(badGz.warnings[0]!.reason, /^gzip stream that decompresses to nothing/);
});

test('a stream that fails while read is one warning after what was read before', async () => {
  const lines = Buffer.from(
    EVENTS.slice(0, 20)
      .map((e) => JSON.stringify({ EventID: e.eventId, Computer: e.computer }))
      .join('\n') + '\n',
  );
  async function* failing(): AsyncGenerator<Buffer> {
    yield lines;
    yield lines;
    throw new Error('connection reset');
  }
  const records: EventRecord[] = [];
  const warnings: SourceWarning[] = [];
  const stats = await readStream(
    failing(),
    { name: '<stdin>' },
    {
      record: (r) => records.push(r),
      warning: (w) => warnings.push(w),
    },
  );
  assert.equal(records.length, 40);
  assert.equal(stats.unreadable, false);
  assert.deepEqual(warnings, [
    { file: '<stdin>', offset: lines.length * 2, reason: 'read failed: connection reset' },
  ]);
});

test('a reader given SourceInput.bytes in 1-byte pieces decides UTF-16 XML on enough bytes, as from the file', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const data = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(XML, 'utf16le')]);
    const path = join(dir, 'utf16.xml');
    writeFileSync(path, data);
    const expected = await readAll(path);
    const records: EventRecord[] = [];
    const warnings: SourceWarning[] = [];
    const stats = await readSource(
      { path, format: 'xml', gzip: false, bytes: piecesOf(data, 1) },
      { record: (r) => records.push(r), warning: (w) => warnings.push(w) },
    );
    assert.equal(stats.records, 50);
    assert.deepEqual(records.map(plain), expected.records.map(plain));
    assert.deepEqual(warnings, []);
  } finally {
    cleanup();
  }
});

test('a trickling stream is read as it comes: the first record arrives before 4 KiB (or the end) does', async () => {
  const line = (i: number) => Buffer.from(JSON.stringify({ EventID: 4688, Computer: 'ws1', n: i }) + '\n');
  for (const gzip of [false, true]) {
    let firstRecord!: () => void;
    const arrived = new Promise<void>((resolve) => (firstRecord = resolve));
    let waited = 'timed out';
    async function* trickle(): AsyncGenerator<Buffer> {
      // A gzip stream must be flushed to be readable before its end: compress each line as its own member.
      yield gzip ? gzipSync(line(1)) : line(1);
      yield gzip ? gzipSync(line(2)) : line(2);
      waited = await Promise.race([
        arrived.then(() => 'record arrived'),
        new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), 3000)),
      ]);
      yield gzip ? gzipSync(line(3)) : line(3);
    }
    let records = 0;
    const stats = await readStream(
      trickle(),
      { name: '<stdin>' },
      {
        record: () => {
          records++;
          firstRecord();
        },
        warning: () => undefined,
      },
    );
    assert.equal(waited, 'record arrived', `gzip ${gzip}`);
    assert.equal(records, 3);
    assert.equal(stats.format, 'json');
  }
});
