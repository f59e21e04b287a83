// A job module for the ChunkPool tests: lists the record ids of each chunk by walking record headers (no
// BinXML), optionally sleeping first (to finish out of order) or failing on a given chunk.
import { readChunks } from '../../src/evtx/parallel-read.js';
import type { ChunkJob } from '../../src/evtx/parallel-plan.js';

/** Options the tests pass as the pool's `init`. */
export interface FixtureInit {
  /** Milliseconds to sleep per job, decreasing with the chunk index so later jobs finish first. */
  stagger?: number;
  /** Throw when a job contains this chunk (of any file, or of the file whose name ends with failOnFile). */
  failOnChunk?: number;
  failOnFile?: string;
  /** End the worker thread (process.exit inside a worker) when a job contains this chunk. */
  exitOnChunk?: number;
}

/** One chunk's record ids. */
export interface FixtureResult {
  file: string;
  chunks: { index: number; ids: number[] }[];
  /** Jobs this worker's runner had run before this one (warm-up jobs included). */
  jobsBefore: number;
}

/** Record ids in a chunk, by walking the record headers up to the free-space offset. */
export function recordIds(data: Buffer): number[] {
  const ids: number[] = [];
  if (data.length < 512 || data.toString('latin1', 0, 8) !== 'ElfChnk\0') return ids;
  const free = Math.min(data.readUInt32LE(48), data.length);
  let pos = 512;
  while (pos + 24 <= free && data.readUInt32LE(pos) === 0x2a2a) {
    const size = data.readUInt32LE(pos + 4);
    if (size < 28) break;
    ids.push(Number(data.readBigUInt64LE(pos + 8)));
    pos += size;
  }
  return ids;
}

/** The pool's entry point. */
export function createChunkJobRunner(init: FixtureInit = {}): (job: ChunkJob) => Promise<FixtureResult> {
  let jobsRun = 0;
  return async (job) => {
    const jobsBefore = jobsRun++;
    if (init.stagger)
      await new Promise((r) => setTimeout(r, Math.max(0, init.stagger! * (8 - job.firstChunk))));
    const chunks: FixtureResult['chunks'] = [];
    for (const chunk of readChunks(job)) {
      const fileMatches = init.failOnFile === undefined || job.file.endsWith(init.failOnFile);
      if (chunk.index === init.exitOnChunk && fileMatches) process.exit(3);
      if (chunk.index === init.failOnChunk && fileMatches) throw new Error(`refusing chunk ${chunk.index}`);
      chunks.push({ index: chunk.index, ids: recordIds(chunk.data) });
    }
    return { file: job.file, chunks, jobsBefore };
  };
}
