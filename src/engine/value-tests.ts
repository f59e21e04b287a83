// The closures a compiled rule is made of, each built by a small top-level factory from the few values it tests.
// Why factories: V8 gives all closures created in one function scope a shared Context holding every variable
// any of them captures, so a test made inside the item compiler kept its siblings' patterns, spec lists, plans
// and describe strings alive for as long as the rule lives (152k glob pieces on SigmaHQ). A factory's Context
// holds its own parameters only.
import {
  cidrContains,
  compareNumber,
  compileRegex,
  fieldrefMatches,
  globMatches,
  parseIp,
  parseNumber,
  timePart,
  type CidrNetwork,
  type FieldrefMode,
  type GlobPattern,
  type NumericOperator,
  type TimePart,
} from '../sigma/modifiers/index.js';
import { AhoCorasick, GUARD_MATCH, GUARD_MAYBE, regexGuard } from './prefilter/index.js';
import type { RecordView } from './record-view.js';

/** A test of one record. */
export type ViewTest = (view: RecordView) => boolean;

/** A test of one (raw or lower-cased) field value. */
export type StringTest = (s: string) => boolean;

/** The shapes a wildcard value takes most often, each one string operation. */
export type LiteralShape = 'equals' | 'startswith' | 'endswith' | 'contains';

/** A value that is one string operation on one literal, or `any` (a bare `*`). */
export type LiteralTest = { readonly shape: LiteralShape; readonly text: string } | { readonly shape: 'any' };

/** The one-operation form of a glob pattern, or undefined when it needs the general matcher. */
export function literalTestOf(pattern: GlobPattern): LiteralTest | undefined {
  const pieces = pattern.pieces;
  if (!pieces.every((p) => p.parts.length === 1)) return undefined;
  if (pieces.length === 1) return { shape: 'equals', text: pieces[0]!.parts[0]! };
  if (pieces.length === 2) {
    const a = pieces[0]!.parts[0]!;
    const b = pieces[1]!.parts[0]!;
    if (a === '') return b === '' ? { shape: 'any' } : { shape: 'endswith', text: b };
    if (b === '') return { shape: 'startswith', text: a };
  }
  if (pieces.length === 3 && pieces[0]!.parts[0] === '' && pieces[2]!.parts[0] === '') {
    return { shape: 'contains', text: pieces[1]!.parts[0]! };
  }
  return undefined;
}

const alwaysTrue: StringTest = () => true;
const alwaysFalse = (): boolean => false;

/** The test of a single literal value. */
export function literalStringTest(lit: LiteralTest): StringTest {
  if (lit.shape === 'any') return alwaysTrue;
  const text = lit.text;
  switch (lit.shape) {
    case 'equals':
      return (s) => s === text;
    case 'startswith':
      return (s) => s.startsWith(text);
    case 'endswith':
      return (s) => s.endsWith(text);
    case 'contains':
      return (s) => s.includes(text);
  }
}

/** True when `s` has the shape with any of the literals (one closure and one array for a whole value list). */
export function anyLiteralTest(shape: LiteralShape, texts: readonly string[]): StringTest {
  if (texts.length === 1) return literalStringTest({ shape, text: texts[0]! });
  switch (shape) {
    case 'equals':
      return (s) => {
        for (let i = 0; i < texts.length; i++) if (s === texts[i]) return true;
        return false;
      };
    case 'startswith':
      return (s) => {
        for (let i = 0; i < texts.length; i++) if (s.startsWith(texts[i]!)) return true;
        return false;
      };
    case 'endswith':
      return (s) => {
        for (let i = 0; i < texts.length; i++) if (s.endsWith(texts[i]!)) return true;
        return false;
      };
    case 'contains':
      return (s) => {
        for (let i = 0; i < texts.length; i++) if (s.includes(texts[i]!)) return true;
        return false;
      };
  }
}

/** The general wildcard matcher for a pattern (already in the case it compares in). */
export function globStringTest(pattern: GlobPattern): StringTest {
  return (s) => globMatches(s, pattern);
}

/** Negation of a string test (`neq`). */
export function notStringTest(t: StringTest): StringTest {
  return (s) => !t(s);
}

/** True when any of the tests is. */
export function anyStringTest(tests: readonly StringTest[]): StringTest {
  if (tests.length === 1) return tests[0]!;
  return (s) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(s)) return true;
    return false;
  };
}

/** Flags of a Sigma `re` value. */
export interface RegexFlags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

/**
 * A regex on the raw value, behind its cheap facts (minimum length, required characters) and DFA guard. The
 * guard and the RE2 program are built on first need (the pattern was compiled once at load to report errors):
 * most rules never see a text that gets this far, and an RE2 program is ~10 KB of heap.
 */
export function regexStringTest(
  pattern: string,
  flags: RegexFlags,
  minLength: number,
  required: string,
): StringTest {
  let guard: ((s: string) => number) | undefined | null = null;
  let re: StringTest | undefined;
  return (s) => {
    if (s.length < minLength) return false;
    for (let i = 0; i < required.length; i++) if (s.indexOf(required[i]!) < 0) return false;
    if (guard === null) guard = regexGuard(pattern, flags);
    if (guard !== undefined) {
      const verdict = guard(s);
      if (verdict !== GUARD_MAYBE) return verdict === GUARD_MATCH;
    }
    if (re === undefined) {
      const compiled = compileRegex(pattern, flags);
      re = compiled.ok ? compiled.test : alwaysFalse;
    }
    return re(s);
  };
}

/** `lt`/`lte`/`gt`/`gte` against a bound, on the number or on a part of a timestamp. */
export function numericStringTest(
  op: NumericOperator,
  bound: number,
  part: TimePart | undefined,
): StringTest {
  return (s) => {
    const n = part ? timePart(s, part) : parseNumber(s);
    return n !== undefined && compareNumber(n, op, bound);
  };
}

/** A timestamp part (`|hour`, `|day` …) equal to a number. */
export function timePartStringTest(part: TimePart, want: number): StringTest {
  return (s) => timePart(s, part) === want;
}

/** A YAML number: equal as text or, for numeric fields written otherwise (0x10), as a number. */
export function numberEqualsTest(value: number): StringTest {
  const text = String(value);
  return (s) => s === text || parseNumber(s) === value;
}

// The last address parsed by any cidr test of the thread: a record's address is tested by several rules (and by
// several lists of one rule), and logon storms repeat one address over thousands of records. The bytes are only
// read (cidrContains), so sharing them is safe.
let lastIpText = '';
let lastIp: Uint8Array | undefined;

function parsedIp(s: string): Uint8Array | undefined {
  if (s !== lastIpText) {
    lastIp = parseIp(s);
    lastIpText = s;
  }
  return lastIp;
}

/** An address inside any (or, for `all`, every) of the networks. */
export function cidrStringTest(networks: readonly CidrNetwork[], all: boolean): StringTest {
  return (s) => {
    const ip = parsedIp(s);
    if (ip === undefined) return false;
    return all ? networks.every((n) => cidrContains(n, ip)) : networks.some((n) => cidrContains(n, ip));
  };
}

/**
 * One automaton over many `contains` literals: true when any (or, for `all`, every) literal occurs. Built on
 * first use, so rules whose logsource never appears in the input cost nothing.
 */
export function automatonStringTest(literals: readonly string[], all: boolean): StringTest {
  const unique = [...new Set(literals)];
  let automaton: AhoCorasick | undefined;
  const build = (): AhoCorasick => (automaton = new AhoCorasick(unique, { denseCellBudget: 1 << 14 }));
  if (!all) return (s) => (automaton ?? build()).containsAny(s);
  const seen = new Uint8Array(unique.length);
  let distinct = 0;
  const onMatch = (id: number): void => {
    if (seen[id] === 0) {
      seen[id] = 1;
      distinct++;
    }
  };
  return (s) => {
    seen.fill(0);
    distinct = 0;
    (automaton ?? build()).scan(s, onMatch);
    return distinct === unique.length;
  };
}

/** `field|exists: want`. */
export function existsTest(field: string, want: boolean): ViewTest {
  return (v) => v.has(field) === want;
}

/** A string test on a field's lower-cased value (false when the field is absent). */
export function lowerFieldTest(field: string, t: StringTest): ViewTest {
  return (v) => {
    const s = v.lower(field);
    return s !== undefined && t(s);
  };
}

/** A string test on a field's value as written (false when the field is absent). */
export function rawFieldTest(field: string, t: StringTest): ViewTest {
  return (v) => {
    const s = v.raw(field);
    return s !== undefined && t(s);
  };
}

/** `field: null`: the field is absent or empty. */
export function nullFieldTest(field: string): ViewTest {
  return (v) => {
    const s = v.raw(field);
    return s === undefined || s === '';
  };
}

/** `field|fieldref: other` (with contains/startswith/endswith, cased or not, or negated by `neq`). */
export function fieldrefTest(
  field: string,
  other: string,
  onRaw: boolean,
  mode: FieldrefMode,
  negate: boolean,
): ViewTest {
  return (v) => {
    const s = onRaw ? v.raw(field) : v.lower(field);
    const o = onRaw ? v.raw(other) : v.lower(other);
    if (s === undefined || o === undefined) return false;
    return negate ? !fieldrefMatches(s, o, 'equals') : fieldrefMatches(s, o, mode);
  };
}

/** A keyword value: matches when it matches any field value of the record. */
export function keywordTest(onRaw: boolean, t: StringTest): ViewTest {
  return (v) => {
    const values = onRaw ? v.keywordRaw() : v.keywordLower();
    for (let i = 0; i < values.length; i++) if (t(values[i]!)) return true;
    return false;
  };
}

/** Keyword literals through one automaton over the record's joined keyword text. */
export function keywordTextTest(t: StringTest): ViewTest {
  return (v) => t(v.keywordText());
}

/** True when every test is. */
export function allViewTest(tests: readonly ViewTest[]): ViewTest {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) return bothViewTest(tests[0]!, tests[1]!);
  return (v) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(v)) return false;
    return true;
  };
}

/** True when any test is. */
export function anyViewTest(tests: readonly ViewTest[]): ViewTest {
  if (tests.length === 0) return alwaysFalse;
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) return eitherViewTest(tests[0]!, tests[1]!);
  return (v) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(v)) return true;
    return false;
  };
}

// Two-test forms in factories of their own (a closure in allViewTest's scope would share the list's Context).
function bothViewTest(a: ViewTest, b: ViewTest): ViewTest {
  return (v) => a(v) && b(v);
}

function eitherViewTest(a: ViewTest, b: ViewTest): ViewTest {
  return (v) => a(v) || b(v);
}

/** Negation of a record test. */
export function notViewTest(t: ViewTest): ViewTest {
  return (v) => !t(v);
}

/** Never matches (a quantifier over no selection). */
export const NEVER_VIEW_TEST: ViewTest = alwaysFalse;

/** The rule's test behind a provider check (rules mapped to a provider, not only a channel). */
export function providerTest(providers: readonly string[], t: ViewTest): ViewTest {
  return (v) => providers.includes(v.record.provider.toLowerCase()) && t(v);
}
