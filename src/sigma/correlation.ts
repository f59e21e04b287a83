// Parsing and validating Sigma correlation documents (`correlation:` section) against the correlation rules
// specification: every problem names the file, the line and column of the offending key, and what to change.
import {
  CORRELATION_TYPES,
  VALUE_TYPES,
  type CorrelationCondition,
  type CorrelationRule,
  type CorrelationType,
} from './correlation-types.js';
import type { RuleProblem, SourcePosition } from './types.js';

/** The minimum a parser needs from a YAML document (H3's YamlDocument satisfies it). */
export interface CorrelationSource {
  readonly file: string;
  /** 0-based index of the document in its file (used for synthetic ids). */
  readonly index: number;
  readonly data: unknown;
  locate(path: readonly (string | number)[]): SourcePosition;
}

const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Timespans beyond a year make no sense for streaming windows and would keep state forever. */
const MAX_TIMESPAN_MS = 366 * 86_400_000;

/** True when a YAML document is a correlation rule (has a `correlation` section). */
export function isCorrelationDocument(data: unknown): boolean {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && 'correlation' in data;
}

/** Parses a timespan such as `90s`, `5m`, `1h`, `2d` into milliseconds; undefined when malformed. */
export function parseTimespan(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms > 0 && ms <= MAX_TIMESPAN_MS ? ms : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/** Parses one correlation document; returns the rule, or the first problem that makes it invalid. */
export function parseCorrelation(doc: CorrelationSource): CorrelationRule | RuleProblem {
  const { file } = doc;
  const data = doc.data;
  const problem = (path: (string | number)[], reason: string, ruleId?: string): RuleProblem => ({
    file,
    ...doc.locate(path),
    ...(ruleId ? { ruleId } : {}),
    severity: 'invalid',
    reason,
  });
  if (!isRecord(data)) return problem([], 'a correlation document must be a YAML mapping');
  const ruleId =
    typeof data.id === 'string' ? data.id : typeof data.name === 'string' ? data.name : undefined;
  const warnings: RuleProblem[] = [];
  const warn = (path: (string | number)[], reason: string) =>
    warnings.push({ file, ...doc.locate(path), ...(ruleId ? { ruleId } : {}), severity: 'warning', reason });

  if (typeof data.title !== 'string' || data.title.trim() === '')
    return problem(['title'], 'correlation rule needs a `title` (a non-empty string)', ruleId);
  if (data.id !== undefined && typeof data.id !== 'string')
    return problem(['id'], '`id` must be a string (a UUID is recommended)', ruleId);
  if (data.name !== undefined && typeof data.name !== 'string')
    return problem(['name'], '`name` must be a string', ruleId);
  if ('detection' in data)
    return problem(['detection'], 'a document cannot have both `correlation` and `detection`', ruleId);
  const corr = data.correlation;
  if (!isRecord(corr))
    return problem(['correlation'], '`correlation` must be a mapping (type, rules, …)', ruleId);

  // type
  const type = corr.type;
  if (typeof type !== 'string')
    return problem(
      ['correlation', 'type'],
      `\`correlation.type\` is required: one of ${CORRELATION_TYPES.join(', ')}`,
      ruleId,
    );
  if (!(CORRELATION_TYPES as readonly string[]).includes(type)) {
    const unsupported = type === 'value_min' || type === 'value_max';
    return {
      ...problem(
        ['correlation', 'type'],
        unsupported
          ? `correlation type '${type}' is not supported by Dwell (supported: ${CORRELATION_TYPES.join(', ')})`
          : `unknown correlation type '${type}'; expected one of ${CORRELATION_TYPES.join(', ')}`,
        ruleId,
      ),
      severity: unsupported ? 'unsupported' : 'invalid',
    };
  }
  const ctype = type as CorrelationType;

  // rules
  const rules = stringList(corr.rules);
  if (!rules || rules.length === 0)
    return problem(
      ['correlation', 'rules'],
      '`correlation.rules` must list one or more rule ids or names',
      ruleId,
    );
  const unique = new Set<string>();
  for (let i = 0; i < rules.length; i++) {
    if (rules[i]!.trim() === '') return problem(['correlation', 'rules', i], 'empty rule reference', ruleId);
    if (unique.has(rules[i]!)) warn(['correlation', 'rules', i], `rule '${rules[i]}' is listed twice`);
    unique.add(rules[i]!);
  }
  if (ctype === 'temporal' || ctype === 'temporal_ordered') {
    if (unique.size < 2 && corr.condition === undefined)
      warn(['correlation', 'rules'], `a ${ctype} correlation of a single rule only checks that it fired`);
  }

  // group-by
  let groupBy: string[] = [];
  if (corr['group-by'] !== undefined) {
    const g = stringList(corr['group-by']);
    if (!g) return problem(['correlation', 'group-by'], '`group-by` must be a list of field names', ruleId);
    groupBy = g;
  } else {
    warn(['correlation'], '`group-by` is missing: all matching events form one group');
  }

  // timespan
  if (corr.timespan === undefined)
    return problem(
      ['correlation'],
      '`correlation.timespan` is required (a number and a unit s, m, h or d, e.g. 5m)',
      ruleId,
    );
  const timespanMs = parseTimespan(corr.timespan);
  if (timespanMs === undefined)
    return problem(
      ['correlation', 'timespan'],
      `timespan '${String(corr.timespan)}' is malformed: write a number followed by s, m, h or d (e.g. 90m), at most a year`,
      ruleId,
    );

  // condition
  let condition: CorrelationCondition | undefined;
  if (corr.condition !== undefined) {
    const c = corr.condition;
    if (!isRecord(c))
      return problem(['correlation', 'condition'], '`condition` must be a mapping such as {gte: 10}', ruleId);
    const out: { -readonly [K in keyof CorrelationCondition]: CorrelationCondition[K] } = {};
    let bounds = 0;
    for (const [key, value] of Object.entries(c)) {
      if (key === 'field') {
        const fields = stringList(value);
        if (!fields || fields.length === 0 || fields.some((f) => f.trim() === ''))
          return problem(
            ['correlation', 'condition', 'field'],
            '`condition.field` must be a field name (or a list)',
            ruleId,
          );
        out.field = fields;
      } else if ((OPERATORS as readonly string[]).includes(key)) {
        const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isFinite(n))
          return problem(
            ['correlation', 'condition', key],
            `condition '${key}' needs a number, got ${JSON.stringify(value)}`,
            ruleId,
          );
        out[key as (typeof OPERATORS)[number]] = n;
        bounds++;
      } else {
        return problem(
          ['correlation', 'condition', key],
          `unknown condition key '${key}'; use gt, gte, lt, lte, eq, neq (and field for value_* types)`,
          ruleId,
        );
      }
    }
    if (bounds === 0)
      return problem(
        ['correlation', 'condition'],
        'the condition needs at least one of gt, gte, lt, lte, eq, neq',
        ruleId,
      );
    if (out.field && !VALUE_TYPES.has(ctype))
      warn(
        ['correlation', 'condition', 'field'],
        `\`field\` has no meaning for a ${ctype} correlation and is ignored`,
      );
    condition = out;
  } else if (ctype !== 'temporal' && ctype !== 'temporal_ordered') {
    return problem(['correlation'], `a ${ctype} correlation needs a \`condition\` (e.g. {gte: 10})`, ruleId);
  }
  if (VALUE_TYPES.has(ctype) && !condition?.field)
    return problem(
      ['correlation', 'condition'],
      `a ${ctype} correlation needs \`condition.field\`: the field to aggregate`,
      ruleId,
    );

  // aliases
  const aliases: Record<string, Record<string, string>> = {};
  if (corr.aliases !== undefined) {
    if (!isRecord(corr.aliases))
      return problem(
        ['correlation', 'aliases'],
        '`aliases` must map alias names to {rule name: field}',
        ruleId,
      );
    for (const [alias, mapping] of Object.entries(corr.aliases)) {
      if (!isRecord(mapping) || !Object.values(mapping).every((f) => typeof f === 'string'))
        return problem(
          ['correlation', 'aliases', alias],
          `alias '${alias}' must map rule names to field names`,
          ruleId,
        );
      for (const ref of Object.keys(mapping)) {
        if (!unique.has(ref))
          warn(
            ['correlation', 'aliases', alias, ref],
            `alias '${alias}' names rule '${ref}', which the correlation does not reference`,
          );
      }
      aliases[alias] = { ...(mapping as Record<string, string>) };
      if (!groupBy.includes(alias))
        warn(['correlation', 'aliases', alias], `alias '${alias}' is not used in group-by`);
    }
  }

  // generate (top level per specification; accepted inside `correlation` too, as some writers put it there)
  const generateRaw = data.generate ?? corr.generate;
  if (generateRaw !== undefined && typeof generateRaw !== 'boolean')
    return problem(
      [data.generate !== undefined ? 'generate' : 'correlation'],
      '`generate` must be true or false',
      ruleId,
    );

  // meta
  let level = 'medium';
  if (data.level !== undefined) {
    if (typeof data.level !== 'string' || !LEVELS.has(data.level))
      return problem(['level'], `level must be one of ${[...LEVELS].join(', ')}`, ruleId);
    level = data.level;
  }
  const tags = stringList(data.tags ?? []) ?? [];
  const references = stringList(data.references ?? []) ?? [];
  const falsepositives = stringList(data.falsepositives ?? []) ?? [];

  const id = ruleId ?? `correlation:${file}#${doc.index}`;
  return {
    id,
    ...(typeof data.name === 'string' ? { name: data.name } : {}),
    title: data.title,
    level,
    ...(typeof data.status === 'string' ? { status: data.status } : {}),
    ...(typeof data.description === 'string' ? { description: data.description } : {}),
    ...(typeof data.author === 'string' ? { author: data.author } : {}),
    tags,
    references,
    falsepositives,
    type: ctype,
    rules,
    groupBy,
    timespan: String(corr.timespan),
    timespanMs,
    ...(condition ? { condition } : {}),
    aliases,
    generate: generateRaw === true,
    file,
    position: doc.locate([]),
    warnings,
  };
}

/** True when parseCorrelation returned a problem rather than a rule. */
export function isRuleProblem(v: CorrelationRule | RuleProblem): v is RuleProblem {
  return 'severity' in v && 'reason' in v && !('type' in v);
}
