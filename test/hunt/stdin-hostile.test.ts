// `dwell hunt -` under load (found reviewing the stream job): a stream whose detections span several parts and
// whose correlation windows span them too writes the outputs of the same file, and a long stream generated on
// the fly holds bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runHunt } from '../../src/hunt/index.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';
import { evtxOf, makeCase, sysmonEvents, whoamiBurstRule } from './fixtures.js';

const CORRELATION_ID = '6f1d4a4e-3333-4333-8333-0000000000a5';
const CORRELATION = whoamiBurstRule(CORRELATION_ID);

async function* piecesOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

test("an EVTX stream of several parts, '-' given twice: outputs and correlations equal the file's", async () => {
  const c = makeCase();
  try {
    c.put('rules/corr.yml', CORRELATION);
    // 3 hosts interleaved in time, 24,000 records: 12,800 detections (two parts of 10,000) and correlation
    // windows open across the part boundary.
    const specs: EventSpec[] = [];
    for (const host of ['ws1', 'ws2', 'ws3']) specs.push(...sysmonEvents(host, 8000));
    specs.sort((a, b) => (a.time as number) - (b.time as number));
    specs.forEach((s, i) => ((s as { recordId: number }).recordId = i + 1));
    const data = evtxOf(specs);
    const file = c.put('in/events.evtx', data);
    const outputs = (tag: string) => ({
      csv: join(c.dir, `${tag}.csv`),
      jsonl: join(c.dir, `${tag}.jsonl`),
      intrusions: join(c.dir, `${tag}.intrusions.json`),
    });
    const base = { sigma: [join(c.dir, 'rules')], noDwellRules: true, quiet: true, workers: 1 };
    const fromFile = await runHunt({ ...base, paths: [file], ...outputs('file') });
    const fromStream = await runHunt({
      ...base,
      paths: ['-', '-'],
      stdin: piecesOf(data, 65536 + 3),
      ...outputs('stdin'),
    });
    assert.equal(fromFile.summary.records, 24_000);
    assert.ok(fromFile.summary.detections > 10_000, `${fromFile.summary.detections} detections`);
    const corr = fromFile.detections.filter((d) => d.rule.id === CORRELATION_ID).length;
    assert.ok(corr > 100, `${corr} correlations`);
    assert.equal(fromStream.summary.records, 24_000);
    assert.equal(fromStream.summary.files, 1);
    assert.deepEqual(fromStream.summary.byLevel, fromFile.summary.byLevel);
    assert.equal(fromStream.detections.filter((d) => d.rule.id === CORRELATION_ID).length, corr);
    assert.deepEqual(fromStream.warnings, []);
    // The same text but for the file's name and when it was generated.
    const text = (path: string) => readFileSync(path, 'utf8').replace(/^ {2}"generated": ".*",$/m, '');
    for (const ext of ['csv', 'jsonl', 'intrusions.json']) {
      const expected = text(join(c.dir, `file.${ext}`))
        .split(file)
        .join('<stdin>');
      assert.equal(text(join(c.dir, `stdin.${ext}`)), expected, ext);
    }
  } finally {
    c.cleanup();
  }
});

test('a long stream generated on the fly, every record a detection, holds bounded memory', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const c = makeCase();
  try {
    const RECORDS = 60_000;
    const padding = 'x'.repeat(1000);
    const heap: number[] = [];
    const base = Date.parse('2024-06-01T10:00:00Z');
    async function* events(): AsyncGenerator<Buffer> {
      let lines: string[] = [];
      for (let i = 0; i < RECORDS; i++) {
        lines.push(
          JSON.stringify({
            EventID: 1,
            Computer: `ws${i % 40}`,
            EventRecordID: i + 1,
            Channel: 'Microsoft-Windows-Sysmon/Operational',
            TimeCreated: new Date(base + i * 1000).toISOString(),
            Image: 'C:\\Windows\\System32\\whoami.exe',
            CommandLine: `whoami /all ${i} ${padding}`,
          }),
        );
        if (lines.length === 500) {
          yield Buffer.from(lines.join('\n') + '\n');
          lines = [];
        }
        if (i === 15_000 || i === RECORDS - 1) {
          gc();
          // Encoded detections are Buffers: outside the V8 heap, in `external`.
          const m = process.memoryUsage();
          heap.push(m.heapUsed + m.external);
        }
      }
      yield Buffer.from(lines.join('\n'));
    }
    const r = await runHunt({
      paths: ['-'],
      stdin: events(),
      sigma: [c.rules],
      noDwellRules: true,
      quiet: true,
      keepDetections: false,
      csv: join(c.dir, 'out.csv'),
    });
    assert.equal(r.summary.records, RECORDS);
    assert.equal(r.summary.detections, RECORDS);
    // 45,000 detections of ~1.2 KB came between the two samples: held whole (no parts), memory grew ~150 MB;
    // taken in parts, ~30 MB (buffers not yet reused).
    const growth = heap[1]! - heap[0]!;
    assert.ok(growth < 80e6, `memory grew ${(growth / 1e6).toFixed(1)} MB`);
  } finally {
    c.cleanup();
  }
});
