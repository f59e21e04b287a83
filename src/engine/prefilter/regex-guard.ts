// A linear-time guard for `re` items. The RE2 port (re2js) costs far more per character than a table lookup
// (over 1 µs per character on long PowerShell scripts), and most texts a rule's regex sees cannot match. The
// guard is a DFA, built lazily state by state, over the Glushkov automaton of a relaxed form of the pattern
// (regex-relaxed.ts) whose language contains every text the regex matches: when the guard says no, RE2 would
// have said no. When the pattern needs no relaxation on ASCII text (no \p classes and no assertions but a
// leading ^ or \A and a trailing $ or \z, which the DFA honours) and the guard finds a match inside an ASCII
// prefix of the text, that is the regex's verdict too; otherwise it answers "maybe" and RE2 decides.
//
// Relaxations, each of which can only make the guard accept more: other assertions (multi-line anchors, word
// boundaries) hold anywhere; every code point >= 128 is one symbol that matches any set which may hold some
// non-ASCII character (negations, \W \S \D, \p classes, non-ASCII literals and ranges, and under case folding
// every set with a letter, since RE2 folds 'ſ' to s and the Kelvin sign to k); \p classes match anything. A
// surrogate pair is one character, as it is to RE2. Patterns outside the reading (back-references, octal
// escapes, unknown syntax, more than MAX_POSITIONS characters once repetitions are unrolled) get no guard.
import {
  GiveUp,
  NON_ASCII,
  parseRelaxed,
  SYMBOLS,
  type CharSet,
  type RelaxedFlags,
  type RelaxedNode,
} from './regex-relaxed.js';

/** Character positions of the unrolled pattern (each costs a follow set while building). */
const MAX_POSITIONS = 256;
const TOO_MANY_POSITIONS = 'too many positions';
/** Counted repetitions of a pattern too long to unroll are read as at least this many (a looser guard). */
const CLIP_REPEAT = 8;
/**
 * Cache bounds per guard (a few hundred guards per rule set): transition cells and stored positions. When
 * either is full the cache starts over (the guard stays linear either way); hostile text cannot grow it.
 */
const MAX_CELLS = 1 << 15;
const MAX_STORED_POSITIONS = 1 << 15;
const MAX_PATTERN = 4_096;

/** The guard's verdicts. */
export const GUARD_NO = 0;
export const GUARD_MAYBE = 1;
export const GUARD_MATCH = 2;
/** GUARD_NO: the regex cannot match; GUARD_MATCH: it matches; GUARD_MAYBE: ask the regex. */
export type GuardVerdict = typeof GUARD_NO | typeof GUARD_MAYBE | typeof GUARD_MATCH;

/** A linear-time test of a text against a regex (see GuardVerdict). */
export type RegexGuard = (text: string) => GuardVerdict;

/** Glushkov automaton: one position per character of the unrolled pattern. */
interface Glushkov {
  readonly sets: CharSet[];
  readonly follow: number[][];
  readonly first: number[];
  readonly last: Uint8Array;
  readonly nullable: boolean;
}

interface Part {
  nullable: boolean;
  first: number[];
  last: number[];
}

function glushkov(root: RelaxedNode): Glushkov {
  const sets: CharSet[] = [];
  const follow: Set<number>[] = [];
  const link = (from: readonly number[], to: readonly number[]): void => {
    for (const p of from) for (const q of to) follow[p]!.add(q);
  };
  const cat = (a: Part, b: Part): Part => {
    link(a.last, b.first);
    return {
      nullable: a.nullable && b.nullable,
      first: a.nullable ? [...a.first, ...b.first] : a.first,
      last: b.nullable ? [...a.last, ...b.last] : b.last,
    };
  };
  const visit = (node: RelaxedNode): Part => {
    switch (node.kind) {
      case 'set': {
        if (sets.length >= MAX_POSITIONS) throw new GiveUp(TOO_MANY_POSITIONS);
        const p = sets.length;
        sets.push(node.set);
        follow.push(new Set());
        return { nullable: false, first: [p], last: [p] };
      }
      case 'assert':
        return { nullable: true, first: [], last: [] }; // relaxed: holds anywhere
      case 'cat': {
        let acc: Part = { nullable: true, first: [], last: [] };
        for (const item of node.items) acc = cat(acc, visit(item));
        return acc;
      }
      case 'alt': {
        const parts = node.items.map(visit);
        return {
          nullable: parts.some((p) => p.nullable),
          first: parts.flatMap((p) => p.first),
          last: parts.flatMap((p) => p.last),
        };
      }
      case 'rep': {
        let acc: Part = { nullable: true, first: [], last: [] };
        for (let i = 0; i < node.min; i++) {
          const copy = visit(node.item);
          if (node.max === Infinity && i === node.min - 1) link(copy.last, copy.first); // x{n,}: last copy repeats
          acc = cat(acc, copy);
        }
        if (node.max === Infinity) {
          if (node.min === 0) {
            const star = visit(node.item);
            link(star.last, star.first);
            acc = cat(acc, { nullable: true, first: star.first, last: star.last });
          }
        } else {
          for (let i = node.min; i < node.max; i++) {
            const opt = visit(node.item);
            acc = cat(acc, { nullable: true, first: opt.first, last: opt.last });
          }
        }
        return acc;
      }
    }
  };
  const top = visit(root);
  const last = new Uint8Array(sets.length);
  for (const p of top.last) last[p] = 1;
  return {
    sets,
    follow: follow.map((f) => [...f]),
    first: [...new Set(top.first)],
    last,
    nullable: top.nullable,
  };
}

const ACCEPT = -2;
const UNKNOWN = -1;
const DEAD = -3;
/** ASCII characters that may begin a match, up to this many, are searched with indexOf from the start state. */
const MAX_START_CHARS = 3;

/**
 * The lazily built DFA: a state is the set of positions the last character reached (state 0: no character read
 * yet, and for an unanchored search also "nothing pending"). An unanchored search lets a match start at every
 * character; an anchored one only at the first. States are numbered by their row offset in the table
 * (id * classes), so a step is one addition and one load.
 */
class LazyDfa {
  /** Symbol → equivalence class (symbols no position tells apart share one). */
  readonly classOf = new Uint8Array(SYMBOLS);
  readonly classes: number;
  /** One representative symbol per class. */
  private readonly representative: number[] = [];
  private states: number[][] = [];
  private stored = 0;
  private readonly maxStates: number;
  private readonly ids = new Map<string, number>();
  /** Transitions: row offset + class → row offset of the next state, ACCEPT, DEAD or UNKNOWN. */
  table: Int32Array;
  /** For end-anchored patterns: 1 when a state (by id) ends a match. */
  accepting: Uint8Array;

  constructor(
    private readonly g: Glushkov,
    private readonly anchoredStart: boolean,
    private readonly anchoredEnd: boolean,
  ) {
    const bySignature = new Map<string, number>();
    for (let sym = 0; sym < SYMBOLS; sym++) {
      let signature = '';
      for (const set of g.sets) signature += set[sym] ? '1' : '0';
      let k = bySignature.get(signature);
      if (k === undefined) {
        k = bySignature.size;
        bySignature.set(signature, k);
        this.representative.push(sym);
      }
      this.classOf[sym] = k;
    }
    this.classes = bySignature.size;
    this.maxStates = Math.max(16, Math.floor(MAX_CELLS / this.classes));
    this.table = new Int32Array(16 * this.classes).fill(UNKNOWN);
    this.accepting = new Uint8Array(16);
    this.reset();
  }

  private reset(): void {
    this.states = [];
    this.stored = 0;
    this.ids.clear();
    this.table.fill(UNKNOWN);
    this.accepting.fill(0);
    // Unanchored, "no positions" is the start state itself.
    this.intern([], this.anchoredStart ? 'start' : '');
  }

  /** The row offset of the state of these positions (new states get a row). */
  private intern(positions: number[], key = positions.join(',')): number {
    let id = this.ids.get(key);
    if (id !== undefined) return id * this.classes;
    id = this.states.length;
    this.states.push(positions);
    this.stored += positions.length;
    this.ids.set(key, id);
    const need = (id + 1) * this.classes;
    if (need > this.table.length) {
      const grown = new Int32Array(Math.max(need, this.table.length * 2)).fill(UNKNOWN);
      grown.set(this.table);
      this.table = grown;
      const accepting = new Uint8Array(this.table.length / this.classes);
      accepting.set(this.accepting);
      this.accepting = accepting;
    }
    this.accepting[id] = positions.some((p) => this.g.last[p] === 1) ? 1 : 0;
    return id * this.classes;
  }

  /** Computes (and caches) the transition from a row on a class; starts the cache over when it is full. */
  step(row: number, k: number): number {
    const g = this.g;
    const sym = this.representative[k]!;
    const next = new Set<number>();
    if (!this.anchoredStart || row === 0) for (const q of g.first) if (g.sets[q]![sym]) next.add(q);
    for (const p of this.states[row / this.classes]!)
      for (const q of g.follow[p]!) if (g.sets[q]![sym]) next.add(q);
    let result: number;
    if (!this.anchoredEnd && [...next].some((q) => g.last[q] === 1)) result = ACCEPT;
    else if (next.size === 0 && this.anchoredStart) result = DEAD;
    else {
      const positions = [...next].sort((a, b) => a - b);
      if (this.states.length >= this.maxStates || this.stored + positions.length > MAX_STORED_POSITIONS) {
        // Start over from the state we stand in; earlier states are forgotten (and renumbered).
        this.reset();
        return this.intern(positions);
      }
      result = this.intern(positions);
    }
    this.table[row + k] = result;
    return result;
  }

  /** The ASCII characters a match can begin with, when few and no non-ASCII one can; else undefined. */
  startChars(): number[] | undefined {
    const chars = new Set<number>();
    for (const q of this.g.first) {
      const set = this.g.sets[q]!;
      if (set[NON_ASCII]) return undefined;
      for (let c = 0; c < NON_ASCII; c++) if (set[c]) chars.add(c);
      if (chars.size > MAX_START_CHARS) return undefined;
    }
    return [...chars];
  }
}

/** Where the next of some characters occurs from `from` on (text.length when none), each found once by indexOf. */
class NextOf {
  private readonly at: number[];
  constructor(
    private readonly chars: readonly string[],
    private readonly text: string,
  ) {
    this.at = chars.map(() => -1);
  }

  /** Smallest index >= from holding one of the characters. */
  next(from: number): number {
    let best = this.text.length;
    for (let j = 0; j < this.chars.length; j++) {
      let at = this.at[j]!;
      if (at < from) {
        at = this.text.indexOf(this.chars[j]!, from);
        if (at < 0) at = this.text.length;
        this.at[j] = at;
      }
      if (at < best) best = at;
    }
    return best;
  }
}

/** Strips a leading start and a trailing end assertion off the top sequence; which ones it found. */
function anchors(node: RelaxedNode): { node: RelaxedNode; start: boolean; end: boolean } {
  if (node.kind === 'assert' || node.kind !== 'cat') return { node, start: false, end: false };
  const items = [...node.items];
  const blank = (n: RelaxedNode | undefined): boolean => n?.kind === 'cat' && n.items.length === 0;
  let start = false;
  let end = false;
  while (items.length > 0) {
    const first = items[0]!;
    if (blank(first)) items.shift();
    else if (first.kind === 'assert' && first.at === 'start') {
      start = true;
      items.shift();
    } else break;
  }
  while (items.length > 0) {
    const last = items[items.length - 1]!;
    if (blank(last)) items.pop();
    else if (last.kind === 'assert' && last.at === 'end') {
      end = true;
      items.pop();
    } else break;
  }
  return { node: { kind: 'cat', items }, start, end };
}

function hasAssertion(node: RelaxedNode): boolean {
  switch (node.kind) {
    case 'assert':
      return true;
    case 'set':
      return false;
    case 'rep':
      return hasAssertion(node.item);
    default:
      return node.items.some(hasAssertion);
  }
}

/**
 * Builds the guard of an RE2 pattern with Sigma's flags, or undefined when the pattern is outside what the
 * guard reads or the regex matches the empty string (then every text matches and a guard cannot help).
 */
export function regexGuard(pattern: string, flags: RelaxedFlags = {}): RegexGuard | undefined {
  if (pattern.length > MAX_PATTERN) return undefined;
  let g: Glushkov;
  let anchoredStart = false;
  let anchoredEnd = false;
  let exact = false;
  const build = (clipRepeat?: number): Glushkov => {
    const parsed = parseRelaxed(pattern, flags, clipRepeat);
    const stripped = anchors(parsed.node);
    anchoredStart = stripped.start;
    anchoredEnd = stripped.end;
    exact = !parsed.approximate && !hasAssertion(stripped.node);
    // Assertions left inside are relaxed; then anchoring is not honoured either.
    const built = glushkov(exact ? stripped.node : parsed.node);
    if (!exact) anchoredStart = anchoredEnd = false;
    return built;
  };
  try {
    g = build();
  } catch (err) {
    // Counted repetitions too long to unroll (`.{1000,}x`, `a{500}b`) are exactly where RE2 is slowest (one
    // thread per count, per character): a looser guard with short counts still rejects most texts.
    if (!(err instanceof GiveUp) || err.message !== TOO_MANY_POSITIONS) return undefined;
    try {
      g = build(CLIP_REPEAT);
    } catch {
      return undefined;
    }
  }
  if (g.nullable || g.first.length === 0) return undefined;
  const dfa = new LazyDfa(g, anchoredStart, anchoredEnd);
  const classOf = dfa.classOf;
  const classes = dfa.classes;
  const nonAscii = classOf[NON_ASCII]!;
  const found: GuardVerdict = exact ? GUARD_MATCH : GUARD_MAYBE;
  const startChars = anchoredStart ? undefined : dfa.startChars()?.map((c) => String.fromCharCode(c));
  return (text: string): GuardVerdict => {
    let table = dfa.table;
    let row = 0;
    let afterHigh = false;
    // No non-ASCII character read since the search last stood in the start state with nothing pending.
    let ascii = true;
    const skip = startChars ? new NextOf(startChars, text) : undefined;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      if (row === 0 && !anchoredStart) {
        ascii = true;
        if (skip) {
          // Nothing pending: jump to the next character a match can begin with.
          i = skip.next(i);
          if (i >= n) break;
          afterHigh = false;
        }
      }
      const c = text.charCodeAt(i);
      let k: number;
      if (c < NON_ASCII) {
        k = classOf[c]!;
        afterHigh = false;
      } else if (afterHigh && c >= 0xdc00 && c <= 0xdfff) {
        afterHigh = false; // second half of a code point already read
        continue;
      } else {
        k = nonAscii;
        ascii = false;
        afterHigh = c >= 0xd800 && c <= 0xdbff;
      }
      let next = table[row + k]!;
      if (next < 0) {
        if (next === UNKNOWN) {
          next = dfa.step(row, k);
          table = dfa.table;
        }
        if (next === ACCEPT) return ascii ? found : GUARD_MAYBE;
        if (next === DEAD) return GUARD_NO;
      }
      row = next;
    }
    if (anchoredEnd && dfa.accepting[row / classes] === 1) return ascii ? found : GUARD_MAYBE;
    return GUARD_NO;
  };
}
