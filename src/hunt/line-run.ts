// Detections held for sorting as bytes, not objects: each detection becomes one JSON line (the same line a
// sorted run file holds) in a reused buffer, plus its sort keys in number arrays. A detection object with its
// fields map is ~3× its text on the heap and survives young-generation collections until it is spilled, so
// holding objects made the main thread's young generation grow to its maximum (tens of MB of resident memory
// for a few MB of detections); bytes live outside the heap and the objects die young.
import type { Detection, RuleInfo } from '../engine/types.js';
import { ByteBuffer } from './byte-buffer.js';
import { NameTable } from './name-table.js';

/** A detection as stored in a line: the rule by id (rules are kept once, in memory). */
type StoredDetection = Omit<Detection, 'rule' | 'timestamp' | 'eventId' | 'recordId'> & {
  r: string;
  t: number | null;
  e: number | null;
  n: number | null;
};

const numOrNull = (x: number) => (Number.isFinite(x) ? x : null);
const nullToNaN = (x: number | null) => (x === null ? NaN : x);

/** One detection as a JSON line (with its newline); non-finite numbers are written as null. */
export function encodeDetection(d: Detection): string {
  const { rule, timestamp, eventId, recordId, ...rest } = d;
  return (
    JSON.stringify({
      ...rest,
      r: rule.id,
      t: numOrNull(timestamp),
      e: numOrNull(eventId),
      n: numOrNull(recordId),
    }) + '\n'
  );
}

/** The detection a line made by encodeDetection holds (its rule looked up by id; nulls become NaN). */
export function decodeDetection(line: string, rules: ReadonlyMap<string, RuleInfo>): Detection {
  const { r, t, e, n, ...rest } = JSON.parse(line) as StoredDetection;
  return {
    ...rest,
    rule: rules.get(r)!,
    timestamp: nullToNaN(t),
    eventId: nullToNaN(e),
    recordId: nullToNaN(n),
  };
}

/** Bytes the run's buffer starts with (it grows by doubling up to its capacity and is reused after each spill). */
const INITIAL_BYTES = 256 * 1024;
/** Bytes gathered before a write when a run goes to disk. */
const WRITE_BYTES = 1 << 20;

/**
 * Detections as JSON lines with their sort keys (time, file, record id, rule id: the order of
 * compareDetections, non-finite numbers last, ties in insertion order).
 */
export class LineRun {
  private readonly lines: ByteBuffer;
  private starts: number[] = [];
  private times: number[] = [];
  private recordIds: number[] = [];
  private files: number[] = [];
  private ruleIds: number[] = [];
  /** File names and rule ids, interned: keys hold their index. */
  private readonly names = new NameTable();

  /** `capacity`: bytes the buffer grows to by doubling (beyond it, only as much as a line needs). */
  constructor(capacity = Infinity) {
    this.lines = new ByteBuffer(INITIAL_BYTES, capacity);
  }

  /** Detections held. */
  get count(): number {
    return this.starts.length;
  }

  /** Bytes of JSON held. */
  get bytes(): number {
    return this.lines.length;
  }

  /** Adds a detection. */
  add(d: Detection): void {
    this.starts.push(this.lines.length);
    this.lines.appendText(encodeDetection(d));
    this.addKeys(d.timestamp, d.recordId, d.file, d.rule.id);
  }

  /** Adds a detection already encoded: its line is `source[start, end)`; the keys are the detection's. */
  addLine(
    source: Uint8Array,
    start: number,
    end: number,
    timestamp: number,
    recordId: number,
    file: string,
    ruleId: string,
  ): void {
    this.starts.push(this.lines.length);
    this.lines.append(source, start, end);
    this.addKeys(timestamp, recordId, file, ruleId);
  }

  private addKeys(timestamp: number, recordId: number, file: string, ruleId: string): void {
    this.times.push(Number.isFinite(timestamp) ? timestamp : Infinity);
    this.recordIds.push(Number.isFinite(recordId) ? recordId : Infinity);
    this.files.push(this.names.intern(file));
    this.ruleIds.push(this.names.intern(ruleId));
  }

  /** Indexes of the held detections in sort order. */
  private order(): number[] {
    const { times, recordIds, files, ruleIds } = this;
    const names = this.names.names;
    const idx = Array.from({ length: this.count }, (_, i) => i);
    // Array.prototype.sort is stable: equal keys keep insertion order, as sorting the objects did.
    return idx.sort((a, b) => {
      if (times[a] !== times[b]) return times[a]! < times[b]! ? -1 : 1;
      if (files[a] !== files[b]) return names[files[a]!]! < names[files[b]!]! ? -1 : 1;
      if (recordIds[a] !== recordIds[b]) return recordIds[a]! < recordIds[b]! ? -1 : 1;
      if (ruleIds[a] !== ruleIds[b]) return names[ruleIds[a]!]! < names[ruleIds[b]!]! ? -1 : 1;
      return 0;
    });
  }

  private end(i: number): number {
    return i + 1 < this.starts.length ? this.starts[i + 1]! : this.lines.length;
  }

  /** Writes the held lines in sort order through `write`, then empties the run (its buffer is kept). */
  drainTo(write: (bytes: Buffer) => void): void {
    const out = Buffer.allocUnsafe(Math.min(WRITE_BYTES, Math.max(1, this.lines.length)));
    const held = this.lines.view();
    let fill = 0;
    for (const i of this.order()) {
      const start = this.starts[i]!;
      const end = this.end(i);
      if (fill > 0 && fill + end - start > out.length) {
        write(out.subarray(0, fill));
        fill = 0;
      }
      if (end - start > out.length) write(held.subarray(start, end));
      else fill += held.copy(out, fill, start, end);
    }
    if (fill > 0) write(out.subarray(0, fill));
    this.clear();
  }

  /** The held detections in sort order, decoded one at a time; the run is emptied at the end. */
  *drain(rules: ReadonlyMap<string, RuleInfo>): Generator<Detection> {
    for (const i of this.order())
      yield decodeDetection(this.lines.view(this.starts[i], this.end(i)).toString('utf8'), rules);
    this.clear();
  }

  private clear(): void {
    this.lines.clear();
    this.starts = [];
    this.times = [];
    this.recordIds = [];
    this.files = [];
    this.ruleIds = [];
  }
}
