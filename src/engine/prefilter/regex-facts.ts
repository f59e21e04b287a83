// Facts about a regular expression that let the engine skip it: the shortest text it can match and the
// literals a match must contain (as alternatives of conjunctions, lower-cased), in the spirit of RE2's and
// Hyperscan's literal prefilters. `|re` rules then join the needle prefilter, and a value shorter than the
// minimum never reaches the regex engine (RE2 simulations of `.{1000,}` cost thousands of steps per character).
//
// Soundness first: every fact is a necessary condition of a match under RE2 syntax. Anything this parser does
// not fully understand makes it give up (no needles, minimum 0) rather than guess. Only ASCII literals become
// needles, and under case-insensitive matching the letter s is not used (RE2 folds U+017F 'ſ' to s, which
// lower-casing does not), so a lower-cased value always contains every needle of some alternative of a match.
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

/** What the engine may assume about any text the regex matches. */
export interface RegexFacts {
  /** Minimum length of a match in code points (a string with fewer UTF-16 units cannot match). */
  readonly minLength: number;
  /** A match contains every (lower-cased) literal of at least one alternative; undefined = no constraint. */
  readonly needles: readonly (readonly string[])[] | undefined;
  /**
   * ASCII characters other than letters that every match contains (case cannot change them): a text lacking
   * one cannot match, which `indexOf` tells far faster than the regex engine.
   */
  readonly requiredChars: string;
}

/** Flags given outside the pattern (Sigma's `re|i`, `re|m`, `re|s`). */
export interface RegexFactFlags {
  readonly caseInsensitive?: boolean;
}

type Alternatives = string[][] | undefined;

interface Info {
  min: number;
  /** Every string the node can match, when few and short (lower-cased). */
  exact: string[] | undefined;
  /** Needles of the node (see RegexFacts.needles). */
  alts: Alternatives;
  /** Non-letter ASCII characters every match of the node contains (sorted, distinct); absent = none. */
  req?: string;
}

function unionChars(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return [...new Set(a + b)].sort().join('');
}

function intersectChars(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return undefined;
  const out = [...a].filter((c) => b.includes(c)).join('');
  return out || undefined;
}

/** A literal character as Info; non-letter ASCII characters are also required characters. */
function literalInfo(lower: string): Info {
  const c = lower.charCodeAt(0);
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return letter
    ? { min: 1, exact: [lower], alts: undefined }
    : { min: 1, exact: [lower], alts: undefined, req: lower };
}

const MAX_EXACT = 16;
const MAX_EXACT_LENGTH = 64;
const MAX_ALTERNATIVES = 64;
const MAX_PATTERN = 4_096;
const MAX_DEPTH = 100;
const MIN_NEEDLE = 2;
const NO_FACTS: RegexFacts = { minLength: 0, needles: undefined, requiredChars: '' };

const ANY_CHAR: Info = { min: 1, exact: undefined, alts: undefined };
const EMPTY: Info = { min: 0, exact: [''], alts: undefined };

/** Analyses an RE2 pattern; never throws (patterns it cannot follow yield no facts). */
export function regexFacts(pattern: string, flags: RegexFactFlags = {}): RegexFacts {
  if (pattern.length > MAX_PATTERN) return NO_FACTS;
  try {
    const parser = new Parser(pattern, flags.caseInsensitive === true);
    const info = parser.parseAll();
    const alts = needlesOf(info);
    return { minLength: Math.min(info.min, 1 << 20), needles: alts, requiredChars: info.req ?? '' };
  } catch {
    return NO_FACTS;
  }
}

function needlesOf(info: Info): Alternatives {
  if (info.exact) return exactToAlts(info.exact) ?? info.alts;
  return info.alts;
}

function exactToAlts(exact: string[]): Alternatives {
  if (exact.length === 0 || exact.some((s) => s.length < MIN_NEEDLE)) return undefined;
  return [...new Set(exact)].map((s) => [s]);
}

/** AND of two needle sets: multiply out when small, else keep the more selective side. */
function andAlts(a: Alternatives, b: Alternatives): Alternatives {
  if (!a) return b;
  if (!b) return a;
  if (a.length * b.length <= MAX_ALTERNATIVES) {
    const out: string[][] = [];
    for (const x of a) for (const y of b) out.push([...new Set([...x, ...y])]);
    return out;
  }
  return a.length <= b.length ? a : b;
}

/** OR of needle sets: unconstrained if either side is. */
function orAlts(a: Alternatives, b: Alternatives): Alternatives {
  if (!a || !b) return undefined;
  const out = [...a, ...b];
  return out.length <= MAX_ALTERNATIVES ? out : undefined;
}

function concat(a: Info, b: Info): Info {
  const min = a.min + b.min;
  if (a.exact && b.exact && a.exact.length * b.exact.length <= MAX_EXACT) {
    const exact: string[] = [];
    for (const x of a.exact) for (const y of b.exact) exact.push(x + y);
    if (exact.every((s) => s.length <= MAX_EXACT_LENGTH)) {
      return { min, exact, alts: andAlts(a.alts, b.alts), req: unionChars(a.req, b.req) };
    }
  }
  return { min, exact: undefined, alts: andAlts(needlesOf(a), needlesOf(b)), req: unionChars(a.req, b.req) };
}

function alternate(a: Info, b: Info): Info {
  const exact =
    a.exact && b.exact && a.exact.length + b.exact.length <= MAX_EXACT ? [...a.exact, ...b.exact] : undefined;
  return {
    min: Math.min(a.min, b.min),
    exact,
    alts: orAlts(needlesOf(a), needlesOf(b)),
    req: intersectChars(a.req, b.req),
  };
}

/** A recursive-descent reader of RE2 syntax that computes Info bottom-up. */
class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly src: string,
    private ci: boolean,
  ) {}

  parseAll(): Info {
    const info = this.alternation();
    if (this.pos !== this.src.length) throw new GiveUp('trailing input');
    return info;
  }

  private alternation(): Info {
    let info = this.sequence();
    while (this.src[this.pos] === '|') {
      this.pos++;
      info = alternate(info, this.sequence());
    }
    return info;
  }

  /**
   * A concatenation: runs of consecutive exact pieces are multiplied out into longer literals (so `[Ss]et` or
   * `.*set` still yield the literal after the inexact piece); the runs and inexact pieces are ANDed.
   */
  private sequence(): Info {
    let min = 0;
    let alts: Alternatives;
    let run: string[] = [''];
    let allExact = true;
    let req: string | undefined;
    const flush = () => {
      alts = andAlts(alts, exactToAlts(run));
      run = [''];
    };
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const item = this.quantified();
      min += item.min;
      req = unionChars(req, item.req);
      if (item.exact) {
        if (run.length * item.exact.length <= MAX_EXACT) {
          const next: string[] = [];
          for (const x of run) for (const y of item.exact) next.push(x + y);
          if (next.every((t) => t.length <= MAX_EXACT_LENGTH)) {
            run = next;
            continue;
          }
        }
        allExact = false;
        flush();
        run = item.exact.length <= MAX_EXACT ? item.exact : [''];
      } else {
        allExact = false;
        flush();
        alts = andAlts(alts, item.alts);
      }
    }
    if (allExact) return { min, exact: run, alts: undefined, req };
    flush();
    return { min, exact: undefined, alts, req };
  }

  private quantified(): Info {
    const atom = this.atom();
    // No quantifier, or a '{' that starts no repetition: RE2 reads it as a literal, which atom() does next.
    const q = readQuantifier(this.src, this.pos);
    if (!q) return atom;
    this.pos = q.pos;
    const { min: lo, max: hi } = q.value;
    // Only {n} can have lo === hi > 0: an exact piece repeated n times stays exact.
    if (
      lo === hi &&
      lo > 0 &&
      atom.exact &&
      atom.exact.length === 1 &&
      atom.exact[0]!.length * lo <= MAX_EXACT_LENGTH
    ) {
      this.lazySuffix();
      const s = atom.exact[0]!.repeat(lo);
      return { min: atom.min * lo, exact: [s], alts: atom.alts, req: atom.req };
    }
    this.lazySuffix();
    if (lo === 0) return { min: 0, exact: undefined, alts: undefined };
    return { min: atom.min * lo, exact: undefined, alts: needlesOf(atom), req: atom.req };
  }

  private lazySuffix(): void {
    if (this.src[this.pos] === '?') this.pos++;
    const c = this.src[this.pos];
    if (c === '*' || c === '+' || c === '?' || c === '{') throw new GiveUp('stacked repetition');
  }

  private atom(): Info {
    const src = this.src;
    const c = src[this.pos]!;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        this.pos++;
        return ANY_CHAR;
      case '^':
      case '$':
        this.pos++;
        return EMPTY;
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new GiveUp('repetition without operand');
      default: {
        const code = c.charCodeAt(0);
        // A surrogate pair is one code point: one character of the pattern.
        this.pos += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
        return this.literal(c);
      }
    }
  }

  private literal(ch: string): Info {
    if (ch.charCodeAt(0) >= 128) return ANY_CHAR;
    const lower = ch.toLowerCase();
    if (this.ci && lower === 's') return ANY_CHAR;
    return literalInfo(lower);
  }

  private group(): Info {
    const src = this.src;
    this.pos++; // (
    if (++this.depth > MAX_DEPTH) throw new GiveUp('too deep');
    const savedCi = this.ci;
    const prefix = readGroupPrefix(src, this.pos);
    this.pos = prefix.pos;
    const flags = prefix.value;
    if (flags) {
      // Flags: (?flags) applies to the rest of the enclosing group; (?flags:re) to re only.
      this.ci = flagAfter(this.ci, flags, 'i');
      if (flags.standalone) {
        this.depth--;
        return EMPTY; // the ci set above stays in force until the enclosing group ends
      }
    }
    const info = this.alternation();
    if (src[this.pos] !== ')') throw new GiveUp('unclosed group');
    this.pos++;
    this.ci = savedCi;
    this.depth--;
    return info;
  }

  private escape(): Info {
    const src = this.src;
    const c = src[this.pos + 1];
    if (c === undefined) throw new GiveUp('trailing backslash');
    this.pos += 2;
    if ('dDwWsShHvV'.includes(c) || c === 'C') return ANY_CHAR;
    if (c === 'p' || c === 'P') {
      this.pos = skipUnicodeClassName(src, this.pos);
      return ANY_CHAR;
    }
    if ('bBAz'.includes(c)) return EMPTY;
    if (c === 'Q') {
      const quoted = readQuoted(src, this.pos);
      const text = quoted.value;
      this.pos = quoted.pos;
      // A quantifier after \E binds to the last character only (`\Qab\E{2}` is abb): not followed here.
      if ([...text].length > 1 && /^[*+?{]/.test(src.slice(this.pos))) throw new GiveUp('quantified \\Q');
      let info: Info = EMPTY;
      for (const ch of text) info = concat(info, this.literal(ch));
      return info;
    }
    if (/[0-7]/.test(c)) {
      // Octal escapes (\0, \012 …): one character, value not worth decoding.
      while (/[0-7]/.test(src[this.pos] ?? '')) this.pos++;
      return ANY_CHAR;
    }
    // \x.., \n \t …, escaped punctuation; other letters and digits give up.
    const code = readEscapedCode(src, this.pos, c);
    this.pos = code.pos;
    // A non-ASCII \x code point is not a needle; escaped punctuation keeps its old literal reading.
    if (c === 'x' && code.value >= 128) return ANY_CHAR;
    return this.literalCode(code.value);
  }

  private literalCode(code: number): Info {
    const ch = String.fromCharCode(code);
    const lower = ch.toLowerCase();
    if (this.ci && lower === 's') return ANY_CHAR;
    return literalInfo(lower);
  }

  /**
   * Reads a bracket expression (one character of a set); handles escapes, `[]…]`, `[^]…]` and `[[:alpha:]]`.
   * A short set of plain ASCII characters (`[Ss]`, `[0o]`) is exact; anything else is one unknown character.
   */
  private charClass(): Info {
    const start = this.pos;
    this.skipClass();
    const body = this.src.slice(start + 1, this.pos - 1);
    if (body.length > 0 && body.length <= 8 && /^[A-Za-z0-9_:.,;'"`!@#%&=<>~ /]+$/.test(body)) {
      const chars = [...new Set(body.toLowerCase())];
      if (!(this.ci && chars.includes('s'))) return { min: 1, exact: chars, alts: undefined };
    }
    return ANY_CHAR;
  }

  private skipClass(): void {
    const src = this.src;
    let i = this.pos + 1;
    if (src[i] === '^') i++;
    if (src[i] === ']') i++;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === '\\') {
        i++;
        if (src[i] === 'p' || src[i] === 'P' || src[i] === 'x') {
          if (src[i + 1] === '{') {
            const end = src.indexOf('}', i);
            if (end < 0) throw new GiveUp('bad escape in class');
            i = end;
          }
        }
      } else if (c === '[' && src[i + 1] === ':') {
        i = posixClassEnd(src, i) + 1;
      } else if (c === ']') {
        this.pos = i + 1;
        return;
      }
    }
    throw new GiveUp('unclosed character class');
  }
}
