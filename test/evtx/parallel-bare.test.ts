// A bare run of chunks (a carved or split file that starts with the chunk magic, no file header) read on worker
// threads: jobs start at offset 0, as the sequential reader and the sources read it, not 4 KiB in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHUNK_SIZE,
  FILE_HEADER_SIZE,
  readEvtxFile,
  renderJson,
  stringifyJson,
} from '../../src/evtx/index.js';
import { ChunkPool, planChunkJobs } from '../../src/evtx/parallel.js';
import type { ParseJobResult } from '../../src/evtx/parallel-parse-job.js';
import { writeEvtx } from '../../src/evtx/writer.js';

const JOB = new URL('../../src/evtx/parallel-parse-job.js', import.meta.url);

test('worker jobs read a bare run of chunks from offset 0, like the sequential reader', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-bare-'));
  const pool = new ChunkPool<ParseJobResult>({
    module: JOB,
    workers: 1,
    init: { mode: 'json', collect: true },
  });
  try {
    const events = Array.from({ length: 900 }, (_, i) => ({
      provider: 'P',
      eventId: i,
      channel: 'C',
      computer: 'h',
      time: Date.UTC(2024, 0, 1) + i,
      data: { CommandLine: `cmd ${i} ${'y'.repeat(i % 200)}` },
    }));
    const whole = writeEvtx(events);
    const chunks = (whole.length - FILE_HEADER_SIZE) / CHUNK_SIZE;
    assert.ok(chunks >= 2, `${chunks} chunks`);
    // The file header cut off, plus a few stray bytes at the end (a partial trailing chunk).
    const file = join(dir, 'bare.evtx');
    writeFileSync(file, Buffer.concat([whole.subarray(FILE_HEADER_SIZE), Buffer.alloc(100, 7)]));
    const sequential = [...readEvtxFile(file)].map((r) => stringifyJson(renderJson(r)));
    assert.equal(sequential.length, 900);
    for (const chunksPerJob of [1, 2]) {
      const jobs = planChunkJobs([file], { chunksPerJob });
      assert.equal(
        jobs.reduce((n, j) => n + j.chunkCount, 0),
        chunks + 1,
        'every chunk and the partial one',
      );
      const results = await pool.map(jobs);
      assert.deepEqual(
        results.flatMap((r) => r.rendered ?? []),
        sequential,
        `chunksPerJob ${chunksPerJob}`,
      );
      assert.equal(
        results.reduce((n, r) => n + r.records, 0),
        900,
      );
    }
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
