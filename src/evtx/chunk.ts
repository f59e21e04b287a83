// Chunk and file headers, and record framing inside a chunk: normal records up to the free-space offset,
// then carving of slack space and damaged chunks. Never throws; problems become warnings.
import { CHUNK_HEADER_SIZE, FILE_HEADER_SIZE, RECORD_HEADER_SIZE, RECORD_SIGNATURE } from './constants.js';
import { crc32 } from './crc32.js';
import { ChunkContext, resolveFragment, type FragmentInfo, type TemplateIds } from './instance.js';
import { EvtxRecord } from './record.js';
import type { EvtxFileHeader, EvtxWarning } from './types.js';

const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');
const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');
const RECORD_MAGIC = Buffer.from([0x2a, 0x2a, 0, 0]);
// The chunk magic as two 32-bit words: checked on every chunk with the reads the parser compiles anyway
// (Buffer.compare's argument checks are one more function for a cold worker's optimising compiler).
const CHUNK_MAGIC_LOW = CHUNK_MAGIC.readUInt32LE(0);
const CHUNK_MAGIC_HIGH = CHUNK_MAGIC.readUInt32LE(4);
/** Warnings listed per chunk; the rest are counted in one summary warning. */
const MAX_CHUNK_WARNINGS = 64;

/**
 * Offset of chunk 0 given a file's first bytes: 0 for a bare run of chunks (carved or split files, which start
 * with the chunk magic), else after the file header.
 */
export function firstChunkOffset(head: Buffer): number {
  return head.length >= 8 &&
    head.readUInt32LE(0) === CHUNK_MAGIC_LOW &&
    head.readUInt32LE(4) === CHUNK_MAGIC_HIGH
    ? 0
    : FILE_HEADER_SIZE;
}

/** Reads the EVTX file header from the first bytes of a file; null when the magic is missing. */
export function readFileHeader(buf: Buffer): EvtxFileHeader | null {
  if (buf.length < 128 || buf.compare(FILE_MAGIC, 0, 8, 0, 8) !== 0) return null;
  const flags = buf.readUInt32LE(0x78);
  return {
    firstChunk: Number(buf.readBigUInt64LE(0x08)),
    lastChunk: Number(buf.readBigUInt64LE(0x10)),
    nextRecordId: Number(buf.readBigUInt64LE(0x18)),
    minorVersion: buf.readUInt16LE(0x24),
    majorVersion: buf.readUInt16LE(0x26),
    headerBlockSize: buf.readUInt16LE(0x28),
    chunkCount: buf.readUInt16LE(0x2a),
    flags,
    dirty: (flags & 1) !== 0,
    full: (flags & 2) !== 0,
    checksumOk: crc32(buf, 0, 120) === buf.readUInt32LE(0x7c),
  };
}

/** Where a chunk is: used in warnings and record sources. */
export interface ChunkLocation {
  file: string;
  chunkIndex: number;
  /** Offset of the chunk in its file. */
  fileOffset: number;
}

/** Facts from a chunk header. */
export interface ChunkHeaderInfo {
  firstRecordId: number;
  lastRecordId: number;
  freeSpaceOffset: number;
  headerChecksumOk: boolean;
  dataChecksumOk: boolean;
}

/** What parsing one chunk produced. */
export interface ChunkResult {
  records: EvtxRecord[];
  warnings: EvtxWarning[];
  header: ChunkHeaderInfo | null;
  /** The chunk is all zeros (unused space): nothing to report. */
  empty: boolean;
  damaged: boolean;
  /** Records carved from slack space or from a damaged chunk. */
  recovered: number;
  /** Records found but not decodable. */
  skipped: number;
}

/** Options for parseChunk. */
export interface ChunkOptions {
  recover?: boolean;
  checksums?: boolean;
  /**
   * Templates by id read earlier in the same reading (a file from its start, or a job's range of chunks), for
   * carved records whose definition was overwritten; pass one map per reading. Default: the chunk's own.
   */
  templateIds?: TemplateIds;
}

/** A chunk's worth of zero bytes: empty chunks are compared against it natively. */
const ZERO_CHUNK = Buffer.alloc(65536);

/**
 * True when every byte is zero. Files are preallocated, so most chunks of a small log are empty; a native
 * comparison costs a few microseconds where a byte loop cost ~70 (and more before the JIT reached it).
 */
function isAllZero(buf: Buffer): boolean {
  for (let at = 0; at < buf.length; at += ZERO_CHUNK.length) {
    const n = Math.min(ZERO_CHUNK.length, buf.length - at);
    if (buf.compare(ZERO_CHUNK, 0, n, at, at + n) !== 0) return false;
  }
  return true;
}

function u64(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off) + buf.readUInt32LE(off + 4) * 4294967296;
}

class ChunkParser {
  readonly ctx: ChunkContext;
  readonly result: ChunkResult = {
    records: [],
    warnings: [],
    header: null,
    empty: false,
    damaged: false,
    recovered: 0,
    skipped: 0,
  };
  /** Ids of the records read in order, built when carving first meets a record (most slack holds none). */
  private liveIds: Set<number> | null = null;
  readonly info: FragmentInfo = { shape: null, descStart: 0, count: 0, dataStart: 0 };

  constructor(
    readonly buf: Buffer,
    readonly loc: ChunkLocation,
    templateIds: TemplateIds | undefined,
  ) {
    this.ctx = new ChunkContext(buf, loc.file, loc.chunkIndex, loc.fileOffset, templateIds);
  }

  /** Warnings beyond MAX_CHUNK_WARNINGS, summarised at the end (a hostile chunk can hold thousands). */
  suppressed = 0;

  warn(offset: number, reason: string): void {
    if (this.result.warnings.length >= MAX_CHUNK_WARNINGS) {
      this.suppressed++;
      return;
    }
    this.result.warnings.push({
      file: this.loc.file,
      chunk: this.loc.chunkIndex,
      offset: this.loc.fileOffset + offset,
      reason,
    });
  }

  /** Warns about the chunk's problems noted so far (problems that did not cost a record on their own). */
  reportProblems(): void {
    for (const p of this.ctx.problems) this.warn(0, p);
    this.ctx.problems.length = 0;
  }

  /** Adds the summary of suppressed warnings, if any. */
  summarise(): void {
    if (this.suppressed === 0) return;
    this.result.warnings.push({
      file: this.loc.file,
      chunk: this.loc.chunkIndex,
      offset: this.loc.fileOffset,
      reason: `${this.suppressed} more problems in this chunk not listed`,
    });
  }

  /** Decodes the record at off (framing already checked); returns false when its content is broken. */
  record(off: number, size: number, recovered: boolean, quiet: boolean): boolean {
    const buf = this.buf;
    const recordId = u64(buf, off + 8);
    const end = Math.min(off + size - 4, buf.length);
    const err = resolveFragment(this.ctx, off + RECORD_HEADER_SIZE, end, false, this.info);
    if (err !== null || this.info.shape === null) {
      if (!quiet) {
        this.result.skipped++;
        this.result.damaged = true;
        this.warn(off, `record ${recordId} skipped: ${err}`);
      }
      return false;
    }
    const i = this.info;
    this.result.records.push(
      new EvtxRecord(this.ctx, i.shape!, i.descStart, i.count, i.dataStart, off, size, recordId, recovered),
    );
    if (recovered) this.result.recovered++;
    return true;
  }

  /** True when a record with this id was read in order (a carved copy of it is stale). */
  isLive(recordId: number): boolean {
    if (this.liveIds === null) {
      this.liveIds = new Set();
      for (const r of this.result.records) if (!r.recovered) this.liveIds.add(r.recordId);
    }
    return this.liveIds.has(recordId);
  }

  /** Size of a well-framed record at off (signature, sane size, matching trailing copy), or 0. */
  framed(off: number): number {
    const buf = this.buf;
    if (off + RECORD_HEADER_SIZE > buf.length || buf.readUInt32LE(off) !== RECORD_SIGNATURE) return 0;
    const size = buf.readUInt32LE(off + 4);
    if (size < RECORD_HEADER_SIZE + 4 || off + size > buf.length) return 0;
    return buf.readUInt32LE(off + size - 4) === size ? size : 0;
  }

  /** Reads records one after another from start while they are well framed; returns where it stopped. */
  walk(start: number, limit: number): number {
    const buf = this.buf;
    let off = start;
    while (off + RECORD_HEADER_SIZE <= limit) {
      const size = this.framed(off);
      if (size > 0) {
        this.record(off, size, false, false);
        off += size;
        continue;
      }
      const sig = buf.readUInt32LE(off);
      const claimed = buf.readUInt32LE(off + 4);
      this.result.damaged = true;
      if (sig === RECORD_SIGNATURE && claimed >= RECORD_HEADER_SIZE + 4 && off + claimed <= buf.length) {
        // Plausible size but no matching trailing copy: a record cut short while being written. Its
        // BinXML may still be whole; keep it (marked recovered) when it decodes.
        if (this.record(off, claimed, true, true)) {
          this.warn(
            off,
            `record ${u64(buf, off + 8)} cut short (no trailing size copy): decoded, marked recovered`,
          );
          off += claimed;
          continue;
        }
      }
      this.warn(
        off,
        sig !== RECORD_SIGNATURE
          ? 'record signature missing before the free-space offset'
          : `record cut short or with a bad size (${claimed})`,
      );
      const next = buf.indexOf(RECORD_MAGIC, off + 1);
      if (next < 0 || next + RECORD_HEADER_SIZE > limit) return limit;
      off = next;
    }
    return off;
  }

  /** Carves well-framed records from [start, end) (slack space or a damaged chunk). */
  carve(start: number, end: number): number {
    const buf = this.buf;
    let found = 0;
    let off = start;
    this.ctx.carving = true;
    try {
      while (off + RECORD_HEADER_SIZE <= end) {
        const p = buf.indexOf(RECORD_MAGIC, off);
        if (p < 0 || p + RECORD_HEADER_SIZE > end) break;
        const size = this.framed(p);
        if (size > 0 && !this.isLive(u64(buf, p + 8)) && this.record(p, size, true, true)) {
          found++;
          off = p + size;
        } else off = p + 1;
      }
    } finally {
      this.ctx.carving = false;
    }
    return found;
  }

  /** The note on records carved from `where`, with the overwritten templates taken from another copy. */
  private recoveryNote(found: number, where: string): string {
    const borrowed = this.ctx.borrowedWhileCarving;
    this.ctx.borrowedWhileCarving = 0;
    const note = `recovered ${found} records from ${where}`;
    if (borrowed === 0) return note;
    const templates = borrowed === 1 ? '1 overwritten template' : `${borrowed} overwritten templates`;
    return `${note} (${templates} taken from an earlier copy with the same id)`;
  }

  parse(opts: ChunkOptions): ChunkResult {
    const buf = this.buf;
    const recover = opts.recover ?? true;
    const checksums = opts.checksums ?? true;
    const r = this.result;
    if (
      buf.length < CHUNK_HEADER_SIZE ||
      buf.readUInt32LE(0) !== CHUNK_MAGIC_LOW ||
      buf.readUInt32LE(4) !== CHUNK_MAGIC_HIGH
    ) {
      if (isAllZero(buf)) {
        r.empty = true;
        return r;
      }
      r.damaged = true;
      this.warn(
        0,
        buf.length < CHUNK_HEADER_SIZE ? `chunk truncated to ${buf.length} bytes` : 'bad chunk magic',
      );
      if (recover) {
        const n = this.carve(buf.length < CHUNK_HEADER_SIZE ? 0 : CHUNK_HEADER_SIZE, buf.length);
        if (n > 0) this.warn(0, this.recoveryNote(n, 'a chunk without a valid header'));
      }
      return r;
    }
    if (buf.length < 65536) {
      r.damaged = true;
      this.warn(buf.length, `chunk truncated to ${buf.length} bytes`);
    }
    let free = buf.readUInt32LE(0x30);
    const header: ChunkHeaderInfo = {
      firstRecordId: u64(buf, 0x10),
      lastRecordId: u64(buf, 0x18),
      freeSpaceOffset: free,
      headerChecksumOk: true,
      dataChecksumOk: true,
    };
    r.header = header;
    let freeValid = true;
    if (free < CHUNK_HEADER_SIZE || free > buf.length) {
      r.damaged = true;
      freeValid = false;
      this.warn(0x30, `absurd free-space offset ${free}`);
      free = buf.length;
    }
    if (checksums) {
      const stored = buf.readUInt32LE(0x7c);
      const computed = crc32(buf, CHUNK_HEADER_SIZE - 384, CHUNK_HEADER_SIZE, crc32(buf, 0, 120));
      if (stored !== computed) {
        header.headerChecksumOk = false;
        r.damaged = true;
        this.warn(0x7c, stored === 0 ? 'chunk header CRC32 missing' : 'chunk header CRC32 mismatch');
      }
      if (freeValid) {
        const dataStored = buf.readUInt32LE(0x34);
        if (dataStored !== crc32(buf, CHUNK_HEADER_SIZE, free)) {
          header.dataChecksumOk = false;
          r.damaged = true;
          this.warn(0x34, dataStored === 0 ? 'record data CRC32 missing' : 'record data CRC32 mismatch');
        }
      }
    }
    const stop = this.walk(CHUNK_HEADER_SIZE, free);
    this.reportProblems();
    if (recover) {
      const n = this.carve(Math.max(stop, CHUNK_HEADER_SIZE), buf.length);
      if (n > 0) this.warn(stop, this.recoveryNote(n, 'slack space'));
    }
    return r;
  }
}

/** Parses one chunk (a 64 KiB buffer, or less when the file is truncated) into lazy records. */
export function parseChunk(buf: Buffer, loc: ChunkLocation, opts: ChunkOptions = {}): ChunkResult {
  const parser = new ChunkParser(buf, loc, opts.templateIds);
  try {
    const result = parser.parse(opts);
    // Problems met while carving (after the in-order records' problems were reported).
    parser.reportProblems();
    parser.summarise();
    return result;
  } catch (err) {
    // Defensive: every read above is bounds-checked, but a chunk must never take the reader down.
    parser.result.damaged = true;
    parser.warn(0, `chunk parse aborted: ${err instanceof Error ? err.message : String(err)}`);
    return parser.result;
  }
}
