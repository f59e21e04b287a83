// Spreads hunt jobs over worker threads: each worker loads the rules once, takes the next job when it is
// free (big files first, so the slowest work starts early), and only results cross threads.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { tuneJitForWorkers } from '../evtx/index.js';
import type { RuleInfo } from '../engine/types.js';
import type { RuleStat } from '../outputs/rule-stats.js';
import type { FromWorker, LoadReport, ToWorker, WorkerInit } from './protocol.js';
import type { HuntJob, JobResult } from './scan.js';
import type { DetectionBatch } from './detection-batch.js';

/** What the pool reports when all jobs are done. */
export interface PoolFinish {
  readonly detections: DetectionBatch;
  readonly newRules: RuleInfo[];
  readonly stats: RuleStat[];
  readonly snapshot?: unknown;
}

/** Callbacks of a pool run. */
export interface PoolHandlers {
  onReady(report: LoadReport, worker: number): void;
  onResult(result: JobResult, worker: number): void;
  onFinish(finish: PoolFinish, worker: number): void;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);
// A small young generation keeps each worker's resident memory down; records are short-lived garbage
// (4 rather than 16 MB: ~-45 MB peak RSS with 2 workers on dense-256, no measurable CPU cost).
const YOUNG_GENERATION_MB = 4;

/** Runs all jobs on `count` workers; resolves when every worker has finished (rejects on a worker failure). */
export function runOnWorkers(
  jobs: readonly HuntJob[],
  count: number,
  init: Omit<WorkerInit, 'reportProblems'>,
  handlers: PoolHandlers,
): Promise<void> {
  // Largest jobs first: the run ends when the last big file ends.
  const queue = [...jobs].sort((a, b) => b.bytes - a.bytes || a.index - b.index);
  const n = Math.max(1, Math.min(count, Math.max(1, jobs.length)));
  // Workers that fill every core leave V8's background compiler threads no core of their own: let them compile
  // on their own thread, optimising later (ChunkPool does the same; see tuneJitForWorkers). Dense 1 GiB hunt,
  // 5 paired runs: wall -0.9 s, CPU -2.6 s on average (-5%/-8%), same CSV.
  if (n >= availableParallelism()) tuneJitForWorkers();
  // Only `settings` is seen by the closures below (not `init`), so dropping it really lets the rules go.
  const together = init.config.sources !== undefined || init.config.sharedSources !== undefined;
  let settings: Omit<WorkerInit, 'reportProblems'> | undefined = init;
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let finished = 0;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(err);
    };
    const next = (w: Worker) => {
      const job = queue.shift();
      const msg: ToWorker = job ? { type: 'job', job } : { type: 'finish' };
      w.postMessage(msg);
    };
    // Workers load their rules one after another: loading is the memory peak of a worker (parsed YAML
    // before it is garbage), so staggering keeps the process peak near one load plus the others' steady
    // state; the first worker is already matching while the next one loads.
    // With pre-parsed sources a worker only compiles (light): all start at once. The settings are dropped once
    // every worker has its copy, so the main thread does not hold the parsed rules for the whole run.
    const start = (i: number) => {
      const init2: WorkerInit = { ...settings!, reportProblems: i === 0 };
      if (i + 1 === n) settings = undefined;
      const w = new Worker(WORKER_URL, {
        workerData: init2,
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      workers.push(w);
      let done = false;
      w.on('message', (m: FromWorker) => {
        if (failed) return;
        switch (m.type) {
          case 'ready':
            handlers.onReady(m.report, i);
            next(w);
            if (!together && i + 1 < n) start(i + 1);
            break;
          case 'result':
            // The worker gets its next job first: handling a result (and a collection after it) can take a while.
            next(w);
            handlers.onResult(m.result, i);
            break;
          case 'finished':
            done = true;
            handlers.onFinish(
              { detections: m.detections, newRules: m.newRules, stats: m.stats, snapshot: m.snapshot },
              i,
            );
            void w.terminate();
            if (++finished === n) resolve();
            break;
          case 'error':
            fail(new Error(`hunt worker ${i}: ${m.error}`));
            break;
        }
      });
      w.on('error', (err) => fail(new Error(`hunt worker ${i} crashed: ${err.message}`)));
      w.on('exit', (code) => {
        if (!done && !failed) fail(new Error(`hunt worker ${i} exited early (code ${code})`));
      });
    };
    if (together) for (let i = 0; i < n; i++) start(i);
    else start(0);
  });
}
