// A set of record ids kept as closed ranges [lo, hi], for StaleCopyFilter: add a chunk's range, ask whether a
// carved record's id falls in any range added so far.
//
// A healthy file's chunks hold consecutive ids, so its ranges join into the one open range kept aside. A hostile
// file can make every chunk's range disjoint and out of order (tens of thousands of ranges in a large file):
// looking each carved record up range by range was quadratic in the file size (65,536 chunks: about 3 minutes).
// Closed ranges therefore live in a few sorted runs whose sizes at least double from the newest to the oldest
// (a new range is a run of one; runs of comparable size are merged): adding n ranges costs O(n log n) element
// moves in all, a lookup bisects each of the O(log n) runs.

/** Closed ranges of integers with membership tests. */
export class IdRanges {
  /** The latest range, still growing while added ranges continue it. */
  private openLo = 0;
  private openHi = -1;
  /** Sorted runs of disjoint ranges as [lo0, hi0, lo1, hi1, ...], longest (oldest) first. */
  private readonly runs: number[][] = [];

  /** Number of ranges held (merged ranges count once; for tests and memory reports). */
  get size(): number {
    let n = this.openLo <= this.openHi ? 1 : 0;
    for (const run of this.runs) n += run.length / 2;
    return n;
  }

  /** Adds [lo, hi] (ignored when lo > hi). */
  add(lo: number, hi: number): void {
    if (!(lo <= hi)) return;
    // The usual case: the next chunk continues the previous one.
    if (this.openLo <= this.openHi && this.openLo <= lo && this.openHi + 1 >= lo) {
      this.openHi = Math.max(this.openHi, hi);
      return;
    }
    if (this.openLo <= this.openHi) this.pushRun([this.openLo, this.openHi]);
    this.openLo = lo;
    this.openHi = hi;
  }

  /** True when id lies in some range added so far. */
  has(id: number): boolean {
    if (id >= this.openLo && id <= this.openHi) return true;
    for (const run of this.runs) if (runHas(run, id)) return true;
    return false;
  }

  private pushRun(run: number[]): void {
    const runs = this.runs;
    runs.push(run);
    while (runs.length >= 2 && runs[runs.length - 2]!.length <= 2 * runs[runs.length - 1]!.length) {
      const newer = runs.pop()!;
      const older = runs.pop()!;
      runs.push(mergeRuns(older, newer));
    }
  }
}

/** True when id lies in one of a run's ranges (bisection for the last range starting at or before id). */
function runHas(run: readonly number[], id: number): boolean {
  let a = 0;
  let b = run.length / 2 - 1;
  let found = -1;
  while (a <= b) {
    const m = (a + b) >> 1;
    if (run[2 * m]! <= id) {
      found = m;
      a = m + 1;
    } else b = m - 1;
  }
  return found >= 0 && id <= run[2 * found + 1]!;
}

/** Two sorted runs as one, overlapping and adjacent ranges joined. */
function mergeRuns(x: readonly number[], y: readonly number[]): number[] {
  const out: number[] = [];
  const push = (lo: number, hi: number): void => {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
    else out.push(lo, hi);
  };
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (j >= y.length || (i < x.length && x[i]! <= y[j]!)) {
      push(x[i]!, x[i + 1]!);
      i += 2;
    } else {
      push(y[j]!, y[j + 1]!);
      j += 2;
    }
  }
  return out;
}
