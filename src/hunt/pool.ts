// Spreads hunt jobs over worker threads: each worker loads the rules once, takes the next job when it is
// free (big files first, so the slowest work starts early), and only results cross threads. Threads, their
// failures and the JIT decision are the generic WorkerPool's (src/workers/).
import { WorkerPool, type PoolWorker } from '../workers/index.js';
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
  // Only `settings` is seen by the closures below (not `init`), so dropping it really lets the rules go.
  const together = init.config.sources !== undefined || init.config.sharedSources !== undefined;
  let settings: Omit<WorkerInit, 'reportProblems'> | undefined = init;
  return new Promise<void>((resolve, reject) => {
    let finished = 0;
    const next = (w: PoolWorker) => {
      const job = queue.shift();
      const msg: ToWorker = job ? { type: 'job', job } : { type: 'finish' };
      w.post(msg);
    };
    // The pool decides the JIT tuning (workers that fill every core compile on their own thread) and turns a
    // crash, an early exit or a worker's error message into one failure: every worker stops, the run rejects.
    const pool = new WorkerPool<FromWorker>({
      script: WORKER_URL,
      label: 'hunt worker',
      size: n,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      onFailure: (err) => {
        void pool.close();
        reject(err);
      },
      onMessage: (m, w) => {
        switch (m.type) {
          case 'ready':
            handlers.onReady(m.report, w.index);
            next(w);
            if (!together && w.index + 1 < n) start(w.index + 1);
            break;
          case 'result':
            // The worker gets its next job first: handling a result (and a collection after it) can take a while.
            next(w);
            handlers.onResult(m.result, w.index);
            break;
          case 'finished':
            handlers.onFinish(
              { detections: m.detections, newRules: m.newRules, stats: m.stats, snapshot: m.snapshot },
              w.index,
            );
            void w.retire();
            if (++finished === n) resolve();
            break;
        }
      },
    });
    // Workers load their rules one after another: loading is the memory peak of a worker (parsed YAML
    // before it is garbage), so staggering keeps the process peak near one load plus the others' steady
    // state; the first worker is already matching while the next one loads.
    // With pre-parsed sources a worker only compiles (light): all start at once. The settings are dropped once
    // every worker has its copy, so the main thread does not hold the parsed rules for the whole run.
    const start = (i: number) => {
      const data: WorkerInit = { ...settings!, reportProblems: i === 0 };
      if (i + 1 === n) settings = undefined;
      pool.start(i, data);
    };
    if (together) for (let i = 0; i < n; i++) start(i);
    else start(0);
  });
}
