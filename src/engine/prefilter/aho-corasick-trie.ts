// The first half of building an Aho-Corasick automaton (aho-corasick.ts): the needles' alphabet compressed into
// classes, the trie of their class sequences, and a breadth-first numbering of its states. The automaton lays
// these out as its transition, failure and output tables.

/** Final sigma (ς) and sigma (σ) are one character for matching: lower-casing picks between them by context. */
export function foldSigma(c: number): number {
  return c === 0x3c2 ? 0x3c3 : c;
}

/** The class of character code `c`: ASCII by table, others (sigma folded) by map; 0 for no needle's character. */
export function classOfChar(
  asciiClass: Int32Array,
  otherClass: ReadonlyMap<number, number>,
  c: number,
): number {
  return c < 128 ? asciiClass[c]! : (otherClass.get(foldSigma(c)) ?? 0);
}

/** The trie over lower-cased needles, states in creation (depth-first) order; state 0 is the root. */
export interface NeedleTrie {
  /** Class of each ASCII code (upper-case letters share their lower-case letter's class); 0: no needle has it. */
  readonly asciiClass: Int32Array;
  /** Classes of non-ASCII characters (sigma folded), numbered after the ASCII ones. */
  readonly otherClass: Map<number, number>;
  /** Class 0 plus the ASCII classes: the width of a dense transition row. */
  readonly asciiWidth: number;
  readonly classCount: number;
  /** Per state: its parent, the class of the edge from the parent, and its depth. */
  readonly parentOf: readonly number[];
  readonly classAt: readonly number[];
  readonly depthOf: readonly number[];
  /** The state where each non-empty needle ends, and that needle's id, pairwise. */
  readonly endState: readonly number[];
  readonly endNeedle: readonly number[];
  /** Ids of the empty needles. */
  readonly empty: readonly number[];
}

/** Builds the trie; cost is linear in the needles' total length (plus sorting them). */
export function buildNeedleTrie(lowered: readonly string[]): NeedleTrie {
  // 1. Alphabet classes.
  const asciiClass = new Int32Array(128);
  const otherClass = new Map<number, number>();
  let classCount = 1;
  for (const needle of lowered) {
    for (let i = 0; i < needle.length; i++) {
      const c = needle.charCodeAt(i);
      if (c < 128 && asciiClass[c] === 0) asciiClass[c] = classCount++;
    }
  }
  const asciiWidth = classCount;
  // Upper-case ASCII letters behave as their lower-case letters.
  for (let c = 65; c <= 90; c++) asciiClass[c] = asciiClass[c + 32]!;
  for (const needle of lowered) {
    for (let i = 0; i < needle.length; i++) {
      const c = foldSigma(needle.charCodeAt(i));
      if (c >= 128 && !otherClass.has(c)) otherClass.set(c, classCount++);
    }
  }

  // 2. Trie over the needles sorted by their class sequences: a needle shares with the previous one exactly
  //    their common prefix, so each state is created once, as (parent, class), without a map per state.
  // A class is one UTF-16 unit of the key, or two when there are more classes than units (never in practice).
  const unit = classCount > 0xffff ? 2 : 1;
  const keys = lowered.map((needle) => {
    let key = '';
    for (let i = 0; i < needle.length; i++) {
      const cls = classOfChar(asciiClass, otherClass, needle.charCodeAt(i));
      key += unit === 1 ? String.fromCharCode(cls) : String.fromCharCode(cls >>> 16, cls & 0xffff);
    }
    return key;
  });
  const sorted = keys
    .map((_, id) => id)
    .sort((x, y) => (keys[x]! < keys[y]! ? -1 : keys[x]! > keys[y]! ? 1 : x - y));
  const parentOf: number[] = [0];
  const classAt: number[] = [0];
  const depthOf: number[] = [0];
  const endState: number[] = [];
  const endNeedle: number[] = [];
  const empty: number[] = [];
  const path: number[] = [0];
  let previous = '';
  for (const id of sorted) {
    const key = keys[id]!;
    if (key.length === 0) {
      empty.push(id);
      continue;
    }
    let common = 0;
    const limit = Math.min(key.length, previous.length);
    while (common < limit && key.charCodeAt(common) === previous.charCodeAt(common)) common++;
    common = (common - (common % unit)) / unit;
    let state = path[common]!;
    for (let d = common; d < key.length / unit; d++) {
      const next = parentOf.length;
      parentOf.push(state);
      classAt.push(
        unit === 1 ? key.charCodeAt(d) : key.charCodeAt(2 * d) * 0x10000 + key.charCodeAt(2 * d + 1),
      );
      depthOf.push(d + 1);
      path[d + 1] = next;
      state = next;
    }
    endState.push(state);
    endNeedle.push(id);
    previous = key;
  }
  return {
    asciiClass,
    otherClass,
    asciiWidth,
    classCount,
    parentOf,
    classAt,
    depthOf,
    endState,
    endNeedle,
    empty,
  };
}

/**
 * 3. Breadth-first renumbering (by depth, a counting sort, ties in creation order), so that shallow (hot) states
 * get the dense rows: the new number of each state.
 */
export function breadthFirstRank(depthOf: readonly number[]): Int32Array {
  const n = depthOf.length;
  let maxDepth = 0;
  for (let s = 0; s < n; s++) if (depthOf[s]! > maxDepth) maxDepth = depthOf[s]!;
  const atDepth = new Int32Array(maxDepth + 2);
  for (let s = 0; s < n; s++) atDepth[depthOf[s]! + 1]++;
  for (let d = 0; d <= maxDepth; d++) atDepth[d + 1] += atDepth[d]!;
  const rank = new Int32Array(n);
  for (let s = 0; s < n; s++) rank[s] = atDepth[depthOf[s]!]++;
  return rank;
}
