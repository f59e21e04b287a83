// The worker thread behind ChunkPool: loads the job module once, builds its runner from `init`, runs the
// warm-up jobs (if any, results dropped), then runs one job per message and posts back the result (or the
// error) tagged with the job's sequence number.
import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkJob } from './parallel-plan.js';

/** What a job module exports. */
export type CreateChunkJobRunner = (init: unknown) => ChunkJobRunner | Promise<ChunkJobRunner>;
/** Runs one job inside a worker. */
export type ChunkJobRunner = (job: ChunkJob) => unknown;

const data = workerData as { module: string; init: unknown; warmUp?: readonly ChunkJob[] };
const port = parentPort;

function message(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

if (port) {
  const runner: Promise<ChunkJobRunner> = import(data.module).then(
    async (mod: { createChunkJobRunner?: unknown }) => {
      if (typeof mod.createChunkJobRunner !== 'function') {
        throw new Error(`${data.module} does not export createChunkJobRunner`);
      }
      const run = await (mod.createChunkJobRunner as CreateChunkJobRunner)(data.init);
      // Warm-up: the JIT compiles the runner's hot paths here, before the first real job. A failing warm-up
      // job is ignored: the same input, if a real job reads it, reports the problem there.
      for (const job of data.warmUp ?? []) {
        try {
          await run(job);
        } catch {
          // see above
        }
      }
      return run;
    },
  );
  // -1: setup failed; -2: ready (module loaded, runner built).
  runner.then(
    () => port.postMessage({ index: -2, ok: true }),
    (err: unknown) => port.postMessage({ index: -1, ok: false, error: message(err) }),
  );
  port.on('message', (job: ChunkJob & { seq: number }) => {
    runner
      .then((run) => run(job))
      .then(
        (result) => port.postMessage({ index: job.seq, ok: true, result }),
        (err: unknown) => port.postMessage({ index: job.seq, ok: false, error: message(err) }),
      );
  });
}
