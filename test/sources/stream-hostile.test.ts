// Hostile byte streams met by readStream (found reviewing `dwell hunt -`): streams that fail before their format
// is told, and odd pieces (strings, empty chunks, typed arrays).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventRecord } from '../../src/event/types.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStream, type SourceWarning } from '../../src/sources/index.js';
import { evtxOf, sysmonEvents } from '../hunt/fixtures.js';
import { readAll, tempDir } from './helpers.js';

async function read(bytes: AsyncIterable<Buffer | Uint8Array | string>) {
  const records: EventRecord[] = [];
  const warnings: SourceWarning[] = [];
  const stats = await readStream(
    bytes,
    { name: '<stdin>' },
    { record: (r) => records.push(r), warning: (w) => warnings.push(w) },
  );
  return { records, warnings, stats };
}

/** Yields the pieces, then throws. */
async function* failingAfter(...pieces: Buffer[]): AsyncGenerator<Buffer> {
  for (const p of pieces) yield p;
  throw new Error('pipe broke');
}

test('a stream that fails before its first bytes tell the format is a read failure, not an unknown format', async () => {
  for (const pieces of [
    [Buffer.from('ElfF')], // an EVTX magic cut short
    [Buffer.from([0x1f])], // half a gzip magic
    [Buffer.from('  '), Buffer.from('\n')], // whitespace before any JSON or XML
  ]) {
    const got = await read(failingAfter(...pieces));
    const what = JSON.stringify(pieces.map((p) => p.toString('latin1')));
    assert.equal(got.records.length, 0, what);
    assert.equal(got.warnings.length, 1, what);
    const size = pieces.reduce((n, p) => n + p.length, 0);
    assert.equal(
      got.warnings[0]!.reason,
      `read failed after ${size} bytes, before the format could be told: pipe broke`,
      what,
    );
    assert.equal(got.warnings[0]!.file, '<stdin>');
    assert.ok(got.stats.unreadable && !got.stats.empty, what);
    assert.equal(got.stats.bytes, size, what);
  }
});

test('garbage that ends normally is still an unknown format; one that fails at once is a read failure', async () => {
  async function* garbage(): AsyncGenerator<Buffer> {
    yield Buffer.from('MZ\x90\x00');
  }
  const got = await read(garbage());
  assert.match(got.warnings[0]!.reason, /^not a recognised log format/);
  const none = await read(failingAfter());
  assert.equal(none.warnings[0]!.reason, 'read failed: pipe broke');
});

test('strings, typed arrays and empty pieces are bytes like any other', async () => {
  async function* mixed(): AsyncGenerator<Buffer | Uint8Array | string> {
    yield '';
    yield Buffer.alloc(0);
    yield '{"EventID":1,"Computer":"h\u00e9"}';
    yield new Uint8Array(0);
    yield '\n';
    yield new Uint8Array(Buffer.from('{"EventID":2}'));
    yield '';
  }
  const got = await read(mixed());
  assert.deepEqual(
    got.records.map((r) => [r.eventId, r.computer]),
    [
      [1, 'hé'],
      [2, ''],
    ],
  );
  assert.deepEqual(got.warnings, []);
  assert.equal(got.stats.bytes, Buffer.byteLength('{"EventID":1,"Computer":"hé"}\n{"EventID":2}'));
});

test('an XML stream that is no event export (an HTML error page) is one warning and unreadable; an empty export is not', async () => {
  async function* pieces(
    text: string,
    size: number,
    encoding: BufferEncoding = 'utf8',
  ): AsyncGenerator<Buffer> {
    const data = Buffer.from(text, encoding);
    for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
  }
  const page = '<!DOCTYPE html>\n<html><body><h1>502 Bad Gateway</h1><p>Event</p></body></html>\n';
  for (const size of [1, 7, 4096]) {
    const got = await read(pieces(page, size));
    assert.equal(got.stats.format, 'xml');
    assert.deepEqual(
      got.warnings.map((w) => [w.file, w.reason]),
      [['<stdin>', 'no <Event> element and no <Events> root: not a Windows event log export']],
    );
    assert.ok(got.stats.unreadable);
    // An export that holds no event is read, empty, without a warning (the root split across pieces too).
    for (const [empty, encoding] of [
      ['<?xml version="1.0" encoding="UTF-8"?>\r\n<Events>\r\n</Events>\r\n', 'utf8'],
      ['\ufeff<Events/>', 'utf16le'],
    ] as const) {
      const none = await read(pieces(empty, size, encoding));
      assert.deepEqual(none.warnings, [], `${JSON.stringify(empty)} in ${size}-byte pieces`);
      assert.ok(!none.stats.unreadable && none.records.length === 0);
    }
  }
  // A file keeps being read quietly: a folder's other XML files (scheduled tasks, settings) are not logs either.
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'page.xml');
    writeFileSync(path, page);
    assert.deepEqual((await readAll(path)).warnings, []);
  } finally {
    cleanup();
  }
});

test('EVTX files concatenated on a stream (cat a.evtx b.evtx | dwell hunt -) are each read whole', async () => {
  const a = evtxOf(sysmonEvents('wsA', 300));
  const b = evtxOf(sysmonEvents('wsB', 300));
  async function* pieces(data: Buffer, size: number): AsyncGenerator<Buffer> {
    for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
  }
  const both = Buffer.concat([a, b, a.subarray(4096)]);
  for (const size of [7, 4096, 65536 + 5, both.length]) {
    const got = await read(pieces(both, size));
    const hosts = got.records.map((r) => r.computer);
    // b's header read as a chunk shifted b's chunks by 4 KiB: 293 of its 300 records carved, 3 junk records.
    assert.equal(hosts.filter((h) => h === 'wsA').length, 600, `${size}-byte pieces`);
    assert.equal(hosts.filter((h) => h === 'wsB').length, 300, `${size}-byte pieces`);
    assert.equal(hosts.length, 900, `${size}-byte pieces`);
    assert.deepEqual(got.warnings, [], `${size}-byte pieces`);
    // Offsets stay those of the stream.
    assert.equal(got.records[300]!.source.offset, a.length + 4096 + 512);
  }
  const cut = await read(pieces(Buffer.concat([a, b.subarray(0, 100)]), 4096));
  assert.equal(cut.records.length, 300);
  assert.deepEqual(
    cut.warnings.map((w) => [w.offset, w.reason]),
    [[a.length, 'input ends inside the file header (100 of 4096 bytes)']],
  );
});
