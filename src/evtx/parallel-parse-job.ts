// A ready-made ChunkPool job: parse a job's chunks with the EVTX reader and count, touch or render records.
// `bench:evtx` times it; tests use it to check that parallel parsing equals sequential reading.
import { threadId } from 'node:worker_threads';
import { parseChunk } from './chunk.js';
import type { TemplateIds } from './instance.js';
import type { ChunkJob } from './parallel-plan.js';
import { jobChunk, readJobBytes, type JobBytes, type JobChunk } from './parallel-read.js';
import { cachedShapeCount } from './shape.js';

/** What to do with each record: look one field up, render XML or JSON, or nothing beyond parsing. */
export interface ParseJobInit {
  mode?: 'count' | 'touch' | 'xml' | 'json';
  /** Field looked up in `touch` mode (default EventID). */
  field?: string;
  /** Carve records from slack space and damaged chunks (default true, as the reader does). */
  recover?: boolean;
  /** Return the renderings (xml/json modes) instead of only their length: for tests on small files. */
  collect?: boolean;
}

/** Totals for one job, plus the renderings when `collect` is set. */
export interface ParseJobResult {
  records: number;
  recovered: number;
  damagedChunks: number;
  warnings: string[];
  /** Characters rendered, or fields found in touch mode. */
  output: number;
  rendered?: string[];
  /** Where the job's time went, for the benchmark's per-worker breakdown. */
  timing: JobTiming;
}

/** Time spent on one job in its worker. */
export interface JobTiming {
  /** Worker thread id (0 on the main thread). */
  thread: number;
  /** Wall milliseconds for the whole job, and for reading its chunks from the file. */
  ms: number;
  readMs: number;
  /** Template shapes this job compiled (cache misses in its worker). */
  shapesCompiled: number;
}

type Render = (record: Parameters<typeof import('./render-xml.js').renderXml>[0]) => string;

// The renderers load only when a job renders: a worker that only parses starts faster.
async function rendererFor(mode: string): Promise<Render | undefined> {
  if (mode === 'xml') return (await import('./render-xml.js')).renderXml;
  if (mode === 'json') {
    const { renderJson, stringifyJson } = await import('./render-json.js');
    return (record) => stringifyJson(renderJson(record));
  }
  return undefined;
}

/** What one job does with each record. */
interface JobPlan {
  readonly mode: NonNullable<ParseJobInit['mode']>;
  readonly field: string;
  readonly render: Render | undefined;
  readonly recover: boolean | undefined;
}

/** ChunkPool entry point (see parallel.ts). */
export async function createChunkJobRunner(
  init: ParseJobInit = {},
): Promise<(job: ChunkJob) => ParseJobResult> {
  const mode = init.mode ?? 'count';
  const plan: JobPlan = {
    mode,
    field: init.field ?? 'EventID',
    render: await rendererFor(mode),
    recover: init.recover,
  };
  return function runParseJob(job: ChunkJob): ParseJobResult {
    const started = performance.now();
    const shapesBefore = cachedShapeCount();
    const timing: JobTiming = { thread: threadId, ms: 0, readMs: 0, shapesCompiled: 0 };
    const result: ParseJobResult = {
      records: 0,
      recovered: 0,
      damagedChunks: 0,
      warnings: [],
      output: 0,
      timing,
    };
    if (init.collect) result.rendered = [];
    // Nothing outlives the job (results are counts and strings), so the read buffer is reused.
    const bytes = readJobBytes(job, { reuse: true });
    timing.readMs = performance.now() - started;
    parseJobChunks(job, bytes, plan, result);
    timing.ms = performance.now() - started;
    timing.shapesCompiled = cachedShapeCount() - shapesBefore;
    return result;
  };
}

/**
 * The job's chunks one by one. Its own function, apart from the runner's file read: only this loop becomes
 * hot enough for the optimising compiler, which then has no file system code to inline.
 */
function parseJobChunks(job: ChunkJob, bytes: JobBytes, plan: JobPlan, result: ParseJobResult): void {
  // One reading per job: carved records fall back on templates of the job's own earlier chunks only.
  const templateIds: TemplateIds = new Map();
  for (let i = 0; i < bytes.count; i++)
    parseJobChunk(job.file, jobChunk(bytes, job.firstChunk, i), plan, result, templateIds);
}

/**
 * One chunk of a job, its totals added to `result`. A function of its own, not a loop body of the runner:
 * the JIT then optimises small functions instead of one that inlines the whole parser (a cold worker's
 * compile time is what a short parallel run pays for).
 */
function parseJobChunk(
  file: string,
  chunk: JobChunk,
  plan: JobPlan,
  result: ParseJobResult,
  templateIds: TemplateIds,
): void {
  const loc = { file, chunkIndex: chunk.index, fileOffset: chunk.offset };
  const parsed = parseChunk(chunk.data, loc, { recover: plan.recover, templateIds });
  if (parsed.damaged) result.damagedChunks++;
  for (const w of parsed.warnings)
    result.warnings.push(`${w.file} chunk ${w.chunk} @${w.offset}: ${w.reason}`);
  result.recovered += parsed.recovered;
  const records = parsed.records;
  result.records += records.length;
  if (plan.mode === 'touch') {
    for (let i = 0; i < records.length; i++) if (records[i].get(plan.field) !== undefined) result.output++;
  } else if (plan.render) {
    for (let i = 0; i < records.length; i++) {
      const text = plan.render(records[i]);
      result.output += text.length;
      result.rendered?.push(text);
    }
  }
}
