// A worker script for the WorkerPool tests: behaves as its workerData says (ready and echo, crash, exit,
// send a failed signal), so each way a worker can end is exercised.
import { parentPort, workerData } from 'node:worker_threads';
import { READY, failedSignal } from '../../src/workers/index.js';

/** What the fixture worker does. */
export interface FixtureData {
  readonly mode: 'echo' | 'crash' | 'exit' | 'fail' | 'fail-setup';
}

const port = parentPort!;
const { mode } = workerData as FixtureData;
if (mode === 'fail-setup') {
  port.postMessage(failedSignal('no rules'));
} else {
  port.postMessage(READY);
  port.on('message', (m: { n: number }) => {
    if (mode === 'crash') throw new Error(`boom ${m.n}`);
    if (mode === 'exit') process.exit(7);
    if (mode === 'fail') port.postMessage(failedSignal(`job ${m.n} failed`));
    else port.postMessage({ type: 'echo', n: m.n * 2 });
  });
}
