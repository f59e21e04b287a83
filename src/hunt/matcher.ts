// The one place the hunt touches the Sigma engine and the IOC matcher: everything a worker needs to turn
// records into detections, built from plain, thread-transferable settings. Hits of rules that correlations
// reference are routed out (to the main thread's single correlation engine) instead of being correlated
// per worker, because a correlation needs every base-rule hit of the whole hunt in one place
// (Engine option `onCorrelationHit`).
import type { EventRecord } from '../event/types.js';
import type { Detection, Level, RuleInfo } from '../engine/types.js';
import {
  Engine,
  compileRuleSources,
  loadRuleSet,
  type RuleProblem,
  type RuleSources,
} from '../engine/index.js';
import type { CorrelationHit } from '../engine/correlation/index.js';
import type { CorrelationRule } from '../sigma/correlation-types.js';
import { loadIocs } from '../intel/iocs.js';
import type { RuleStat } from '../outputs/rule-stats.js';
import type { SourceWarning } from '../sources/index.js';
import { ruleSelector } from './rules.js';
import { openSharedRuleSources } from './shared-sources.js';
import type { RuleFilter } from './types.js';

/** Plain settings a worker builds its matcher from (structured-cloned into each worker). */
export interface MatcherConfig {
  rulePaths: string[];
  mappingFiles?: string[];
  filter: RuleFilter & { minLevel?: Level };
  iocs?: string[];
  timing: boolean;
  /**
   * Rule files already read and parsed (by the main thread, once for all workers): the matcher only compiles
   * them. Parsing the SigmaHQ tree is ~2/3 of loading, so N workers would otherwise pay it N times.
   */
  sources?: RuleSources;
  /** The same, serialised in shared memory by loadSharedRuleSources (one copy for every worker). */
  sharedSources?: SharedArrayBuffer;
}

/** The correlation rules a hunt runs centrally, as plain data. */
export interface CorrelationSetup {
  readonly correlations: CorrelationRule[];
  readonly suppressed: ReadonlySet<string>;
}

/** Detection for records, per-rule statistics, and what was loaded. */
export interface Matcher {
  /** Matches a record; correlation base hits are queued for `takeHits`. */
  match(record: EventRecord, onDetection: (d: Detection) => void): void;
  /** Rules that failed on a record since the last call (each rule is reported once per worker). */
  takeErrors(): SourceWarning[];
  /** Correlation base hits since the last call. */
  takeHits(): CorrelationHit[];
  flush(onDetection: (d: Detection) => void): void;
  stats(): RuleStat[];
  /** Distinct rules loaded (correlations included) and selected. */
  readonly loaded: number;
  /** Rules left out because their logsource maps to no Windows channel (Linux, macOS, cloud, …). */
  readonly unmapped: number;
  readonly selected: number;
  readonly problems: RuleProblem[];
  readonly iocProblems: string[];
  readonly correlation: CorrelationSetup;
}

/** The RuleInfo of a correlation rule, for selection. */
export function correlationRuleInfo(c: CorrelationRule): RuleInfo {
  return {
    id: c.id,
    title: c.title,
    level: c.level as Level,
    ...(c.status !== undefined ? { status: c.status } : {}),
    tags: c.tags,
    path: c.file,
    kind: c.type,
  };
}

const NO_HITS: CorrelationHit[] = [];

/** Loads rules (and IOCs) once and returns a matcher. */
export async function createMatcher(cfg: MatcherConfig): Promise<Matcher> {
  const sources = cfg.sources ?? (cfg.sharedSources ? openSharedRuleSources(cfg.sharedSources) : undefined);
  const ruleSet = sources
    ? compileRuleSources(sources, { lean: true })
    : await loadRuleSet(cfg.rulePaths, cfg.mappingFiles ? { mappingFiles: cfg.mappingFiles } : undefined);
  const select = ruleSelector(cfg.filter);
  let hits: CorrelationHit[] = [];
  let errors: SourceWarning[] = [];
  const engine = new Engine(ruleSet, {
    select,
    timing: cfg.timing,
    onCorrelationHit: (hit) => {
      hits.push(hit);
    },
    onError: (e) => {
      if (errors.length < 100)
        errors.push({ file: e.file, reason: `rule ${e.ruleId} failed on record ${e.recordId}: ${e.reason}` });
    },
  });
  const correlations = ruleSet.correlations.filter((c) => select(correlationRuleInfo(c)));
  const iocs = cfg.iocs && cfg.iocs.length ? loadIocs(cfg.iocs) : undefined;
  const iocProblems = iocs
    ? iocs.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.reason}`)
    : [];
  let iocHits = 0;
  const ids = new Set(ruleSet.rules.map((r) => r.info.id));
  return {
    match(record, onDetection) {
      engine.match(record, onDetection);
      if (iocs) {
        const found = iocs.match(record);
        for (const d of found) onDetection(d);
        iocHits += found.length;
      }
    },
    takeErrors() {
      const out = errors;
      if (out.length > 0) errors = [];
      return out;
    },
    takeHits() {
      if (hits.length === 0) return NO_HITS;
      const out = hits;
      hits = [];
      return out;
    },
    flush(onDetection) {
      engine.flush(onDetection);
    },
    stats() {
      const out: RuleStat[] = engine
        .stats()
        .map((s) => ({ ruleId: s.ruleId, title: s.title, hits: s.hits, timeMs: s.timeMs }));
      if (iocs) out.push({ ruleId: 'ioc:*', title: 'IOC matches', hits: iocHits, timeMs: 0 });
      return out;
    },
    loaded: ids.size + ruleSet.correlations.length,
    unmapped: new Set(
      ruleSet.outcomes
        .filter((o) => o.status === 'unmapped' && !(o.ruleId !== undefined && ids.has(o.ruleId)))
        .map((o) => `${o.file}\u0000${o.ruleId ?? o.title ?? ''}`),
    ).size,
    selected: engine.ruleCount,
    problems: ruleSet.problems,
    iocProblems,
    correlation: { correlations, suppressed: ruleSet.suppressed },
  };
}
