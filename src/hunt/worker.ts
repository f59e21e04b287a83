// Hunt worker thread: loads the rules once, then runs jobs sent by the main thread until told to finish.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { createMatcher } from './matcher.js';
import { JobScanner } from './scan.js';
import { createObserver } from './observe.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

/** The full collector (exposed once), or undefined where it cannot be had. */
const fullGc: (() => void) | undefined = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined; // not available: the collector will get to it
  }
})();

/**
 * Heap growth above the live heap (after loading, then after each such collection) that triggers a full
 * collection between jobs. Left alone, V8 lets a matching worker's old space fill with promoted per-record
 * garbage to ~2.5× its live size before collecting (measured: 106 → 262 MB per worker on the SigmaHQ tree).
 * 24 MB rather than 64: ~-35 MB peak RSS per 2-worker hunt on dense-256, no measurable CPU cost.
 */
const GC_SLACK_BYTES = 24 * 1024 * 1024;

async function start(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  const send = (m: FromWorker) => port.postMessage(m);
  try {
    const matcher = await createMatcher(init.config);
    // The parsed sources are compiled now: let them go (workerData would otherwise keep them for the whole run).
    delete init.config.sources;
    delete init.config.sharedSources;
    const observer = init.observe ? await createObserver() : undefined;
    const scanner = new JobScanner(matcher, observer?.observe);
    // A full collection after rule loading returns the compiler's garbage before matching starts.
    fullGc?.();
    let gcAbove = getHeapStatistics().used_heap_size + GC_SLACK_BYTES;
    send({
      type: 'ready',
      report: {
        loaded: matcher.loaded,
        selected: matcher.selected,
        problems: init.reportProblems ? matcher.problems.map((p) => ({ ...p })) : [],
        iocProblems: init.reportProblems ? matcher.iocProblems : [],
        ...(init.reportProblems ? { correlation: matcher.correlation } : {}),
      },
    });
    // Jobs run one at a time, in the order they arrive.
    let chain = Promise.resolve();
    port.on('message', (msg: ToWorker) => {
      chain = chain
        .then(async () => {
          if (msg.type === 'job') {
            const result = await scanner.run(msg.job);
            send({ type: 'result', result });
            if (fullGc && getHeapStatistics().used_heap_size > gcAbove) {
              fullGc();
              // What survives is live (prefilters, caches): the next collection waits for new garbage.
              gcAbove = Math.max(gcAbove, getHeapStatistics().used_heap_size + GC_SLACK_BYTES);
            }
          } else {
            const flushed = scanner.flush();
            send({ type: 'finished', ...flushed, stats: matcher.stats(), snapshot: observer?.snapshot() });
          }
        })
        .catch((err: unknown) =>
          send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
        );
    });
  } catch (err) {
    send({
      type: 'error',
      error: `worker setup failed: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
}

void start();
