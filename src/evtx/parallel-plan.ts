// Splits EVTX files into chunk-range jobs for the chunk worker pool (file order, then chunk order).
import { closeSync, fstatSync, openSync } from 'node:fs';
import { chunkBaseOf } from './parallel-read.js';

const FILE_HEADER_SIZE = 4096;
const CHUNK_SIZE = 65536;

/**
 * A slice of one file: `chunkCount` chunks from `firstChunk` (chunk i starts at 4096 + i * 65536, or at
 * i * 65536 in a bare run of chunks without a file header).
 */
export interface ChunkJob {
  readonly file: string;
  readonly firstChunk: number;
  readonly chunkCount: number;
}

/**
 * Chunks a file holds by its size and the offset of its chunk 0 (a trailing partial chunk counts: recovery
 * may still read from it).
 */
export function chunkCountOf(fileSize: number, base = FILE_HEADER_SIZE): number {
  return fileSize <= base ? 0 : Math.ceil((fileSize - base) / CHUNK_SIZE);
}

/** Chunks in a file (0 when it cannot be read). */
function fileChunkCount(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 0;
  }
  try {
    return chunkCountOf(fstatSync(fd).size, chunkBaseOf(fd));
  } catch {
    return 0;
  } finally {
    closeSync(fd);
  }
}

/**
 * One job per `chunksPerJob` chunks of each file, in file then chunk order. A file without chunks (or one
 * that cannot be stat'ed) still gets one job with `chunkCount` 0, so its runner can report it.
 */
export function planChunkJobs(files: readonly string[], opts: { chunksPerJob?: number } = {}): ChunkJob[] {
  const per = Math.max(1, Math.floor(opts.chunksPerJob ?? 8));
  const jobs: ChunkJob[] = [];
  for (const file of files) {
    const chunks = fileChunkCount(file);
    if (chunks === 0) jobs.push({ file, firstChunk: 0, chunkCount: 0 });
    for (let first = 0; first < chunks; first += per) {
      jobs.push({ file, firstChunk: first, chunkCount: Math.min(per, chunks - first) });
    }
  }
  return jobs;
}
