// Path globs for tenant mapping: `*` (within one folder), `**` (across folders), `?`, matched by dynamic
// programming over pattern × path (O(n·m), no regex, no backtracking blow-up).

type Token = { kind: 'lit'; ch: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'globstar' };

function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      let kind: 'star' | 'globstar' = 'star';
      if (pattern[i + 1] === '*') {
        // `**/` also matches zero folders.
        kind = 'globstar';
        i++;
        if (pattern[i + 1] === '/') i++;
      }
      // Adjacent stars match what the widest of them matches: one token instead of a pass over the path each
      // (`**/**/**/…` or `******` from a hostile map cost one O(path) pass per star).
      const last = out[out.length - 1];
      if (last?.kind === 'globstar') continue;
      if (last?.kind === 'star') out[out.length - 1] = { kind };
      else out.push({ kind });
    } else if (c === '?') out.push({ kind: 'any' });
    else if (c === '\\' && i + 1 < pattern.length) out.push({ kind: 'lit', ch: pattern[++i]! });
    else out.push({ kind: 'lit', ch: c });
  }
  return out;
}

/** Normalises a path for matching: forward slashes, lower case (Windows evidence paths are case-blind). */
export function normalizeGlobPath(path: string): string {
  return path.replace(/\\/g, '/').toLowerCase();
}

/** A compiled glob; `matches` takes a path normalised with normalizeGlobPath. */
export class Glob {
  private readonly tokens: Token[];

  constructor(readonly pattern: string) {
    let p = normalizeGlobPath(pattern);
    // A pattern that is not anchored matches at any folder depth, like .gitignore.
    if (!p.startsWith('/') && !p.startsWith('**') && !/^[a-z]:\//.test(p)) p = '**/' + p;
    this.tokens = tokenize(p);
  }

  /** True when the whole path (or the path of one of its parent folders) matches. */
  matches(path: string): boolean {
    const t = this.tokens;
    const n = path.length;
    // prev[j]: tokens[0..i) match path[0..j).
    let prev = new Uint8Array(n + 1);
    prev[0] = 1;
    for (let i = 0; i < t.length; i++) {
      const tok = t[i]!;
      const cur = new Uint8Array(n + 1);
      if (tok.kind === 'star' || tok.kind === 'globstar') {
        // Star: cur[j] = prev[j] || (cur[j-1] && path[j-1] is allowed).
        cur[0] = prev[0]!;
        for (let j = 1; j <= n; j++) {
          cur[j] = prev[j] || (cur[j - 1] && (tok.kind === 'globstar' || path[j - 1] !== '/')) ? 1 : 0;
        }
      } else {
        for (let j = 1; j <= n; j++) {
          if (!prev[j - 1]) continue;
          const c = path[j - 1]!;
          cur[j] = (tok.kind === 'any' ? c !== '/' : tok.ch === c) ? 1 : 0;
        }
      }
      prev = cur;
    }
    if (prev[n]) return true;
    // A folder pattern covers everything below it.
    for (let j = 1; j < n; j++) if (path[j] === '/' && prev[j]) return true;
    return false;
  }
}
