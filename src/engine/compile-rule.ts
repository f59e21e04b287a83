// Compiles a parsed rule for one logsource target into a CompiledRule: a single matching function built from
// its selections and condition tree, the rule index keys, and the literal needles for the prefilter.
import { namePatternMatches } from '../sigma/condition.js';
import type { ExpandConfig } from '../sigma/modifiers/index.js';
import type { LogsourceTarget } from '../sigma/logsource.js';
import type { ConditionNode, ParsedFilter, ParsedRule, Selection } from '../sigma/types.js';
import type { Level, RuleInfo } from './types.js';
import { compileItem, type ItemCache, type ItemProblem } from './compile-item.js';
import { flatCopy } from './needle-pool.js';
import { andNeedles, orNeedles, type Needles } from './needles.js';
import {
  NEVER_VIEW_TEST,
  allViewTest,
  anyViewTest,
  notViewTest,
  providerTest,
  type ViewTest,
} from './value-tests.js';

/** A rule compiled for one place its events live (a rule mapped to Sysmon and Security has two). */
export interface CompiledRule {
  readonly info: RuleInfo;
  /** The rule's `name` (correlations may reference it instead of the id). */
  readonly name?: string;
  /** The logsource as written, as JSON (for `rules explain`); the parsed rule itself is not kept. */
  readonly logsource: string;
  /** Lower-cased channels this variant is indexed under (empty: any channel). */
  readonly channels: readonly string[];
  /** Event ids it is indexed under (undefined: every event of its channels). */
  readonly eventIds?: readonly number[];
  readonly providers?: readonly string[];
  readonly fieldMap?: Readonly<Record<string, string>>;
  /** Needles for the prefilter (per record field; undefined = always a candidate). */
  readonly needles: Needles;
  /** Record fields the rule reads (shown in detections). */
  readonly fields: readonly string[];
  /** Full evaluation (logsource provider check, condition, then every filter's condition ANDed). */
  readonly match: ViewTest;
  /** Human-readable compiled form (for `rules explain`). */
  readonly explain: readonly string[];
  /** Names of filters applied to it. */
  readonly filters: readonly string[];
}

interface CompiledSelection {
  readonly test: ViewTest;
  readonly needles: Needles;
  readonly eventIds?: readonly number[];
  readonly fields: readonly string[];
  readonly describe: string;
}

/** Compiles every selection of a detection for a field mapping, or reports the first item it cannot run. */
export function compileSelections(
  selections: ReadonlyMap<string, Selection>,
  fieldMap: Readonly<Record<string, string>> | undefined,
  expand: ExpandConfig,
  cache?: ItemCache,
): Map<string, CompiledSelection> | ItemProblem {
  const out = new Map<string, CompiledSelection>();
  for (const [name, sel] of selections) {
    const alternatives: {
      test: ViewTest;
      needles: Needles;
      eventIds?: readonly number[];
      describe: string[];
    }[] = [];
    const fields = new Set<string>();
    for (const items of sel.alternatives) {
      const compiled = [];
      for (const item of items) {
        const c = compileItem(item, fieldMap, expand, cache);
        if ('severity' in c) {
          return {
            severity: c.severity,
            reason: `selection '${name}': ${c.reason}`,
            position: item.position,
          };
        }
        compiled.push(c);
        c.fields.forEach((f) => fields.add(f));
      }
      const test = allViewTest(compiled.map((c) => c.test));
      const ids = compiled.find((c) => c.eventIds)?.eventIds;
      alternatives.push({
        test,
        needles: andNeedles(compiled.map((c) => c.needles)),
        eventIds: ids,
        describe: compiled.map((c) => c.describe),
      });
    }
    const test = anyViewTest(alternatives.map((a) => a.test));
    const allIds = alternatives.every((a) => a.eventIds)
      ? [...new Set(alternatives.flatMap((a) => a.eventIds!))]
      : undefined;
    out.set(name, {
      test,
      needles: orNeedles(alternatives.map((a) => a.needles)),
      eventIds: allIds,
      fields: [...fields],
      describe:
        alternatives.length === 1
          ? alternatives[0]!.describe.join(' AND ')
          : alternatives.map((a) => `(${a.describe.join(' AND ')})`).join(' OR '),
    });
  }
  return out;
}

interface CompiledCondition {
  readonly test: ViewTest;
  readonly needles: Needles;
  readonly eventIds?: readonly number[];
}

function union(sets: (readonly number[] | undefined)[]): readonly number[] | undefined {
  if (sets.some((s) => s === undefined)) return undefined;
  return [...new Set(sets.flatMap((s) => s!))];
}

function intersect(sets: (readonly number[] | undefined)[]): readonly number[] | undefined {
  const defined = sets.filter((s): s is readonly number[] => s !== undefined);
  if (defined.length === 0) return undefined;
  return defined.reduce((acc, s) => acc.filter((x) => s.includes(x)));
}

/** Compiles a condition tree over compiled selections. */
export function compileCondition(
  node: ConditionNode,
  sels: ReadonlyMap<string, CompiledSelection>,
): CompiledCondition {
  switch (node.type) {
    case 'ref': {
      const s = sels.get(node.name)!;
      return { test: s.test, needles: s.needles, eventIds: s.eventIds };
    }
    case 'not': {
      const c = compileCondition(node.child, sels);
      return { test: notViewTest(c.test), needles: undefined, eventIds: undefined };
    }
    case 'and': {
      const cs = node.children.map((c) => compileCondition(c, sels));
      return {
        test: allViewTest(cs.map((c) => c.test)),
        needles: andNeedles(cs.map((c) => c.needles)),
        eventIds: intersect(cs.map((c) => c.eventIds)),
      };
    }
    case 'or': {
      const cs = node.children.map((c) => compileCondition(c, sels));
      return {
        test: anyViewTest(cs.map((c) => c.test)),
        needles: orNeedles(cs.map((c) => c.needles)),
        eventIds: union(cs.map((c) => c.eventIds)),
      };
    }
    case 'quantified': {
      const names = [...sels.keys()].filter((n) => namePatternMatches(node.pattern, n));
      const cs = names.map((n) => compileCondition({ type: 'ref', name: n }, sels));
      if (cs.length === 0) return { test: NEVER_VIEW_TEST, needles: [], eventIds: [] };
      return node.quantifier === 'all'
        ? {
            test: allViewTest(cs.map((c) => c.test)),
            needles: andNeedles(cs.map((c) => c.needles)),
            eventIds: intersect(cs.map((c) => c.eventIds)),
          }
        : {
            test: anyViewTest(cs.map((c) => c.test)),
            needles: orNeedles(cs.map((c) => c.needles)),
            eventIds: union(cs.map((c) => c.eventIds)),
          };
    }
  }
}

/** Renders a condition tree back to text (for explain). */
export function conditionText(node: ConditionNode): string {
  switch (node.type) {
    case 'ref':
      return node.name;
    case 'not':
      return `not ${conditionText(node.child)}`;
    case 'and':
    case 'or':
      return `(${node.children.map(conditionText).join(` ${node.type} `)})`;
    case 'quantified':
      return `${node.quantifier === 'all' ? 'all' : '1'} of ${node.pattern}`;
  }
}

/** The text as a string of its own (or undefined): parsed values are slices of whole rule files. */
function own<T extends string | undefined>(s: T): T {
  return (s === undefined ? s : flatCopy(s)) as T;
}

const NO_FILTERS: readonly string[] = Object.freeze([]);

/** Logsource JSON texts by logsource object: a rule's variants share one. */
const logsourceTexts = new WeakMap<object, string>();

function logsourceText(logsource: object): string {
  let text = logsourceTexts.get(logsource);
  if (text === undefined) logsourceTexts.set(logsource, (text = JSON.stringify(logsource)));
  return text;
}

/**
 * The RuleInfo that travels with detections. Its strings are copied: values read from YAML are slices of the
 * rule file's text, and one kept id would keep the whole file alive (3.5 MB of SigmaHQ files per matcher).
 */
export function ruleInfoOf(rule: ParsedRule): RuleInfo {
  const list = (l: readonly string[] | undefined): readonly string[] | undefined => l?.map(own);
  return {
    id: own(rule.id),
    title: own(rule.title),
    level: own(rule.level) as Level,
    status: own(rule.status),
    tags: rule.tags.map(own),
    path: own(rule.file),
    description: own(rule.description),
    author: own(rule.author),
    references: list(rule.references),
    falsepositives: list(rule.falsepositives),
    kind: 'rule',
  };
}

/**
 * Compiles a rule for one target (with the filters that name it); a problem when it cannot run there. Pass
 * one item cache to every rule of a rule set so identical items are compiled once.
 */
export function compileRuleVariant(
  rule: ParsedRule,
  info: RuleInfo,
  target: LogsourceTarget | undefined,
  filters: readonly ParsedFilter[],
  expand: ExpandConfig,
  cache?: ItemCache,
): CompiledRule | ItemProblem | 'never' {
  const fieldMap = target?.fields;
  const sels = compileSelections(rule.selections, fieldMap, expand, cache);
  if ('severity' in sels) return sels as ItemProblem;
  const conds = rule.conditions.map((c) => compileCondition(c, sels));
  const cond: CompiledCondition =
    conds.length === 1
      ? conds[0]!
      : {
          test: anyViewTest(conds.map((c) => c.test)),
          needles: orNeedles(conds.map((c) => c.needles)),
          eventIds: union(conds.map((c) => c.eventIds)),
        };
  let eventIds = cond.eventIds;
  if (target?.eventIds)
    eventIds = eventIds ? eventIds.filter((id) => target.eventIds!.includes(id)) : target.eventIds;
  if (eventIds && eventIds.length === 0) return 'never';

  const filterTests: ViewTest[] = [];
  const explain: string[] = [];
  for (const f of filters) {
    const fsels = compileSelections(f.selections, fieldMap, expand, cache);
    if ('severity' in fsels)
      return { severity: fsels.severity, reason: `filter '${f.title}' (${f.file}): ${fsels.reason}` };
    const fconds = f.conditions.map((c) => compileCondition(c, fsels));
    filterTests.push(anyViewTest(fconds.map((c) => c.test)));
    // The filter's condition is ANDed with the rule's (filters write `not <selection>` themselves).
    explain.push(`filter '${f.title}': and (${f.conditions.map(conditionText).join(' or ')})`);
  }
  const providers = target?.providers;
  // The filters' conditions are ANDed after the rule's own.
  const filtered = filterTests.length === 0 ? cond.test : allViewTest([cond.test, ...filterTests]);
  const match = providers ? providerTest(providers, filtered) : filtered;
  const fields = new Set<string>();
  for (const s of sels.values()) s.fields.forEach((x) => fields.add(x));
  // Condition first, then the selections in the order written, then the filters.
  explain.unshift(
    `condition: ${rule.conditions.map(conditionText).join(' | ')}`,
    ...[...sels].map(([name, sel]) => `${name}: ${sel.describe}`),
  );
  return {
    info,
    ...(rule.name !== undefined ? { name: rule.name } : {}),
    logsource: logsourceText(rule.logsource),
    channels: target?.channels ?? [],
    eventIds,
    providers,
    fieldMap,
    needles: cond.needles,
    fields: [...fields],
    match,
    explain,
    filters: filters.length === 0 ? NO_FILTERS : filters.map((f) => own(f.title)),
  };
}
