// One unit of hunt work (a file, or a chunk range of a big EVTX file): read its records, match them, observe
// them for correlation, and return only plain data — detections, entity facts, warnings, counters.
import type { Detection, RuleInfo } from '../engine/types.js';
import type { CorrelationHit } from '../engine/correlation/index.js';
import type { EventRecord } from '../event/types.js';
import type { TemplateIds } from '../evtx/index.js';
import {
  readSource,
  readStream,
  type RecordSink,
  type SourceFormat,
  type SourceStats,
  type SourceWarning,
} from '../sources/index.js';
import { recordKey } from './dedup.js';
import { DetectionBatchBuilder, type DetectionBatch } from './detection-batch.js';
import type { Matcher } from './matcher.js';

/** A unit of work; plain data, sent to workers. */
export interface HuntJob {
  readonly index: number;
  /** The file; for a stream, the name its records and warnings carry (`<stdin>`). */
  readonly path: string;
  /** 'stream': a byte stream (standard input) whose format is sniffed as it is read; never sent to workers. */
  readonly format: SourceFormat | 'stream';
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
  /** A stream's bytes read (a file's size is known from the plan). */
  readonly bytes?: number;
}

/** What a stream job reads from, and whom it tells how far it got. */
export interface StreamFeed {
  readonly bytes: AsyncIterable<Buffer>;
  /** Told the records read so far, every PROGRESS_RECORDS records (a stream has no size to show). */
  readonly onProgress?: (records: number) => void;
  /**
   * Given what the stream found so far whenever PART_DETECTIONS detections or PART_HITS correlation hits are
   * held, so a stream that runs for days never holds its findings whole; the job's result has the rest.
   */
  readonly onPart?: (part: JobResult) => void;
}

const PROGRESS_RECORDS = 4096;
const PART_DETECTIONS = 10_000;
const PART_HITS = 10_000;

/** Per-record observers besides rule matching (the correlation entity graph), told the record's detections. */
export type RecordObserver = (record: EventRecord, detections: readonly Detection[]) => void;

const MAX_WARNINGS_PER_JOB = 1000;

/** A stream job given no stream reads an empty one (and says so). */
async function* noBytes(): AsyncGenerator<Buffer> {}

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

  /** Reads and matches one job (a stream job from `feed`). Never throws for bad input. */
  async run(job: HuntJob, feed?: StreamFeed): Promise<JobResult> {
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
    let seen = 0;
    let reported = 0;
    let warningsKept = 0;
    const part = () => {
      feed!.onPart!({
        index: job.index,
        records: seen - reported,
        detections: detections.take(),
        hits: hits.splice(0),
        newRules: newRules.splice(0),
        warnings: warnings.splice(0),
        ruleErrors: this.matcher.takeErrors(),
        unreadable: false,
      });
      reported = seen;
    };
    const sink: RecordSink = {
      record: (record) => {
        if (++seen % PROGRESS_RECORDS === 0) feed?.onProgress?.(seen);
        if (job.tenant !== undefined && record.source.tenant === undefined) record.source.tenant = job.tenant;
        this.matcher.match(record, this.collect);
        this.observe?.(record, this.pending);
        const recordHits = this.matcher.takeHits();
        if (this.pending.length > 0 || recordHits.length > 0) {
          const key = recordKey(record);
          for (const d of this.pending) wire(d, key);
          for (const hit of recordHits) hits.push({ hit, key });
          this.pending = [];
          if (feed?.onPart && (detections.count >= PART_DETECTIONS || hits.length >= PART_HITS)) part();
        }
      },
      warning: (w) => {
        if (warningsKept < MAX_WARNINGS_PER_JOB) {
          warnings.push(w);
          warningsKept++;
        } else extraWarnings++;
      },
    };
    let stats: SourceStats;
    let bytes: number | undefined;
    if (job.format === 'stream') {
      const read = await readStream(
        feed?.bytes ?? noBytes(),
        {
          name: job.path,
          ...(job.tenant !== undefined ? { tenant: job.tenant } : {}),
          ...(job.recover !== undefined ? { recover: job.recover } : {}),
          ...(this.templateIds ? { templateIds: this.templateIds } : {}),
        },
        sink,
      );
      stats = read;
      bytes = read.bytes;
    } else {
      stats = await readSource(
        {
          path: job.path,
          format: job.format,
          gzip: job.gzip,
          tenant: job.tenant,
          chunks: job.chunks,
          recover: job.recover,
          ...(this.templateIds ? { templateIds: this.templateIds } : {}),
        },
        sink,
      );
    }
    if (extraWarnings > 0)
      warnings.push({ file: job.path, reason: `${extraWarnings} more warnings not shown` });
    return {
      index: job.index,
      records: stats.records - reported,
      detections: detections.take(),
      hits,
      newRules,
      warnings,
      ruleErrors: this.matcher.takeErrors(),
      unreadable: stats.unreadable,
      ...(bytes !== undefined ? { bytes } : {}),
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
