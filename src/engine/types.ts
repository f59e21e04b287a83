// What the detection engine produces: one Detection per (rule, record) match or per correlation result.

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** Levels in ascending order of severity, for --min-level and --fail-on comparisons. */
export const LEVELS: readonly Level[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** The rule facts that travel with every detection. */
export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  readonly level: Level;
  readonly status?: string;
  /** Sigma tags as written, e.g. `attack.t1003.003`, `attack.credential-access`. */
  readonly tags: readonly string[];
  /** File the rule was loaded from. */
  readonly path?: string;
  readonly description?: string;
  readonly author?: string;
  readonly references?: readonly string[];
  readonly falsepositives?: readonly string[];
  /** 'rule' for a detection rule, or the correlation type for correlation rules. */
  readonly kind:
    | 'rule'
    | 'event_count'
    | 'value_count'
    | 'temporal'
    | 'temporal_ordered'
    | 'value_sum'
    | 'value_avg'
    | 'value_percentile'
    | 'value_median';
}

/** One hit: which rule fired on which record (or, for correlations, on which group of records). */
export interface Detection {
  readonly rule: RuleInfo;
  /** Event time in ms since the Unix epoch (for correlations: the time of the last event of the group). */
  readonly timestamp: number;
  readonly host: string;
  readonly channel: string;
  readonly eventId: number;
  readonly recordId: number;
  readonly file: string;
  readonly tenant?: string;
  /** A few fields of the record worth showing (the ones the rule tested, plus Image/CommandLine/User ...). */
  readonly fields: Readonly<Record<string, string>>;
  /** For correlation detections: the group it fired for and the records' rule ids. */
  readonly correlation?: {
    readonly groupBy: Readonly<Record<string, string>>;
    readonly value?: number;
    readonly rules: readonly string[];
    readonly firstTimestamp: number;
  };
}
