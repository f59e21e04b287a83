/**
 * The one worker-thread mechanism behind Dwell's pools (the EVTX `ChunkPool`, the hunt's `runOnWorkers`): it
 * spawns numbered workers with their heap limits, decides once whether V8 is tuned for workers that fill the
 * machine, routes each worker's messages to its owner, and turns every way a worker can fail (an uncaught
 * error, an exit nobody asked for, a `failed` message from its own code) into one error that names the
 * worker. What the messages mean (jobs, results, ordering, when to stop) stays with each pool.
 *
 * Usage:
 * ```ts
 * const pool = new WorkerPool<MyReply>({ script, label: 'my worker', size: 2, onMessage, onFailure });
 * for (let i = 0; i < pool.size; i++) pool.start(i, setupFor(i));
 * pool.worker(0)?.post(job);     // replies arrive in onMessage(reply, worker)
 * await pool.close();
 * ```
 * A worker script posts `{ type: 'ready' }` once its setup is done (ready workers may add fields; see
 * `./thread.ts`) and `{ type: 'failed', error }` when it cannot go on (that one goes to `onFailure`).
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

/** What a pool worker sends once its setup is done (a worker may add its own fields). */
export interface ReadySignal {
  readonly type: 'ready';
}

/** What a pool worker sends when it cannot go on (setup failed, or a job failed in a worker that stops). */
export interface FailedSignal {
  readonly type: 'failed';
  readonly error: string;
}

/** How to build a pool. */
export interface WorkerPoolOptions<M> {
  /** The worker script (a file URL of compiled JavaScript). */
  readonly script: URL;
  /** Names a worker in errors, followed by its number: 'hunt worker' -> "hunt worker 1 crashed: ...". */
  readonly label: string;
  /** Number of worker slots (at least 1). */
  readonly size: number;
  /** Heap limits per worker (`worker_threads` resourceLimits). */
  readonly resourceLimits?: ResourceLimits;
  /** Tune V8 for workers that fill the machine (see `tuneJitForWorkers`). Default: when `size` fills every core. */
  readonly tuneJit?: boolean;
  /**
   * Every message of a live worker while the pool is open, its `ready` signal included. If it throws, the worker
   * is stopped and `onFailure` gets the error.
   */
  onMessage(message: M, worker: PoolWorker): void;
  /** A worker failed (crashed, exited unasked, or sent a `failed` signal); called once per worker, it is stopped. */
  onFailure(error: Error, worker: PoolWorker): void;
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
 * Measured on dense-256, 2 chunk workers on 2 cores, cold pool, medians of 9 alternating runs each: at the
 * first flag's commit, no flags 0.46-0.50 s wall / 0.90 s CPU, the first flag 0.33-0.46 s / 0.64-0.90 s,
 * both 0.30-0.41 s / 0.57-0.81 s (first job of a worker ~120 -> ~60-80 ms); on the later, faster template
 * code, no flags 0.42 s / 0.80 s CPU, both 0.26 s / 0.50 s, warm pass 0.14 -> 0.10 s. Hunt workers, dense
 * 1 GiB, 5 paired runs: wall -0.9 s, CPU -2.6 s on average (-5%/-8%), same CSV. Tried and dropped (no gain
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

/** One worker thread of a pool, as its owner sees it. */
export interface PoolWorker {
  /** The worker's slot number (a restarted slot keeps it). */
  readonly index: number;
  /** Resolves once the worker is ready, or has failed or been retired (so waiting on it never hangs). */
  readonly ready: Promise<void>;
  /** True once the worker has sent its ready signal (it may have failed since). */
  readonly wasReady: boolean;
  /** True until the worker has failed, been retired or its pool closed. */
  readonly alive: boolean;
  /** Sends a message (transferred objects move instead of being copied). */
  post(message: unknown, transfer?: readonly Transferable[]): void;
  /** Lets the thread keep the process alive (while someone waits on it). */
  ref(): void;
  /** Lets the process exit although the thread is alive (an idle pool must not hold the process). */
  unref(): void;
  /** Stops the thread as planned: its exit is not a failure. */
  retire(): Promise<number>;
}

// The pool's side of a worker: besides the owner's view, the hooks for a ready signal and a failure.
class Thread implements PoolWorker {
  readonly ready: Promise<void>;
  private markReady!: () => void;
  wasReady = false;
  // False once the pool expects the thread to end (retired, closed) or it has already failed: no more reports.
  alive = true;

  constructor(
    readonly index: number,
    private readonly thread: Worker,
  ) {
    this.ready = new Promise<void>((resolve) => (this.markReady = resolve));
  }

  post(message: unknown, transfer?: readonly Transferable[]): void {
    this.thread.postMessage(message, transfer);
  }

  ref(): void {
    this.thread.ref();
  }

  unref(): void {
    this.thread.unref();
  }

  retire(): Promise<number> {
    this.alive = false;
    this.markReady();
    return this.thread.terminate();
  }

  /** The worker said it is ready. */
  signalReady(): void {
    this.wasReady = true;
    this.markReady();
  }

  /** True the first time a failure is to be reported (later ones, such as the exit after a crash, echo it). */
  takeFailure(): boolean {
    if (!this.alive) return false;
    this.alive = false;
    this.markReady();
    return true;
  }
}

/** Numbered worker threads with one failure path; see the header comment. */
export class WorkerPool<M extends { readonly type: string }> {
  private readonly slots: (Thread | undefined)[];
  private closed = false;

  constructor(private readonly opts: WorkerPoolOptions<M>) {
    this.slots = new Array<Thread | undefined>(Math.max(1, Math.floor(opts.size))).fill(undefined);
    if (opts.tuneJit ?? this.slots.length >= availableParallelism()) tuneJitForWorkers();
  }

  /** Number of worker slots. */
  get size(): number {
    return this.slots.length;
  }

  /** The worker in slot `index` (the latest one started there), if any. */
  worker(index: number): PoolWorker | undefined {
    return this.slots[index];
  }

  /** Workers started so far (one per slot: a restarted slot lists its newest). */
  get workers(): PoolWorker[] {
    return this.slots.filter((w): w is Thread => w !== undefined);
  }

  /**
   * Starts a worker in slot `index` with `workerData` (structured-cloned). A slot's earlier worker must have
   * failed or been retired: restarting replaces a dead worker under the same number.
   */
  start(index: number, workerData: unknown): PoolWorker {
    if (this.closed) throw new Error(`${this.opts.label} pool is closed`);
    const thread = new Worker(this.opts.script, { workerData, resourceLimits: this.opts.resourceLimits });
    const worker = new Thread(index, thread);
    this.slots[index] = worker;
    const name = `${this.opts.label} ${index}`;
    thread.on('message', (m: M | FailedSignal) => {
      if (this.closed || !worker.alive) return;
      if (m.type === 'failed') {
        this.failed(worker, new Error(`${name}: ${(m as FailedSignal).error}`));
        void thread.terminate(); // its exit is not reported again (the worker has failed)
        return;
      }
      if (m.type === 'ready') worker.signalReady();
      try {
        this.opts.onMessage(m as M, worker);
      } catch (err) {
        // The owner's handler failed on this message: the run fails with that error (named after the worker)
        // instead of an uncaught exception in the event loop, and the worker stops.
        this.failed(
          worker,
          new Error(`${name}: handling its message failed: ${(err as Error)?.message ?? err}`),
        );
        void thread.terminate();
      }
    });
    thread.on('error', (err) => this.failed(worker, new Error(`${name} crashed: ${err.message}`)));
    thread.on('exit', (code) => this.failed(worker, new Error(`${name} exited early (code ${code})`)));
    return worker;
  }

  /** Stops every worker; later messages and exits are ignored. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.retire()));
  }

  private failed(worker: Thread, err: Error): void {
    if (this.closed || !worker.takeFailure()) return;
    this.opts.onFailure(err, worker);
  }
}
