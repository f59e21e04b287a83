// Detections in a stable order (time, then file, then record, then rule) with bounded memory: up to
// `runSize` detections are sorted in memory; beyond that sorted runs are spilled to temporary JSONL files
// and merged at the end.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection, RuleInfo } from '../engine/types.js';
import { batchLineStart, type DetectionBatch } from './detection-batch.js';
import { decodeDetection, LineRun } from './line-run.js';

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
        this.head = decodeDetection(line, this.rules);
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

/**
 * Collects detections and hands them back sorted; spills to disk beyond `runSize` detections or `runBytes`
 * held in memory, whichever comes first — detections with long field text (PowerShell script blocks) make a
 * count alone a poor bound. A sorter that may spill holds the detections as JSON lines (line-run.ts), so memory
 * is their text, not object graphs; one without bounds (every detection kept anyway) holds them as objects.
 */
export class DetectionSorter {
  private buffer: Detection[] = [];
  private readonly lines: LineRun | undefined;
  private runs: string[] = [];
  private dir: string | undefined;
  private readonly rules = new Map<string, RuleInfo>();
  count = 0;

  constructor(
    private readonly runSize = 100_000,
    private readonly runBytes = Infinity,
  ) {
    // A sorter that may spill holds lines (the buffer may pass the byte bound by one line before the run is
    // spilled); one that keeps everything holds objects.
    if (runSize !== Infinity || runBytes !== Infinity) this.lines = new LineRun(runBytes + (runBytes >> 2));
  }

  /** Adds one detection. */
  add(d: Detection): void {
    this.count++;
    if (!this.rules.has(d.rule.id)) this.rules.set(d.rule.id, d.rule);
    if (this.lines) {
      this.lines.add(d);
      if (this.lines.count >= this.runSize || this.lines.bytes >= this.runBytes) this.spill(this.lines);
      return;
    }
    this.buffer.push(d);
  }

  /** Adds detection `i` of a batch (the batch's rule ids name rules in `rule`). */
  addFromBatch(batch: DetectionBatch, i: number, rule: RuleInfo): void {
    this.count++;
    if (!this.rules.has(rule.id)) this.rules.set(rule.id, rule);
    if (!this.lines) {
      const start = batchLineStart(batch, i);
      const text = Buffer.from(batch.lines.buffer, batch.lines.byteOffset + start, batch.ends[i]! - start);
      this.buffer.push(decodeDetection(text.toString('utf8'), this.rules));
      return;
    }
    this.lines.addLine(
      batch.lines,
      batchLineStart(batch, i),
      batch.ends[i]!,
      batch.timestamps[i]!,
      batch.recordIds[i]!,
      batch.names[batch.fileOf[i]!]!,
      rule.id,
    );
    if (this.lines.count >= this.runSize || this.lines.bytes >= this.runBytes) this.spill(this.lines);
  }

  /** True when detections went to disk (so they are not all held in memory). */
  get spilled(): boolean {
    return this.runs.length > 0;
  }

  private spill(lines: LineRun): void {
    this.dir ??= mkdtempSync(join(tmpdir(), 'dwell-sort-'));
    const path = join(this.dir, `run-${this.runs.length}.jsonl`);
    const fd = openSync(path, 'w');
    try {
      lines.drainTo((bytes) => writeAll(fd, bytes));
    } finally {
      closeSync(fd);
    }
    this.runs.push(path);
  }

  /** The detections still in memory, in order. */
  private *inMemory(): Generator<Detection> {
    if (this.lines) yield* this.lines.drain(this.rules);
    else {
      this.buffer.sort(compareDetections);
      yield* this.buffer;
    }
  }

  /** Every detection in order; call once, at the end. Removes the temporary files when done. */
  *sorted(): Generator<Detection> {
    const memory = this.inMemory();
    if (this.runs.length === 0) {
      yield* memory;
      return;
    }
    try {
      const readers = this.runs.map((p) => new RunReader(p, this.rules));
      let mem = memory.next();
      for (;;) {
        let best: RunReader | undefined;
        for (const r of readers) if (r.head && (!best || compareDetections(r.head, best.head!) < 0)) best = r;
        if (!mem.done && (!best || compareDetections(mem.value, best.head!) <= 0)) {
          yield mem.value;
          mem = memory.next();
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

/** Writes all of `bytes` at the file's current position. */
function writeAll(fd: number, bytes: Buffer): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}
