// Hunt worker thread: loads the rules once, then runs jobs sent by the main thread until told to finish.
import { parentPort, workerData } from 'node:worker_threads';
import { catalogueTemplateIds } from '../evtx/index.js';
// The worker side only (not the pool, which the thread never needs): one small module to load per worker.
import { errorText, failedSignal } from '../workers/thread.js';
import { createMatcher } from './matcher.js';
import { JobScanner } from './scan.js';
import { createObserver } from './observe.js';
import { HeapTrimmer } from './heap-trim.js';
import { batchTransferables } from './detection-batch.js';
import { loadReportOf, type FromWorker, type ToWorker, type WorkerInit } from './protocol.js';

async function start(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  const send = (m: FromWorker) => port.postMessage(m);
  try {
    const matcher = await createMatcher(init.config);
    // The parsed sources are compiled now: let them go (workerData would otherwise keep them for the whole run).
    delete init.config.sources;
    delete init.config.sharedSources;
    const observer = init.observe ? await createObserver(init.graphLimits) : undefined;
    const scanner = new JobScanner(
      matcher,
      observer?.observe,
      init.templates ? catalogueTemplateIds(init.templates) : undefined,
    );
    // A full collection after rule loading returns the compiler's garbage before matching starts.
    const trimmer = new HeapTrimmer();
    send({ type: 'ready', report: loadReportOf(matcher, init.reportProblems) });
    // Jobs run one at a time, in the order they arrive.
    let chain = Promise.resolve();
    port.on('message', (msg: ToWorker) => {
      chain = chain
        .then(async () => {
          if (msg.type === 'job') {
            const result = await scanner.run(msg.job);
            // The detections' buffers move to the main thread instead of being copied.
            port.postMessage(
              { type: 'result', result } satisfies FromWorker,
              batchTransferables(result.detections),
            );
            trimmer.betweenJobs();
          } else {
            const flushed = scanner.flush();
            port.postMessage(
              {
                type: 'finished',
                ...flushed,
                stats: matcher.stats(),
                snapshot: observer?.snapshot(),
              } satisfies FromWorker,
              batchTransferables(flushed.detections),
            );
          }
        })
        .catch((err: unknown) => send(failedSignal(errorText(err))));
    });
  } catch (err) {
    send(failedSignal(`worker setup failed: ${err instanceof Error ? err.message : String(err)}`));
  }
}

void start();
