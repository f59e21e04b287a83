/**
 * A worker pool for work over EVTX chunks. Every 64 KiB chunk carries its own string and template tables, so
 * slices of a file can be parsed on different cores; workers open and read the file themselves (the page
 * cache shares it), and only job descriptions and results cross threads.
 *
 * Usage:
 * ```ts
 * const jobs = planChunkJobs(['a.evtx', 'b.evtx'], { chunksPerJob: 16 });
 * const pool = new ChunkPool<MyResult>({ module: new URL('./my-job.js', import.meta.url), init: { rules } });
 * for await (const result of pool.run(jobs)) merge(result);   // results arrive in job order
 * await pool.close();
 * ```
 * The job module (an ES module path or URL) exports
 * `createChunkJobRunner(init) => (job: ChunkJob) => result | Promise<result>`: it is called once per worker
 * with `init` (structured-cloned; load rules and other setup there) and the runner it returns is called for
 * each job (`createChunkJobRunner` may be async). Inside a runner, `readChunks(job)` (from
 * `./parallel-read.js`) returns the job's chunks (`{ reuse: true }` reads into one per-thread buffer, for runners
 * that keep no record past their return); `parseChunk` turns one into lazy records. `./parallel-parse-job.js`
 * is a ready-made runner (parse, then count, touch a field, or render XML/JSON).
 * Results must be structured-cloneable. Output order is deterministic: job order, which `planChunkJobs`
 * makes file order then chunk order; the runner keeps record order within its chunks.
 *
 * A pool is meant to be started once and reused: each worker's isolate compiles the parser's hot paths and
 * parses every template again on its first jobs (about 0.15 s per worker on a 256 MiB file, with the JIT
 * tuning below; twice that without it), which a short run pays on every core at once. `warmUp` jobs let the
 * workers pay that while starting; `tuneJitForWorkers` makes it cheaper when the workers fill the machine.
 *
 * A runner that throws fails the run with an error naming the file and chunk range; a worker that dies is
 * replaced (one that fails before it is ready fails every run: a replacement would fail the same way). At
 * most `maxPending` jobs are in flight or waiting to be yielded, so memory stays bounded however many jobs
 * there are. Spawning, the JIT decision and worker failures are the generic `WorkerPool`'s (src/workers/).
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { WorkerPool, type PoolWorker, type ReadySignal } from '../workers/index.js';
import { planChunkJobs, type ChunkJob } from './parallel-plan.js';

export { planChunkJobs, type ChunkJob };
export { WORKER_JIT_FLAGS, jitTunedForWorkers, tuneJitForWorkers } from '../workers/index.js';

/** How to build a pool. */
export interface ChunkPoolOptions {
  /** Path or file URL of the job module (see the header comment). */
  module: string | URL;
  /** Passed to `createChunkJobRunner` once per worker. */
  init?: unknown;
  /** Number of worker threads (default: available cores). */
  workers?: number;
  /** Jobs dispatched but not yet yielded (default: 4 per worker). */
  maxPending?: number;
  /**
   * Jobs every worker runs once while it starts, results dropped (ready() waits for them): the JIT compiles
   * the runner's hot paths then, off the first real run's clock. One job of real input (e.g. the first
   * job of the first file) is enough; each warm-up job costs its parse time on every worker.
   */
  warmUp?: readonly ChunkJob[];
  /** Heap limits per worker (`worker_threads` resourceLimits), e.g. a larger young generation. */
  resourceLimits?: ResourceLimits;
  /**
   * Tune V8's optimising compiler for workers that fill the machine (see `tuneJitForWorkers`). Default: when
   * the workers alone fill every core.
   */
  tuneJit?: boolean;
}

/** A chunk worker's answer to one job (`seq` as sent), or its ready signal. */
export type ChunkWorkerReply =
  | ReadySignal
  | { readonly type: 'result'; readonly seq: number; readonly ok: boolean; result?: unknown; error?: string };

/** What a chunk worker is started with. */
export interface ChunkWorkerData {
  readonly module: string;
  readonly init: unknown;
  readonly warmUp: readonly ChunkJob[];
}

/** A job sent to a worker, by its `seq` (unique for the pool's lifetime; replies carry it back). */
interface SentJob {
  readonly job: ChunkJob;
  readonly run: number;
  /** Position in its run: results are yielded in this order. */
  readonly pos: number;
}

// Jobs queued per worker: a second job waits in the worker, so it never idles while the main thread,
// busy or descheduled, gets round to handing out the next one.
const PER_WORKER = 2;

const WORKER_SCRIPT = new URL('./chunk-worker.js', import.meta.url);

/** A pool of worker threads running one job module over chunk ranges. */
export class ChunkPool<R> {
  private readonly pool: WorkerPool<ChunkWorkerReply>;
  private readonly workerData: ChunkWorkerData;
  /** Jobs sent and not answered, per worker slot. */
  private readonly inflight: Map<number, SentJob>[] = [];
  private readonly maxPending: number;
  private running = false;
  private closed = false;
  // A worker that failed before it was ready (its module or setup is broken): every run fails with this.
  private setupError: Error | undefined;
  // Per run: completed results waiting for their turn, and a wake-up for the consumer.
  private done = new Map<number, unknown>();
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  // Replies to jobs of an earlier (abandoned or failed) run are dropped by their run number.
  private runNumber = 0;
  private nextSeq = 0;

  constructor(opts: ChunkPoolOptions) {
    const count = Math.max(1, Math.floor(opts.workers ?? availableParallelism()));
    const module =
      opts.module instanceof URL
        ? opts.module.href
        : new URL(opts.module, 'file://' + process.cwd() + '/').href;
    this.workerData = { module, init: opts.init, warmUp: opts.warmUp ?? [] };
    this.maxPending = Math.max(count, Math.floor(opts.maxPending ?? count * 4));
    this.pool = new WorkerPool<ChunkWorkerReply>({
      script: WORKER_SCRIPT,
      label: 'chunk worker',
      size: count,
      ...(opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {}),
      ...(opts.tuneJit !== undefined ? { tuneJit: opts.tuneJit } : {}),
      onMessage: (reply, worker) => this.onReply(worker, reply),
      onFailure: (err, worker) => this.onFailure(worker, err),
    });
    for (let i = 0; i < count; i++) this.startWorker(i);
  }

  /** Number of worker threads. */
  get size(): number {
    return this.pool.size;
  }

  /** Resolves once every worker has started and built its runner (setup errors surface in run()). */
  async ready(): Promise<void> {
    const workers = this.pool.workers;
    for (const w of workers) w.ref();
    try {
      await Promise.all(workers.map((w) => w.ready));
    } finally {
      if (!this.running) for (const w of this.pool.workers) w.unref();
    }
  }

  /** Runs the jobs and yields their results in job order. One run at a time per pool. */
  async *run(jobs: Iterable<ChunkJob>): AsyncGenerator<R> {
    if (this.closed) throw new Error('ChunkPool is closed');
    if (this.running) throw new Error('ChunkPool is already running');
    if (this.setupError) throw this.setupError;
    this.running = true;
    const run = ++this.runNumber;
    // Workers keep the process alive only while a run waits on them.
    for (const w of this.pool.workers) w.ref();
    this.done = new Map();
    this.failure = undefined;
    const source = jobs[Symbol.iterator]();
    let nextPos = 0; // next job to dispatch
    let yieldPos = 0; // next result to yield
    let exhausted = false;
    try {
      for (;;) {
        // Dispatch while a worker has room and the window allows.
        while (!exhausted && nextPos - yieldPos < this.maxPending) {
          const slot = this.leastBusy();
          if (this.inflight[slot].size >= PER_WORKER) break;
          const step = source.next();
          if (step.done) {
            exhausted = true;
            break;
          }
          const seq = this.nextSeq++;
          this.inflight[slot].set(seq, { job: step.value, run, pos: nextPos++ });
          this.pool.worker(slot)!.post({ ...step.value, seq });
        }
        if (this.failure) throw this.failure;
        if (this.done.has(yieldPos)) {
          const result = this.done.get(yieldPos) as R;
          this.done.delete(yieldPos);
          yieldPos++;
          yield result;
          continue;
        }
        if (exhausted && yieldPos === nextPos) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // Jobs still in flight (early stop or failure) finish in the background; their replies are dropped.
      this.running = false;
      this.done.clear();
      for (const w of this.pool.workers) w.unref();
    }
  }

  /** Runs the jobs and returns all results, in job order. */
  async map(jobs: Iterable<ChunkJob>): Promise<R[]> {
    const out: R[] = [];
    for await (const r of this.run(jobs)) out.push(r);
    return out;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool.close();
  }

  /** The slot with the fewest jobs in flight. */
  private leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.inflight.length; i++) {
      if (this.inflight[i].size < this.inflight[best].size) best = i;
    }
    return best;
  }

  private startWorker(slot: number): void {
    this.inflight[slot] = new Map();
    const worker = this.pool.start(slot, this.workerData);
    if (!this.running) worker.unref();
  }

  private onReply(worker: PoolWorker, reply: ChunkWorkerReply): void {
    if (reply.type !== 'result') return; // ready: the worker's `ready` promise has settled
    const inflight = this.inflight[worker.index];
    const sent = inflight.get(reply.seq);
    if (!sent) return;
    inflight.delete(reply.seq);
    if (sent.run !== this.runNumber || !this.running) {
      this.notify(); // a stale reply: the worker has room again
      return;
    }
    if (!reply.ok) {
      this.fail(new Error(`${describe(sent.job)}: ${reply.error}`));
      return;
    }
    this.done.set(sent.pos, reply.result);
    this.notify();
  }

  private onFailure(worker: PoolWorker, err: Error): void {
    if (this.closed) return;
    const inflight = this.inflight[worker.index];
    const lost = [...inflight.values()].filter((s) => s.run === this.runNumber);
    // The worker died after it was ready (a job crashed it): replace it. One that never got ready would fail the
    // same way again, so the pool stays failed instead of starting workers in a loop.
    if (worker.wasReady) this.startWorker(worker.index);
    else this.setupError ??= err;
    if (lost.length > 0) this.fail(new Error(`${describe(lost[0].job)}: ${err.message}`));
    else if (!worker.wasReady) this.fail(err);
    else this.notify();
  }

  private fail(err: Error): void {
    if (this.running) this.failure ??= err;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function describe(job: ChunkJob): string {
  return `${job.file} chunks ${job.firstChunk}..${job.firstChunk + job.chunkCount - 1}`;
}

/** Convenience: runs jobs on a fresh pool and closes it; yields results in job order. */
export async function* runChunkJobs<R>(jobs: Iterable<ChunkJob>, opts: ChunkPoolOptions): AsyncGenerator<R> {
  const pool = new ChunkPool<R>(opts);
  try {
    yield* pool.run(jobs);
  } finally {
    await pool.close();
  }
}
