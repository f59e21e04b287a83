// Lexing pieces of RE2 pattern syntax shared by the two pattern readers (regex-relaxed.ts for the guard,
// regex-facts.ts for needles and minimum lengths), so both read escapes, repetitions and group prefixes the
// same way. Each helper takes the pattern and a position and returns what it read and the position after it;
// anything malformed throws GiveUp, which each reader turns into "no guard" / "no facts".

/** Thrown when a pattern is outside what a reader understands. */
export class GiveUp extends Error {}

/** A value read from the pattern and the position just after it. */
export interface Lexed<T> {
  readonly value: T;
  readonly pos: number;
}

/** Single-letter escapes that stand for one control character. */
export const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, f: 12, a: 7, v: 11 };

/** Bounds above 4 digits are not read as repetitions here, which keeps unrolling and counting small. */
const REPETITION = /^\{(\d{1,4})(,(\d{0,4}))?\}/;

/** Reads the hex digits after `\x` (`41` or `{263a}`) into a code point. */
export function readHexEscape(src: string, pos: number): Lexed<number> {
  let hex: string;
  let next: number;
  if (src[pos] === '{') {
    const end = src.indexOf('}', pos);
    if (end < 0) throw new GiveUp('bad \\x');
    hex = src.slice(pos + 1, end);
    next = end + 1;
  } else {
    hex = src.slice(pos, pos + 2);
    next = pos + 2;
  }
  if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) throw new GiveUp('bad \\x');
  return { value: parseInt(hex, 16), pos: next };
}

/** Skips the class name after `\p` or `\P` (`{Greek}` or one letter); the position after it. */
export function skipUnicodeClassName(src: string, pos: number): number {
  if (src[pos] === '{') {
    const end = src.indexOf('}', pos);
    if (end < 0) throw new GiveUp('bad \\p');
    return end + 1;
  }
  if (pos < src.length) return pos + 1;
  throw new GiveUp('bad \\p');
}

/** Code point of a one-character escape whose letter `c` ends just before pos (\x.., \n, \t, \., ...). */
export function readEscapedCode(src: string, pos: number, c: string): Lexed<number> {
  if (c === 'x') return readHexEscape(src, pos);
  if (c in SIMPLE_ESCAPES) return { value: SIMPLE_ESCAPES[c]!, pos };
  // Other letters and digits are classes, assertions or back-references the caller did not take.
  if (/[A-Za-z0-9]/.test(c)) throw new GiveUp(`escape \\${c}`);
  return { value: c.codePointAt(0)!, pos }; // escaped punctuation stands for itself
}

/** Reads the text after `\Q` up to `\E` (or the end of the pattern, as RE2 allows). */
export function readQuoted(src: string, pos: number): Lexed<string> {
  const end = src.indexOf('\\E', pos);
  if (end < 0) return { value: src.slice(pos), pos: src.length };
  return { value: src.slice(pos, end), pos: end + 2 };
}

/** Bounds of a quantifier; max is Infinity when unbounded. */
export interface Repetition {
  readonly min: number;
  readonly max: number;
}

/**
 * Reads a quantifier at pos (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`), without a lazy `?` suffix; undefined when
 * there is none (a `{` that starts no repetition is then a literal, as in RE2).
 */
export function readQuantifier(src: string, pos: number): Lexed<Repetition> | undefined {
  const c = src[pos];
  if (c === '*') return { value: { min: 0, max: Infinity }, pos: pos + 1 };
  if (c === '+') return { value: { min: 1, max: Infinity }, pos: pos + 1 };
  if (c === '?') return { value: { min: 0, max: 1 }, pos: pos + 1 };
  if (c !== '{') return undefined;
  const m = REPETITION.exec(src.slice(pos, pos + 12));
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  if (max < min) throw new GiveUp('bad repetition');
  return { value: { min, max }, pos: pos + m[0].length };
}

/** Flags set and cleared by `(?flags)` or `(?flags:re)`; standalone for the former. */
export interface GroupFlags {
  readonly on: string;
  readonly off: string;
  readonly standalone: boolean;
}

/**
 * Reads what follows a group's `(`: a name (`?P<name>`, `?<name>`) or flags; the flags (undefined for
 * capturing and named groups) and the position where the group's body starts.
 */
export function readGroupPrefix(src: string, pos: number): Lexed<GroupFlags | undefined> {
  if (src[pos] !== '?') return { value: undefined, pos };
  pos++;
  if (src[pos] === 'P' && src[pos + 1] === '<') return { value: undefined, pos: skipGroupName(src, pos + 2) };
  if (src[pos] === '<') return { value: undefined, pos: skipGroupName(src, pos + 1) };
  const m = /^([imsU]*)(-([imsU]*))?([:)])/.exec(src.slice(pos, pos + 16));
  if (!m) throw new GiveUp('unknown group syntax');
  return { value: { on: m[1]!, off: m[3] ?? '', standalone: m[4] === ')' }, pos: pos + m[0].length };
}

/** A flag's value after a group's flags: clearing wins over setting, as `(?i-i)` leaves it off in RE2. */
export function flagAfter(current: boolean, flags: GroupFlags, letter: string): boolean {
  if (flags.off.includes(letter)) return false;
  if (flags.on.includes(letter)) return true;
  return current;
}

/** Skips a group name ending in `>` starting at from; the position after the `>`. */
function skipGroupName(src: string, from: number): number {
  const end = src.indexOf('>', from);
  if (end < 0 || !/^\w+$/.test(src.slice(from, end))) throw new GiveUp('bad group name');
  return end + 1;
}

/** Given the index of `[:` inside a class, the index of its closing `:]`. */
export function posixClassEnd(src: string, at: number): number {
  const end = src.indexOf(':]', at + 2);
  if (end < 0) throw new GiveUp('bad POSIX class');
  return end;
}
