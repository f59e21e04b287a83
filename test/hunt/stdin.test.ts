import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runHunt, type HuntResult } from '../../src/hunt/index.js';
import type { Detection } from '../../src/engine/types.js';
import { asEvtxDumpJson, evtxOf, expectedHits, makeCase, sysmonEvents } from './fixtures.js';

const sig = (d: Detection) =>
  `${d.rule.id}|${d.host}|${d.recordId}|${d.timestamp}|${d.tenant ?? ''}|${d.file}`;

function hunt(paths: string[], rules: string, extra: Record<string, unknown> = {}): Promise<HuntResult> {
  return runHunt({ paths, sigma: [rules], noDwellRules: true, quiet: true, workers: 1, ...extra });
}

/** The bytes in pieces of `size`, as a pipe delivers them. */
async function* piecesOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

test('a stream with more detections than one part holds gives the detections of the same file, once each', async () => {
  const c = makeCase();
  try {
    // 36,000 records: 12,000 whoami and 7,200 net use detections, so the stream job hands them on in parts.
    const specs = sysmonEvents('ws1', 36_000);
    const lines = Buffer.from(
      specs
        .map((s) =>
          JSON.stringify({
            EventID: s.eventId,
            Computer: s.computer,
            EventRecordID: s.recordId,
            ...(s.data as object),
            Channel: s.channel,
            TimeCreated: new Date(s.time as number).toISOString(),
          }),
        )
        .join('\n'),
    );
    const file = c.put('big.jsonl', lines);
    const fromFile = await hunt([file], c.rules);
    const fromStream = await hunt(['-'], c.rules, { stdin: piecesOf(lines, 65536) });
    const exp = expectedHits(36_000);
    assert.equal(fromFile.summary.records, 36_000);
    assert.equal(fromFile.detections.length, exp.whoami + exp.netuse);
    assert.equal(fromStream.summary.records, 36_000);
    assert.equal(fromStream.summary.filesRead, 1);
    assert.equal(fromStream.summary.bytes, lines.length);
    assert.deepEqual(fromStream.summary.byLevel, fromFile.summary.byLevel);
    assert.deepEqual(
      fromStream.detections.map(sig),
      fromFile.detections.map((d) => sig({ ...d, file: '<stdin>' })),
    );
    assert.ok(fromStream.detections.every((d) => d.file === '<stdin>'));
    assert.deepEqual(fromStream.warnings, []);
  } finally {
    c.cleanup();
  }
});

test("'-' among files: the stream is one more input; a record in both is counted once; --workers is not used", async () => {
  const c = makeCase();
  try {
    const a = c.put('logs/a/Sysmon.evtx', evtxOf(sysmonEvents('ws1', 30)));
    const shared = sysmonEvents('ws2', 30);
    const b = c.put('logs/b/Sysmon.evtx', evtxOf(shared));
    const stream = gzipSync(evtxOf([...shared, ...sysmonEvents('ws3', 30)]));
    const r = await hunt([a, '-', b], c.rules, { stdin: piecesOf(stream, 1000), workers: 4 });
    const exp = expectedHits(30);
    assert.equal(r.summary.files, 3);
    assert.equal(r.summary.filesRead, 3);
    assert.equal(r.summary.records, 120);
    assert.equal(r.summary.duplicatesDropped, exp.whoami + exp.netuse);
    assert.equal(r.summary.workers, 1);
    assert.equal(r.detections.length, 3 * (exp.whoami + exp.netuse));
    // The stream comes before b: the copy of ws2's records kept is the stream's.
    assert.ok(r.detections.filter((d) => d.host === 'ws2').every((d) => d.file === '<stdin>'));
    assert.ok(r.detections.filter((d) => d.host === 'ws1').every((d) => d.file === a));
    assert.ok(r.warnings.some((w) => w.kind === 'note' && /--workers 4 not used/.test(w.reason)));
  } finally {
    c.cleanup();
  }
});

test("tenants: a --tenant-map glob naming '-' gives the stream its tenant; --tenant-from-dir gives it none", async () => {
  const c = makeCase();
  try {
    const lines = Buffer.from(asEvtxDumpJson(sysmonEvents('ws9', 12)));
    c.put('logs/acme/Sysmon.evtx', evtxOf(sysmonEvents('ws1', 12)));
    const map = c.put('tenants.csv', 'glob,tenant\n-,piped-co\nacme/**,acme\n');
    const mapped = await hunt([join(c.dir, 'logs'), '-'], c.rules, {
      stdin: piecesOf(lines, 7),
      tenantMap: map,
    });
    assert.ok(mapped.detections.length > 0);
    assert.ok(mapped.detections.filter((d) => d.host === 'ws9').every((d) => d.tenant === 'piped-co'));
    assert.ok(mapped.detections.filter((d) => d.host === 'ws1').every((d) => d.tenant === 'acme'));
    const fromDir = await hunt([join(c.dir, 'logs'), '-'], c.rules, {
      stdin: piecesOf(lines, 4096),
      tenantFromDir: true,
    });
    assert.ok(fromDir.detections.filter((d) => d.host === 'ws9').every((d) => d.tenant === undefined));
    assert.ok(fromDir.detections.filter((d) => d.host === 'ws1').every((d) => d.tenant === 'acme'));
  } finally {
    c.cleanup();
  }
});

test("without a stream, '-' is a path like any other", async () => {
  const c = makeCase();
  try {
    const r = await hunt(['-'], c.rules);
    assert.equal(r.summary.filesRead, 0);
    assert.ok(r.warnings.some((w) => w.file === '-' && /cannot read/.test(w.reason)));
  } finally {
    c.cleanup();
  }
});

test('an empty or unrecognised stream is an unreadable input named <stdin>; files beside it are still read', async () => {
  const c = makeCase();
  try {
    const empty = await hunt(['-'], c.rules, { stdin: piecesOf(Buffer.alloc(0), 1) });
    assert.equal(empty.summary.filesRead, 0);
    assert.equal(empty.summary.records, 0);
    assert.deepEqual(
      empty.summary.damagedFiles.map((d) => [d.file, d.unreadable, d.reasons]),
      [['<stdin>', true, ['empty input (the stream ended without a byte)']]],
    );
    const file = c.put('Sysmon.evtx', evtxOf(sysmonEvents('ws1', 9)));
    const junk = await hunt([file, '-'], c.rules, { stdin: piecesOf(Buffer.alloc(9000, 0x41), 512) });
    assert.equal(junk.summary.filesRead, 1);
    assert.equal(junk.summary.records, 9);
    assert.ok(
      junk.warnings.some(
        (w) => w.kind === 'input' && w.file === '<stdin>' && /not a recognised log format/.test(w.reason),
      ),
    );
  } finally {
    c.cleanup();
  }
});
