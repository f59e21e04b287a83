// String matching without regular expressions: Sigma values with `*`/`?` wildcards (and `\*`, `\?`, `\\`
// escapes) become anchored prefix/suffix checks and in-order substring searches, linear in practice and never
// backtracking. Also the windash value expansion.

/** A run of characters between `*` wildcards; `parts` are literals separated by exactly one `?` each. */
export interface GlobPiece {
  readonly parts: readonly string[];
  /** Total characters the piece consumes (literals plus one per `?`). */
  readonly length: number;
}

/** A parsed Sigma string: `pieces` separated by `*`. `[p]` alone means exact equality with p. */
export interface GlobPattern {
  readonly pieces: readonly GlobPiece[];
  /** True when the value had no unescaped wildcard at all. */
  readonly literal: boolean;
}

function piece(parts: string[]): GlobPiece {
  let length = parts.length - 1;
  for (const p of parts) length += p.length;
  return { parts, length };
}

/** Parses a Sigma string value into wildcard pieces (`\*`, `\?`, `\\` are escapes; other `\` stay literal). */
export function parseGlob(value: string): GlobPattern {
  const pieces: GlobPiece[] = [];
  let parts: string[] = [];
  let cur = '';
  let literal = true;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        cur += next;
        i++;
      } else {
        cur += c;
      }
    } else if (c === '*') {
      literal = false;
      parts.push(cur);
      pieces.push(piece(parts));
      parts = [];
      cur = '';
    } else if (c === '?') {
      literal = false;
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  pieces.push(piece(parts));
  return { pieces, literal };
}

/** The literal text of a value without wildcards (escapes resolved), or undefined if it has wildcards. */
export function literalText(pattern: GlobPattern): string | undefined {
  if (!pattern.literal) return undefined;
  return pattern.pieces[0]!.parts[0]!;
}

/** Applies `f` to every literal of a pattern (used to lower-case once at compile time). */
export function mapGlob(pattern: GlobPattern, f: (s: string) => string): GlobPattern {
  return { literal: pattern.literal, pieces: pattern.pieces.map((p) => piece(p.parts.map(f))) };
}

/** Wraps a pattern for contains / startswith / endswith by adding an unanchored `*` piece at either end. */
export function anchorGlob(pattern: GlobPattern, mode: 'contains' | 'startswith' | 'endswith'): GlobPattern {
  const empty = piece(['']);
  const pieces = [...pattern.pieces];
  if (mode === 'contains' || mode === 'endswith') pieces.unshift(empty);
  if (mode === 'contains' || mode === 'startswith') pieces.push(empty);
  return { pieces, literal: false };
}

function pieceAt(s: string, p: GlobPiece, at: number): boolean {
  if (at < 0 || at + p.length > s.length) return false;
  let j = at;
  for (let k = 0; k < p.parts.length; k++) {
    const part = p.parts[k]!;
    if (part.length > 0 && !s.startsWith(part, j)) return false;
    j += part.length + 1;
  }
  return true;
}

function indexOfPiece(s: string, p: GlobPiece, from: number): number {
  if (p.parts.length === 1) return s.indexOf(p.parts[0]!, from);
  // With `?`: find the longest literal part and verify the rest around each of its occurrences.
  let best = 0;
  let offset = 0;
  let bestOffset = 0;
  for (let k = 0; k < p.parts.length; k++) {
    if (p.parts[k]!.length > p.parts[best]!.length) {
      best = k;
      bestOffset = offset;
    }
    offset += p.parts[k]!.length + 1;
  }
  const anchor = p.parts[best]!;
  if (anchor.length === 0) return from + p.length <= s.length ? from : -1;
  let i = s.indexOf(anchor, from + bestOffset);
  while (i >= 0) {
    const start = i - bestOffset;
    if (start + p.length > s.length) return -1;
    if (pieceAt(s, p, start)) return start;
    i = s.indexOf(anchor, i + 1);
  }
  return -1;
}

/** True when the whole of `s` matches the pattern (both already in the same case). */
export function globMatches(s: string, pattern: GlobPattern): boolean {
  const pieces = pattern.pieces;
  const first = pieces[0]!;
  if (pieces.length === 1) {
    if (first.parts.length === 1) return s === first.parts[0];
    return s.length === first.length && pieceAt(s, first, 0);
  }
  const last = pieces[pieces.length - 1]!;
  const end = s.length - last.length;
  if (end < first.length) return false;
  if (!pieceAt(s, first, 0) || !pieceAt(s, last, end)) return false;
  let at = first.length;
  for (let k = 1; k < pieces.length - 1; k++) {
    const p = pieces[k]!;
    if (p.length === 0) continue;
    const idx = indexOfPiece(s, p, at);
    if (idx < 0 || idx + p.length > end) return false;
    at = idx + p.length;
  }
  return true;
}

/** The literals a string must contain for the pattern to match (for the needle prefilter). */
export function requiredLiterals(pattern: GlobPattern): string[] {
  const out: string[] = [];
  for (const p of pattern.pieces) for (const part of p.parts) if (part.length > 0) out.push(part);
  return out;
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_WINDASH_VARIANTS = 625;

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_]/u.test(c);
}

/**
 * windash: every `-` or `/` that starts a word (not preceded by a word character, followed by one) is
 * replaced by each of `-`, `/`, en dash, em dash and horizontal bar, in every combination.
 */
export function windashVariants(value: string): string[] {
  const positions: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if ((c === '-' || c === '/') && !isWordChar(value[i - 1]) && isWordChar(value[i + 1])) positions.push(i);
  }
  if (positions.length === 0) return [value];
  let variants = [value];
  for (const pos of positions) {
    const next: string[] = [];
    for (const v of variants) for (const d of DASHES) next.push(v.slice(0, pos) + d + v.slice(pos + 1));
    variants = next;
    if (variants.length > MAX_WINDASH_VARIANTS) break;
  }
  return variants;
}
