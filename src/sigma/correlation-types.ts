// The parsed form of Sigma correlation rules (specification 2.x "correlation" documents): plain data, so it can
// be handed to worker threads and to the streaming correlation engine.
import type { RuleProblem, SourcePosition } from './types.js';

/** Correlation types Dwell evaluates. */
export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
] as const;

/** One correlation type. */
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

/** Types that aggregate the values of `condition.field`. */
export const VALUE_TYPES: ReadonlySet<CorrelationType> = new Set([
  'value_count',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
]);

/** A comparison operator of a correlation condition. */
export type ConditionOperator = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

/** The `condition` map: every given bound must hold (a conjunction); `field` names the aggregated field(s). */
export interface CorrelationCondition {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly eq?: number;
  readonly neq?: number;
  /** Field(s) a value_* correlation aggregates (several fields = their values taken together). */
  readonly field?: readonly string[];
}

/** A validated correlation rule. */
export interface CorrelationRule {
  /** The rule id, or its name, or a stable synthetic id (`correlation:<file>#<document>`) when neither is set. */
  readonly id: string;
  readonly name?: string;
  readonly title: string;
  /** Sigma level (informational … critical); `medium` when absent. */
  readonly level: string;
  readonly status?: string;
  readonly description?: string;
  readonly author?: string;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  readonly type: CorrelationType;
  /** Referenced rules (detection rules or correlations), by id or name, as written. */
  readonly rules: readonly string[];
  /** Fields (or alias names) that scope a group; may be empty. */
  readonly groupBy: readonly string[];
  /** The timespan as written (`5m`) and in milliseconds. */
  readonly timespan: string;
  readonly timespanMs: number;
  /** The condition; for temporal types without one, "all referenced rules" is implied. */
  readonly condition?: CorrelationCondition;
  /** alias name → (rule name or id → field name in that rule's events). */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** When true the referenced rules also report their own matches (default false). */
  readonly generate: boolean;
  readonly file: string;
  readonly position?: SourcePosition;
  /** Non-fatal remarks (severity `warning`). */
  readonly warnings: readonly RuleProblem[];
}
