// The worker side of a WorkerPool (./pool.ts): the two signals every pool worker sends besides its own messages.
import type { FailedSignal, ReadySignal } from './pool.js';

/** An error as text for the main thread: the stack when there is one (it names where the worker failed). */
export function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** The message that fails a worker (the pool names the worker and stops it). */
export function failedSignal(error: string): FailedSignal {
  return { type: 'failed', error };
}

/** The message that says a worker's setup is done. */
export const READY: ReadySignal = { type: 'ready' };
