// Parsing a file's chunks on worker threads gives exactly what the sequential reader gives: same records in
// the same order, same renderings, same warnings, also when a chunk is damaged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEvtxFile, renderJson, renderXml, stringifyJson } from '../../src/evtx/index.js';
import { ChunkPool, planChunkJobs, tuneJitForWorkers } from '../../src/evtx/parallel.js';
import type { ParseJobResult } from '../../src/evtx/parallel-parse-job.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';

const JOB = new URL('../../src/evtx/parallel-parse-job.js', import.meta.url);

function events(n: number): EventSpec[] {
  return Array.from({ length: n }, (_, i): EventSpec => ({
    provider: i % 3 ? 'Microsoft-Windows-Sysmon' : 'Microsoft-Windows-Security-Auditing',
    eventId: i % 3 ? 1 : 4624,
    channel: i % 3 ? 'Microsoft-Windows-Sysmon/Operational' : 'Security',
    computer: `WS${i % 4}`,
    time: Date.UTC(2024, 4, 1) + i * 1500,
    userSid: 'S-1-5-18',
    data:
      i % 3
        ? { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: `cmd /c echo ${i} ${'z'.repeat(i % 300)}` }
        : { TargetUserName: `u${i}`, LogonType: 3, IpAddress: '10.1.2.3' },
  }));
}

test('parallel chunk parsing equals the sequential reader, damaged chunk included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-pparse-'));
  const pool = new ChunkPool<ParseJobResult>({
    module: JOB,
    workers: 2,
    init: { mode: 'json', collect: true },
  });
  try {
    const buf = writeEvtx(events(4000));
    const chunks = (buf.length - 4096) / 65536;
    assert.ok(chunks >= 5, `want several chunks, got ${chunks}`);
    // Damage chunk 2: a record in the middle loses its signature, so the chunk CRC fails too.
    const damaged = 4096 + 2 * 65536 + 512;
    buf.writeUInt32LE(0xdeadbeef, damaged + buf.readUInt32LE(damaged + 4));
    const file = join(dir, 'multi.evtx');
    writeFileSync(file, buf);

    const reader = readEvtxFile(file);
    const sequential = [...reader].map((r) => stringifyJson(renderJson(r)));
    const seqWarnings = reader.warnings.map((w) => `${w.file} chunk ${w.chunk} @${w.offset}: ${w.reason}`);
    assert.ok(seqWarnings.length > 0, 'the damage must be noticed');

    for (const chunksPerJob of [1, 3]) {
      const results = await pool.map(planChunkJobs([file], { chunksPerJob }));
      assert.deepEqual(
        results.flatMap((r) => r.rendered ?? []),
        sequential,
        `chunksPerJob ${chunksPerJob}`,
      );
      assert.deepEqual(
        results.flatMap((r) => r.warnings),
        seqWarnings,
      );
      assert.equal(
        results.reduce((n, r) => n + r.recovered, 0),
        reader.stats.recovered,
      );
      assert.equal(
        results.reduce((n, r) => n + r.damagedChunks, 0),
        reader.stats.damagedChunks,
      );
    }
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('touch mode counts records and the field it looked up', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-pparse-'));
  try {
    const file = join(dir, 'touch.evtx');
    writeFileSync(file, writeEvtx(events(1000)));
    const pool = new ChunkPool<ParseJobResult>({
      module: JOB,
      workers: 2,
      init: { mode: 'touch', field: 'CommandLine' },
    });
    const results = await pool.map(planChunkJobs([file], { chunksPerJob: 1 }));
    await pool.close();
    assert.equal(
      results.reduce((n, r) => n + r.records, 0),
      1000,
    );
    // Two in three events are Sysmon process creations carrying a CommandLine.
    assert.equal(
      results.reduce((n, r) => n + r.output, 0),
      666,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('workers started after the V8 tuning (tuneJit) parse exactly as the sequential reader', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-pparse-'));
  tuneJitForWorkers(); // a second call (the pool's) must be harmless
  const pool = new ChunkPool<ParseJobResult>({
    module: JOB,
    workers: 2,
    init: { mode: 'xml', collect: true },
    tuneJit: true,
  });
  try {
    const file = join(dir, 'tuned.evtx');
    writeFileSync(file, writeEvtx(events(3000)));
    const sequential = [...readEvtxFile(file)].map((r) => renderXml(r));
    assert.equal(sequential.length, 3000);
    // Several passes: the later ones run the code the workers optimised under the tuned flags.
    for (let pass = 0; pass < 3; pass++) {
      const results = await pool.map(planChunkJobs([file], { chunksPerJob: 2 }));
      assert.deepEqual(
        results.flatMap((r) => r.rendered ?? []),
        sequential,
        `pass ${pass}`,
      );
    }
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
