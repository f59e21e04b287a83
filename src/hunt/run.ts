// `runHunt`: the whole forensic job — plan inputs, match them on worker threads, de-duplicate, correlate
// centrally, sort with bounded memory, write every requested output and summarise.
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Detection, RuleInfo } from '../engine/types.js';
import { CorrelationEngine, type CorrelationHit } from '../engine/correlation/index.js';
import { DIGEST_LIMITS, EntityGraph, type EntityGraphSnapshot } from '../correlate/index.js';
import { createProgress } from '../outputs/progress.js';
import { mergeRuleStats, sortedRuleStats, type RuleStat } from '../outputs/rule-stats.js';
import type { DamagedFile } from '../outputs/summary.js';
import { catalogueTemplateIds, readTemplateCatalogue } from '../evtx/index.js';
import { loadTenantMap, tenantResolver } from '../sources/index.js';
import { DetectionDeduper } from './dedup.js';
import { createMatcher, type CorrelationSetup, type MatcherConfig } from './matcher.js';
import { createObserver } from './observe.js';
import { HeapTrimmer } from './heap-trim.js';
import { defaultHuntWorkers, evtxInputs, planHunt } from './plan.js';
import { runOnWorkers } from './pool.js';
import { loadSharedRuleSources } from './shared-sources.js';
import { loadReportOf, type LoadReport } from './protocol.js';
import { JobScanner, type JobResult } from './scan.js';
import type { DetectionBatch } from './detection-batch.js';
import { dwellRulesDir } from './rules.js';
import { DetectionSorter } from './sort.js';
import { writeHuntOutputs } from './outputs.js';
import type { HuntOptions, HuntResult, HuntWarning } from './types.js';

const MAX_REASONS = 3;
const MAX_WARNINGS = 10_000;
/** Correlation hits buffered before they are sorted and fed to the central engine. */
const HIT_BUFFER = 200_000;
/** Detection JSON held in memory before a sorted run goes to disk (when they are not all kept anyway). */
const SORT_RUN_BYTES = 4 * 1024 * 1024;
/** Detections held in memory before a sorted run goes to disk, whatever their size. */
const SORT_RUN_COUNT = 100_000;
/**
 * Heap growth that triggers a full collection of the main thread between job results. Its live heap is small
 * (~12 MB: rule infos, statistics, the sort run's keys), so a collection costs a few ms; with the workers' 24 MB
 * its heap grew to ~45 MB on a 4 GiB hunt.
 */
const MAIN_GC_SLACK_BYTES = 8 * 1024 * 1024;
const RECOVERY_NOTE = /^chunk \d+: recovered \d+ records? from slack space(?: \([^()]*\))?$/;

/** The rule files a hunt loads: Dwell's own rules (unless disabled) and the user's Sigma paths. */
export function huntRulePaths(opts: Pick<HuntOptions, 'sigma' | 'noDwellRules'>): string[] {
  const own = opts.noDwellRules ? undefined : dwellRulesDir();
  return [...(own ? [own] : []), ...(opts.sigma ?? [])];
}

/** The output files a hunt writes, by what they are. */
function outputFiles(opts: HuntOptions): [string, string | undefined][] {
  return [
    ['CSV timeline', opts.csv],
    ['JSON lines', opts.jsonl],
    ['Navigator layer', opts.navigator],
    ['intrusions document', opts.intrusions],
    ['HTML report', opts.report],
    ['STIX bundle', opts.stix],
    ['rule statistics', opts.ruleStats],
  ];
}

/**
 * Throws when a rule, indicator or mapping path the caller named does not exist (a mistyped `--sigma` folder
 * would otherwise hunt with Dwell's rules alone and report nothing missing), or when an output file names a
 * folder (which would fail only after the whole hunt).
 */
function checkNamedPaths(opts: HuntOptions): void {
  const named: [string, readonly string[] | undefined][] = [
    ['Sigma rules', opts.sigma],
    ['indicator file', opts.iocs],
    ['logsource mapping', opts.mappingFiles],
  ];
  for (const [what, paths] of named) {
    for (const path of paths ?? []) if (!existsSync(path)) throw new Error(`${what} not found: ${path}`);
  }
  for (const [what, file] of outputFiles(opts)) {
    if (file && statSync(file, { throwIfNoEntry: false })?.isDirectory())
      throw new Error(`${what} would be written to a folder: ${file} (name a file)`);
  }
}

/**
 * Runs a hunt. Throws only for unusable options (a missing rules folder, indicator or mapping file; a bad tenant
 * map or mute list); bad inputs are warnings.
 */
export async function runHunt(opts: HuntOptions): Promise<HuntResult> {
  const started = performance.now();
  checkNamedPaths(opts);
  // Output folders are created up front, so a long hunt never fails at the end for want of one.
  for (const [, file] of outputFiles(opts)) if (file) mkdirSync(dirname(file), { recursive: true });
  const warnings: HuntWarning[] = [];
  let droppedWarnings = 0;
  const damaged = new Map<string, { warnings: number; unreadable: boolean; reasons: string[] }>();
  const note = (file: string, reason: string, unreadable: boolean, extra: Partial<HuntWarning> = {}) => {
    if (warnings.length < MAX_WARNINGS) warnings.push({ kind: 'input', file, reason, ...extra });
    else droppedWarnings++;
    let d = damaged.get(file);
    if (!d) damaged.set(file, (d = { warnings: 0, unreadable: false, reasons: [] }));
    d.warnings++;
    d.unreadable ||= unreadable;
    if (d.reasons.length < MAX_REASONS) d.reasons.push(reason);
  };

  // Inputs.
  const tenants = tenantResolver(
    opts.tenantMap ? loadTenantMap(opts.tenantMap) : [],
    opts.tenantFromDir === true,
  );
  const plan = await planHunt(opts.paths, tenants, {
    recover: opts.recover,
    stdin: opts.stdin !== undefined,
  });
  for (const p of plan.problems) note(p.file, p.reason, p.unreadable);

  // What is needed downstream decides what is kept.
  const needGraph = Boolean(opts.intrusions || opts.report || opts.stix);
  const graphLimits = opts.graphEdgeLimit !== undefined ? { edges: opts.graphEdgeLimit } : {};
  // Outputs need no detection kept (src/hunt/outputs.ts streams them): only the caller may want them back.
  const keep = opts.keepDetections !== false;
  const config: MatcherConfig = {
    rulePaths: huntRulePaths(opts),
    ...(opts.mappingFiles ? { mappingFiles: opts.mappingFiles } : {}),
    filter: {
      minLevel: opts.minLevel,
      status: opts.status,
      includeIds: opts.includeIds,
      excludeIds: opts.excludeIds,
      includeTags: opts.includeTags,
      excludeTags: opts.excludeTags,
      includePaths: opts.includePaths,
      excludePaths: opts.excludePaths,
      mute: opts.mute,
    },
    iocs: opts.iocs,
    // Timing every rule evaluation costs ~10%: only when rule statistics are written (or asked for).
    timing: opts.timing ?? Boolean(opts.ruleStats),
  };

  // Collection.
  const rules = new Map<string, RuleInfo>();
  const dedup = new DetectionDeduper();
  const dedupOn = opts.dedup !== false;
  // Detections carry up to a few KB of field text: when they are not all kept anyway, they are held as JSON
  // bytes (not objects) and go to disk in small sorted runs.
  const sorter = keep ? new DetectionSorter(Infinity) : new DetectionSorter(SORT_RUN_COUNT, SORT_RUN_BYTES);
  // Correlation base hits of every worker, de-duplicated, fed to one central engine in time order: buffered
  // up to HIT_BUFFER (so memory stays bounded on any input), sorted, then fed.
  let hits: CorrelationHit[] = [];
  let corr: CorrelationEngine | undefined;
  const emitCorrelation = (d: Detection) => {
    sorter.add(d);
    const s = ruleStats.get(d.rule.id);
    if (s) s.hits++;
    else ruleStats.set(d.rule.id, { ruleId: d.rule.id, title: d.rule.title, hits: 1, timeMs: 0 });
  };
  const drainHits = (final: boolean) => {
    const setup: CorrelationSetup | undefined = report?.correlation;
    if (setup && setup.correlations.length > 0) {
      corr ??= new CorrelationEngine(setup.correlations, {}, setup.suppressed);
      hits.sort(
        (a, b) =>
          a.timestamp - b.timestamp || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.recordId - b.recordId),
      );
      for (const h of hits) corr.onHit(h, emitCorrelation);
      if (final) corr.flush(emitCorrelation);
    }
    hits = [];
  };
  const ruleStats = new Map<string, RuleStat>();
  let graph = needGraph ? new EntityGraph(graphLimits) : undefined;
  let report: LoadReport | undefined;
  let records = 0;
  const filesRead = new Set<string>();
  let bytesDone = 0;
  /** Bytes read from the stream (its size is only known at its end). */
  let streamBytes = 0;
  let jobsDone = 0;
  const progress = createProgress(opts.progressStream ?? process.stderr, opts.quiet !== true);
  // Detections arrive encoded (detection-batch.ts): de-duplicated by their hash, stored by their bytes. Of the
  // copies of a (rule, record) pair, the one of the earliest job in the plan is kept, as a one-thread hunt keeps
  // it: when an earlier job's copy comes after a later one's (another worker was faster), the later copy, already
  // stored, is dropped on the way out by its sort key (time, file, record id, rule id).
  const replaced = new Set<string>();
  const replacedKey = (timestamp: number, file: string, recordId: number, ruleId: string) =>
    `${Number.isFinite(timestamp) ? timestamp : '-'}\u0001${file}\u0001${Number.isFinite(recordId) ? recordId : '-'}\u0001${ruleId}`;
  const collect = (batch: DetectionBatch, dedupe: boolean, rank: number) => {
    for (let i = 0; i < batch.count; i++) {
      const ruleId = batch.names[batch.ruleOf[i]!]!;
      if (dedupe) {
        const verdict = dedup.offer(batch.hashes[i]!, rank);
        if (verdict === 'repeat') continue;
        if (verdict !== 'first')
          replaced.add(
            replacedKey(batch.timestamps[i]!, plan.jobs[verdict]!.path, batch.recordIds[i]!, ruleId),
          );
      }
      sorter.addFromBatch(batch, i, rules.get(ruleId)!);
    }
  };
  function* withoutReplaced(sorted: Iterable<Detection>): Generator<Detection> {
    for (const d of sorted) {
      if (replaced.size > 0 && replaced.delete(replacedKey(d.timestamp, d.file, d.recordId, d.rule.id)))
        continue;
      yield d;
    }
  }
  /** Takes in what a job (or part of a stream job) found. */
  const absorb = (r: JobResult) => {
    for (const rule of r.newRules) if (!rules.has(rule.id)) rules.set(rule.id, rule);
    records += r.records;
    for (const w of r.warnings) {
      // Records carved from slack space are a finding about the file, not damage.
      if (RECOVERY_NOTE.test(w.reason)) {
        if (warnings.length < MAX_WARNINGS) warnings.push({ ...w, kind: 'note' });
      } else note(w.file, w.reason, false, { record: w.record, line: w.line, offset: w.offset });
    }
    for (const e of r.ruleErrors) if (warnings.length < MAX_WARNINGS) warnings.push({ ...e, kind: 'engine' });
    collect(r.detections, dedupOn, r.index);
    for (const h of r.hits)
      if (!dedupOn || dedup.firstTime(`hit\u0002${h.hit.ruleId}`, h.key)) hits.push(h.hit);
    if (hits.length >= HIT_BUFFER) drainHits(false);
  };
  /** Records a stream job had already passed on in parts (its result has only the rest). */
  let partRecords = 0;
  const onResult = (r: JobResult) => {
    absorb(r);
    const job = plan.jobs[r.index]!;
    const jobRecords = r.records + (job === plan.stream ? partRecords : 0);
    if (jobRecords > 0 || !r.unreadable) filesRead.add(job.path);
    if (r.unreadable && jobRecords === 0 && !job.chunks) {
      const d = damaged.get(job.path);
      if (d) d.unreadable = true;
    }
    jobsDone++;
    bytesDone += r.bytes ?? job.bytes;
    if (r.bytes !== undefined) streamBytes += r.bytes;
    showProgress(records);
  };
  const showProgress = (recordsSoFar: number) =>
    progress.update({
      filesDone: jobsDone,
      files: plan.jobs.length,
      bytesDone,
      bytes: plan.bytes,
      records: recordsSoFar,
      detections: sorter.count,
      // A stream has no size: the bar shows records and their rate, no share done and no ETA.
      ...(plan.stream ? { sizeUnknown: true } : {}),
    });
  const onFinish = (f: {
    detections: DetectionBatch;
    newRules: RuleInfo[];
    stats: RuleStat[];
    snapshot?: unknown;
  }) => {
    for (const rule of f.newRules) if (!rules.has(rule.id)) rules.set(rule.id, rule);
    collect(f.detections, false, 0);
    mergeRuleStats(ruleStats, f.stats);
    if (graph && f.snapshot) graph.merge(f.snapshot as EntityGraphSnapshot);
  };
  const onReady = (r: LoadReport) => {
    // The first worker reports problems and correlations; the others only their counts.
    if (!report || r.correlation) report = r;
  };

  const threads = opts.workers ?? defaultHuntWorkers(availableParallelism(), plan.bytes);
  // A stream is read on this thread (workers cannot read it): with one, the whole hunt runs here.
  const workers = plan.stream ? 1 : Math.max(1, Math.min(threads, plan.jobs.length || 1));
  if (plan.stream && threads > 1 && opts.workers !== undefined)
    warnings.push({
      kind: 'note',
      reason: `--workers ${opts.workers} not used: with standard input the hunt runs on the main thread`,
    });
  // Rule files are read and parsed once, on a short-lived thread (its YAML garbage dies with it), into one
  // shared buffer; each matcher only deserialises and compiles them. The buffer is passed straight on, so
  // nothing here keeps it once the matchers have their copies. Started first: this thread reads the template
  // catalogue meanwhile.
  const rulesLoading = loadSharedRuleSources({
    rulePaths: config.rulePaths,
    ...(config.mappingFiles ? { mappingFiles: config.mappingFiles } : {}),
  });
  // Carved EVTX records whose template was overwritten borrow it from the inputs' first chunks (deterministic,
  // whatever each worker reads first; see src/evtx/catalogue.ts).
  const templates = opts.recover === false ? undefined : readTemplateCatalogue(evtxInputs(plan.jobs));
  if (workers <= 1) {
    const matcher = await createMatcher({ ...config, sharedSources: await rulesLoading });
    const observer = needGraph ? await createObserver(graphLimits) : undefined;
    const scanner = new JobScanner(
      matcher,
      observer?.observe,
      templates ? catalogueTemplateIds(templates) : undefined,
    );
    onReady(loadReportOf(matcher, true));
    const trimmer = new HeapTrimmer();
    const feed = opts.stdin && {
      bytes: opts.stdin,
      onProgress: (n: number) => showProgress(records - partRecords + n),
      onPart: (part: JobResult) => {
        absorb(part);
        partRecords += part.records;
        // A stream is one long job: its parts are where a job's garbage would be collected.
        trimmer.betweenJobs();
      },
    };
    for (const job of plan.jobs) {
      onResult(await scanner.run(job, job === plan.stream ? feed : undefined));
      trimmer.betweenJobs();
    }
    onFinish({ ...scanner.flush(), stats: matcher.stats() });
    // One thread: its graph is the hunt's graph (a snapshot merged into an empty graph held it three times).
    if (observer) graph = observer.graph;
  } else {
    const mainTrimmer = new HeapTrimmer(MAIN_GC_SLACK_BYTES);
    await runOnWorkers(
      plan.jobs,
      workers,
      {
        config: { ...config, sharedSources: await rulesLoading },
        observe: needGraph,
        graphLimits,
        ...(templates ? { templates } : {}),
      },
      {
        onReady,
        onResult: (r) => {
          onResult(r);
          // The main thread's garbage is the workers' result messages: collect it like a worker's.
          mainTrimmer.betweenJobs();
        },
        onFinish,
      },
    );
  }
  progress.stop();

  // The rest of the central correlation: hits still buffered, then windows still open.
  drainHits(true);
  for (const p of report?.problems ?? []) {
    if (p.severity === 'warning') continue;
    if (warnings.length < MAX_WARNINGS)
      warnings.push({
        kind: 'rule',
        file: p.file,
        line: p.line,
        reason: `${p.severity}${p.ruleId ? ` rule ${p.ruleId}` : ''}: ${p.reason}`,
      });
  }
  // An indicator file is an input the user gave: its problems are shown by default, within the warnings cap.
  for (const p of report?.iocProblems ?? []) {
    if (warnings.length < MAX_WARNINGS) warnings.push({ kind: 'input', reason: `IOC: ${p}` });
    else droppedWarnings++;
  }
  if (droppedWarnings > 0)
    warnings.push({ kind: 'input', reason: `${droppedWarnings} more input warnings not listed` });

  // Outputs, in one sorted pass (src/hunt/outputs.ts).
  const damagedFiles: DamagedFile[] = [...damaged].map(([file, d]) => ({ file, ...d }));
  const stats = sortedRuleStats(ruleStats.values());
  const out = writeHuntOutputs({
    opts,
    sorted: withoutReplaced(sorter.sorted()),
    keep,
    ...(graph ? { graph } : {}),
    counters: {
      files: plan.files + plan.problems.filter((p) => p.unreadable).length,
      filesRead: filesRead.size,
      bytes: plan.bytes + streamBytes,
      records,
      duplicatesDropped: dedup.dropped,
      damagedFiles,
      rules: {
        loaded: report?.loaded ?? 0,
        selected: report?.selected ?? 0,
        unmapped: report?.unmapped ?? 0,
        problems: (report?.problems ?? []).filter((p) => p.severity !== 'warning').length,
      },
      workers,
    },
    started,
    ruleStats: stats,
  });
  // Correlation stays bounded under a flood of entities; say what its caps left out rather than drop it quietly.
  if (out.capped && (out.capped.graphEntities > 0 || out.capped.detections > 0))
    warnings.push({
      kind: 'input',
      reason:
        `correlation capped: ${out.capped.graphEntities} observations of hosts/addresses/edges/sessions and ` +
        `${out.capped.detections} detections (beyond ${DIGEST_LIMITS.pairs} rule-host pairs) were counted ` +
        'but not correlated (see docs/intrusions.md, Limits)',
    });
  if (out.capped?.accounts)
    warnings.push({
      kind: 'note',
      reason: `entity graph: ${out.capped.accounts} account observations beyond its account table (not used to correlate)`,
    });
  return {
    detections: keep ? out.detections : [],
    summary: out.summary,
    ruleStats: stats,
    intrusions: out.intrusions,
    warnings,
    outputs: out.outputs,
  };
}
