// The end of a hunt: one pass over the sorted detections writes the CSV/JSONL timelines and feeds the summary,
// the correlation digest, the Navigator and STIX tallies and the report's bounded table; then intrusions, the
// ATT&CK Navigator layer, the STIX bundle, the HTML report and rule statistics are written from what that pass
// gathered. Nothing here holds every detection (unless the caller asks for them back): memory is bounded by
// entities (rules, hosts, tenants, techniques), not records.
import { writeFileSync } from 'node:fs';
import type { Detection } from '../engine/types.js';
import {
  buildIntrusions,
  DetectionDigest,
  intrusionsDocument,
  newIntrusionBuildStats,
  type CorrelationCaps,
  type EntityGraph,
} from '../correlate/index.js';
import { loadAttackTable, type AttackTable } from '../intel/index.js';
import { CsvTimelineWriter } from '../outputs/csv.js';
import { JsonlWriter } from '../outputs/jsonl.js';
import { NavigatorTally } from '../outputs/navigator.js';
import { buildStixBundle, StixSightings } from '../outputs/stix.js';
import { writeHtmlReport } from '../outputs/html-report.js';
import { writeRuleStats, type RuleStat } from '../outputs/rule-stats.js';
import { SummaryBuilder, type HuntSummary, type SummaryCounters } from '../outputs/summary.js';
import { HeapTrimmer } from './heap-trim.js';
import type { HuntOptions, HuntResult } from './types.js';

/** Most detections the HTML report's table embeds (in time order; every listed intrusion detection is added). */
export const REPORT_TABLE_ROWS = 10_000;
/**
 * Heap growth that triggers a full collection during the sorted pass, checked every TRIM_EVERY detections.
 * Each detection is decoded from a spilled run, and the digest keeps some for a while (its tail ring) before
 * dropping them, so old space fills with dead detections: left to V8, 500,000 detections of a logon storm
 * reached ~1.2 GB resident over a ~640 MB heap (1.36 GB -> 1.08 GB peak with this, for ~10-15% more CPU).
 */
const OUTPUT_GC_SLACK_BYTES = 192 * 1024 * 1024;
const TRIM_EVERY = 16_384;
/** Detections before the first collection: ordinary hunts never pay for one. */
const TRIM_FROM = 4 * TRIM_EVERY;
/** Hosts whose tenant is remembered (for detections that carry none). */
const MAX_HOST_TENANTS = 100_000;

/** What the end of a hunt needs from the collection phase. */
export interface HuntOutputsInput {
  readonly opts: HuntOptions;
  /** Every detection (after dedup), in time order; iterated exactly once. */
  readonly sorted: Iterable<Detection>;
  /** Keep every detection for `HuntResult.detections`. */
  readonly keep: boolean;
  /** The entity graph, when intrusions are built. */
  readonly graph?: EntityGraph;
  /** Summary counters; elapsedMs is measured when the summary is built. */
  readonly counters: Omit<SummaryCounters, 'elapsedMs'>;
  /** When the hunt started (performance.now()). */
  readonly started: number;
  readonly ruleStats: RuleStat[];
}

/** What the end of a hunt produced. */
export interface HuntOutputs {
  readonly detections: Detection[];
  readonly summary: HuntSummary;
  readonly intrusions: HuntResult['intrusions'];
  /** Files written, in the order they were written. */
  readonly outputs: string[];
  /** What correlation's memory caps left out (when intrusions were built). */
  readonly capped?: CorrelationCaps;
}

/** Writes every requested output of a hunt from its sorted detections (one pass) and returns the summary. */
export function writeHuntOutputs(input: HuntOutputsInput): HuntOutputs {
  const { opts, keep, graph } = input;
  const needGraph = Boolean(opts.intrusions || opts.report || opts.stix);
  const outputs: string[] = [];
  let table: AttackTable | undefined;
  const attack = () => (table ??= loadAttackTable());
  const csv = opts.csv ? new CsvTimelineWriter(opts.csv) : undefined;
  const jsonl = opts.jsonl ? new JsonlWriter(opts.jsonl) : undefined;
  const summaryBuilder = new SummaryBuilder();
  const digest = needGraph ? new DetectionDigest() : undefined;
  const navigator = opts.navigator ? new NavigatorTally(attack()) : undefined;
  const sightings = opts.stix ? new StixSightings() : undefined;
  const hostTenant = new Map<string, string>();
  const rows: Detection[] = [];
  let omittedRows = 0;
  const kept: Detection[] = [];
  // Started only on large passes (its first collection costs a fraction of a second).
  let trimmer: HeapTrimmer | undefined;
  let seen = 0;
  try {
    for (const d of input.sorted) {
      if (digest && ++seen % TRIM_EVERY === 0) {
        if (trimmer) trimmer.betweenJobs();
        else if (seen >= TRIM_FROM) trimmer = new HeapTrimmer(OUTPUT_GC_SLACK_BYTES);
      }
      csv?.write(d);
      jsonl?.write(d);
      summaryBuilder.add(d);
      if (keep) kept.push(d);
      if (digest) {
        digest.add(d);
        if (d.tenant !== undefined && hostTenant.size < MAX_HOST_TENANTS && !hostTenant.has(d.host))
          hostTenant.set(d.host, d.tenant);
      }
      navigator?.add(d);
      sightings?.add(d);
      if (opts.report) {
        if (rows.length < REPORT_TABLE_ROWS) rows.push(d);
        else omittedRows++;
      }
    }
  } finally {
    csv?.close();
    jsonl?.close();
  }
  if (opts.csv) outputs.push(opts.csv);
  if (opts.jsonl) outputs.push(opts.jsonl);

  let intrusions: HuntResult['intrusions'];
  let capped: CorrelationCaps | undefined;
  if (digest) {
    const stats = newIntrusionBuildStats();
    intrusions = buildIntrusions({
      graph,
      digest,
      stats,
      attack: attack(),
      tenantOf: (h) => hostTenant.get(h),
      ...(opts.providerTenants ? { providerTenants: opts.providerTenants } : {}),
    });
    capped = {
      graphEntities: stats.graphDropped,
      detections: stats.digestDropped,
      accounts: stats.accountsDropped,
    };
  }
  const summary = summaryBuilder.build({ ...input.counters, elapsedMs: performance.now() - input.started });
  if (opts.navigator && navigator) {
    writeFileSync(opts.navigator, JSON.stringify(navigator.layer(), null, 2) + '\n');
    outputs.push(opts.navigator);
  }
  if (opts.intrusions && intrusions) {
    writeFileSync(
      opts.intrusions,
      JSON.stringify(intrusionsDocument(intrusions, new Date(), capped), null, 2) + '\n',
    );
    outputs.push(opts.intrusions);
  }
  if (opts.stix && sightings) {
    writeFileSync(
      opts.stix,
      JSON.stringify(
        buildStixBundle({ sightings, intrusions, tenants: [...sightings.tenants], table: attack() }),
        null,
        2,
      ) + '\n',
    );
    outputs.push(opts.stix);
  }
  if (opts.report) {
    writeHtmlReport(opts.report, {
      detections: rows,
      omittedDetections: omittedRows,
      maxDetections: REPORT_TABLE_ROWS,
      intrusions,
      summary,
      table: attack(),
    });
    outputs.push(opts.report);
  }
  if (opts.ruleStats) {
    writeRuleStats(opts.ruleStats, input.ruleStats);
    outputs.push(opts.ruleStats);
  }
  return { detections: kept, summary, intrusions, outputs, ...(capped ? { capped } : {}) };
}
