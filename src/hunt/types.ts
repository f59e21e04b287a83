// The hunt's public shapes: what a caller (the CLI, the demo, tests) passes in and gets back.
import type { Detection, Level } from '../engine/types.js';
import type { Intrusion } from '../correlate/types.js';
import type { HuntSummary } from '../outputs/summary.js';
import type { RuleStat } from '../outputs/rule-stats.js';
import type { SourceWarning } from '../sources/index.js';

/** Which rules take part, on top of the level threshold. */
export interface RuleFilter {
  /** Keep rules whose status is one of these (e.g. stable, test, experimental). */
  status?: string[];
  includeIds?: string[];
  excludeIds?: string[];
  /** Tags as written in Sigma (`attack.t1003`, `attack.credential-access`); a tag matches itself and its sub-ids. */
  includeTags?: string[];
  excludeTags?: string[];
  /** Substrings (case-insensitive) of the rule file path. */
  includePaths?: string[];
  excludePaths?: string[];
  /** Files listing noisy rules to mute: one rule id (or title) per line, `#` comments. */
  mute?: string[];
}

/** Everything `dwell hunt` can be asked to do; the CLI maps its flags 1:1 onto this. */
export interface HuntOptions extends RuleFilter {
  /** Files and folders to hunt (folders recursively); `-` is `stdin` when that is given. */
  paths: string[];
  /**
   * The byte stream `-` among the paths stands for (the CLI passes standard input), read front to back as one
   * input named `<stdin>`, format sniffed, gzip too. With it the whole hunt runs on the calling thread (a worker
   * cannot read the caller's stream). Without it, `-` is a file name.
   */
  stdin?: AsyncIterable<Buffer>;
  /** Extra Sigma rule folders/files; Dwell's own `rules/` are always loaded. */
  sigma?: string[];
  /** Skip Dwell's own rules (tests, benchmarks of third-party rules only). */
  noDwellRules?: boolean;
  /** Drop rules below this level. */
  minLevel?: Level;
  /** Tenant mapping file (YAML or CSV: path glob → tenant). */
  tenantMap?: string;
  /** Tenant = first folder level under each given path. */
  tenantFromDir?: boolean;
  /** Tenants that are service providers (their hosts reaching other tenants are jump hosts), for intrusions. */
  providerTenants?: string[];
  /** IOC files (CSV or STIX 2.1 bundles) matched against every record. */
  iocs?: string[];
  /** Worker threads; 0 or 1 runs in this thread. Default: defaultHuntWorkers (by input size and cores). */
  workers?: number;
  /** Output files. */
  csv?: string;
  jsonl?: string;
  navigator?: string;
  intrusions?: string;
  report?: string;
  stix?: string;
  ruleStats?: string;
  /** Keep all detections in `HuntResult.detections` (default true; large hunts set false and stream outputs). */
  keepDetections?: boolean;
  /** Carve EVTX records from slack space and damaged chunks (default true). */
  recover?: boolean;
  /** Count the same record seen twice once (default true). */
  dedup?: boolean;
  /** Measure time per rule (default: only when ruleStats is written). */
  timing?: boolean;
  /** No progress output. */
  quiet?: boolean;
  /** Where progress is drawn (only when it is a TTY). */
  progressStream?: NodeJS.WritableStream;
  /** Extra logsource mapping files for the engine. */
  mappingFiles?: string[];
  /** Distinct edges the entity graph keeps (default and maximum GRAPH_LIMITS.edges); lowered by tests. */
  graphEdgeLimit?: number;
}

/** What a hunt produced. */
export interface HuntResult {
  /** Detections after de-duplication, sorted by time, then file, then record (empty when keepDetections is false). */
  detections: Detection[];
  summary: HuntSummary;
  ruleStats: RuleStat[];
  intrusions?: Intrusion[];
  /** Every reader/rule warning, naming file, record and reason. */
  warnings: HuntWarning[];
  /** Files written. */
  outputs: string[];
}

/** A warning from reading inputs or loading rules. */
export interface HuntWarning extends Partial<SourceWarning> {
  /**
   * input: a file or record could not be read; rule: a rule could not be loaded; engine: a rule failed on a
   * record (it counted as not matching); note: worth knowing (records recovered from slack space).
   */
  readonly kind: 'input' | 'rule' | 'engine' | 'note';
  readonly reason: string;
}
