// Reading a job's chunks inside a worker: one read for the whole range, then a view per chunk.
import { closeSync, openSync, readSync } from 'node:fs';
import type { ChunkJob } from './parallel-plan.js';

const FILE_HEADER_SIZE = 4096;
const CHUNK_SIZE = 65536;

/** One chunk of a job: its index in the file, its file offset and its bytes (shorter at end of file). */
export interface JobChunk {
  readonly index: number;
  readonly offset: number;
  readonly data: Buffer;
}

// One buffer per thread for jobs that keep nothing from their chunks once they return (see `reuse`).
let scratch = Buffer.alloc(0);

/**
 * The chunks of a job, in order, read with one call; a chunk past the end of the file is left out. With
 * `reuse`, the bytes live in a per-thread buffer that the next readChunks call overwrites: only for jobs
 * that drop every record (lazy records point into these bytes) before they return. An array, not a
 * generator: everything is read up front anyway, and a cold worker's JIT optimises a plain loop sooner.
 */
export function readChunks(job: ChunkJob, opts: { reuse?: boolean } = {}): JobChunk[] {
  const chunks: JobChunk[] = [];
  if (job.chunkCount <= 0) return chunks;
  const start = FILE_HEADER_SIZE + job.firstChunk * CHUNK_SIZE;
  const want = job.chunkCount * CHUNK_SIZE;
  if (opts.reuse && scratch.length < want) scratch = Buffer.allocUnsafe(want);
  const buf = opts.reuse ? scratch : Buffer.allocUnsafe(want);
  let got = 0;
  const fd = openSync(job.file, 'r');
  try {
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, start + got);
      if (n === 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  for (let i = 0; i < job.chunkCount && i * CHUNK_SIZE < got; i++) {
    const from = i * CHUNK_SIZE;
    chunks.push({
      index: job.firstChunk + i,
      offset: start + from,
      data: buf.subarray(from, Math.min(got, from + CHUNK_SIZE)),
    });
  }
  return chunks;
}

/** Reads the 4 KiB file header block (shorter when the file is); for runners that need header fields. */
export function readHeaderBlock(file: string): Buffer {
  const buf = Buffer.alloc(FILE_HEADER_SIZE);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, buf, 0, FILE_HEADER_SIZE, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
