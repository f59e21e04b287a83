// Compiles one detection item (`field|modifiers: values`) into a test on a RecordView, plus the literal needles
// the prefilter can use and the event ids it pins down. Values are expanded, encoded and lower-cased here,
// once, so that matching is plain string work. The closures themselves come from value-tests.ts factories, so
// that a compiled item keeps only what it tests (not the patterns, specs and plans it was built from).
import {
  anchorGlob,
  base64Of,
  base64OffsetVariants,
  compileRegex,
  encodeText,
  expandValue,
  mapGlob,
  parseCidr,
  parseGlob,
  parseNumber,
  planModifiers,
  requiredLiterals,
  windashVariants,
  type CidrNetwork,
  type ExpandConfig,
  type ModifierPlan,
} from '../sigma/modifiers/index.js';
import type { DetectionItem, SigmaScalar, SourcePosition } from '../sigma/types.js';
import { KEYWORD_FIELD, regexFacts, type PrefilterNeedle } from './prefilter/index.js';
import type { Needles } from './needles.js';
import {
  NEVER_VIEW_TEST,
  allViewTest,
  anyLiteralTest,
  anyStringTest,
  anyViewTest,
  automatonStringTest,
  cidrStringTest,
  existsTest,
  fieldrefTest,
  globStringTest,
  keywordTest,
  keywordTextTest,
  literalStringTest,
  literalTestOf,
  lowerFieldTest,
  notStringTest,
  nullFieldTest,
  numberEqualsTest,
  numericStringTest,
  rawFieldTest,
  regexStringTest,
  timePartStringTest,
  type LiteralShape,
  type LiteralTest,
  type StringTest,
  type ViewTest,
} from './value-tests.js';

export type { ViewTest } from './value-tests.js';

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

const NEEDLE_PARTS = 2;
/** From this many plain `contains` values on, one automaton scan replaces one substring search per value. */
const AUTOMATON_MIN_VALUES = 4;

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

/** One value's test before the item combines them. */
type ValueSpec =
  | {
      readonly kind: 'string';
      /** The test, positive (before `neq` negates it). */
      readonly test: StringTest;
      readonly onRaw: boolean;
      /** `neq`: the value must NOT match. */
      readonly negated: boolean;
      /** Set when the value is one string operation on one literal (values of one shape share a closure). */
      readonly literal?: LiteralTest;
      /** Set when the test is "lower-cased value contains this literal". */
      readonly containsLiteral?: string;
    }
  | { readonly kind: 'null' }
  | { readonly kind: 'ref'; readonly refField: string; readonly onRaw: boolean };

/**
 * Items already compiled in one rule-set compile (by field as written and as mapped, modifiers and values):
 * identical items, in other rules or in another logsource variant of the same rule, share one compiled item.
 * One cache serves one expand configuration; drop it with the compile run.
 */
export type ItemCache = Map<string, CompiledItem | ItemProblem>;

/** Compiles one detection item with the target log's field-name mapping (from the cache when given and seen). */
export function compileItem(
  item: DetectionItem,
  fieldMap: Readonly<Record<string, string>> | undefined,
  expand: ExpandConfig,
  cache?: ItemCache,
): CompiledItem | ItemProblem {
  // fieldref values are field names the mapping renames too: such items are compiled each time.
  const values = JSON.stringify(item.values);
  if (!cache || item.modifiers.includes('fieldref')) return compileItemOnce(item, fieldMap, expand, values);
  const field = item.field === undefined ? undefined : (fieldMap?.[item.field] ?? item.field);
  const key = `${item.field ?? ''}\u0000${field ?? ''}\u0000${item.modifiers.join('|')}\u0000${values}`;
  let compiled = cache.get(key);
  if (!compiled) cache.set(key, (compiled = compileItemOnce(item, fieldMap, expand, values)));
  return compiled;
}

function compileItemOnce(
  item: DetectionItem,
  fieldMap: Readonly<Record<string, string>> | undefined,
  expand: ExpandConfig,
  valuesJson: string,
): CompiledItem | ItemProblem {
  const planned = planModifiers(item.modifiers);
  if ('error' in planned) return { severity: 'invalid', reason: planned.error };
  const plan = planned.plan;
  const field = item.field === undefined ? undefined : (fieldMap?.[item.field] ?? item.field);
  const label = `${item.field ?? '<keywords>'}${field !== item.field ? `→${field}` : ''}${item.modifiers.map((m) => `|${m}`).join('')}`;
  const describe = `${label}: ${item.values.length === 1 ? valuesJson.slice(1, -1) : valuesJson}`;

  if (plan.kind === 'exists') {
    const f = field!;
    return { test: existsTest(f, item.values[0] === true), needles: undefined, fields: [f], describe };
  }
  const specs = valueSpecs(item, plan, field, fieldMap, expand);
  if ('severity' in specs) return specs;
  const { tests, alternatives, constrained, eventIds } = specs;
  const needles: Needles =
    constrained && alternatives.length > 0 ? (plan.all ? [alternatives.flat()] : alternatives) : undefined;
  return {
    test: buildItemTest(field, plan, tests),
    needles,
    fields:
      field === undefined ? [] : [field, ...tests.flatMap((t) => (t.kind === 'ref' ? [t.refField] : []))],
    eventIds,
    describe,
  };
}

interface ValueSpecs {
  readonly tests: ValueSpec[];
  /** Needle alternatives (one per value, or per regex alternative). */
  readonly alternatives: PrefilterNeedle[][];
  /** False when some value has no needle: then the item gives the prefilter no constraint. */
  readonly constrained: boolean;
  readonly eventIds?: readonly number[];
}

/** The per-value tests of an item, its needles and the event ids it pins down. */
function valueSpecs(
  item: DetectionItem,
  plan: ModifierPlan,
  field: string | undefined,
  fieldMap: Readonly<Record<string, string>> | undefined,
  expand: ExpandConfig,
): ValueSpecs | ItemProblem {
  const tests: ValueSpec[] = [];
  const alternatives: PrefilterNeedle[][] = [];
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
  for (const value of item.values) {
    if (plan.fieldref) {
      if (typeof value !== 'string' || value === '')
        return { severity: 'invalid', reason: `'fieldref' needs a field name as value` };
      tests.push({ kind: 'ref', refField: fieldMap?.[value] ?? value, onRaw: plan.cased });
      constrained = false;
      continue;
    }
    if (value === null) {
      if (plan.kind !== 'equals')
        return { severity: 'invalid', reason: `null only works as a plain value (no modifiers)` };
      tests.push({ kind: 'null' });
      constrained = false;
      pinsEventIds = false;
      continue;
    }
    switch (plan.kind) {
      case 're': {
        if (typeof value !== 'string') return { severity: 'invalid', reason: `'re' needs a string pattern` };
        // Compiled here to report a pattern RE2 cannot run; the test compiles its own copy on first need.
        const re = compileRegex(value, plan.reFlags);
        if (!re.ok) return { severity: 'unsupported', reason: re.reason };
        // Regex facts (H4): values shorter than any match skip the regex; required literals feed the prefilter.
        const facts = regexFacts(value, { caseInsensitive: plan.reFlags.i });
        // The DFA guard (regex-guard.ts) settles most texts in one linear scan; RE2 decides the rest.
        const test = regexStringTest(value, plan.reFlags, facts.minLength, facts.requiredChars);
        tests.push({ kind: 'string', test, onRaw: true, negated: false });
        if (facts.needles && !plan.all) {
          for (const alt of facts.needles)
            alternatives.push(alt.map((needle) => ({ field: needleField, needle })));
        } else constrained = false;
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
        const test = numericStringTest(plan.numericOp!, bound, plan.timePart);
        tests.push({ kind: 'string', test, onRaw: true, negated: false });
        continue;
      }
      default:
        break;
    }
    if (plan.timePart) {
      const want = typeof value === 'number' ? value : parseNumber(scalarText(value));
      if (want === undefined) return { severity: 'invalid', reason: `'${plan.timePart}' needs a number` };
      tests.push({
        kind: 'string',
        test: timePartStringTest(plan.timePart, want),
        onRaw: true,
        negated: false,
      });
      constrained = false;
      continue;
    }
    if (typeof value === 'number' && plan.kind === 'neq') {
      tests.push({ kind: 'string', test: numberEqualsTest(value), onRaw: true, negated: true });
      constrained = false;
      pinsEventIds = false;
      continue;
    }
    if (typeof value === 'number' && plan.kind === 'equals' && !plan.base64) {
      // YAML reads 0x10 and 16 alike: compare as numbers when the field is numeric, else as text.
      tests.push({ kind: 'string', test: numberEqualsTest(value), onRaw: true, negated: false });
      if (pinsEventIds && Number.isInteger(value)) eventIds.push(value);
      constrained = false;
      continue;
    }
    if (pinsEventIds) {
      if (typeof value === 'string' && /^\d+$/.test(value)) eventIds.push(Number(value));
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
      const literal = literalTestOf(lowered);
      const negated = plan.kind === 'neq';
      tests.push({
        kind: 'string',
        test: literal ? literalStringTest(literal) : globStringTest(lowered),
        onRaw: plan.cased,
        negated,
        literal,
        // Only `contains` values (not `*x*` written as a plain value) go through the item automaton.
        containsLiteral:
          keywordShape === 'contains' &&
          !plan.cased &&
          !negated &&
          literal?.shape === 'contains' &&
          literal.text.length > 0
            ? literal.text
            : undefined,
      });
      const literals = requiredLiterals(plan.cased ? mapGlob(pattern, (s) => s.toLowerCase()) : lowered)
        .sort((a, b) => b.length - a.length)
        .slice(0, NEEDLE_PARTS);
      if (literals.length === 0 || negated) constrained = false;
      else alternatives.push(literals.map((needle) => ({ field: needleField, needle })));
    }
  }
  if (networks.length > 0) {
    // The address is parsed once for all networks of the item.
    tests.push({ kind: 'string', test: cidrStringTest(networks, plan.all), onRaw: true, negated: false });
  }
  return {
    tests,
    alternatives,
    constrained,
    eventIds: pinsEventIds && eventIds.length > 0 ? eventIds : undefined,
  };
}

/** One string test for an OR over string values: values of one literal shape share a closure and an array. */
function anyOfStrings(specs: readonly Extract<ValueSpec, { kind: 'string' }>[]): StringTest {
  const byShape = new Map<LiteralShape, string[]>();
  const others: StringTest[] = [];
  for (const s of specs) {
    const lit = s.literal;
    if (lit && lit.shape !== 'any') {
      const list = byShape.get(lit.shape);
      if (list) list.push(lit.text);
      else byShape.set(lit.shape, [lit.text]);
    } else others.push(s.test);
  }
  const tests: StringTest[] = [];
  for (const [shape, texts] of byShape) tests.push(anyLiteralTest(shape, texts));
  return anyStringTest([...tests, ...others]);
}

function buildItemTest(field: string | undefined, plan: ModifierPlan, specs: ValueSpec[]): ViewTest {
  // `neq` with several values: the field differs from every one of them.
  const all = plan.all || plan.kind === 'neq';
  const strings = specs.filter((s): s is Extract<ValueSpec, { kind: 'string' }> => s.kind === 'string');
  const onlyStrings = strings.length === specs.length;
  if (
    onlyStrings &&
    specs.length >= AUTOMATON_MIN_VALUES &&
    strings.every((t) => t.containsLiteral !== undefined)
  ) {
    const scan = automatonStringTest(
      strings.map((t) => t.containsLiteral!),
      all,
    );
    return field === undefined ? keywordTextTest(scan) : lowerFieldTest(field, scan);
  }
  const sameCase = onlyStrings && strings.every((s) => s.onRaw === strings[0]!.onRaw);
  const onRaw = strings[0]?.onRaw ?? true;
  if (field === undefined) {
    // Keyword search: a value matches when it matches any field value of the record.
    if (!all && sameCase && strings.every((s) => !s.negated))
      return keywordTest(onRaw, anyOfStrings(strings));
    const each = specs.map((s): ViewTest => {
      if (s.kind === 'ref') return NEVER_VIEW_TEST;
      if (s.kind === 'null') return keywordTest(true, isEmpty);
      return keywordTest(s.onRaw, s.negated ? notStringTest(s.test) : s.test);
    });
    return all ? allViewTest(each) : anyViewTest(each);
  }
  const fieldTest = (raw: boolean, t: StringTest): ViewTest =>
    raw ? rawFieldTest(field, t) : lowerFieldTest(field, t);
  if (sameCase && strings.every((s) => s.negated === strings[0]!.negated) && (strings[0]!.negated || !all)) {
    // OR of positive values: one pass over the value; AND of `neq` values: it equals none of them.
    const any = anyOfStrings(strings);
    return fieldTest(onRaw, strings[0]!.negated ? notStringTest(any) : any);
  }
  const mode =
    plan.kind === 'contains' || plan.kind === 'startswith' || plan.kind === 'endswith' ? plan.kind : 'equals';
  const each = specs.map((s): ViewTest => {
    if (s.kind === 'ref') return fieldrefTest(field, s.refField, s.onRaw, mode, plan.kind === 'neq');
    if (s.kind === 'null') return nullFieldTest(field);
    return fieldTest(s.onRaw, s.negated ? notStringTest(s.test) : s.test);
  });
  return all ? allViewTest(each) : anyViewTest(each);
}

const isEmpty: StringTest = (s) => s === '';
