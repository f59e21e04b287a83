// Public face of the worker-thread pool that the EVTX chunk pool and the hunt build on.
export {
  type PoolWorker,
  WORKER_JIT_FLAGS,
  WorkerPool,
  jitTunedForWorkers,
  tuneJitForWorkers,
  type FailedSignal,
  type ReadySignal,
  type WorkerPoolOptions,
} from './pool.js';
export { READY, errorText, failedSignal } from './thread.js';
