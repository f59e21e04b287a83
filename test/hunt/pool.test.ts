// The hunt's worker pool: a worker that cannot set up fails the whole run with an error naming the worker
// (and the run does not hang waiting for the other workers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnWorkers } from '../../src/hunt/pool.js';
import type { HuntJob } from '../../src/hunt/scan.js';

test('a hunt worker whose rules cannot be read rejects the run, naming the worker', async () => {
  const seen: string[] = [];
  // Shared rule sources that are not a serialised rule set: every worker's setup throws.
  const sharedSources = new SharedArrayBuffer(64);
  new Uint8Array(sharedSources).fill(0xff);
  const jobs = [
    { index: 0, bytes: 1 },
    { index: 1, bytes: 1 },
  ] as unknown as HuntJob[];
  await assert.rejects(
    runOnWorkers(
      jobs,
      2,
      { config: { rulePaths: [], filter: {}, timing: false, sharedSources }, observe: false },
      {
        onReady: (_r, w) => seen.push(`ready ${w}`),
        onResult: (_r, w) => seen.push(`result ${w}`),
        onFinish: (_f, w) => seen.push(`finish ${w}`),
      },
    ),
    /^Error: hunt worker [01]: worker setup failed: /,
  );
  assert.deepEqual(seen, []);
});
