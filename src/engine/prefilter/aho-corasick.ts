// A multi-pattern string automaton (Aho-Corasick): built once over many needles, it scans a string in one pass
// and reports every needle that occurs in it, ignoring case. Time is linear in the text (plus the matches), so
// hostile event values cannot make it slow.
//
// Case: needles are lower-cased once; ASCII letters of the text share their lower-case letter's class, so
// ASCII text (nearly all event text) is scanned as written, without a lower-cased copy. At the first non-ASCII
// character the rest of the text is lower-cased (character-wise lower-casing equals String#toLowerCase except
// for the final sigma, which is folded with σ), so a needle is found exactly when it occurs in the lower-cased
// text — or, for ς/σ, in a superset of it.
//
// Layout: the alphabet is compressed into classes (one per character that appears in some needle, plus class
// 0 for every other character, which always leads back to the root). ASCII classes come first: the shallowest
// states (numbered in breadth-first order) get a full transition row over them — a DFA where the scan never
// follows failure links — within a fixed cell budget (16-bit cells while the automaton has < 32,768 states:
// a cell holds the target state and a "some needle ends there" bit).
// Non-ASCII characters of needles (rare in event text) and states beyond the budget use their own children
// plus failure links. Memory is bounded by the needles' total length plus the budget.
//
// Memory (a rule set builds a few hundred automata per worker): per-state tables are 16-bit while states,
// needles and classes fit (nearly always), the per-state scan stamps are one scratch array shared by every
// automaton of the thread (scans never interleave), and the skip scanner is built on the first collect (the
// rule items' automata only ever ask containsAny/scan).

import { SkipScanner, skipScanEligible } from './skip-scan.js';
import { breadthFirstRank, buildNeedleTrie, classOfChar } from './aho-corasick-trie.js';

/** Options for building an automaton. */
export interface AhoCorasickOptions {
  /** Upper bound on dense transition cells (4 bytes each); deeper states fall back to sparse children. */
  readonly denseCellBudget?: number;
}

// 64 Ki cells (128 KB of 16-bit cells): measured on the SigmaHQ tree, larger rows bought no speed (4 Mi cells:
// 46 MB of automata per worker; 256 Ki cells: 3 MB more per worker than 64 Ki, same CPU within noise on the
// bench:rules corpus and dense-32) — the deep states they cover are rarely visited and big tables miss the cache.
const DEFAULT_DENSE_CELLS = 1 << 16;

const NONE = -1;
/** matchAt value for "no needle ends here": the root never ends one (empty needles are kept apart). */
const NO_MATCH = 0;

/** A table of state numbers, needle ids or classes: 16-bit (classes: 8-bit) when every value fits. */
type Cells = Uint16Array | Int32Array;
type ClassCells = Uint8Array | Uint16Array | Int32Array;

/**
 * Per-state "already reported in this scan" stamps, shared by every automaton of the thread: a scan runs to its
 * end before the next one starts, so one array sized for the largest automaton serves all of them.
 */
let stateStamp = new Uint32Array(0);
let stateEpoch = 0;

/** Advances the shared stamp epoch (growing the array to `states`) and returns the new epoch. */
function nextStateEpoch(states: number): number {
  if (stateStamp.length < states) {
    stateStamp = new Uint32Array(Math.max(states, stateStamp.length * 2));
    stateEpoch = 0;
  }
  let epoch = (stateEpoch + 1) >>> 0;
  if (epoch === 0) {
    stateStamp.fill(0);
    epoch = 1;
  }
  stateEpoch = epoch;
  return epoch;
}

/** An immutable Aho-Corasick automaton over lower-cased needles; needle ids are their indexes in the input. */
export class AhoCorasick {
  /** The needles as given (already lower-cased by the caller; the automaton lower-cases them again). */
  readonly needles: readonly string[];
  /** Number of automaton states (the root is state 0). */
  readonly stateCount: number;
  /** Number of states that have a dense transition row. */
  readonly denseStates: number;

  private readonly asciiClass: Int32Array;
  private readonly otherClass: Map<number, number>;
  /** Width of a dense row: class 0 plus the ASCII classes. */
  private readonly denseWidth: number;
  private readonly dense: Cells;
  private readonly childStart: Cells;
  /** Class of each child edge; the edge k leads to state k + 1 (see step 4 of the constructor). */
  private readonly childClass: ClassCells;
  private readonly fail: Cells;
  /**
   * First state on the failure chain (itself included) that ends a needle, or NO_MATCH; the next one after a
   * state t that ends a needle (its dictionary link) is matchAt[fail[t]].
   */
  private readonly matchAt: Cells;
  private readonly outStart: Cells;
  private readonly outNeedle: Cells;
  /** Needles of length 0: present in every scanned text. */
  private readonly emptyNeedles: readonly number[];
  /** Buffer of `collect`: the distinct needles found by the last call. */
  readonly found: Int32Array;
  /** The shared stamp epoch of the current collect (see stateStamp). */
  private epoch = 0;
  /** Per needle: the collect/collectAll call that last reported it. */
  private needleSeen: Uint32Array | undefined;
  private needleEpoch = 0;
  /** State of a collection begun by beginCollect. */
  private pendingEpoch = 0;
  private pendingCount = 0;
  /** Skipping search used by collect() for small sets of longer ASCII needles (built on first use). */
  private skip: SkipScanner | undefined;
  private readonly skipEligible: boolean;

  /** Builds the automaton; cost is linear in the needles' total length (times the class count for dense rows). */
  constructor(needles: readonly string[], options: AhoCorasickOptions = {}) {
    this.needles = needles;
    const lowered = needles.map((n) => n.toLowerCase());

    // 1-3. Alphabet classes, the trie and its breadth-first numbering (aho-corasick-trie.ts).
    const trie = buildNeedleTrie(lowered);
    const { classCount, parentOf, classAt, endState, endNeedle } = trie;
    this.asciiClass = trie.asciiClass;
    this.otherClass = trie.otherClass;
    this.denseWidth = trie.asciiWidth;
    this.emptyNeedles = trie.empty;
    this.found = new Int32Array(needles.length);
    this.skipEligible = skipScanEligible(lowered);
    const n = parentOf.length;
    this.stateCount = n;
    const narrow = n < 65_536 && needles.length < 65_536 && classCount < 65_536;
    const cells = (length: number): Cells => (narrow ? new Uint16Array(length) : new Int32Array(length));
    const rank = breadthFirstRank(trie.depthOf);

    // 4. Sparse children (by new number, in CSR layout) and outputs. States were created in depth-first
    //    (pre)order and are ranked by depth, ties in creation order: so the children of a state are
    //    consecutive, in the order of their parents' ranks, and edge k (in CSR order) leads to state k + 1 —
    //    no target table is stored.
    this.childStart = cells(n + 1);
    for (let s = 1; s < n; s++) this.childStart[rank[parentOf[s]!] + 1]++;
    for (let i = 0; i < n; i++) this.childStart[i + 1] += this.childStart[i];
    const edges = this.childStart[n];
    this.childClass =
      classCount < 256
        ? new Uint8Array(edges)
        : classCount < 65_536
          ? new Uint16Array(edges)
          : new Int32Array(edges);
    const childFill = this.childStart.slice(0, n);
    for (let s = 1; s < n; s++) {
      const k = childFill[rank[parentOf[s]!]]++;
      if (rank[s] !== k + 1) throw new Error('aho-corasick: states not in breadth-first child order');
      this.childClass[k] = classAt[s]!;
    }
    this.outStart = cells(n + 1);
    for (const s of endState) this.outStart[rank[s] + 1]++;
    for (let i = 0; i < n; i++) this.outStart[i + 1] += this.outStart[i];
    this.outNeedle = cells(this.outStart[n]);
    const outFill = this.outStart.slice(0, n);
    for (let e = 0; e < endState.length; e++) this.outNeedle[outFill[rank[endState[e]!]]++] = endNeedle[e]!;

    // 5. Failure links and first matches, in breadth-first order (a state's fail target is always shallower).
    this.fail = cells(n);
    this.matchAt = cells(n);
    for (let s = 0; s < n; s++) {
      for (let k = this.childStart[s]; k < this.childStart[s + 1]; k++) {
        this.fail[k + 1] = s === 0 ? 0 : this.gotoSparse(this.fail[s], this.childClass[k]);
      }
      if (s !== 0) {
        this.matchAt[s] = this.outStart[s + 1] > this.outStart[s] ? s : this.matchAt[this.fail[s]];
      }
    }

    // 6. Dense rows (ASCII classes) for the shallowest states within the budget.
    const width = this.denseWidth;
    const budget = Math.max(width, options.denseCellBudget ?? DEFAULT_DENSE_CELLS);
    const denseStates = Math.min(n, Math.floor(budget / width));
    this.denseStates = denseStates;
    // A cell holds (target << 1) | 1 when a needle ends at the target (or on its failure chain), so the scan
    // loop tests one bit of the value it loaded instead of loading matchAt for every character.
    this.dense =
      n < 32_768 && narrow ? new Uint16Array(denseStates * width) : new Int32Array(denseStates * width);
    for (let s = 0; s < denseStates; s++) {
      const row = s * width;
      // A state's failure target is shallower, hence numbered lower and already dense.
      if (s !== 0) this.dense.copyWithin(row, this.fail[s] * width, this.fail[s] * width + width);
      for (let k = this.childStart[s]; k < this.childStart[s + 1]; k++) {
        const cls = this.childClass[k];
        if (cls < width) this.dense[row + cls] = ((k + 1) << 1) | (this.matchAt[k + 1] !== NO_MATCH ? 1 : 0);
      }
    }
  }

  /** Number of needles. */
  get size(): number {
    return this.needles.length;
  }

  /** Calls onMatch(needleId) for every occurrence of every needle in text (a needle may be reported repeatedly). */
  scan(text: string, onMatch: (needle: number) => void): void {
    for (const id of this.emptyNeedles) onMatch(id);
    const { asciiClass, dense, denseWidth, denseStates, matchAt, fail, outStart, outNeedle } = this;
    let state = 0;
    let s = text;
    let lowered = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 && !lowered) {
        s = s.slice(i).toLowerCase(); // see the header: only non-ASCII text pays for a lower-cased copy
        lowered = true;
        i = -1;
        continue;
      }
      if (c < 128 && state < denseStates) state = dense[state * denseWidth + asciiClass[c]] >>> 1;
      else state = this.step(state, c);
      let t = matchAt[state];
      while (t !== NO_MATCH) {
        for (let k = outStart[t]; k < outStart[t + 1]; k++) onMatch(outNeedle[k]);
        t = matchAt[fail[t]];
      }
    }
  }

  /**
   * Writes the ids of the distinct needles occurring in text to `found` (from index 0; valid until the next
   * call) and returns how many. No callback and no allocation: the prefilter's per-record path.
   */
  collect(text: string): number {
    return this.collectInto(text, 0, this.nextNeedleEpoch());
  }

  /** Like collect, over several texts at once (a record's values): each needle is reported once. */
  collectAll(texts: readonly string[]): number {
    const epoch = this.nextNeedleEpoch();
    let n = 0;
    for (let i = 0; i < texts.length; i++) n = this.collectInto(texts[i]!, n, epoch);
    return n;
  }

  private nextNeedleEpoch(): number {
    let seen = this.needleSeen;
    if (!seen) seen = this.needleSeen = new Uint32Array(this.needles.length);
    let epoch = (this.needleEpoch + 1) >>> 0;
    if (epoch === 0) {
      seen.fill(0);
      epoch = 1;
    }
    this.needleEpoch = epoch;
    return epoch;
  }

  /**
   * Starts a collection over texts handed in piecemeal (addText, addUtf16): each needle is reported once, in
   * `found`, until the next collect/collectAll/beginCollect; collected() tells how many.
   */
  beginCollect(): void {
    this.pendingEpoch = this.nextNeedleEpoch();
    this.pendingCount = 0;
  }

  /** Adds the needles of one text to the collection begun by beginCollect. */
  addText(text: string): void {
    this.pendingCount = this.collectInto(text, this.pendingCount, this.pendingEpoch);
  }

  /**
   * Adds the needles of UTF-16LE text held in buf[start, end) (an odd last byte is ignored): an EVTX string
   * value scanned where it lies, without building a JS string unless a non-ASCII character shows up.
   */
  addUtf16(buf: Buffer, start: number, end: number): void {
    this.pendingCount = this.collectUtf16Into(buf, start, end, this.pendingCount, this.pendingEpoch);
  }

  /** Number of distinct needles in `found` since beginCollect. */
  collected(): number {
    return this.pendingCount;
  }

  /** Reports the needles of length 0 (they occur in every text) not yet reported in this epoch. */
  private collectEmpty(n: number, needleEpoch: number): number {
    const seen = this.needleSeen!;
    const empty = this.emptyNeedles;
    for (let i = 0; i < empty.length; i++) {
      const id = empty[i];
      if (seen[id] !== needleEpoch) {
        seen[id] = needleEpoch;
        this.found[n++] = id;
      }
    }
    return n;
  }

  /** Appends the needles of text not yet reported in this epoch to `found` from index n; returns the new n. */
  private collectInto(text: string, n: number, needleEpoch: number): number {
    n = this.collectEmpty(n, needleEpoch);
    const skip = this.skipScanner();
    if (skip) {
      const r = skip.scanInto(text, this.found, n, this.needleSeen!, needleEpoch);
      if (r >= 0) return r;
      n = -r - 1; // over its budget: keep what it verified, let the automaton finish
    }
    this.nextStateEpoch();
    return this.run(text, 0, n, needleEpoch);
  }

  /** collectInto for UTF-16LE bytes (see addUtf16). */
  private collectUtf16Into(buf: Buffer, start: number, end: number, n: number, needleEpoch: number): number {
    if (end > buf.length) end = buf.length;
    if (end < start) end = start;
    end -= (end - start) & 1;
    n = this.collectEmpty(n, needleEpoch);
    const skip = this.skipScanner();
    if (skip) {
      const r = skip.scanUtf16Into(buf, start, end, this.found, n, this.needleSeen!, needleEpoch);
      if (r >= 0) return r;
      n = -r - 1;
    }
    this.nextStateEpoch();
    const { asciiClass, dense, denseWidth, denseStates } = this;
    let state = 0;
    for (let p = start; p < end; p += 2) {
      const c = buf[p] | (buf[p + 1] << 8);
      if (c >= 128) {
        // The rest as a lower-cased string, continuing from the current state (as collectInto does).
        return this.run(buf.toString('utf16le', p, end).toLowerCase(), state, n, needleEpoch, true);
      }
      if (state < denseStates) {
        const cell = dense[state * denseWidth + asciiClass[c]];
        state = cell >>> 1;
        if ((cell & 1) !== 0) n = this.report(state, n, needleEpoch);
      } else {
        state = this.step(state, c);
        if (this.matchAt[state] !== NO_MATCH) n = this.report(state, n, needleEpoch);
      }
    }
    return n;
  }

  private nextStateEpoch(): void {
    this.epoch = nextStateEpoch(this.stateCount);
  }

  /** The skip scanner, built the first time a collect needs it (undefined when the needles do not qualify). */
  private skipScanner(): SkipScanner | undefined {
    if (this.skip === undefined && this.skipEligible) this.skip = new SkipScanner(this.needles);
    return this.skip;
  }

  /** Reports the needles ending at state (its dictionary chain) not yet reported; returns the new n. */
  private report(state: number, n: number, needleEpoch: number): number {
    const stamp = stateStamp;
    const epoch = this.epoch;
    const seen = this.needleSeen!;
    const found = this.found;
    const { matchAt, fail, outStart, outNeedle } = this;
    // A state's dictionary chain is reported whole the first time, so a stamped state ends the walk.
    let t = matchAt[state];
    while (t !== NO_MATCH && stamp[t] !== epoch) {
      stamp[t] = epoch;
      for (let k = outStart[t]; k < outStart[t + 1]; k++) {
        const id = outNeedle[k];
        if (seen[id] !== needleEpoch) {
          seen[id] = needleEpoch;
          found[n++] = id;
        }
      }
      t = matchAt[fail[t]];
    }
    return n;
  }

  /** The automaton loop of collectInto from a given state (state stamps already advanced). */
  private run(text: string, from: number, n: number, needleEpoch: number, lowered = false): number {
    const { asciiClass, dense, denseWidth, denseStates, matchAt } = this;
    let state = from;
    let s = text;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 && !lowered) {
        s = s.slice(i).toLowerCase(); // see the header: only non-ASCII text pays for a lower-cased copy
        lowered = true;
        i = -1;
        continue;
      }
      if (c < 128 && state < denseStates) {
        const cell = dense[state * denseWidth + asciiClass[c]];
        state = cell >>> 1;
        if ((cell & 1) !== 0) n = this.report(state, n, needleEpoch);
      } else {
        state = this.step(state, c);
        if (matchAt[state] !== NO_MATCH) n = this.report(state, n, needleEpoch);
      }
    }
    return n;
  }

  /** True when some needle occurs in text; stops at the first occurrence (no callback, no allocation). */
  containsAny(text: string): boolean {
    if (this.emptyNeedles.length > 0) return true;
    const { asciiClass, dense, denseWidth, denseStates, matchAt } = this;
    let state = 0;
    let s = text;
    let lowered = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 && !lowered) {
        s = s.slice(i).toLowerCase(); // see the header: only non-ASCII text pays for a lower-cased copy
        lowered = true;
        i = -1;
        continue;
      }
      if (c < 128 && state < denseStates) {
        const cell = dense[state * denseWidth + asciiClass[c]];
        if ((cell & 1) !== 0) return true;
        state = cell >>> 1;
      } else {
        state = this.step(state, c);
        if (matchAt[state] !== NO_MATCH) return true;
      }
    }
    return false;
  }

  /** The ids of the distinct needles that occur in text, in ascending order. */
  findAll(text: string): number[] {
    const seen = new Set<number>();
    this.scan(text, (id) => seen.add(id));
    return [...seen].sort((a, b) => a - b);
  }

  /** Bytes held by the automaton's tables (for memory reports). */
  memoryBytes(): number {
    return (
      (this.skip?.memoryBytes() ?? 0) +
      this.dense.byteLength +
      this.childStart.byteLength +
      this.childClass.byteLength +
      this.fail.byteLength +
      this.matchAt.byteLength +
      this.outStart.byteLength +
      this.outNeedle.byteLength +
      this.asciiClass.byteLength +
      this.otherClass.size * 16
    );
  }

  private classOf(c: number): number {
    return classOfChar(this.asciiClass, this.otherClass, c);
  }

  /** The slow transition: a non-ASCII character, or a state without a dense row (children, then failure links). */
  private step(state: number, c: number): number {
    const cls = this.classOf(c);
    if (cls === 0) return 0; // a character of no needle: back to the root
    let s = state;
    for (;;) {
      if (cls < this.denseWidth && s < this.denseStates) return this.dense[s * this.denseWidth + cls] >>> 1;
      const child = this.childOf(s, cls);
      if (child !== NONE) return child;
      if (s === 0) return 0;
      s = this.fail[s];
    }
  }

  /** Transition using only sparse children and failure links (used while building). */
  private gotoSparse(state: number, cls: number): number {
    let s = state;
    for (;;) {
      const child = this.childOf(s, cls);
      if (child !== NONE) return child;
      if (s === 0) return 0;
      s = this.fail[s];
    }
  }

  private childOf(state: number, cls: number): number {
    for (let k = this.childStart[state]; k < this.childStart[state + 1]; k++) {
      if (this.childClass[k] === cls) return k + 1;
    }
    return NONE;
  }
}
