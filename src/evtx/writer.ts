// The EVTX writer: turns EventSpec objects into real EVTX (file header, 64 KiB chunks with their own string
// and template tables, template instances with substitution arrays, correct CRC32s), in memory for small
// files or streamed to disk with bounded memory (one chunk buffer plus the compiled templates).
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  CHUNK_HEADER_SIZE,
  CHUNK_SIZE,
  ChunkBuilder,
  RECORD_OVERHEAD,
  RECORD_SPACE_END,
} from './writer-chunk.js';
import { VALUE } from './constants.js';
import { crc32 } from './crc32.js';
import { STEP, ShapeIndex } from './writer-shapes.js';
import { SYS, SYSTEM_SLOTS, SYSTEM_TYPES } from './writer-template.js';
import type { EventDataValue, EventSpec } from './writer-types.js';
import {
  MAX_VALUE_BYTES,
  valueSize,
  valueTypeOf,
  writeFiletime,
  writeUtf16,
  writeValue,
} from './writer-values.js';

export const FILE_HEADER_SIZE = 4096;

// Byte sizes of the System slots' fixed types (variable-size ones are never per-record slots).
const SYSTEM_SIZES: readonly number[] = SYSTEM_TYPES.map((type) =>
  type === VALUE.STRING || type === VALUE.SID ? 0 : valueSize(type, 0),
);
/** The file header counts chunks in 16 bits. */
export const MAX_CHUNKS = 0xffff;

/** What a finished file holds. */
export interface EvtxWriteSummary {
  records: number;
  chunks: number;
  bytes: number;
  /** Record id the next record would get (also written to the file header). */
  nextRecordId: number;
}

/**
 * Encodes EventSpecs into chunks and hands each finished chunk to `onChunk` (the buffer is reused: copy or
 * write it before returning). Shared by writeEvtx and EvtxFileWriter.
 */
export class EvtxEncoder {
  private readonly chunk = new ChunkBuilder();
  private readonly shapes = new ShapeIndex();
  private nextId = 1;
  private records = 0;
  private chunks = 0;
  // Reused per record: slot types, sizes and values (System slots first, then data); `slots` are in use.
  private readonly types: number[] = new Array<number>(64).fill(0);
  private readonly sizes: number[] = new Array<number>(64).fill(0);
  private readonly values: (EventDataValue | undefined)[] = new Array<EventDataValue | undefined>(64).fill(
    null,
  );
  private slots = 0;
  private valueBytes = 0;
  private recordId = 0;
  // The System part (descriptors and value bytes) of the last record encoded in full. While a writer's
  // events keep the same provider, channel, computer, levels and SIDs, the next record copies it and patches
  // the slots that change every time (time, record id, event id, process and thread id).
  private readonly reuseSystem: boolean;
  private sysCacheValid = false;
  private sysChanged = false;
  private readonly sysDesc = Buffer.alloc(4 * SYSTEM_SLOTS);
  // Exactly the System part's value bytes, so the hot path copies it with one TypedArray.set.
  private sysBytes = new Uint8Array(0);
  private sysLen = 0;
  private readonly patchAt = new Int32Array(SYSTEM_SLOTS);

  /** `reuseSystem: false` encodes every record in full (tests compare both paths). */
  constructor(
    private readonly onChunk: (chunk: Buffer) => void,
    opts: { reuseSystem?: boolean } = {},
  ) {
    this.reuseSystem = opts.reuseSystem ?? true;
  }

  /** Adds one event; returns the record id it was given. Throws (and writes nothing) on an invalid spec. */
  add(spec: EventSpec): number {
    try {
      return this.encode(spec);
    } catch (err) {
      this.sysCacheValid = false; // the slot arrays may hold half of this record's values
      throw err;
    }
  }

  private encode(spec: EventSpec): number {
    const recordId = spec.recordId ?? this.nextId;
    if (!Number.isSafeInteger(recordId) || recordId < 0)
      throw new RangeError(`invalid recordId: ${recordId}`);
    this.recordId = recordId;
    const timeMs = typeof spec.time === 'number' ? spec.time : spec.time.getTime();
    if (!Number.isFinite(timeMs)) throw new RangeError(`invalid time for record ${recordId}`);
    this.valueBytes = 0;
    this.collect(spec, timeMs);
    const compiled = this.shapes.compiled();
    const { types, sizes, values } = this;
    const n = this.slots;
    const body = RECORD_OVERHEAD + 4 * n + this.valueBytes;
    let chunk = this.chunk;
    const inChunk = chunk.templateOffset(compiled.shape) !== undefined;
    if (body + (inChunk ? 0 : compiled.maxDefinition) > chunk.free) {
      if (body + compiled.maxDefinition > RECORD_SPACE_END - CHUNK_HEADER_SIZE) {
        throw new RangeError(`record ${recordId} (event ${spec.eventId}) is too large for one EVTX chunk`);
      }
      this.flushChunk();
      chunk = this.chunk;
    }
    chunk.mark();
    try {
      let o = chunk.beginRecord(recordId, timeMs, compiled.shape);
      const b = chunk.buf;
      const dv = chunk.dv;
      const units = chunk.units;
      dv.setUint32(o, n, true);
      // Descriptors (size, type) and values in one pass: values start after the n descriptors.
      const descStart = o + 4;
      const valueStart = descStart + 4 * n;
      let d = descStart;
      o = valueStart;
      let i = 0;
      const reuse = this.reuseSystem && this.sysCacheValid && !this.sysChanged;
      if (reuse) {
        b.set(this.sysDesc, d);
        d += 4 * SYSTEM_SLOTS;
        b.set(this.sysBytes, o);
        this.patchSystem(dv, b, o);
        o += this.sysLen;
        i = SYSTEM_SLOTS;
      }
      for (; i < n; i++) {
        const type = types[i];
        const size = sizes[i];
        b[d] = size & 0xff;
        b[d + 1] = size >>> 8;
        b[d + 2] = type;
        b[d + 3] = 0;
        d += 4;
        const end =
          type === VALUE.STRING
            ? writeUtf16(b, o, values[i] as string, units)
            : writeValue(b, o, type, values[i], dv);
        if (end - o !== sizes[i]) throw new RangeError(`record ${recordId}: value ${i} changed size`);
        o = end;
      }
      if (this.reuseSystem && !reuse) this.keepSystem(b, descStart, valueStart);
      chunk.endRecord(o);
    } catch (err) {
      chunk.rollback();
      throw err;
    }
    this.nextId = recordId + 1;
    this.records++;
    return recordId;
  }

  /** Flushes the last chunk; returns the totals. The encoder must not be used afterwards. */
  finish(): EvtxWriteSummary {
    if (this.chunk.records > 0) this.flushChunk();
    return {
      records: this.records,
      chunks: this.chunks,
      bytes: FILE_HEADER_SIZE + this.chunks * CHUNK_SIZE,
      nextRecordId: this.nextId,
    };
  }

  private flushChunk(): void {
    if (this.chunks >= MAX_CHUNKS) throw new RangeError(`EVTX file full: ${MAX_CHUNKS} chunks`);
    this.onChunk(this.chunk.finish());
    this.chunks++;
    this.chunk.reset();
  }

  // Writes the per-record System slots over a copied System part at `o`. Their types are fixed and their
  // values were range-checked by perRecord, so they go straight to the DataView.
  private patchSystem(dv: DataView, b: Buffer, o: number): void {
    const at = this.patchAt;
    const v = this.values;
    dv.setUint8(o + at[SYS.LEVEL], v[SYS.LEVEL] as number);
    dv.setUint8(o + at[SYS.OPCODE], v[SYS.OPCODE] as number);
    dv.setUint16(o + at[SYS.TASK], v[SYS.TASK] as number, true);
    dv.setUint16(o + at[SYS.EVENT_ID], v[SYS.EVENT_ID] as number, true);
    writeValue(b, o + at[SYS.KEYWORDS], VALUE.HEX64, v[SYS.KEYWORDS], dv);
    writeFiletime(b, o + at[SYS.TIME_CREATED], v[SYS.TIME_CREATED] as number, dv);
    dv.setUint32(o + at[SYS.PROCESS_ID], v[SYS.PROCESS_ID] as number, true);
    dv.setUint32(o + at[SYS.THREAD_ID], v[SYS.THREAD_ID] as number, true);
    const id = v[SYS.RECORD_ID] as number;
    const hi = Math.floor(id / 4294967296);
    dv.setUint32(o + at[SYS.RECORD_ID], id - hi * 4294967296, true);
    dv.setUint32(o + at[SYS.RECORD_ID] + 4, hi, true);
    dv.setUint8(o + at[SYS.VERSION], v[SYS.VERSION] as number);
  }

  // Keeps the System part of the record just encoded, and where the per-record slots sit in it.
  private keepSystem(b: Buffer, descStart: number, valueStart: number): void {
    b.copy(this.sysDesc, 0, descStart, descStart + 4 * SYSTEM_SLOTS);
    let len = 0;
    for (let i = 0; i < SYSTEM_SLOTS; i++) {
      this.patchAt[i] = len;
      len += this.sizes[i];
    }
    this.sysBytes = new Uint8Array(b.subarray(valueStart, valueStart + len));
    this.sysLen = len;
    this.sysCacheValid = true;
  }

  // A System slot that changes with nearly every record: always set (fixed type and size), patched on reuse.
  private perRecord(slot: number, value: number | bigint, max: number): void {
    const ok =
      typeof value === 'bigint'
        ? value >= 0n && value <= 0xffffffffffffffffn
        : Number.isInteger(value) && value >= 0 && value <= max;
    if (!ok) throw new RangeError(`record ${this.recordId}: System value ${slot} out of range: ${value}`);
    this.types[slot] = SYSTEM_TYPES[slot];
    this.values[slot] = value;
    const size = SYSTEM_SIZES[slot];
    this.sizes[slot] = size;
    this.valueBytes += size;
  }

  // Records a slot's value size (checked against the 16-bit descriptor size) in the record's total.
  private size(slot: number, size: number): void {
    if (size > MAX_VALUE_BYTES) {
      throw new RangeError(
        `record ${this.recordId}: value ${slot} is ${size} bytes, over the ${MAX_VALUE_BYTES} limit`,
      );
    }
    this.sizes[slot] = size;
    this.valueBytes += size;
  }

  // A System slot: its fixed type, or Null when the spec leaves an optional field out. A value equal to the
  // last record's keeps that record's type and size (and lets the encoded System part be reused).
  private sys(slot: number, value: EventDataValue | undefined, max: number): void {
    if ((value ?? null) === this.values[slot]) {
      this.valueBytes += this.sizes[slot];
      return;
    }
    this.sysChanged = true;
    if (value === undefined || value === null) {
      this.types[slot] = VALUE.NULL;
      this.values[slot] = null;
      this.sizes[slot] = 0;
      return;
    }
    if (typeof value === 'number' && (!Number.isInteger(value) || value < 0 || value > max)) {
      throw new RangeError(`record ${this.recordId}: System value ${slot} out of range: ${value}`);
    }
    if (typeof value === 'bigint' && (value < 0n || value > 0xffffffffffffffffn)) {
      throw new RangeError(`record ${this.recordId}: System value ${slot} out of range: ${value}`);
    }
    const type = SYSTEM_TYPES[slot];
    this.types[slot] = type;
    this.values[slot] = value;
    this.size(slot, type === VALUE.STRING ? (value as string).length * 2 : valueSize(type, value));
  }

  // A data slot; also one step of the shape walk.
  private data(name: string, value: EventDataValue | undefined): void {
    const type = valueTypeOf(value);
    const i = this.slots++;
    if (i === this.types.length) {
      this.types.push(0);
      this.sizes.push(0);
      this.values.push(null);
    }
    this.types[i] = type;
    this.values[i] = value ?? null;
    this.size(i, type === VALUE.STRING ? (value as string).length * 2 : valueSize(type, value));
    this.shapes.step(name, type);
  }

  // Fills the slot arrays for a spec and walks its shape.
  private collect(spec: EventSpec, timeMs: number): void {
    this.sysChanged = false;
    this.perRecord(SYS.LEVEL, spec.level ?? 0, 0xff);
    this.perRecord(SYS.OPCODE, spec.opcode ?? 0, 0xff);
    this.perRecord(SYS.TASK, spec.task ?? 0, 0xffff);
    this.perRecord(SYS.EVENT_ID, spec.eventId, 0xffff);
    this.sys(SYS.QUALIFIERS, spec.qualifiers, 0xffff);
    this.perRecord(SYS.KEYWORDS, spec.keywords ?? 0n, 0);
    this.types[SYS.TIME_CREATED] = VALUE.FILETIME;
    this.values[SYS.TIME_CREATED] = timeMs;
    this.size(SYS.TIME_CREATED, 8);
    this.sys(SYS.ACTIVITY_ID, spec.activityId, 0);
    this.perRecord(SYS.PROCESS_ID, spec.processId ?? 0, 0xffffffff);
    this.perRecord(SYS.THREAD_ID, spec.threadId ?? 0, 0xffffffff);
    this.perRecord(SYS.RECORD_ID, this.recordId, Number.MAX_SAFE_INTEGER);
    this.perRecord(SYS.VERSION, spec.version ?? 0, 0xff);
    this.sys(SYS.USER_ID, spec.userSid, 0);
    this.sys(SYS.RELATED_ACTIVITY_ID, spec.relatedActivityId, 0);
    this.sys(SYS.PROVIDER_NAME, spec.provider, 0);
    this.sys(SYS.PROVIDER_GUID, spec.providerGuid, 0);
    this.sys(SYS.CHANNEL, spec.channel ?? '', 0);
    this.sys(SYS.COMPUTER, spec.computer ?? '', 0);
    this.sys(SYS.EVENT_SOURCE_NAME, spec.eventSourceName, 0);
    this.slots = SYSTEM_SLOTS;
    this.shapes.start();
    const data = spec.data;
    if (data !== undefined) {
      this.shapes.step('', STEP.DATA);
      if (Array.isArray(data)) {
        for (const [name, value] of data as ReadonlyArray<readonly [string, EventDataValue]>)
          this.data(name, value);
      } else {
        const rec = data as Record<string, EventDataValue>;
        for (const name in rec) if (Object.hasOwn(rec, name)) this.data(name, rec[name]);
      }
    }
    const u = spec.userData;
    if (u !== undefined) {
      this.shapes.step(u.element, STEP.USER_ELEMENT);
      if (u.xmlns === undefined) this.shapes.step('', STEP.USER_NO_XMLNS);
      else this.shapes.step(u.xmlns, STEP.USER_XMLNS);
      const fields = u.fields;
      for (const name in fields) if (Object.hasOwn(fields, name)) this.data(name, fields[name]);
    }
  }
}

/** The 4 KiB file header for a file of `chunks` chunks whose next record id is `nextRecordId`. */
export function buildFileHeader(chunks: number, nextRecordId: number, flags = 0): Buffer {
  const b = Buffer.alloc(FILE_HEADER_SIZE);
  b.write('ElfFile\0', 0, 'latin1');
  b.writeBigUInt64LE(0n, 8); // first chunk number
  b.writeBigUInt64LE(BigInt(Math.max(0, chunks - 1)), 16); // last chunk number
  b.writeBigUInt64LE(BigInt(nextRecordId), 24);
  b.writeUInt32LE(128, 32); // header size
  b.writeUInt16LE(2, 36); // minor version
  b.writeUInt16LE(3, 38); // major version
  b.writeUInt16LE(FILE_HEADER_SIZE, 40);
  b.writeUInt16LE(chunks, 42);
  b.writeUInt32LE(flags, 120);
  b.writeUInt32LE(crc32(b, 0, 120), 124);
  return b;
}

/** Writes a whole EVTX file in memory (for tests and fixtures; use EvtxFileWriter for large files). */
export function writeEvtx(events: Iterable<EventSpec>): Buffer {
  const chunks: Buffer[] = [];
  const encoder = new EvtxEncoder((chunk) => chunks.push(Buffer.from(chunk)));
  for (const spec of events) encoder.add(spec);
  const summary = encoder.finish();
  return Buffer.concat([buildFileHeader(summary.chunks, summary.nextRecordId), ...chunks]);
}

/** Chunks a file writer gathers before one write call (fewer, larger writes: 16 chunks = 1 MiB). */
const CHUNKS_PER_WRITE = 16;

/**
 * Streams events into an EVTX file on disk; memory stays at one chunk, a 1 MiB write batch (grown only once
 * a file has filled its first batch) and the compiled templates.
 */
export class EvtxFileWriter {
  private readonly fd: number;
  private readonly encoder: EvtxEncoder;
  private position = FILE_HEADER_SIZE;
  private closed = false;
  // Finished chunks waiting to be written, in one buffer; `pending` bytes of it are in use.
  private batch: Buffer | undefined;
  private pending = 0;

  /** Creates (or truncates) `path`; the file header is written on close. */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    this.encoder = new EvtxEncoder((chunk) => this.queue(chunk));
  }

  // Copies a finished chunk into the batch; writes the batch when it is full.
  private queue(chunk: Buffer): void {
    if (this.batch === undefined) {
      // The first chunk of a file goes straight out (most demo files are one or two chunks).
      if (this.position === FILE_HEADER_SIZE) {
        writeAll(this.fd, chunk, this.position);
        this.position += chunk.length;
        return;
      }
      this.batch = Buffer.allocUnsafe(CHUNKS_PER_WRITE * CHUNK_SIZE);
    }
    chunk.copy(this.batch, this.pending);
    this.pending += chunk.length;
    if (this.pending + CHUNK_SIZE > this.batch.length) this.drain();
  }

  private drain(): void {
    if (this.batch === undefined || this.pending === 0) return;
    writeAll(this.fd, this.batch.subarray(0, this.pending), this.position);
    this.position += this.pending;
    this.pending = 0;
  }

  /** Adds one event; returns its record id. An invalid spec throws and leaves the file consistent. */
  add(spec: EventSpec): number {
    if (this.closed) throw new Error(`EvtxFileWriter(${this.path}) is closed`);
    return this.encoder.add(spec);
  }

  /** Writes the last chunk and the file header, closes the file, and returns what it holds. */
  close(): EvtxWriteSummary {
    if (this.closed) throw new Error(`EvtxFileWriter(${this.path}) is already closed`);
    this.closed = true;
    try {
      const summary = this.encoder.finish();
      this.drain();
      writeAll(this.fd, buildFileHeader(summary.chunks, summary.nextRecordId), 0);
      return summary;
    } finally {
      closeSync(this.fd);
    }
  }
}

function writeAll(fd: number, data: Buffer, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}
