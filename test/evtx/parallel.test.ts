// The chunk worker pool: job planning, results in job order whatever order workers finish in, errors that
// name the file and chunk range, and reuse after an early stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkPool, planChunkJobs, runChunkJobs } from '../../src/evtx/parallel.js';
import { chunkCountOf } from '../../src/evtx/parallel-plan.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';
import { recordIds, type FixtureResult } from './parallel-fixture-job.js';

const JOB_MODULE = new URL('./parallel-fixture-job.js', import.meta.url);

function specs(n: number, firstId: number): EventSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    provider: 'Microsoft-Windows-Sysmon',
    eventId: 1,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    computer: 'WS1',
    time: Date.UTC(2024, 0, 1) + i,
    recordId: firstId + i,
    data: { CommandLine: `cmd.exe /c echo ${'x'.repeat(i % 200)} ${i}`, ProcessId: i },
  }));
}

function fixtureFiles(): { dir: string; files: string[]; expected: FixtureResult['chunks'][] } {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-parallel-'));
  const files = [join(dir, 'a.evtx'), join(dir, 'b.evtx')];
  const bufs = [writeEvtx(specs(3000, 1)), writeEvtx(specs(1200, 50000))];
  bufs.forEach((b, i) => writeFileSync(files[i], b));
  // Sequential answer: walk each file's chunks in this thread.
  const expected = bufs.map((b) => {
    const out: FixtureResult['chunks'] = [];
    for (let c = 0; c < chunkCountOf(b.length); c++) {
      out.push({ index: c, ids: recordIds(b.subarray(4096 + c * 65536, 4096 + (c + 1) * 65536)) });
    }
    return out;
  });
  return { dir, files, expected };
}

test('planChunkJobs: file order, then chunk ranges; empty and missing files get one empty job', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-plan-'));
  try {
    const big = join(dir, 'big.evtx');
    writeFileSync(big, Buffer.alloc(4096 + 5 * 65536 + 100));
    const empty = join(dir, 'empty.evtx');
    writeFileSync(empty, Buffer.alloc(10));
    const jobs = planChunkJobs([big, empty, join(dir, 'missing.evtx')], { chunksPerJob: 4 });
    assert.deepEqual(
      jobs.map((j) => [j.file.slice(dir.length + 1), j.firstChunk, j.chunkCount]),
      [
        ['big.evtx', 0, 4],
        ['big.evtx', 4, 2],
        ['empty.evtx', 0, 0],
        ['missing.evtx', 0, 0],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('results come back in job order although later jobs finish first', async () => {
  const { dir, files, expected } = fixtureFiles();
  try {
    const jobs = planChunkJobs(files, { chunksPerJob: 1 });
    assert.ok(jobs.length > 6);
    const results: FixtureResult[] = [];
    for await (const r of runChunkJobs<FixtureResult>(jobs, {
      module: JOB_MODULE,
      workers: 2,
      init: { stagger: 3 },
    })) {
      results.push(r);
    }
    const perFile = files.map((f) => results.filter((r) => r.file === f).flatMap((r) => r.chunks));
    assert.deepEqual(perFile, expected);
    assert.deepEqual(
      results.map((r) => r.file),
      jobs.map((j) => j.file),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing job rejects the run with the file and chunk range; later runs are not disturbed', async () => {
  const { dir, files, expected } = fixtureFiles();
  const init = { failOnChunk: 0, failOnFile: 'a.evtx', stagger: 15 };
  const pool = new ChunkPool<FixtureResult>({ module: JOB_MODULE, workers: 2, init });
  try {
    await assert.rejects(pool.map(planChunkJobs([files[0]], { chunksPerJob: 1 })), (err: Error) => {
      assert.match(err.message, /a\.evtx chunks 0\.\.0: .*refusing chunk 0/);
      return true;
    });
    // Jobs of the failed run are still in flight; their late replies must not leak into this run.
    const again = await pool.map(planChunkJobs([files[1]], { chunksPerJob: 1 }));
    assert.deepEqual(
      again.flatMap((r) => r.chunks),
      expected[1],
    );
    assert.ok(again.every((r) => r.file === files[1]));
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stopping early and running again gives complete, ordered results', async () => {
  const { dir, files, expected } = fixtureFiles();
  const pool = new ChunkPool<FixtureResult>({ module: JOB_MODULE, workers: 2, maxPending: 3 });
  try {
    await pool.ready();
    const jobs = planChunkJobs(files, { chunksPerJob: 1 });
    for await (const r of pool.run(jobs)) {
      assert.equal(r.chunks[0].index, 0);
      break;
    }
    const all = await pool.map(jobs);
    assert.deepEqual(
      all.filter((r) => r.file === files[1]).flatMap((r) => r.chunks),
      expected[1],
    );
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('warm-up jobs run on every worker before ready(), results dropped; a failing one is ignored', async () => {
  const { dir, files, expected } = fixtureFiles();
  const missing = join(dir, 'missing.evtx');
  const pool = new ChunkPool<FixtureResult>({
    module: JOB_MODULE,
    workers: 2,
    // The second job cannot open its file: the warm-up must shrug it off, not fail the pool.
    warmUp: [
      { file: files[1], firstChunk: 0, chunkCount: 1 },
      { file: missing, firstChunk: 0, chunkCount: 1 },
    ],
    resourceLimits: { maxYoungGenerationSizeMb: 16 },
  });
  try {
    await pool.ready();
    const jobs = planChunkJobs([files[0]], { chunksPerJob: 1 });
    const results = await pool.map(jobs);
    assert.deepEqual(
      results.flatMap((r) => r.chunks),
      expected[0],
    );
    assert.deepEqual(
      results.map((r) => r.file),
      jobs.map((j) => j.file),
    );
    // Each worker ran both warm-up jobs before its first real job; none of their results came back.
    assert.ok(results.every((r) => r.jobsBefore >= 2));
    assert.equal(Math.min(...results.map((r) => r.jobsBefore)), 2);
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that dies fails its job by name and is replaced', async () => {
  const { dir, files, expected } = fixtureFiles();
  const pool = new ChunkPool<FixtureResult>({
    module: JOB_MODULE,
    workers: 2,
    init: { exitOnChunk: 1, failOnFile: 'a.evtx' },
  });
  try {
    await assert.rejects(pool.map(planChunkJobs([files[0]], { chunksPerJob: 1 })), (err: Error) => {
      assert.match(err.message, /a\.evtx chunks 1\.\.1: chunk worker \d exited early \(code 3\)/);
      return true;
    });
    assert.equal(pool.size, 2);
    const again = await pool.map(planChunkJobs([files[1]], { chunksPerJob: 2 }));
    assert.deepEqual(
      again.flatMap((r) => r.chunks),
      expected[1],
    );
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a module without createChunkJobRunner fails with a clear error', async () => {
  const pool = new ChunkPool({
    module: new URL('../../src/evtx/parallel-plan.js', import.meta.url),
    workers: 1,
  });
  try {
    await pool.ready(); // settles on a setup failure too
    await assert.rejects(
      pool.map([{ file: 'x.evtx', firstChunk: 0, chunkCount: 0 }]),
      /chunk worker 0: setup of .* failed: .*createChunkJobRunner/,
    );
    // Not respawned in a loop: every later run fails the same way, at once.
    await assert.rejects(pool.map([]), /createChunkJobRunner/);
  } finally {
    await pool.close();
  }
});
