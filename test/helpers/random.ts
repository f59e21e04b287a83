// Seeded random generators for property and fuzz tests, so a failing case can be replayed from its seed.

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A linear congruential generator (Numerical Recipes constants) of numbers in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One element of `xs`, chosen by `rand`. */
export function pickFrom<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

/** A word of `min`..`max` characters drawn from `alphabet` (the length is drawn first). */
export function randomWord(rand: () => number, alphabet: string, min: number, max: number): string {
  let s = '';
  const len = min + Math.floor(rand() * (max - min + 1));
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/** What a random regular expression is built from. */
export interface RandomRegexParts {
  /** Pattern pieces used as leaves (1 to 4 in a row). */
  readonly atoms: readonly string[];
  /** Quantifiers after a capturing group ('' for none). */
  readonly quantifiers: readonly string[];
  /** Opening of the other group kind, e.g. '(?:' or '(?i:' (followed by '', '+' or '?'). */
  readonly group: string;
}

/** A random regular expression over `parts`: leaves, groups, alternations and concatenations, nesting ≤ 4. */
export function randomRegex(rand: () => number, parts: RandomRegexParts): string {
  const gen = (depth: number): string => {
    const r = rand();
    if (depth > 3 || r < 0.45) {
      let s = '';
      const n = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < n; i++) s += pickFrom(rand, parts.atoms);
      return s;
    }
    if (r < 0.6) return `(${gen(depth + 1)})${pickFrom(rand, parts.quantifiers)}`;
    if (r < 0.75) return `${gen(depth + 1)}|${gen(depth + 1)}`;
    if (r < 0.9) return `${gen(depth + 1)}${gen(depth + 1)}`;
    return `${parts.group}${gen(depth + 1)})${pickFrom(rand, ['', '+', '?'])}`;
  };
  return gen(0);
}
