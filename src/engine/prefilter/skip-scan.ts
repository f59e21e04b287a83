// A skipping multi-pattern search (Wu-Manber with 2-character blocks) for small sets of longer ASCII needles,
// such as the keywords a rule looks for in every value of every record. Instead of visiting each character it
// looks at the last two characters of a window as long as the shortest needle and jumps ahead by up to that
// length when they cannot end a needle's prefix. Case is ignored (ASCII letters compare lower-cased).
//
// Only ASCII needles qualify. Text characters compare as their ASCII lower case; the two non-ASCII characters
// whose lower case contains ASCII compare as that letter (U+212A Kelvin sign → k; U+0130 'İ' → i, whose
// combining dot can only follow the end of an ASCII needle), and every other non-ASCII character matches no
// needle. So every needle of the lower-cased text is found (İ may add a harmless extra candidate). Verification work is budgeted at a few steps per character of
// text; hostile text that exceeds it makes collect() give up (-1) so the caller's linear-time automaton runs.

/** Needles eligible for skipping: ASCII, at least this long. */
export const SKIP_MIN_LENGTH = 4;
/** At most this many needles (verification cost per window grows with them). */
export const SKIP_MAX_NEEDLES = 256;
const MAX_NEEDLE_LENGTH = 128;
/** Verification steps allowed per character of text before giving up. */
const VERIFY_BUDGET_PER_CHAR = 8;
/**
 * 2-character blocks are hashed into this many slots (12 KB of tables per scanner instead of 80 KB for all
 * 128 × 128 blocks): colliding blocks share the smaller shift and their candidates, which verification sorts out.
 */
const BLOCKS = 1 << 12;

/** The slot of the block of (lower-cased ASCII) characters a then b: (a << 5) ^ b < 4096 for a, b < 128. */
function blockOf(a: number, b: number): number {
  return (a << 5) ^ b;
}

/** ASCII lower-casing; Kelvin sign → k, İ → i, every other non-ASCII character → 0 (it is in no needle). */
function lowerCode(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c | 0x20 : c;
  if (c === 0x212a) return 107;
  if (c === 0x130) return 105;
  return 0;
}

/** True when the needles can be searched by SkipScanner. */
export function skipScanEligible(needles: readonly string[]): boolean {
  if (needles.length === 0 || needles.length > SKIP_MAX_NEEDLES) return false;
  for (const n of needles) {
    if (n.length < SKIP_MIN_LENGTH || n.length > MAX_NEEDLE_LENGTH) return false;
    for (let i = 0; i < n.length; i++) {
      const c = n.charCodeAt(i);
      if (c >= 128 || c === 0) return false;
    }
  }
  return true;
}

/** Wu-Manber search over lower-cased ASCII needles; ids are indexes into the needle list. */
export class SkipScanner {
  private readonly needles: readonly string[];
  /** Window length: the shortest needle's length. */
  private readonly m: number;
  /** Per 2-character block: how far the window may move when the block ends it. */
  private readonly shift: Uint8Array;
  /** Per block with shift 0: the needles whose first m characters end with it (CSR layout). */
  private readonly candStart: Uint16Array;
  private readonly candNeedle: Uint16Array;
  private readonly stamp: Uint32Array;
  private epoch = 0;

  /** Builds the tables; needles must satisfy skipScanEligible (they are lower-cased here). */
  constructor(needles: readonly string[]) {
    this.needles = needles.map((n) => n.toLowerCase());
    const m = Math.min(...this.needles.map((n) => n.length), 255);
    this.m = m;
    this.shift = new Uint8Array(BLOCKS).fill(m - 1);
    const ends = new Map<number, number[]>();
    this.needles.forEach((needle, id) => {
      for (let j = 0; j <= m - 2; j++) {
        const block = blockOf(needle.charCodeAt(j), needle.charCodeAt(j + 1));
        const s = m - 2 - j;
        if (s < this.shift[block]!) this.shift[block] = s;
      }
      const last = blockOf(needle.charCodeAt(m - 2), needle.charCodeAt(m - 1));
      let list = ends.get(last);
      if (!list) ends.set(last, (list = []));
      list.push(id);
    });
    this.candStart = new Uint16Array(BLOCKS + 1);
    for (const [block, list] of ends) this.candStart[block + 1] = list.length;
    for (let b = 0; b < BLOCKS; b++) this.candStart[b + 1]! += this.candStart[b]!;
    this.candNeedle = new Uint16Array(this.candStart[BLOCKS]!);
    for (const [block, list] of ends) this.candNeedle.set(list, this.candStart[block]!);
    this.stamp = new Uint32Array(needles.length);
  }

  /** Bytes held by the tables (for memory reports). */
  memoryBytes(): number {
    return (
      this.shift.byteLength + this.candStart.byteLength + this.candNeedle.byteLength + this.stamp.byteLength
    );
  }

  /**
   * Writes the ids of the distinct needles occurring in text (ignoring ASCII case) to out and returns the
   * count, or -1 when verification exceeded its budget (use the automaton instead).
   */
  collect(text: string, out: Int32Array): number {
    let epoch = (this.epoch + 1) >>> 0;
    if (epoch === 0) {
      this.stamp.fill(0);
      epoch = 1;
    }
    this.epoch = epoch;
    const r = this.scanInto(text, out, 0, this.stamp, epoch);
    return r < 0 ? -1 : r;
  }

  /**
   * Appends to out (from index n) the needles of text whose `seen` entry is not `epoch`, marking them; returns
   * the new count, or -(count + 1) when verification exceeded its budget (what was appended stays valid).
   */
  scanInto(text: string, out: Int32Array, n: number, seen: Uint32Array, epoch: number): number {
    const length = text.length;
    const m = this.m;
    if (length < m) return n; // most values of a record are shorter than any keyword
    const { shift, candStart, candNeedle, needles } = this;
    let found = n;
    let budget = VERIFY_BUDGET_PER_CHAR * length + 256;
    let i = m - 1;
    while (i < length) {
      const block = blockOf(lowerCode(text.charCodeAt(i - 1)), lowerCode(text.charCodeAt(i)));
      const s = shift[block]!;
      if (s !== 0) {
        i += s;
        continue;
      }
      const start = i - m + 1;
      for (let k = candStart[block]!; k < candStart[block + 1]!; k++) {
        const id = candNeedle[k]!;
        if (seen[id] === epoch) continue;
        const needle = needles[id]!;
        budget -= needle.length;
        if (budget < 0) return -(found + 1);
        if (matchesAt(text, start, needle)) {
          seen[id] = epoch;
          out[found++] = id;
        }
      }
      i++;
    }
    return found;
  }
  /** scanInto over UTF-16LE text in buf[start, end) (an even number of bytes), read where it lies. */
  scanUtf16Into(
    buf: Uint8Array,
    start: number,
    end: number,
    out: Int32Array,
    n: number,
    seen: Uint32Array,
    epoch: number,
  ): number {
    const length = (end - start) >> 1;
    const m = this.m;
    if (length < m) return n;
    const { shift, candStart, candNeedle, needles } = this;
    let found = n;
    let budget = VERIFY_BUDGET_PER_CHAR * length + 256;
    let i = m - 1;
    while (i < length) {
      const p = start + 2 * i;
      const block = blockOf(
        lowerCode(buf[p - 2]! | (buf[p - 1]! << 8)),
        lowerCode(buf[p]! | (buf[p + 1]! << 8)),
      );
      const s = shift[block]!;
      if (s !== 0) {
        i += s;
        continue;
      }
      const at = start + 2 * (i - m + 1);
      for (let k = candStart[block]!; k < candStart[block + 1]!; k++) {
        const id = candNeedle[k]!;
        if (seen[id] === epoch) continue;
        const needle = needles[id]!;
        budget -= needle.length;
        if (budget < 0) return -(found + 1);
        if (matchesAtUtf16(buf, at, end, needle)) {
          seen[id] = epoch;
          out[found++] = id;
        }
      }
      i++;
    }
    return found;
  }
}

/** matchesAt for UTF-16LE text in buf, the needle starting at byte `at`, the text ending at byte `end`. */
function matchesAtUtf16(buf: Uint8Array, at: number, end: number, needle: string): boolean {
  if (at + 2 * needle.length > end) return false;
  for (let j = 0; j < needle.length; j++) {
    const p = at + 2 * j;
    if (lowerCode(buf[p]! | (buf[p + 1]! << 8)) !== needle.charCodeAt(j)) return false;
  }
  return true;
}

/** True when the (lower-cased ASCII) needle occurs at text[start…], ignoring ASCII case. */
function matchesAt(text: string, start: number, needle: string): boolean {
  if (start + needle.length > text.length) return false;
  for (let j = 0; j < needle.length; j++) {
    if (lowerCode(text.charCodeAt(start + j)) !== needle.charCodeAt(j)) return false;
  }
  return true;
}
