// Validates one Sigma document against specification 2.1 and turns it into a ParsedRule or ParsedFilter.
// Metadata mistakes that do not stop a rule from running are warnings; structural ones make it invalid.
import { parseDetection } from './detection.js';
import type { Logsource, ParsedFilter, ParsedRule, RuleProblem, SourcePosition } from './types.js';
import type { YamlDocument } from './yaml-source.js';

/** What a document turned out to be. */
export type DocumentResult =
  | { kind: 'rule'; rule: ParsedRule }
  | { kind: 'filter'; filter: ParsedFilter }
  | { kind: 'correlation'; doc: YamlDocument; id?: string; title?: string }
  | { kind: 'global' }
  | { kind: 'skipped' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
const DATE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
const RELATION_TYPES = new Set(['derived', 'obsolete', 'merged', 'renamed', 'similar']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(String);
  return [];
}

function dateText(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return typeof v === 'string' ? v : undefined;
}

/** Parses and validates one YAML document; problems are appended (with the rule id once known). */
export function parseDocument(doc: YamlDocument, problems: RuleProblem[]): DocumentResult {
  const data = doc.data;
  const firstProblem = problems.length;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({
      file: doc.file,
      ...doc.locate([]),
      severity: 'invalid',
      reason: 'a Sigma document must be a YAML map',
    });
    return { kind: 'skipped' };
  }
  const d = data as Record<string, unknown>;
  const ruleId = str(d.id);
  const report = (
    path: (string | number)[],
    severity: RuleProblem['severity'],
    reason: string,
    at?: SourcePosition,
  ): void => {
    problems.push({ file: doc.file, ...(at ?? doc.locate(path)), ruleId, severity, reason });
  };
  if (d.action === 'global' || d.action === 'reset' || d.action === 'repeat') return { kind: 'global' };
  if (d.correlation !== undefined) return { kind: 'correlation', doc, id: str(d.id), title: str(d.title) };

  // Shared metadata checks.
  const title = str(d.title);
  if (!title) report(['title'], 'invalid', `'title' is required and must be a string`);
  else if (title.length > 256) report(['title'], 'warning', `'title' is longer than 256 characters`);
  if (d.id !== undefined && (typeof d.id !== 'string' || !UUID.test(d.id))) {
    report(['id'], 'invalid', `'id' must be a UUID (e.g. from uuidgen), got '${String(d.id)}'`);
  }
  if (d.name !== undefined && typeof d.name !== 'string')
    report(['name'], 'invalid', `'name' must be a string`);
  if (d.status !== undefined && !STATUSES.has(String(d.status))) {
    report(
      ['status'],
      'invalid',
      `'status' must be one of ${[...STATUSES].join(', ')}; got '${String(d.status)}'`,
    );
  }
  if (d.level !== undefined && !LEVELS.has(String(d.level))) {
    report(
      ['level'],
      'invalid',
      `'level' must be one of ${[...LEVELS].join(', ')}; got '${String(d.level)}'`,
    );
  }
  for (const key of ['date', 'modified']) {
    const v = d[key];
    if (v === undefined) continue;
    const t = dateText(v);
    if (!t || !DATE.test(t)) report([key], 'warning', `'${key}' should be a date written YYYY-MM-DD`);
  }
  if (d.tags !== undefined) {
    if (!Array.isArray(d.tags)) report(['tags'], 'invalid', `'tags' must be a list`);
    else
      d.tags.forEach((t, i) => {
        if (typeof t !== 'string' || !TAG.test(t)) {
          report(['tags', i], 'warning', `tag '${String(t)}' should be 'namespace.name' in lower case`);
        }
      });
  }
  for (const key of ['author', 'description', 'license', 'taxonomy']) {
    if (d[key] !== undefined && d[key] !== null && typeof d[key] !== 'string') {
      report([key], 'warning', `'${key}' should be a string`);
    }
  }
  if (typeof d.description === 'string' && d.description.length > 65535) {
    report(['description'], 'warning', `'description' is longer than 65,535 characters`);
  }
  for (const key of ['tags', 'references', 'fields']) {
    const v = d[key];
    if (Array.isArray(v) && new Set(v.map(String)).size !== v.length) {
      report([key], 'warning', `'${key}' lists the same entry twice`);
    }
  }
  if (d.scope !== undefined && !Array.isArray(d.scope))
    report(['scope'], 'warning', `'scope' should be a list`);
  for (const key of ['references', 'falsepositives', 'fields']) {
    const v = d[key];
    if (v !== undefined && v !== null && !Array.isArray(v) && typeof v !== 'string') {
      report([key], 'invalid', `'${key}' must be a list of strings`);
    }
  }
  if (d.related !== undefined) {
    if (!Array.isArray(d.related)) report(['related'], 'invalid', `'related' must be a list of {id, type}`);
    else
      d.related.forEach((r, i) => {
        const rel = r as Record<string, unknown> | null;
        if (
          !rel ||
          typeof rel !== 'object' ||
          typeof rel.id !== 'string' ||
          !RELATION_TYPES.has(String(rel.type))
        ) {
          report(
            ['related', i],
            'warning',
            `'related' entries need an id and a type (${[...RELATION_TYPES].join(', ')})`,
          );
        }
      });
  }

  const logsource = readLogsource(d.logsource, report);
  const isFilter = d.filter !== undefined && d.detection === undefined;
  if (isFilter) return parseFilter(d, doc, title, logsource, report);
  if (d.detection === undefined) {
    report(
      [],
      'invalid',
      `a rule needs 'detection' (or 'correlation' / 'filter' for the other document types)`,
    );
    return { kind: 'skipped' };
  }
  const detection = parseDetection(d.detection, doc, report);
  if (!title || !logsource || !detection) return { kind: 'skipped' };
  if (problems.slice(firstProblem).some((p) => p.severity === 'invalid')) {
    return { kind: 'skipped' };
  }
  const level = d.level === undefined ? 'medium' : String(d.level);
  const rule: ParsedRule = {
    id: ruleId ?? `${doc.file}#${doc.index}`,
    title,
    name: str(d.name),
    level,
    status: str(d.status),
    description: str(d.description),
    author: str(d.author),
    tags: strList(d.tags),
    references: strList(d.references),
    falsepositives: strList(d.falsepositives),
    logsource,
    selections: detection.selections,
    conditions: detection.conditions,
    file: doc.file,
    position: doc.locate([]),
    raw: d,
  };
  return { kind: 'rule', rule };
}

function readLogsource(
  v: unknown,
  report: (path: (string | number)[], severity: RuleProblem['severity'], reason: string) => void,
): Logsource | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    report(['logsource'], 'invalid', `'logsource' is required: a map with product, category and/or service`);
    return undefined;
  }
  const ls = v as Record<string, unknown>;
  const out: { product?: string; category?: string; service?: string } = {};
  for (const key of ['product', 'category', 'service'] as const) {
    const val = ls[key];
    if (val === undefined || val === null) continue;
    if (typeof val !== 'string') {
      report(['logsource', key], 'invalid', `'logsource.${key}' must be a string`);
      return undefined;
    }
    out[key] = val.toLowerCase();
  }
  if (!out.product && !out.category && !out.service) {
    report(['logsource'], 'invalid', `'logsource' needs at least one of product, category, service`);
    return undefined;
  }
  return out;
}

function parseFilter(
  d: Record<string, unknown>,
  doc: YamlDocument,
  title: string | undefined,
  logsource: Logsource | undefined,
  report: (path: (string | number)[], severity: RuleProblem['severity'], reason: string) => void,
): DocumentResult {
  const f = d.filter;
  if (f === null || typeof f !== 'object' || Array.isArray(f)) {
    report(['filter'], 'invalid', `'filter' must be a map with 'rules', selections and a 'condition'`);
    return { kind: 'skipped' };
  }
  const filter = f as Record<string, unknown>;
  const rules = strList(filter.rules);
  if (rules.length === 0) {
    report(
      ['filter', 'rules'],
      'invalid',
      `a filter needs 'rules': the ids or names of the rules it applies to`,
    );
    return { kind: 'skipped' };
  }
  const { rules: _rules, ...detectionPart } = filter;
  void _rules;
  const detection = parseDetection(detectionPart, doc, report, 'filter');
  if (!title || !logsource || !detection) return { kind: 'skipped' };
  return {
    kind: 'filter',
    filter: {
      id: str(d.id),
      title,
      name: str(d.name),
      rules,
      logsource,
      selections: detection.selections,
      conditions: detection.conditions,
      file: doc.file,
      position: doc.locate([]),
    },
  };
}
