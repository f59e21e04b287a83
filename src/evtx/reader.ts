// Reading whole EVTX files (chunk by chunk with fs.readSync, never the whole file at once) or buffers:
// an iterable of lazy records plus the warnings and statistics gathered on the way (stale carved copies dropped).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CHUNK_SIZE, FILE_HEADER_SIZE } from './constants.js';
import { firstChunkOffset, parseChunk, readFileHeader, type ChunkResult } from './chunk.js';
import { IdRanges } from './id-ranges.js';
import type { EvtxRecord } from './record.js';
import type { TemplateIds } from './instance.js';
import type { EvtxFileStats, EvtxReadOptions, EvtxWarning } from './types.js';

/** Warnings kept per file; beyond this they are only counted. */
const MAX_FILE_WARNINGS = 1000;

/** Reads chunk-sized pieces of an input. */
interface ByteSource {
  size(): number;
  /** Bytes [offset, offset+length) (fewer at the end of the input). */
  read(offset: number, length: number): Buffer;
  close(): void;
}

function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  return {
    size: () => fstatSync(fd).size,
    read(offset, length) {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, offset + got);
        if (n <= 0) break;
        got += n;
      }
      return got < length ? buf.subarray(0, got) : buf;
    },
    close: () => closeSync(fd),
  };
}

function bufferSource(data: Buffer): ByteSource {
  return {
    size: () => data.length,
    read: (offset, length) => data.subarray(offset, Math.min(offset + length, data.length)),
    close: () => undefined,
  };
}

/**
 * Drops carved records that are stale copies of records already read: keeps the record-id range of every
 * chunk's normally read records and rejects recovered records whose id falls in one. Feed it the chunks of
 * one file in order (readEvtxFile does; chunk-level callers such as worker jobs can too).
 */
export class StaleCopyFilter {
  private readonly ranges = new IdRanges();
  private any = false;

  /** The chunk's records minus stale carved copies; then remembers the chunk's id range. */
  accept(records: EvtxRecord[]): EvtxRecord[] {
    let out = records;
    const ranges = this.ranges;
    if (this.any && records.some((r) => r.recovered)) {
      out = records.filter((r) => !r.recovered || !ranges.has(r.recordId));
    }
    let lo = Infinity;
    let hi = -Infinity;
    let live = 0;
    for (const r of out) {
      if (r.recovered) continue;
      live++;
      if (r.recordId < lo) lo = r.recordId;
      if (r.recordId > hi) hi = r.recordId;
    }
    // A sane chunk holds a few hundred consecutive ids; a damaged one must not swallow everything.
    if (live > 0 && hi - lo < live * 4 + 64) {
      ranges.add(lo, hi);
      this.any = true;
    }
    return out;
  }
}

/** Statistics before anything was read. */
function emptyStats(): EvtxFileStats {
  return { fileSize: 0, header: null, chunks: 0, damagedChunks: 0, records: 0, recovered: 0, skipped: 0 };
}

/** An EVTX input being read: iterate it for records; `warnings` and `stats` fill in as it goes. */
export class EvtxReader implements Iterable<EvtxRecord> {
  readonly warnings: EvtxWarning[] = [];
  readonly stats: EvtxFileStats = emptyStats();
  /** True once a pass over the input ran to its end (stats and warnings are then complete). */
  private done = false;

  constructor(
    /** The file name used in warnings and record sources. */
    readonly file: string,
    private readonly open: () => ByteSource,
    private readonly opts: EvtxReadOptions = {},
  ) {}

  /** Warnings not listed because the file already had MAX_FILE_WARNINGS (memory stays bounded). */
  private suppressed = 0;

  private warn(w: EvtxWarning): void {
    if (this.warnings.length >= MAX_FILE_WARNINGS) {
      this.suppressed++;
      return;
    }
    this.warnings.push(w);
    this.opts.onWarning?.(w);
  }

  /** Lists how many warnings were not (the last warning of a pass, when there were too many). */
  private summariseWarnings(): void {
    if (this.suppressed === 0) return;
    const w: EvtxWarning = {
      file: this.file,
      chunk: -1,
      offset: 0,
      reason: `${this.suppressed} more warnings not listed`,
    };
    this.warnings.push(w);
    this.opts.onWarning?.(w);
  }

  /**
   * Reads the input, yielding records in file order (per chunk: records, then those recovered). Every
   * iteration is a fresh pass; warnings and stats describe the latest one.
   */
  *[Symbol.iterator](): Generator<EvtxRecord> {
    this.done = false;
    this.warnings.length = 0;
    this.suppressed = 0;
    Object.assign(this.stats, emptyStats()); // the same object: callers may hold it
    let src: ByteSource;
    try {
      src = this.open();
    } catch (err) {
      this.warn({ file: this.file, chunk: -1, offset: 0, reason: `cannot open: ${(err as Error).message}` });
      return;
    }
    try {
      yield* this.chunks(src);
      this.summariseWarnings();
      this.done = true;
    } finally {
      try {
        src.close();
      } catch {
        // Closing a read-only descriptor cannot lose data; nothing to report.
      }
    }
  }

  private *chunks(src: ByteSource): Generator<EvtxRecord> {
    const file = this.file;
    let size: number;
    let head: Buffer;
    try {
      size = src.size();
      head = src.read(0, FILE_HEADER_SIZE);
    } catch (err) {
      this.warn({ file, chunk: -1, offset: 0, reason: `cannot read: ${(err as Error).message}` });
      return;
    }
    this.stats.fileSize = size;
    const header = readFileHeader(head);
    this.stats.header = header;
    // A bare run of chunks (carved, or split off a bigger file) has no file header: chunk 0 is at 0.
    const base = firstChunkOffset(head);
    if (header === null && base > 0) {
      this.warn({ file, chunk: -1, offset: 0, reason: 'no EVTX file header (bad magic or file too short)' });
    } else if (header !== null) {
      if (!header.checksumOk)
        this.warn({ file, chunk: -1, offset: 0x7c, reason: 'file header CRC32 mismatch' });
      if (header.dirty)
        this.warn({ file, chunk: -1, offset: 0x78, reason: 'file is dirty (not closed cleanly)' });
    }
    const recover = this.opts.recover ?? true;
    const templateIds: TemplateIds = new Map();
    const stale = new StaleCopyFilter();
    const leftover = { count: 0, first: 0, last: 0 };
    for (let off = base, index = 0; off < size; off += CHUNK_SIZE, index++) {
      let result: ChunkResult;
      try {
        const buf = src.read(off, CHUNK_SIZE);
        if (buf.length === 0) break;
        result = parseChunk(
          buf,
          { file, chunkIndex: index, fileOffset: off },
          { recover, checksums: this.opts.checksums, templateIds },
        );
      } catch (err) {
        this.warn({
          file,
          chunk: index,
          offset: off,
          reason: `cannot read chunk: ${(err as Error).message}`,
        });
        break;
      }
      if (result.empty) continue;
      if (
        header !== null &&
        index >= header.chunkCount &&
        result.header === null &&
        result.records.length === 0 &&
        result.skipped === 0
      ) {
        // Past the chunks the header counts, a region without a chunk header or records is leftover space
        // (preallocated or reused file blocks), not a damaged chunk: reported once for the whole run below.
        if (leftover.count++ === 0) leftover.first = index;
        leftover.last = index;
        continue;
      }
      this.stats.chunks++;
      if (result.damaged) this.stats.damagedChunks++;
      const records = stale.accept(result.records);
      let live = 0;
      for (const r of records) if (!r.recovered) live++;
      this.stats.records += live;
      this.stats.recovered += records.length - live;
      this.stats.skipped += result.skipped;
      for (const w of result.warnings) this.warn(w);
      yield* records;
    }
    if (leftover.count > 0) {
      this.warn({
        file,
        chunk: leftover.first,
        offset: base + leftover.first * CHUNK_SIZE,
        reason: `${leftover.count} chunk-sized blocks after the ${header?.chunkCount} chunks the header counts hold no EVTX data (chunks ${leftover.first}-${leftover.last})`,
      });
    }
  }

  /** Reads everything (unless a pass already ran to its end) and returns the statistics. */
  finish(): EvtxFileStats {
    if (!this.done) {
      for (const _ of this) {
        // Draining the iterator fills in stats and warnings.
      }
    }
    return this.stats;
  }
}

/** Opens an EVTX file for streaming: iterate the result for lazy records. Never throws. */
export function readEvtxFile(path: string, opts?: EvtxReadOptions): EvtxReader {
  return new EvtxReader(path, () => fileSource(path), opts);
}

/** Same as readEvtxFile. */
export const openEvtx = readEvtxFile;

/** Reads EVTX held in memory (tests, writer round trips, decompressed input). Never throws. */
export function parseEvtxBuffer(buf: Buffer, fileName: string, opts?: EvtxReadOptions): EvtxReader {
  return new EvtxReader(fileName, () => bufferSource(buf), opts);
}
