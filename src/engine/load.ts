// Loading a rule set: files and folders of Sigma YAML → parsed rules, filters and correlations → rules compiled
// for every place their logsource lives. A bad rule becomes a problem with a position; it never stops the rest.
import { existsSync } from 'node:fs';
import { loadExpandConfig, type ExpandConfig } from '../sigma/modifiers/index.js';
import {
  defaultExpandDir,
  defaultMappingFile,
  loadLogsourceMapping,
  resolveLogsource,
  type LogsourceMappingEntry,
  type LogsourceTarget,
} from '../sigma/logsource.js';
import { parseDocument } from '../sigma/rule.js';
import { listRuleFiles, parseYamlDocuments, readRuleText } from '../sigma/yaml-source.js';
import { parseCorrelation, isRuleProblem } from '../sigma/correlation.js';
import { linkCorrelations } from '../sigma/correlation-links.js';
import type { CorrelationRule } from '../sigma/correlation-types.js';
import type { ParsedFilter, ParsedRule, RuleProblem } from '../sigma/types.js';
import { compileRuleVariant, ruleInfoOf, type CompiledRule } from './compile-rule.js';
import type { ItemCache, ItemProblem } from './compile-item.js';
import { NeedlePool } from './needle-pool.js';

/** What happened to one rule document (for `rules check`). */
export interface RuleOutcome {
  readonly file: string;
  readonly ruleId?: string;
  readonly title?: string;
  /** compiled: runs; unmapped: compiled, but its logsource maps to no Windows channel; others: does not run. */
  readonly status: 'compiled' | 'unmapped' | 'unsupported' | 'invalid';
  readonly reason?: string;
  readonly kind: 'rule' | 'correlation' | 'filter';
}

/** A loaded, compiled rule set. */
export interface RuleSet {
  /** Compiled rule variants (a rule mapped to several logs appears once per log). */
  readonly rules: CompiledRule[];
  /** Parsed rules whose logsource maps to no channel (compiled for `explain`, never indexed). */
  readonly unmapped: CompiledRule[];
  /** Linked correlation rules, inner links first. */
  readonly correlations: CorrelationRule[];
  /** Ids of rules consumed by a correlation without `generate`, which do not report on their own. */
  readonly suppressed: ReadonlySet<string>;
  readonly filters: ParsedFilter[];
  readonly problems: RuleProblem[];
  readonly outcomes: RuleOutcome[];
  /** Number of rule files read. */
  readonly files: number;
}

/** Options of loadRuleSet. */
export interface LoadOptions {
  /** Extra logsource mapping files (after the shipped config/logsources.yaml; later files win). */
  readonly mappingFiles?: string[];
  /** Folder of expand placeholder values (default: config/expand). */
  readonly expandConfig?: string;
  /** Placeholder values given directly (merged over the folder's). */
  readonly expandValues?: ExpandConfig;
}

/** Loads Sigma YAML (files or folders, recursive; multi-document) plus the logsource mapping. Never throws for a bad rule. */
export async function loadRuleSet(paths: string[], opts: LoadOptions = {}): Promise<RuleSet> {
  return compileRuleSources(await readRuleSources(paths, opts));
}

/**
 * Rule files read and parsed, before compiling: plain data (structured-clone safe), so a hunt can parse once on
 * the main thread and hand the result to every worker, which only compiles it.
 */
export interface RuleSources {
  readonly parsed: ParsedRule[];
  readonly filters: ParsedFilter[];
  readonly correlations: CorrelationRule[];
  readonly problems: RuleProblem[];
  readonly outcomes: RuleOutcome[];
  readonly files: number;
  readonly mapping: LogsourceMappingEntry[];
  readonly expand: Map<string, string[]>;
}

/** Reads and parses rule files, the logsource mapping and expand values (the first half of loadRuleSet). */
export async function readRuleSources(paths: string[], opts: LoadOptions = {}): Promise<RuleSources> {
  const problems: RuleProblem[] = [];
  const outcomes: RuleOutcome[] = [];
  const files = await listRuleFiles(paths, problems);
  const mappingFiles = [defaultMappingFile(), ...(opts.mappingFiles ?? [])].filter(
    (f, i) => i > 0 || existsSync(f),
  );
  const mapping = loadLogsourceMapping(mappingFiles, problems);
  const expand = new Map(loadExpandConfig(opts.expandConfig ?? defaultExpandDir()));
  for (const [k, v] of opts.expandValues ?? []) expand.set(k, [...v]);

  const parsed: ParsedRule[] = [];
  const filters: ParsedFilter[] = [];
  const correlations: CorrelationRule[] = [];
  // Files are read a batch at a time (the reads overlap), then parsed in order so results are deterministic.
  const READ_BATCH = 64;
  for (let b = 0; b < files.length; b += READ_BATCH) {
    const batch = files.slice(b, b + READ_BATCH);
    const texts = await Promise.all(batch.map((f) => readRuleText(f)));
    batch.forEach((file, i) => parseFile(file, texts[i]!));
  }

  function parseFile(file: string, read: { text: string } | { error: string }): void {
    const before = problems.length;
    const docs = 'text' in read ? parseYamlDocuments(read.text, file, problems) : [];
    if ('error' in read) problems.push({ file, line: 1, column: 1, severity: 'invalid', reason: read.error });
    if (docs.length === 0 && problems.length > before) {
      outcomes.push({ file, status: 'invalid', reason: problems[before]!.reason, kind: 'rule' });
    }
    for (const doc of docs) {
      const start = problems.length;
      const result = parseDocument(doc, problems);
      const firstInvalid = (): string | undefined =>
        problems.slice(start).find((p) => p.severity === 'invalid')?.reason;
      const d = doc.data as Record<string, unknown>;
      const ident = {
        file,
        ruleId: typeof d?.id === 'string' ? d.id : undefined,
        title: typeof d?.title === 'string' ? d.title : undefined,
      };
      switch (result.kind) {
        case 'rule':
          parsed.push(result.rule);
          break;
        case 'filter':
          filters.push(result.filter);
          outcomes.push({ ...ident, status: 'compiled', kind: 'filter' });
          break;
        case 'correlation': {
          const c = parseCorrelation(doc);
          if (isRuleProblem(c)) {
            problems.push(c);
            outcomes.push({
              ...ident,
              status: c.severity === 'unsupported' ? 'unsupported' : 'invalid',
              reason: c.reason,
              kind: 'correlation',
            });
          } else {
            problems.push(...c.warnings);
            correlations.push(c);
          }
          break;
        }
        case 'global':
          problems.push({
            file,
            ...doc.locate(['action']),
            severity: 'unsupported',
            reason: `Sigma 1.0 rule collections ('action: global') are not supported; write each rule as its own document`,
          });
          outcomes.push({
            ...ident,
            status: 'unsupported',
            reason: 'Sigma 1.0 rule collection',
            kind: 'rule',
          });
          break;
        case 'skipped':
          outcomes.push({
            ...ident,
            status: 'invalid',
            reason: firstInvalid() ?? 'not a Sigma rule',
            kind: 'rule',
          });
          break;
      }
    }
  }

  return { parsed, filters, correlations, problems, outcomes, files: files.length, mapping, expand };
}

/** Options of compileRuleSources. */
export interface CompileOptions {
  /**
   * Matching only (hunt workers): compiled rules without the explain text, and no unmapped rules (compiled
   * rules never keep their parsed rule).
   */
  readonly lean?: boolean;
}

/** Compiles parsed rule sources into a RuleSet (the second half of loadRuleSet); the sources are not changed. */
export function compileRuleSources(sources: RuleSources, opts: CompileOptions = {}): RuleSet {
  const { parsed, filters, correlations, mapping, expand } = sources;
  const problems = [...sources.problems];
  const outcomes = [...sources.outcomes];
  // Filters apply to the rules they name (by id or name).
  const filtersByRef = new Map<string, ParsedFilter[]>();
  for (const f of filters) {
    for (const ref of f.rules) {
      const list = filtersByRef.get(ref) ?? [];
      list.push(f);
      filtersByRef.set(ref, list);
    }
  }
  const known = new Set(parsed.flatMap((r) => (r.name ? [r.id, r.name] : [r.id])));
  for (const f of filters) {
    for (const ref of f.rules) {
      if (!known.has(ref)) {
        problems.push({
          file: f.file,
          ...f.position,
          ruleId: f.id,
          severity: 'warning',
          reason: `filter '${f.title}' names rule '${ref}', which is not loaded`,
        });
      }
    }
  }

  const rules: CompiledRule[] = [];
  const unmapped: CompiledRule[] = [];
  const needlePool = new NeedlePool();
  const itemCache: ItemCache = new Map();
  for (const rule of parsed) {
    const info = ruleInfoOf(rule);
    const ruleFilters = [
      ...(filtersByRef.get(rule.id) ?? []),
      ...(rule.name ? (filtersByRef.get(rule.name) ?? []) : []),
    ];
    for (const f of ruleFilters) {
      if (JSON.stringify(f.logsource) !== JSON.stringify(rule.logsource)) {
        problems.push({
          file: f.file,
          ...f.position,
          ruleId: f.id,
          severity: 'warning',
          reason: `filter '${f.title}' has a different logsource than rule '${rule.title}'; applied anyway`,
        });
      }
    }
    const resolution = resolveLogsource(rule.logsource, mapping);
    const targets: (LogsourceTarget | undefined)[] =
      resolution.kind === 'mapped' ? [...resolution.targets] : [undefined];
    const variants: CompiledRule[] = [];
    let failure: ItemProblem | undefined;
    let never = 0;
    for (const target of targets) {
      const c = compileRuleVariant(rule, info, target, ruleFilters, expand, itemCache);
      if (c === 'never') never++;
      else if ('severity' in c) {
        failure = c;
        break;
      } else variants.push({ ...c, needles: needlePool.intern(c.needles) });
    }
    const ident = { file: rule.file, ruleId: rule.id, title: rule.title, kind: 'rule' as const };
    if (failure) {
      problems.push({
        file: rule.file,
        ...(failure.position ?? rule.position),
        ruleId: rule.id,
        severity: failure.severity,
        reason: failure.reason,
      });
      outcomes.push({ ...ident, status: failure.severity, reason: failure.reason });
      continue;
    }
    if (variants.length === 0 && never > 0) {
      const reason = `its EventID selection excludes every event id of logsource ${JSON.stringify(rule.logsource)}: it can never match`;
      problems.push({ file: rule.file, ...rule.position, ruleId: rule.id, severity: 'warning', reason });
    }
    if (resolution.kind === 'unmapped') {
      unmapped.push(...variants);
      outcomes.push({ ...ident, status: 'unmapped', reason: resolution.reason });
    } else {
      rules.push(...variants);
      outcomes.push({ ...ident, status: 'compiled' });
    }
  }

  const linked = linkCorrelations(
    correlations,
    parsed.map((r) => ({ id: r.id, ...(r.name ? { name: r.name } : {}) })),
  );
  problems.push(...linked.problems);
  const alive = new Set(linked.correlations.map((c) => c.id));
  for (const c of correlations) {
    const p = linked.problems.find((x) => x.ruleId === c.id);
    outcomes.push({
      file: c.file,
      ruleId: c.id,
      title: c.title,
      kind: 'correlation',
      status: alive.has(c.id) ? 'compiled' : 'invalid',
      reason: p?.reason,
    });
  }
  if (opts.lean) {
    // Compiled rules keep no parsed rule; lean ones drop the explain text too.
    const slim = (r: CompiledRule): CompiledRule => ({ ...r, explain: [] });
    rules.splice(0, rules.length, ...rules.map(slim));
    unmapped.length = 0;
  }
  return {
    rules,
    unmapped,
    correlations: linked.correlations,
    suppressed: linked.suppressed,
    filters,
    problems,
    outcomes,
    files: sources.files,
  };
}
