// Detections in a stable order (time, then file, then record, then rule) with bounded memory: up to
// `runSize` detections are sorted in memory; beyond that sorted runs are spilled to temporary JSONL files
// and merged at the end.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection, RuleInfo } from '../engine/types.js';

/** The order of every output: time (records without time last), file, record id, rule id. */
export function compareDetections(a: Detection, b: Detection): number {
  const ta = Number.isFinite(a.timestamp) ? a.timestamp : Infinity;
  const tb = Number.isFinite(b.timestamp) ? b.timestamp : Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const ra = Number.isFinite(a.recordId) ? a.recordId : Infinity;
  const rb = Number.isFinite(b.recordId) ? b.recordId : Infinity;
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a.rule.id !== b.rule.id) return a.rule.id < b.rule.id ? -1 : 1;
  return 0;
}

/** A detection as stored in a run file: the rule by id (rules are kept once, in memory). */
type StoredDetection = Omit<Detection, 'rule' | 'timestamp' | 'eventId' | 'recordId'> & {
  r: string;
  t: number | null;
  e: number | null;
  n: number | null;
};

const numOrNull = (x: number) => (Number.isFinite(x) ? x : null);
const nullToNaN = (x: number | null) => (x === null ? NaN : x);

/**
 * Read buffer of one run (grown when a line does not fit): small, because a long hunt merges one run per
 * 8 MB of detections and every run is read at once (1 MiB each was ~70 MB at the end of a 4 GiB hunt).
 */
const RUN_READ_BYTES = 64 * 1024;

/** Reads a run file line by line with a fixed buffer. */
class RunReader {
  private fd: number;
  private buf = Buffer.alloc(RUN_READ_BYTES);
  private start = 0;
  private end = 0;
  private done = false;
  head: Detection | undefined;

  constructor(
    path: string,
    private readonly rules: Map<string, RuleInfo>,
  ) {
    this.fd = openSync(path, 'r');
    this.advance();
  }

  advance(): void {
    for (;;) {
      const nl = this.buf.indexOf(0x0a, this.start);
      if (nl >= 0 && nl < this.end) {
        const line = this.buf.toString('utf8', this.start, nl);
        this.start = nl + 1;
        const s = JSON.parse(line) as StoredDetection;
        const { r, t, e, n, ...rest } = s;
        this.head = {
          ...rest,
          rule: this.rules.get(r)!,
          timestamp: nullToNaN(t),
          eventId: nullToNaN(e),
          recordId: nullToNaN(n),
        };
        return;
      }
      if (this.done) {
        this.head = undefined;
        closeSync(this.fd);
        return;
      }
      // Compact, grow if one line does not fit, then read more.
      this.buf.copy(this.buf, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      if (this.end === this.buf.length) {
        const bigger = Buffer.alloc(this.buf.length * 2);
        this.buf.copy(bigger, 0, 0, this.end);
        this.buf = bigger;
      }
      const n = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (n === 0) this.done = true;
      this.end += n;
    }
  }
}

/** Heap bytes a detection takes besides its field text (object, strings of the record, array slot). */
const DETECTION_OVERHEAD_BYTES = 400;

/** Rough heap bytes of a detection: its field text (two bytes a character at worst) plus a fixed part. */
function detectionBytes(d: Detection): number {
  let n = DETECTION_OVERHEAD_BYTES + 2 * (d.host.length + d.file.length + d.channel.length);
  for (const k in d.fields) n += 2 * (k.length + d.fields[k]!.length) + 32;
  return n;
}

/**
 * Collects detections and hands them back sorted; spills to disk beyond `runSize` detections or `runBytes`
 * (estimated) held in memory, whichever comes first — detections with long field text (PowerShell script
 * blocks) make a count alone a poor bound.
 */
export class DetectionSorter {
  private buffer: Detection[] = [];
  private bufferBytes = 0;
  private runs: string[] = [];
  private dir: string | undefined;
  private readonly rules = new Map<string, RuleInfo>();
  count = 0;

  constructor(
    private readonly runSize = 100_000,
    private readonly runBytes = Infinity,
  ) {}

  /** Adds one detection. */
  add(d: Detection): void {
    this.count++;
    this.buffer.push(d);
    if (this.runBytes !== Infinity) this.bufferBytes += detectionBytes(d);
    if (this.buffer.length >= this.runSize || this.bufferBytes >= this.runBytes) this.spill();
  }

  /** True when detections went to disk (so they are not all held in memory). */
  get spilled(): boolean {
    return this.runs.length > 0;
  }

  private spill(): void {
    this.buffer.sort(compareDetections);
    this.dir ??= mkdtempSync(join(tmpdir(), 'dwell-sort-'));
    const path = join(this.dir, `run-${this.runs.length}.jsonl`);
    const fd = openSync(path, 'w');
    let chunk: string[] = [];
    let size = 0;
    for (const d of this.buffer) {
      if (!this.rules.has(d.rule.id)) this.rules.set(d.rule.id, d.rule);
      const { rule, timestamp, eventId, recordId, ...rest } = d;
      const line =
        JSON.stringify({
          ...rest,
          r: rule.id,
          t: numOrNull(timestamp),
          e: numOrNull(eventId),
          n: numOrNull(recordId),
        }) + '\n';
      chunk.push(line);
      size += line.length;
      if (size > 1 << 20) {
        writeSync(fd, chunk.join(''));
        chunk = [];
        size = 0;
      }
    }
    if (chunk.length) writeSync(fd, chunk.join(''));
    closeSync(fd);
    this.runs.push(path);
    this.buffer = [];
    this.bufferBytes = 0;
  }

  /** Every detection in order; call once, at the end. Removes the temporary files when done. */
  *sorted(): Generator<Detection> {
    this.buffer.sort(compareDetections);
    if (this.runs.length === 0) {
      yield* this.buffer;
      return;
    }
    try {
      const readers = this.runs.map((p) => new RunReader(p, this.rules));
      let memIndex = 0;
      for (;;) {
        let best: RunReader | undefined;
        for (const r of readers) if (r.head && (!best || compareDetections(r.head, best.head!) < 0)) best = r;
        const mem = this.buffer[memIndex];
        if (mem && (!best || compareDetections(mem, best.head!) <= 0)) {
          memIndex++;
          yield mem;
          continue;
        }
        if (!best) break;
        const d = best.head!;
        best.advance();
        yield d;
      }
    } finally {
      if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
