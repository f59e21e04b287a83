// Compiles one detection item (`field|modifiers: values`) into a test on a RecordView, plus the literal needles
// the prefilter can use and the event ids it pins down. Values are expanded, encoded and lower-cased here,
// once, so that matching is plain string work.
import {
  anchorGlob,
  base64Of,
  base64OffsetVariants,
  cidrContains,
  compareNumber,
  compileRegex,
  encodeText,
  expandValue,
  fieldrefMatches,
  globMatches,
  mapGlob,
  parseCidr,
  parseGlob,
  parseIp,
  parseNumber,
  planModifiers,
  requiredLiterals,
  timePart,
  windashVariants,
  type CidrNetwork,
  type ExpandConfig,
  type GlobPattern,
  type ModifierPlan,
} from '../sigma/modifiers/index.js';
import type { DetectionItem, SigmaScalar, SourcePosition } from '../sigma/types.js';
import {
  AhoCorasick,
  GUARD_MATCH,
  GUARD_MAYBE,
  KEYWORD_FIELD,
  regexFacts,
  regexGuard,
  type PrefilterNeedle,
} from './prefilter/index.js';
import type { Needles } from './needles.js';
import type { RecordView } from './record-view.js';

/** A test of one record. */
export type ViewTest = (view: RecordView) => boolean;

/** A compiled detection item. */
export interface CompiledItem {
  readonly test: ViewTest;
  readonly needles: Needles;
  /** Record field names the item reads (empty for keyword items). */
  readonly fields: readonly string[];
  /** Event ids the item pins down (plain EventID equality), for the rule index. */
  readonly eventIds?: readonly number[];
  /** A short human form for `rules explain`. */
  readonly describe: string;
}

/** Why an item cannot be compiled. */
export interface ItemProblem {
  readonly severity: 'invalid' | 'unsupported';
  readonly reason: string;
  /** Where the offending item is written. */
  readonly position?: SourcePosition;
}

type StringTest = (s: string) => boolean;

const NEEDLE_PARTS = 2;
/** From this many plain `contains` values on, one automaton scan replaces one substring search per value. */
const AUTOMATON_MIN_VALUES = 4;

/** Builds the fastest string test for a (lower-cased or cased) glob pattern. */
function globTest(pattern: GlobPattern): StringTest {
  const pieces = pattern.pieces;
  const simple = pieces.every((p) => p.parts.length === 1);
  if (simple) {
    if (pieces.length === 1) {
      const lit = pieces[0]!.parts[0]!;
      return (s) => s === lit;
    }
    if (pieces.length === 2) {
      const a = pieces[0]!.parts[0]!;
      const b = pieces[1]!.parts[0]!;
      if (a === '') return b === '' ? () => true : (s) => s.endsWith(b);
      if (b === '') return (s) => s.startsWith(a);
    }
    if (pieces.length === 3 && pieces[0]!.parts[0] === '' && pieces[2]!.parts[0] === '') {
      const mid = pieces[1]!.parts[0]!;
      return (s) => s.includes(mid);
    }
  }
  return (s) => globMatches(s, pattern);
}

function scalarText(v: SigmaScalar): string {
  return v === null ? '' : String(v);
}

/** The string forms a value takes after expand, windash and encoding modifiers. */
function valueForms(
  value: string,
  plan: ModifierPlan,
  expand: ExpandConfig,
): { forms: string[]; encoded: boolean } | ItemProblem {
  let forms = [value];
  if (plan.expand) {
    const { values, missing } = expandValue(value, expand);
    if (missing.length > 0) {
      return {
        severity: 'unsupported',
        reason: `placeholder ${missing.map((m) => `%${m}%`).join(', ')} has no values: add config/expand/${missing[0]}.txt (one value a line)`,
      };
    }
    forms = values;
  }
  if (plan.windash) forms = forms.flatMap(windashVariants);
  if (plan.base64) {
    const out: string[] = [];
    for (const f of forms) {
      const pattern = parseGlob(f);
      if (!pattern.literal) {
        return {
          severity: 'unsupported',
          reason: `'${plan.base64}' of a value with wildcards ('${f}') is undefined`,
        };
      }
      const bytes = encodeText(pattern.pieces[0]!.parts[0]!, plan.textEncoding ?? 'utf8');
      if (plan.base64 === 'base64') out.push(base64Of(bytes));
      else out.push(...base64OffsetVariants(bytes));
    }
    return { forms: out, encoded: true };
  }
  return { forms, encoded: false };
}

/** Compiles one detection item with the target log's field-name mapping. */
export function compileItem(
  item: DetectionItem,
  fieldMap: Readonly<Record<string, string>> | undefined,
  expand: ExpandConfig,
): CompiledItem | ItemProblem {
  const planned = planModifiers(item.modifiers);
  if ('error' in planned) return { severity: 'invalid', reason: planned.error };
  const plan = planned.plan;
  const field = item.field === undefined ? undefined : (fieldMap?.[item.field] ?? item.field);
  const label = `${item.field ?? '<keywords>'}${field !== item.field ? `→${field}` : ''}${item.modifiers.map((m) => `|${m}`).join('')}`;
  const describe = `${label}: ${JSON.stringify(item.values.length === 1 ? item.values[0] : item.values)}`;

  if (plan.kind === 'exists') {
    const want = item.values[0] === true;
    const f = field!;
    return { test: (v) => v.has(f) === want, needles: undefined, fields: [f], describe };
  }

  // Per-value string tests (each on raw or lower-cased text), combined by OR or by AND (`all`).
  const tests: ValueTestSpec[] = [];
  const alternatives: PrefilterNeedle[][] = [];
  let reUnconstrained = false;
  let constrained =
    plan.kind === 're' ||
    plan.kind === 'equals' ||
    plan.kind === 'contains' ||
    plan.kind === 'startswith' ||
    plan.kind === 'endswith';
  const needleField = field ?? KEYWORD_FIELD;
  const eventIds: number[] = [];
  let pinsEventIds = field === 'EventID' && plan.kind === 'equals' && item.modifiers.length === 0;

  const networks: CidrNetwork[] = [];
  const unconstrainedNeq = (): void => {
    constrained = false;
    pinsEventIds = false;
  };
  for (const value of item.values) {
    if (plan.fieldref) {
      if (typeof value !== 'string' || value === '')
        return { severity: 'invalid', reason: `'fieldref' needs a field name as value` };
      const ref = fieldMap?.[value] ?? value;
      // The comparison itself happens in buildItemTest, which reads both fields.
      tests.push({ test: () => false, onRaw: plan.cased, refField: ref });
      constrained = false;
      continue;
    }
    if (value === null) {
      if (plan.kind !== 'equals')
        return { severity: 'invalid', reason: `null only works as a plain value (no modifiers)` };
      tests.push({ test: (s) => s === '', onRaw: true, nullTest: true });
      constrained = false;
      pinsEventIds = false;
      continue;
    }
    switch (plan.kind) {
      case 're': {
        if (typeof value !== 'string') return { severity: 'invalid', reason: `'re' needs a string pattern` };
        const re = compileRegex(value, plan.reFlags);
        if (!re.ok) return { severity: 'unsupported', reason: re.reason };
        // Regex facts (H4): values shorter than any match skip the regex; required literals feed the prefilter.
        const facts = regexFacts(value, { caseInsensitive: plan.reFlags.i });
        const minLength = facts.minLength;
        const required = facts.requiredChars;
        // The DFA guard (regex-guard.ts) settles most texts in one linear scan; RE2 decides the rest.
        const guard = regexGuard(value, plan.reFlags);
        const guarded = (s: string): boolean => {
          if (s.length < minLength) return false;
          for (let i = 0; i < required.length; i++) if (s.indexOf(required[i]!) < 0) return false;
          if (guard === undefined) return re.test(s);
          const verdict = guard(s);
          return verdict === GUARD_MAYBE ? re.test(s) : verdict === GUARD_MATCH;
        };
        tests.push({
          test: minLength > 1 || required !== '' || guard !== undefined ? guarded : re.test,
          onRaw: true,
        });
        if (facts.needles && !plan.all) {
          for (const alt of facts.needles)
            alternatives.push(alt.map((needle) => ({ field: needleField, needle })));
        } else reUnconstrained = true;
        continue;
      }
      case 'cidr': {
        const net = parseCidr(scalarText(value));
        if (!net)
          return {
            severity: 'invalid',
            reason: `'${scalarText(value)}' is not an IPv4 or IPv6 network (a.b.c.d/n)`,
          };
        networks.push(net);
        continue;
      }
      case 'numeric': {
        const bound = typeof value === 'number' ? value : parseNumber(scalarText(value));
        if (bound === undefined)
          return {
            severity: 'invalid',
            reason: `'${item.modifiers.join('|')}' needs a number, got '${scalarText(value)}'`,
          };
        const op = plan.numericOp!;
        const part = plan.timePart;
        tests.push({
          test: (s) => {
            const n = part ? timePart(s, part) : parseNumber(s);
            return n !== undefined && compareNumber(n, op, bound);
          },
          onRaw: true,
        });
        continue;
      }
      default:
        break;
    }
    if (plan.timePart) {
      const want = typeof value === 'number' ? value : parseNumber(scalarText(value));
      if (want === undefined) return { severity: 'invalid', reason: `'${plan.timePart}' needs a number` };
      const part = plan.timePart;
      tests.push({ test: (s) => timePart(s, part) === want, onRaw: true });
      constrained = false;
      continue;
    }
    if (typeof value === 'number' && plan.kind === 'neq') {
      const text = String(value);
      tests.push({ test: (s) => !(s === text || parseNumber(s) === value), onRaw: true });
      unconstrainedNeq();
      continue;
    }
    if (typeof value === 'number' && plan.kind === 'equals' && !plan.base64) {
      // YAML reads 0x10 and 16 alike: compare as numbers when the field is numeric, else as text.
      const text = String(value);
      tests.push({ test: (s) => s === text || parseNumber(s) === value, onRaw: true });
      if (pinsEventIds && Number.isInteger(value)) eventIds.push(value);
      constrained = false;
      continue;
    }
    if (pinsEventIds) {
      const n = Number(value);
      if (typeof value === 'string' && /^\d+$/.test(value)) eventIds.push(n);
      else pinsEventIds = false;
    }
    const forms = valueForms(scalarText(value), plan, expand);
    if ('severity' in forms) return forms;
    const shape = plan.kind === 'neq' ? 'equals' : plan.kind;
    // Keywords without explicit wildcards match anywhere in a value.
    const keywordShape = field === undefined && shape === 'equals' ? 'contains' : shape;
    for (const form of forms.forms) {
      let pattern = forms.encoded
        ? { pieces: [{ parts: [form], length: form.length }], literal: true }
        : parseGlob(form);
      if (keywordShape !== 'equals')
        pattern = anchorGlob(pattern, keywordShape as 'contains' | 'startswith' | 'endswith');
      const lowered = plan.cased ? pattern : mapGlob(pattern, (s) => s.toLowerCase());
      const t = globTest(lowered);
      const containsLiteral =
        keywordShape === 'contains' && !plan.cased && plan.kind !== 'neq' && isContainsLiteral(lowered)
          ? lowered.pieces[1]!.parts[0]
          : undefined;
      tests.push({ test: plan.kind === 'neq' ? (s) => !t(s) : t, onRaw: plan.cased, containsLiteral });
      const literals = requiredLiterals(mapGlob(pattern, (s) => s.toLowerCase()))
        .sort((a, b) => b.length - a.length)
        .slice(0, NEEDLE_PARTS);
      if (literals.length === 0 || plan.kind === 'neq') constrained = false;
      else alternatives.push(literals.map((needle) => ({ field: needleField, needle })));
    }
  }

  if (networks.length > 0) {
    // The address is parsed once for all networks of the item.
    const all = plan.all;
    tests.push({
      test: (s) => {
        const ip = parseIp(s);
        if (ip === undefined) return false;
        return all ? networks.every((n) => cidrContains(n, ip)) : networks.some((n) => cidrContains(n, ip));
      },
      onRaw: true,
    });
  }
  const test = buildItemTest(field, plan, tests);
  let needles: Needles = undefined;
  if (constrained && !reUnconstrained && alternatives.length > 0) {
    needles = plan.all ? [alternatives.flat()] : alternatives;
  }
  return {
    test,
    needles,
    fields: field === undefined ? [] : [field, ...tests.flatMap((t) => (t.refField ? [t.refField] : []))],
    eventIds: pinsEventIds && eventIds.length > 0 ? eventIds : undefined,
    describe,
  };
}

interface ValueTestSpec {
  readonly test: StringTest;
  readonly onRaw: boolean;
  readonly nullTest?: boolean;
  readonly refField?: string;
  /** Set when the test is "lower-cased value contains this literal". */
  readonly containsLiteral?: string;
}

function isContainsLiteral(p: GlobPattern): boolean {
  const ps = p.pieces;
  return (
    ps.length === 3 &&
    ps[0]!.length === 0 &&
    ps[2]!.length === 0 &&
    ps[1]!.parts.length === 1 &&
    ps[1]!.parts[0]!.length > 0
  );
}

/**
 * One automaton over many `contains` literals: true when any (or, for `all`, every) literal occurs. Built on
 * first use, so rules whose logsource never appears in the input cost nothing.
 */
function automatonTest(literals: string[], all: boolean): StringTest {
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

function buildItemTest(field: string | undefined, plan: ModifierPlan, tests: ValueTestSpec[]): ViewTest {
  // `neq` with several values: the field differs from every one of them.
  const all = plan.all || plan.kind === 'neq';
  if (tests.length >= AUTOMATON_MIN_VALUES && tests.every((t) => t.containsLiteral !== undefined)) {
    const scan = automatonTest(
      tests.map((t) => t.containsLiteral!),
      all,
    );
    if (field === undefined) return (v) => scan(v.keywordText());
    return (v) => {
      const s = v.lower(field);
      return s !== undefined && scan(s);
    };
  }
  if (field === undefined) {
    // Keyword search: a value matches when it matches any field value of the record.
    const one = (t: (typeof tests)[number], v: RecordView): boolean => {
      const values = t.onRaw ? v.keywordRaw() : v.keywordLower();
      for (const s of values) if (t.test(s)) return true;
      return false;
    };
    return all ? (v) => tests.every((t) => one(t, v)) : (v) => tests.some((t) => one(t, v));
  }
  const mode =
    plan.kind === 'contains' || plan.kind === 'startswith' || plan.kind === 'endswith' ? plan.kind : 'equals';
  const negate = plan.kind === 'neq';
  const one = (t: (typeof tests)[number], v: RecordView): boolean => {
    const s = t.onRaw ? v.raw(field) : v.lower(field);
    if (t.refField !== undefined) {
      const other = t.onRaw ? v.raw(t.refField) : v.lower(t.refField);
      if (s === undefined || other === undefined) return false;
      return negate ? !fieldrefMatches(s, other, 'equals') : fieldrefMatches(s, other, mode);
    }
    if (s === undefined) return t.nullTest === true;
    return t.test(s);
  };
  if (tests.length === 1) {
    const t = tests[0]!;
    if (!t.refField && !t.nullTest) {
      const f = t.test;
      return t.onRaw
        ? (v) => {
            const s = v.raw(field);
            return s !== undefined && f(s);
          }
        : (v) => {
            const s = v.lower(field);
            return s !== undefined && f(s);
          };
    }
    return (v) => one(t, v);
  }
  if (all) return (v) => tests.every((t) => one(t, v));
  return (v) => {
    for (const t of tests) if (one(t, v)) return true;
    return false;
  };
}
