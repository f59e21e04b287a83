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
 * replaced. At most `maxPending` jobs are in flight or waiting to be yielded, so memory stays bounded
 * however many jobs there are.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { planChunkJobs, type ChunkJob } from './parallel-plan.js';

export { planChunkJobs, type ChunkJob };

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

/**
 * V8 flags for a machine whose cores are all busy with pool workers, set once, before the first workers start
 * (V8 flags are per process; isolates created later, such as replacement workers, get them too):
 * - `--no-concurrent-recompilation`: isolates created from now on compile optimised code on their own thread
 *   (the main thread's isolate, created earlier, keeps its background compiler). With every core parsing,
 *   the background compiler threads have no idle core: their work (about 0.15 s of CPU per cold worker on
 *   the EVTX parser) competes with the workers, which meanwhile keep running the slow code it replaces.
 * - `--interrupt-budget` 4x the default (66 KiB of bytecode run per tick): a function must run 4x longer
 *   before it is optimised. Compiling now stops the worker, so only functions run for every record are
 *   worth it; template parsing (a few hundred templates per worker) then stays in baseline code instead of
 *   taking about half the compile time. Applies to the main thread too (it optimises later).
 * Measured on dense-256, 2 workers on 2 cores, cold pool, medians of 9 alternating runs each: at the first
 * flag's commit, no flags 0.46-0.50 s wall / 0.90 s CPU, the first flag 0.33-0.46 s / 0.64-0.90 s, both
 * 0.30-0.41 s / 0.57-0.81 s (first job of a worker ~120 -> ~60-80 ms); on the later, faster template code,
 * no flags 0.42 s / 0.80 s CPU, both 0.26 s / 0.50 s, warm pass 0.14 -> 0.10 s. Tried and dropped (no gain
 * or worse): budgets 2x, 3x, 6x, 8x, 16x, lower inlining limits, --always-sparkplug, --single-threaded,
 * --no-lazy-feedback-allocation, --min-semi-space-size, --initial-old-space-size (Maglev is not built in).
 */
export function tuneJitForWorkers(): void {
  if (jitTuned) return;
  jitTuned = true;
  for (const flag of WORKER_JIT_FLAGS) setFlagsFromString(flag);
}
let jitTuned = false;

/** The V8 flags `tuneJitForWorkers` sets (for reports). */
export const WORKER_JIT_FLAGS: readonly string[] = [
  '--no-concurrent-recompilation',
  `--interrupt-budget=${4 * 66 * 1024}`,
];

/** True once `tuneJitForWorkers` has run in this process. */
export function jitTunedForWorkers(): boolean {
  return jitTuned;
}

/** Message from a worker: a job's result or error, a setup failure (`index` -1) or readiness (`index` -2). */
interface WorkerReply {
  index: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** A job sent to a worker: `seq` is unique for the pool's lifetime (replies carry it back). */
interface SentJob {
  readonly job: ChunkJob;
  readonly run: number;
  /** Position in its run: results are yielded in this order. */
  readonly pos: number;
}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered, by seq. */
  readonly inflight: Map<number, SentJob>;
  /** Resolves when the worker has loaded the job module and built its runner (or failed to). */
  readonly ready: Promise<void>;
  markReady: () => void;
}

// Jobs queued per worker: a second job waits in the worker, so it never idles while the main thread,
// busy or descheduled, gets round to handing out the next one.
const PER_WORKER = 2;

const WORKER_SCRIPT = new URL('./chunk-worker.js', import.meta.url);

/** A pool of worker threads running one job module over chunk ranges. */
export class ChunkPool<R> {
  private readonly slots: Slot[] = [];
  private readonly moduleUrl: string;
  private readonly init: unknown;
  private readonly warmUp: readonly ChunkJob[];
  private readonly resourceLimits: ResourceLimits | undefined;
  private readonly maxPending: number;
  private running = false;
  private closed = false;
  // Per run: completed results waiting for their turn, and a wake-up for the consumer.
  private done = new Map<number, WorkerReply>();
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  // Replies to jobs of an earlier (abandoned or failed) run are dropped by their run number.
  private runNumber = 0;
  private nextSeq = 0;

  constructor(opts: ChunkPoolOptions) {
    const count = Math.max(1, Math.floor(opts.workers ?? availableParallelism()));
    this.moduleUrl =
      opts.module instanceof URL
        ? opts.module.href
        : new URL(opts.module, 'file://' + process.cwd() + '/').href;
    this.init = opts.init;
    this.warmUp = opts.warmUp ?? [];
    this.resourceLimits = opts.resourceLimits;
    this.maxPending = Math.max(count, Math.floor(opts.maxPending ?? count * 4));
    if (opts.tuneJit ?? count >= availableParallelism()) tuneJitForWorkers();
    for (let i = 0; i < count; i++) this.slots.push(this.spawn());
  }

  /** Number of worker threads. */
  get size(): number {
    return this.slots.length;
  }

  /** Resolves once every worker has started and built its runner (setup errors surface in run()). */
  async ready(): Promise<void> {
    for (const s of this.slots) s.worker.ref();
    try {
      await Promise.all(this.slots.map((s) => s.ready));
    } finally {
      if (!this.running) for (const s of this.slots) s.worker.unref();
    }
  }

  /** Runs the jobs and yields their results in job order. One run at a time per pool. */
  async *run(jobs: Iterable<ChunkJob>): AsyncGenerator<R> {
    if (this.closed) throw new Error('ChunkPool is closed');
    if (this.running) throw new Error('ChunkPool is already running');
    this.running = true;
    const run = ++this.runNumber;
    // Workers keep the process alive only while a run waits on them.
    for (const s of this.slots) s.worker.ref();
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
          if (slot.inflight.size >= PER_WORKER) break;
          const step = source.next();
          if (step.done) {
            exhausted = true;
            break;
          }
          const seq = this.nextSeq++;
          slot.inflight.set(seq, { job: step.value, run, pos: nextPos++ });
          slot.worker.postMessage({ ...step.value, seq });
        }
        if (this.failure) throw this.failure;
        const reply = this.done.get(yieldPos);
        if (reply) {
          this.done.delete(yieldPos);
          yieldPos++;
          yield reply.result as R;
          continue;
        }
        if (exhausted && yieldPos === nextPos) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // Jobs still in flight (early stop or failure) finish in the background; their replies are dropped.
      this.running = false;
      this.done.clear();
      for (const s of this.slots) s.worker.unref();
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
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private leastBusy(): Slot {
    let best = this.slots[0];
    for (const s of this.slots) if (s.inflight.size < best.inflight.size) best = s;
    return best;
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: { module: this.moduleUrl, init: this.init, warmUp: this.warmUp },
      resourceLimits: this.resourceLimits,
    });
    let markReady = (): void => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const slot: Slot = { worker, inflight: new Map(), ready, markReady };
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onDeath(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed) this.onDeath(slot, new Error(`worker exited with code ${code}`));
    });
    if (!this.running) worker.unref();
    return slot;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.index === -2) {
      slot.markReady();
      return;
    }
    if (reply.index === -1) slot.markReady();
    const sent = slot.inflight.get(reply.index);
    if (reply.index === -1 || !sent) {
      this.fail(new Error(`chunk worker setup failed for ${this.moduleUrl}: ${reply.error}`));
      return;
    }
    slot.inflight.delete(reply.index);
    if (sent.run !== this.runNumber || !this.running) {
      this.notify(); // a stale reply: the worker has room again
      return;
    }
    if (!reply.ok) {
      this.fail(new Error(`${describe(sent.job)}: ${reply.error}`));
      return;
    }
    this.done.set(sent.pos, reply);
    this.notify();
  }

  private onDeath(slot: Slot, err: Error): void {
    if (this.closed) return;
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // already replaced ('error' and 'exit' both report a death)
    slot.markReady();
    this.slots[i] = this.spawn();
    const lost = [...slot.inflight.values()].filter((s) => s.run === this.runNumber);
    slot.inflight.clear();
    if (lost.length > 0) this.fail(new Error(`${describe(lost[0].job)}: ${err.message}`));
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
