// Messages between the hunt's main thread and its workers (all plain, structured-cloneable data), and the one
// place a matcher's load report is turned into such a message.
import type { RuleInfo } from '../engine/types.js';
import type { GraphLimitOptions } from '../correlate/index.js';
import type { FailedSignal } from '../workers/index.js';
import type { TemplateCatalogue } from '../evtx/index.js';
import type { RuleStat } from '../outputs/rule-stats.js';
import type { HuntJob, JobResult } from './scan.js';
import type { DetectionBatch } from './detection-batch.js';
import type { CorrelationSetup, Matcher, MatcherConfig } from './matcher.js';

/** Worker setup: its matcher settings, whether to observe records for correlation, and whether to report rule problems. */
export interface WorkerInit {
  readonly config: MatcherConfig;
  readonly observe: boolean;
  readonly reportProblems: boolean;
  /** The hunt's EVTX template catalogue (see readTemplateCatalogue), when records are carved. */
  readonly templates?: TemplateCatalogue;
  /** Lowered entity-graph caps (HuntOptions.graphEdgeLimit). */
  readonly graphLimits?: GraphLimitOptions;
}

/** What the main thread sends. */
export type ToWorker = { type: 'job'; job: HuntJob } | { type: 'finish' };

/** Rule loading facts a worker reports once. */
export interface LoadReport {
  readonly loaded: number;
  readonly selected: number;
  /** Rules whose logsource maps to no Windows channel (not run). */
  readonly unmapped: number;
  readonly problems: {
    file: string;
    line?: number;
    column?: number;
    ruleId?: string;
    severity: string;
    reason: string;
  }[];
  readonly iocProblems: string[];
  /** Correlation rules to run centrally (from the first worker only). */
  readonly correlation?: CorrelationSetup;
}

/** What a worker sends back. */
export type FromWorker =
  | { type: 'ready'; report: LoadReport }
  | { type: 'result'; result: JobResult }
  | {
      type: 'finished';
      detections: DetectionBatch;
      newRules: RuleInfo[];
      stats: RuleStat[];
      snapshot?: unknown;
    }
  | FailedSignal;

/**
 * A matcher's load report, as plain data. Only one reporter (the first worker, or the single-thread hunt)
 * sends problems and correlations; the others send their counts.
 */
export function loadReportOf(matcher: Matcher, withProblems: boolean): LoadReport {
  return {
    loaded: matcher.loaded,
    selected: matcher.selected,
    unmapped: matcher.unmapped,
    problems: withProblems ? matcher.problems.map((p) => ({ ...p })) : [],
    iocProblems: withProblems ? matcher.iocProblems : [],
    ...(withProblems ? { correlation: matcher.correlation } : {}),
  };
}
