// The relaxed reading of an RE2 pattern that the regex guard (regex-guard.ts) compiles: a tree of character
// sets, concatenations, alternations and repetitions whose language contains every text the pattern matches
// (see regex-guard.ts for the relaxations). Anything outside this reading throws GiveUp.
import {
  GiveUp,
  flagAfter,
  posixClassEnd,
  readEscapedCode,
  readGroupPrefix,
  readQuantifier,
  readQuoted,
  skipUnicodeClassName,
} from './regex-syntax.js';

// The guard catches GiveUp from its own unrolling too; it imports the class from here.
export { GiveUp };

/** Symbols: ASCII codes 0..127, and 128 for every other code point. */
export const NON_ASCII = 128;
export const SYMBOLS = 129;
const MAX_DEPTH = 100;
const MAX_REPEAT = 1_000;

/** One character's possible values: one flag per symbol. */
export type CharSet = Uint8Array;

export type RelaxedNode =
  | { readonly kind: 'set'; readonly set: CharSet }
  | { readonly kind: 'cat'; readonly items: readonly RelaxedNode[] }
  | { readonly kind: 'alt'; readonly items: readonly RelaxedNode[] }
  | { readonly kind: 'rep'; readonly item: RelaxedNode; readonly min: number; readonly max: number }
  /** A zero-width assertion: start or end of the text, or another (line anchors, word boundaries). */
  | { readonly kind: 'assert'; readonly at: 'start' | 'end' | 'other' };

const EMPTY: RelaxedNode = { kind: 'cat', items: [] };

function newSet(): CharSet {
  return new Uint8Array(SYMBOLS);
}

function setOf(...codes: number[]): CharSet {
  const s = newSet();
  for (const c of codes) s[c] = 1;
  return s;
}

function rangeSet(lo: number, hi: number): CharSet {
  const s = newSet();
  for (let c = lo; c <= hi; c++) s[c] = 1;
  return s;
}

function anySet(): CharSet {
  return newSet().fill(1);
}

function complement(set: CharSet): CharSet {
  const s = newSet();
  for (let c = 0; c < NON_ASCII; c++) s[c] = set[c] ? 0 : 1;
  s[NON_ASCII] = 1; // the negation of a set always holds some other code point
  return s;
}

function addAll(into: CharSet, from: CharSet): void {
  for (let c = 0; c < SYMBOLS; c++) if (from[c]) into[c] = 1;
}

const DIGIT = rangeSet(48, 57);
const WORD = (() => {
  const s = rangeSet(48, 57);
  addAll(s, rangeSet(65, 90));
  addAll(s, rangeSet(97, 122));
  s[95] = 1;
  return s;
})();
const SPACE = setOf(9, 10, 12, 13, 32); // RE2's \s (no \v, unlike [[:space:]])

const POSIX: Record<string, () => CharSet> = {
  alnum: () => {
    const s = rangeSet(48, 57);
    addAll(s, rangeSet(65, 90));
    addAll(s, rangeSet(97, 122));
    return s;
  },
  alpha: () => {
    const s = rangeSet(65, 90);
    addAll(s, rangeSet(97, 122));
    return s;
  },
  ascii: () => rangeSet(0, 127),
  blank: () => setOf(9, 32),
  cntrl: () => {
    const s = rangeSet(0, 31);
    s[127] = 1;
    return s;
  },
  digit: () => rangeSet(48, 57),
  graph: () => rangeSet(33, 126),
  lower: () => rangeSet(97, 122),
  print: () => rangeSet(32, 126),
  punct: () => {
    const s = rangeSet(33, 47);
    addAll(s, rangeSet(58, 64));
    addAll(s, rangeSet(91, 96));
    addAll(s, rangeSet(123, 126));
    return s;
  },
  space: () => setOf(9, 10, 11, 12, 13, 32),
  upper: () => rangeSet(65, 90),
  word: () => WORD.slice(),
  xdigit: () => {
    const s = rangeSet(48, 57);
    addAll(s, rangeSet(65, 70));
    addAll(s, rangeSet(97, 102));
    return s;
  },
};

/** Adds the other case of every ASCII letter; a set with a letter may then also match a non-ASCII fold. */
function foldCase(set: CharSet): void {
  let letter = false;
  for (let c = 65; c <= 90; c++) {
    if (set[c] || set[c + 32]) {
      set[c] = 1;
      set[c + 32] = 1;
      letter = true;
    }
  }
  if (letter) set[NON_ASCII] = 1;
}

/** Non-ASCII code points whose case folds reach ASCII letters (ſ→s, K (Kelvin)→k; dotted/dotless i kept too). */
const ASCII_FOLDS: readonly (readonly [number, string])[] = [
  [0x130, 'i'],
  [0x131, 'i'],
  [0x17f, 's'],
  [0x212a, 'k'],
];

/** Under case folding: adds the ASCII letters that non-ASCII code points in [lo, hi] fold to. */
function foldNonAscii(set: CharSet, lo: number, hi: number): void {
  for (const [code, letter] of ASCII_FOLDS) if (code >= lo && code <= hi) set[letter.charCodeAt(0)] = 1;
}

/** Reads RE2 syntax into the relaxed tree; throws GiveUp outside it. */
class Parser {
  private pos = 0;
  private depth = 0;
  /** Characters of a \\Q...\\E run still to be read, one atom each (a quantifier binds to the last only). */
  private readonly queued: number[] = [];

  /** Set when the tree is looser than the pattern on ASCII text too (\p classes). */
  approximate = false;

  constructor(
    private readonly src: string,
    private ci: boolean,
    private multiLine: boolean,
    private dotAll: boolean,
    private readonly clipRepeat?: number,
  ) {}

  parseAll(): RelaxedNode {
    const node = this.alternation();
    if (this.pos !== this.src.length) throw new GiveUp('trailing input');
    return node;
  }

  private alternation(): RelaxedNode {
    const items = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { kind: 'alt', items };
  }

  private sequence(): RelaxedNode {
    const items: RelaxedNode[] = [];
    while (
      this.queued.length > 0 ||
      (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')')
    ) {
      items.push(this.quantified());
    }
    return items.length === 1 ? items[0]! : { kind: 'cat', items };
  }

  private quantified(): RelaxedNode {
    const item = this.atom();
    if (this.queued.length > 0) return item;
    // No quantifier, or a '{' that starts no repetition (read as a literal next).
    const q = readQuantifier(this.src, this.pos);
    if (!q) return item;
    const { min, max } = q.value;
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) throw new GiveUp('bad repetition');
    this.pos = q.pos;
    // Clipped: X{n,m} becomes X{c,} (c = min(n, clip)), a looser language with few positions.
    let [lo, hi] = [min, max];
    if (
      this.clipRepeat !== undefined &&
      (lo > this.clipRepeat || (hi !== Infinity && hi > this.clipRepeat))
    ) {
      lo = Math.min(lo, this.clipRepeat);
      hi = Infinity;
      this.approximate = true;
    }
    if (this.src[this.pos] === '?') this.pos++; // lazy: same language
    // A second quantifier (a '{' only when it reads as one) is not RE2 syntax we follow.
    if (readQuantifier(this.src, this.pos)) throw new GiveUp('stacked repetition');
    return { kind: 'rep', item, min: lo, max: hi };
  }

  private atom(): RelaxedNode {
    if (this.queued.length > 0) return this.literal(this.queued.shift()!);
    const src = this.src;
    const c = src[this.pos]!;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return { kind: 'set', set: this.charClass() };
      case '.': {
        this.pos++;
        const set = anySet();
        if (!this.dotAll) set[10] = 0;
        return { kind: 'set', set };
      }
      case '^':
        this.pos++;
        return { kind: 'assert', at: this.multiLine ? 'other' : 'start' };
      case '$':
        this.pos++;
        return { kind: 'assert', at: this.multiLine ? 'other' : 'end' };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new GiveUp('repetition without operand');
      default: {
        const code = src.codePointAt(this.pos)!;
        this.pos += code > 0xffff ? 2 : 1;
        return this.literal(code);
      }
    }
  }

  private literal(code: number): RelaxedNode {
    const set = setOf(code < NON_ASCII ? code : NON_ASCII);
    if (this.ci) {
      foldNonAscii(set, code, code);
      foldCase(set);
    }
    return { kind: 'set', set };
  }

  private group(): RelaxedNode {
    const src = this.src;
    this.pos++; // (
    if (++this.depth > MAX_DEPTH) throw new GiveUp('too deep');
    const saved = [this.ci, this.multiLine, this.dotAll] as const;
    const prefix = readGroupPrefix(src, this.pos);
    this.pos = prefix.pos;
    const flags = prefix.value;
    if (flags) {
      // Flags: (?flags) holds to the end of the enclosing group; (?flags:re) for re only.
      this.ci = flagAfter(this.ci, flags, 'i');
      this.multiLine = flagAfter(this.multiLine, flags, 'm');
      this.dotAll = flagAfter(this.dotAll, flags, 's');
      if (flags.standalone) {
        this.depth--;
        return EMPTY; // the enclosing group restores the flags when it ends
      }
    }
    const node = this.alternation();
    if (src[this.pos] !== ')') throw new GiveUp('unclosed group');
    this.pos++;
    [this.ci, this.multiLine, this.dotAll] = saved;
    this.depth--;
    return node;
  }

  /** A Perl class (\d \w \s, negated when upper case) or undefined. */
  private static perlClass(c: string): CharSet | undefined {
    switch (c) {
      case 'd':
        return DIGIT.slice();
      case 'w':
        return WORD.slice();
      case 's':
        return SPACE.slice();
      case 'D':
        return complement(DIGIT);
      case 'W':
        return complement(WORD);
      case 'S':
        return complement(SPACE);
      default:
        return undefined;
    }
  }

  /** A single-character escape's code point (shared by atoms and classes), or GiveUp. */
  private escapedCode(c: string): number {
    const code = readEscapedCode(this.src, this.pos, c);
    this.pos = code.pos;
    return code.value;
  }

  private escape(): RelaxedNode {
    const src = this.src;
    const c = src[this.pos + 1];
    if (c === undefined) throw new GiveUp('trailing backslash');
    this.pos += 2;
    const perl = Parser.perlClass(c);
    if (perl) {
      if (this.ci) foldCase(perl); // RE2 folds \w too: it matches the Kelvin sign and 'ſ' under (?i)
      return { kind: 'set', set: perl };
    }
    if (c === 'p' || c === 'P') {
      this.pos = skipUnicodeClassName(src, this.pos);
      this.approximate = true;
      return { kind: 'set', set: anySet() };
    }
    if (c === 'C') return { kind: 'set', set: anySet() };
    if (c === 'A') return { kind: 'assert', at: 'start' };
    if (c === 'z') return { kind: 'assert', at: 'end' };
    if (c === 'b' || c === 'B') return { kind: 'assert', at: 'other' };
    if (c === 'Q') {
      const quoted = readQuoted(src, this.pos);
      this.pos = quoted.pos;
      for (const ch of quoted.value) this.queued.push(ch.codePointAt(0)!);
      return this.queued.length > 0 ? this.literal(this.queued.shift()!) : EMPTY;
    }
    const code = this.escapedCode(c);
    return this.literal(code);
  }

  /** One class member's code point (a literal or an escape), for ranges. */
  private classCode(): number {
    const src = this.src;
    if (src[this.pos] === '\\') {
      const c = src[this.pos + 1];
      if (c === undefined) throw new GiveUp('trailing backslash');
      this.pos += 2;
      return this.escapedCode(c);
    }
    const code = src.codePointAt(this.pos);
    if (code === undefined) throw new GiveUp('unclosed class');
    this.pos += code > 0xffff ? 2 : 1;
    return code;
  }

  private charClass(): CharSet {
    const src = this.src;
    this.pos++; // [
    let negate = false;
    if (src[this.pos] === '^') {
      negate = true;
      this.pos++;
    }
    const set = newSet();
    let first = true;
    for (;;) {
      if (this.pos >= src.length) throw new GiveUp('unclosed class');
      const c = src[this.pos]!;
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === '[' && src[this.pos + 1] === ':') {
        const end = posixClassEnd(src, this.pos);
        let name = src.slice(this.pos + 2, end);
        const negated = name.startsWith('^');
        if (negated) name = name.slice(1);
        const make = POSIX[name];
        if (!make) throw new GiveUp(`POSIX class ${name}`);
        addAll(set, negated ? complement(make()) : make());
        this.pos = end + 2;
        continue;
      }
      if (c === '\\') {
        const e = src[this.pos + 1];
        const perl = e === undefined ? undefined : Parser.perlClass(e);
        if (perl) {
          this.pos += 2;
          addAll(set, perl);
          continue;
        }
        if (e === 'p' || e === 'P') {
          this.pos = skipUnicodeClassName(src, this.pos + 2);
          this.approximate = true;
          addAll(set, anySet());
          continue;
        }
      }
      const lo = this.classCode();
      let hi = lo;
      if (src[this.pos] === '-' && src[this.pos + 1] !== ']' && this.pos + 1 < src.length) {
        this.pos++;
        hi = this.classCode();
        if (hi < lo) throw new GiveUp('bad range');
      }
      for (let x = lo; x <= Math.min(hi, NON_ASCII - 1); x++) set[x] = 1;
      if (hi >= NON_ASCII) set[NON_ASCII] = 1;
      if (this.ci) foldNonAscii(set, lo, hi);
    }
    if (this.ci) foldCase(set);
    return negate ? complement(set) : set;
  }
}

/** Sigma's flags of a `re` item (i, m, s), given outside the pattern. */
export interface RelaxedFlags {
  readonly i?: boolean;
  readonly m?: boolean;
  readonly s?: boolean;
}

/**
 * The relaxed tree of a pattern; `approximate` when it is looser than the pattern on ASCII text (beyond its
 * assertions, which the caller sees as nodes). With `clipRepeat`, counted repetitions above it are read as
 * "at least min(n, clipRepeat)". Throws GiveUp when the pattern is outside the reading.
 */
export function parseRelaxed(
  pattern: string,
  flags: RelaxedFlags = {},
  clipRepeat?: number,
): { node: RelaxedNode; approximate: boolean } {
  const parser = new Parser(pattern, flags.i === true, flags.m === true, flags.s === true, clipRepeat);
  const node = parser.parseAll();
  return { node, approximate: parser.approximate };
}
