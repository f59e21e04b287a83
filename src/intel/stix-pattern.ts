// Reading `object:path = 'value'` comparisons out of a STIX 2.1 pattern with one left-to-right scan.
// Patterns come from third-party feeds and can be megabytes long: a regex searched from every start position
// re-read the rest of the pattern at each one (quadratic on a long run of letters or an unclosed string), so
// this is a small tokenizer that visits each character once.

/** One equality comparison found in a pattern. */
export interface StixComparison {
  readonly objectType: string;
  readonly path: string;
  readonly value: string;
}

function isWordChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 45 || // -
    c === 95 || // _
    c === 46 || // .
    c === 58 // :
  );
}

const QUOTE = 39;
const BACKSLASH = 92;

// Index of the quote closing the string literal opened just before `from` (backslash escapes), or -1.
function closingQuote(pattern: string, from: number): number {
  for (let i = from; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** Pulls every `object:path = 'value'` comparison out of a STIX pattern (OR-ed comparisons all count). */
export function stixPatternComparisons(pattern: string): StixComparison[] {
  const found: StixComparison[] = [];
  // The object path just read (`file:hashes.'SHA-256'`) and whether `=` followed it.
  let path: { objectType: string; path: string } | undefined;
  let sawEquals = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
    } else if (c === QUOTE) {
      const end = closingQuote(pattern, i + 1);
      if (end < 0) break; // an unclosed string: nothing after it can be read
      if (path && sawEquals)
        found.push({ ...path, value: pattern.slice(i + 1, end).replace(/\\(.)/gs, '$1') });
      path = undefined;
      sawEquals = false;
      i = end + 1;
    } else if (c === 61 /* = */) {
      sawEquals = path !== undefined && !sawEquals;
      if (!sawEquals) path = undefined;
      i++;
    } else if (isWordChar(c)) {
      // A word, with quoted path segments after a dot (hashes.'SHA-256').
      const start = i;
      while (i < pattern.length) {
        const d = pattern.charCodeAt(i);
        if (isWordChar(d)) i++;
        else if (d === QUOTE && pattern.charCodeAt(i - 1) === 46) {
          const end = pattern.indexOf("'", i + 1);
          if (end < 0) break;
          i = end + 1;
        } else break;
      }
      const word = pattern.slice(start, i);
      const colon = word.indexOf(':');
      path =
        colon > 0 && colon < word.length - 1 && /^[a-z0-9-]+$/i.test(word.slice(0, colon))
          ? { objectType: word.slice(0, colon).toLowerCase(), path: word.slice(colon + 1) }
          : undefined;
      sawEquals = false;
    } else {
      // Brackets, parentheses and other operators (`!=`, `<`) end a comparison.
      path = undefined;
      sawEquals = false;
      i++;
    }
  }
  return found;
}
