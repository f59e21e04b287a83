// The `re` modifier with its `i`, `m`, `s` sub-modifiers, on RE2 (re2js): matching time is linear in the input,
// so an attacker-written event value cannot make a rule's regex run away.
import { RE2JS } from 're2js';

/** A compiled regular expression test, or the reason it cannot be compiled. */
export type RegexCompileResult = { ok: true; test: (s: string) => boolean } | { ok: false; reason: string };

/** Code points in the longest run without a line feed (what `.` matches without the s flag). */
function longestLine(s: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) {
      if (run > best) best = run;
      run = 0;
    } else if (c < 0xdc00 || c > 0xdfff) run++; // a low surrogate completes a code point already counted
  }
  return run > best ? run : best;
}

/** Code points in a string. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

const LONG_RUN = /^\.\{(\d{1,6}),\}$/;

/** Compiles a Sigma `re` value with flags i (case-insensitive), m (multi-line), s (dot matches newline). */
export function compileRegex(
  pattern: string,
  flags: { i?: boolean; m?: boolean; s?: boolean },
): RegexCompileResult {
  // `.{N,}` ("a line at least N long") is common in hunting rules; RE2 would simulate N states per character.
  const longRun = LONG_RUN.exec(pattern);
  if (longRun) {
    const n = Number(longRun[1]);
    return flags.s
      ? { ok: true, test: (s: string) => s.length >= n && codePoints(s) >= n }
      : { ok: true, test: (s: string) => s.length >= n && longestLine(s) >= n };
  }
  let f = 0;
  if (flags.i) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.m) f |= RE2JS.MULTILINE;
  if (flags.s) f |= RE2JS.DOTALL;
  try {
    const re = RE2JS.compile(pattern, f);
    // find() semantics: the pattern may match anywhere unless it anchors itself.
    return { ok: true, test: (s: string) => re.matcher(s).find() };
  } catch (err) {
    const msg = (err as Error).message || String(err);
    const hint = /\(\?[=!<]/.test(pattern)
      ? ' (look-around assertions are not supported by the linear-time RE2 engine)'
      : /\\[1-9]/.test(pattern)
        ? ' (back-references are not supported by the linear-time RE2 engine)'
        : '';
    return { ok: false, reason: `regular expression cannot be compiled: ${msg}${hint}` };
  }
}
