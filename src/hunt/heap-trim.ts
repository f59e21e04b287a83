// Full collections between hunt jobs. Left alone, V8 lets a matching thread's old space fill with promoted
// per-record garbage to ~2.5× its live size before collecting (measured: 106 → 262 MB per worker on the
// SigmaHQ tree); collecting when the heap has grown by a fixed slack keeps resident memory near the live size.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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
 * Heap growth above the live heap that triggers a collection between jobs (a job is 8 MiB of EVTX, ~5,000
 * records). Compiled rules are now ~45 MB live per worker and a full collection costs ~100-150 ms of CPU. On
 * dense-256 with 2 workers (4 MB young generations), peak RSS: 64 MB of slack ~345 MB, 32 MB ~321, 24 MB ~310
 * (2-3 collections per worker, ~0.3 s CPU each in all), 16 MB ~305-310 for a third more collections.
 */
const GC_SLACK_BYTES = 24 * 1024 * 1024;

const usedHeap = (): number => getHeapStatistics().used_heap_size;

/** Collects this thread's heap between jobs when it has grown by more than the slack since the last time. */
export class HeapTrimmer {
  private gcAbove: number;

  /** Collects now (after rule loading: the compiler's garbage) and takes the live heap as the baseline. */
  constructor(private readonly slack = GC_SLACK_BYTES) {
    fullGc?.();
    this.gcAbove = usedHeap() + slack;
  }

  /** Call between jobs; true when it collected. */
  betweenJobs(): boolean {
    if (!fullGc || usedHeap() <= this.gcAbove) return false;
    fullGc();
    // What survives is live (prefilters, caches): the next collection waits for new garbage.
    this.gcAbove = Math.max(this.gcAbove, usedHeap() + this.slack);
    return true;
  }
}
