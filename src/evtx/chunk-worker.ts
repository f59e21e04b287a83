// The worker thread behind ChunkPool: loads the job module once, builds its runner from `init`, then runs one
// job per message and posts back the result (or the error) tagged with the job's sequence number.
import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkJob } from './parallel-plan.js';

/** What a job module exports. */
export type CreateChunkJobRunner = (init: unknown) => ChunkJobRunner | Promise<ChunkJobRunner>;
/** Runs one job inside a worker. */
export type ChunkJobRunner = (job: ChunkJob) => unknown;

const data = workerData as { module: string; init: unknown };
const port = parentPort;

function message(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

if (port) {
  const runner: Promise<ChunkJobRunner> = import(data.module).then(
    (mod: { createChunkJobRunner?: unknown }) => {
      if (typeof mod.createChunkJobRunner !== 'function') {
        throw new Error(`${data.module} does not export createChunkJobRunner`);
      }
      return (mod.createChunkJobRunner as CreateChunkJobRunner)(data.init);
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
