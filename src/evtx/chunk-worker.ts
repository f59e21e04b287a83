// The worker thread behind ChunkPool: loads the job module once, builds its runner from `init`, runs the
// warm-up jobs (if any, results dropped), then runs one job per message and posts back the result (or the
// error) tagged with the job's sequence number. A module that cannot be loaded fails the worker (the pool
// fails every run with that error).
import { parentPort, workerData } from 'node:worker_threads';
// The worker side only (not the pool, which the thread never needs): one small module to load per worker.
import { READY, errorText, failedSignal } from '../workers/thread.js';
import type { ChunkWorkerData, ChunkWorkerReply } from './parallel.js';
import type { ChunkJob } from './parallel-plan.js';

/** What a job module exports. */
export type CreateChunkJobRunner = (init: unknown) => ChunkJobRunner | Promise<ChunkJobRunner>;
/** Runs one job inside a worker. */
export type ChunkJobRunner = (job: ChunkJob) => unknown;

const data = workerData as ChunkWorkerData;
const port = parentPort;

if (port) {
  const reply = (m: ChunkWorkerReply) => port.postMessage(m);
  const runner: Promise<ChunkJobRunner> = import(data.module).then(
    async (mod: { createChunkJobRunner?: unknown }) => {
      if (typeof mod.createChunkJobRunner !== 'function') {
        throw new Error(`${data.module} does not export createChunkJobRunner`);
      }
      const run = await (mod.createChunkJobRunner as CreateChunkJobRunner)(data.init);
      // Warm-up: the JIT compiles the runner's hot paths here, before the first real job. A failing warm-up
      // job is ignored: the same input, if a real job reads it, reports the problem there.
      for (const job of data.warmUp) {
        try {
          await run(job);
        } catch {
          // see above
        }
      }
      return run;
    },
  );
  runner.then(
    () => reply(READY),
    (err: unknown) => port.postMessage(failedSignal(`setup of ${data.module} failed: ${errorText(err)}`)),
  );
  port.on('message', (job: ChunkJob & { seq: number }) => {
    runner
      .then((run) => run(job))
      .then(
        (result) => reply({ type: 'result', seq: job.seq, ok: true, result }),
        (err: unknown) => reply({ type: 'result', seq: job.seq, ok: false, error: errorText(err) }),
      );
  });
}
