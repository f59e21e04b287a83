// Detections as they cross threads: one batch per job, columns instead of objects. Each detection is its JSON
// line (line-run.ts's encoding, bytes in one transferable buffer) plus the few numbers the main thread needs
// without decoding it: sort keys and a de-duplication hash. The main thread used to receive every detection
// as a structured-cloned object graph; those objects were still alive when its young generation was collected,
// which grew that generation to its maximum (~32 MB resident) for a few MB of detections.
import type { Detection } from '../engine/types.js';
import { ByteBuffer } from './byte-buffer.js';
import { hash53 } from './dedup.js';
import { encodeDetection } from './line-run.js';
import { NameTable } from './name-table.js';

/** Detections of one job (or of a worker's final flush), column by column. */
export interface DetectionBatch {
  readonly count: number;
  /** The detections' JSON lines, one after another. */
  readonly lines: Uint8Array;
  /** End offset (exclusive) of each line in `lines`. */
  readonly ends: Uint32Array;
  readonly timestamps: Float64Array;
  readonly recordIds: Float64Array;
  /** De-duplication identity of each (rule, record) pair: hash53(rule id, U+0002, record key). */
  readonly hashes: Float64Array;
  /** File names and rule ids, each once; `fileOf`/`ruleOf` index them. */
  readonly names: string[];
  readonly fileOf: Uint32Array;
  readonly ruleOf: Uint32Array;
}

/** The (rule id, record key) identity the deduper remembers. */
export function detectionHash(ruleId: string, key: string): number {
  return hash53(ruleId + '\u0002' + key);
}

/** Bytes a builder's line buffer starts with (it doubles as needed). */
const INITIAL_BYTES = 64 * 1024;

/**
 * Builds a DetectionBatch one detection at a time. Lines are written into a byte buffer as they come: one
 * joined string per job would be a large object (>128 KB), which only a full collection frees.
 */
export class DetectionBatchBuilder {
  private readonly lines = new ByteBuffer(INITIAL_BYTES);
  private ends: number[] = [];
  private timestamps: number[] = [];
  private recordIds: number[] = [];
  private hashes: number[] = [];
  private names = new NameTable();
  private fileOf: number[] = [];
  private ruleOf: number[] = [];

  get count(): number {
    return this.ends.length;
  }

  /** Adds a detection of the record with identity `key`. */
  add(d: Detection, key: string): void {
    this.lines.appendText(encodeDetection(d));
    this.ends.push(this.lines.length);
    this.timestamps.push(d.timestamp);
    this.recordIds.push(d.recordId);
    this.hashes.push(detectionHash(d.rule.id, key));
    this.fileOf.push(this.names.intern(d.file));
    this.ruleOf.push(this.names.intern(d.rule.id));
  }

  /** The batch (its buffers are the batch's own, so they can be transferred); the builder starts empty again. */
  take(): DetectionBatch {
    const batch: DetectionBatch = {
      count: this.ends.length,
      lines: new Uint8Array(this.lines.view()),
      ends: Uint32Array.from(this.ends),
      timestamps: Float64Array.from(this.timestamps),
      recordIds: Float64Array.from(this.recordIds),
      hashes: Float64Array.from(this.hashes),
      names: this.names.names,
      fileOf: Uint32Array.from(this.fileOf),
      ruleOf: Uint32Array.from(this.ruleOf),
    };
    this.lines.clear();
    this.ends = [];
    this.timestamps = [];
    this.recordIds = [];
    this.hashes = [];
    this.names = new NameTable();
    this.fileOf = [];
    this.ruleOf = [];
    return batch;
  }
}

/** The buffers of a batch, to transfer (not copy) it to another thread. */
export function batchTransferables(b: DetectionBatch): ArrayBuffer[] {
  return [b.lines, b.ends, b.timestamps, b.recordIds, b.hashes, b.fileOf, b.ruleOf].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

/** Start offset of line `i` of a batch. */
export function batchLineStart(b: DetectionBatch, i: number): number {
  return i === 0 ? 0 : b.ends[i - 1]!;
}
