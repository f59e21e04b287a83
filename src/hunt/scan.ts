// One unit of hunt work (a file, or a chunk range of a big EVTX file): read its records, match them, observe
// them for correlation, and return only plain data — detections, entity facts, warnings, counters.
import type { Detection, RuleInfo } from '../engine/types.js';
import type { CorrelationHit } from '../engine/correlation/index.js';
import type { EventRecord } from '../event/types.js';
import type { TemplateIds } from '../evtx/index.js';
import { readSource, type SourceFormat, type SourceWarning } from '../sources/index.js';
import { recordKey } from './dedup.js';
import { DetectionBatchBuilder, type DetectionBatch } from './detection-batch.js';
import type { Matcher } from './matcher.js';

/** A unit of work; plain data, sent to workers. */
export interface HuntJob {
  readonly index: number;
  readonly path: string;
  readonly format: SourceFormat;
  readonly gzip: boolean;
  readonly tenant?: string;
  /** EVTX slices: chunks [from, to). */
  readonly chunks?: { readonly from: number; readonly to: number };
  /** EVTX: carve records from slack space (default true). */
  readonly recover?: boolean;
  /** Bytes this job covers (for progress). */
  readonly bytes: number;
}

/** A correlation base hit with the key of the record it came from (for de-duplication). */
export interface KeyedHit {
  readonly hit: CorrelationHit;
  readonly key: string;
}

/** What a job returns. */
export interface JobResult {
  readonly index: number;
  readonly records: number;
  /** Detections, encoded (their rules travel once per worker, in `newRules`). */
  readonly detections: DetectionBatch;
  readonly hits: KeyedHit[];
  /** Rule infos this worker has not sent before. */
  readonly newRules: RuleInfo[];
  readonly warnings: SourceWarning[];
  /** Rules that failed on a record of this job (the record is kept; the rule counts as not matching). */
  readonly ruleErrors: SourceWarning[];
  readonly unreadable: boolean;
}

/** Per-record observers besides rule matching (the correlation entity graph), told the record's detections. */
export type RecordObserver = (record: EventRecord, detections: readonly Detection[]) => void;

const MAX_WARNINGS_PER_JOB = 1000;

/** Runs jobs with one matcher; keeps track of which rule infos were already sent. */
export class JobScanner {
  private readonly sentRules = new Set<string>();
  private pending: Detection[] = [];
  /** One builder for every job (jobs run one at a time): its line buffer grows once, not once per job. */
  private readonly batch = new DetectionBatchBuilder();
  private readonly collect = (d: Detection) => {
    this.pending.push(d);
  };

  constructor(
    private readonly matcher: Matcher,
    private readonly observe?: RecordObserver,
    /** The hunt's template catalogue, compiled (carved EVTX records may borrow from it). */
    private readonly templateIds?: TemplateIds,
  ) {}

  /** Reads and matches one job. Never throws for bad input. */
  async run(job: HuntJob): Promise<JobResult> {
    const detections = this.batch;
    const newRules: RuleInfo[] = [];
    const warnings: SourceWarning[] = [];
    const hits: KeyedHit[] = [];
    let extraWarnings = 0;
    const wire = (d: Detection, key: string) => {
      if (!this.sentRules.has(d.rule.id)) {
        this.sentRules.add(d.rule.id);
        newRules.push(d.rule);
      }
      detections.add(
        d.tenant === undefined && job.tenant !== undefined ? { ...d, tenant: job.tenant } : d,
        key,
      );
    };
    const stats = await readSource(
      {
        path: job.path,
        format: job.format,
        gzip: job.gzip,
        tenant: job.tenant,
        chunks: job.chunks,
        recover: job.recover,
        ...(this.templateIds ? { templateIds: this.templateIds } : {}),
      },
      {
        record: (record) => {
          if (job.tenant !== undefined && record.source.tenant === undefined)
            record.source.tenant = job.tenant;
          this.matcher.match(record, this.collect);
          this.observe?.(record, this.pending);
          const recordHits = this.matcher.takeHits();
          if (this.pending.length > 0 || recordHits.length > 0) {
            const key = recordKey(record);
            for (const d of this.pending) wire(d, key);
            for (const hit of recordHits) hits.push({ hit, key });
            this.pending = [];
          }
        },
        warning: (w) => {
          if (warnings.length < MAX_WARNINGS_PER_JOB) warnings.push(w);
          else extraWarnings++;
        },
      },
    );
    if (extraWarnings > 0)
      warnings.push({ file: job.path, reason: `${extraWarnings} more warnings not shown` });
    return {
      index: job.index,
      records: stats.records,
      detections: detections.take(),
      hits,
      newRules,
      warnings,
      ruleErrors: this.matcher.takeErrors(),
      unreadable: stats.unreadable,
    };
  }

  /** End of input for this matcher: pending detections (correlations evaluated locally), with a key each. */
  flush(): { detections: DetectionBatch; newRules: RuleInfo[] } {
    const detections = this.batch;
    const newRules: RuleInfo[] = [];
    this.matcher.flush((d) => {
      if (!this.sentRules.has(d.rule.id)) {
        this.sentRules.add(d.rule.id);
        newRules.push(d.rule);
      }
      detections.add(
        d,
        `flush\u0001${d.host}\u0001${d.timestamp}\u0001${JSON.stringify(d.correlation?.groupBy ?? {})}`,
      );
    });
    return { detections: detections.take(), newRules };
  }
}
