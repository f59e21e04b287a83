// Reading a job's chunks inside a worker: one read for the whole range, then a view per chunk.
import { closeSync, openSync, readSync } from 'node:fs';
import { firstChunkOffset } from './chunk.js';
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

/** A job's bytes, read with one call: chunk i of the job is `data[i * 65536, (i + 1) * 65536)`. */
export interface JobBytes {
  /** File offset of the job's first chunk. */
  readonly start: number;
  /** The bytes read (shorter than the job at the end of the file). */
  readonly data: Buffer;
  /** Chunks present in `data` (a trailing partial chunk counts). */
  readonly count: number;
}

/**
 * Reads a job's chunk range with one call. With `reuse`, the bytes live in a per-thread buffer that the next
 * read overwrites: only for jobs that drop every record (lazy records point into these bytes) before they
 * return. No loop over the chunks here: a runner calls this once per job, so it stays out of the optimising
 * compiler, which would otherwise inline the file system calls' argument checks into a large compile per
 * cold worker (~10 ms of a worker's ~150 ms of compiling on dense-256).
 */
export function readJobBytes(job: ChunkJob, opts: { reuse?: boolean } = {}): JobBytes {
  if (job.chunkCount <= 0)
    return { start: FILE_HEADER_SIZE + job.firstChunk * CHUNK_SIZE, data: Buffer.alloc(0), count: 0 };
  const want = job.chunkCount * CHUNK_SIZE;
  if (opts.reuse && scratch.length < want) scratch = Buffer.allocUnsafe(want);
  const buf = opts.reuse ? scratch : Buffer.allocUnsafe(want);
  let got = 0;
  let start = 0;
  const fd = openSync(job.file, 'r');
  try {
    // Chunk 0 is after the file header, or at 0 in a bare run of chunks (as the reader and sources read).
    start = chunkBaseOf(fd) + job.firstChunk * CHUNK_SIZE;
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, start + got);
      if (n === 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  return { start, data: buf.subarray(0, got), count: Math.ceil(got / CHUNK_SIZE) };
}

/** File offset of chunk 0 of an open EVTX file: 0 for a bare run of chunks, else after the file header. */
export function chunkBaseOf(fd: number): number {
  const head = Buffer.alloc(8);
  const n = readSync(fd, head, 0, 8, 0);
  return firstChunkOffset(head.subarray(0, n));
}

/** Chunk i of a job's bytes (i < bytes.count); `firstChunk` is the job's. */
export function jobChunk(bytes: JobBytes, firstChunk: number, i: number): JobChunk {
  const from = i * CHUNK_SIZE;
  return {
    index: firstChunk + i,
    offset: bytes.start + from,
    data: bytes.data.subarray(from, Math.min(bytes.data.length, from + CHUNK_SIZE)),
  };
}

/**
 * The chunks of a job, in order, read with one call; a chunk past the end of the file is left out (see
 * readJobBytes for `reuse`). An array, not a generator: everything is read up front anyway.
 */
export function readChunks(job: ChunkJob, opts: { reuse?: boolean } = {}): JobChunk[] {
  const bytes = readJobBytes(job, opts);
  const chunks: JobChunk[] = [];
  for (let i = 0; i < bytes.count; i++) chunks.push(jobChunk(bytes, job.firstChunk, i));
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
