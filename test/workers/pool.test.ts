// The generic worker pool: messages routed with the worker that sent them, and every way a worker ends
// unasked (crash, exit, failed signal) reported once, naming the worker; retired and closed workers are quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import {
  WORKER_JIT_FLAGS,
  WorkerPool,
  jitTunedForWorkers,
  type PoolWorker,
} from '../../src/workers/index.js';
import type { FixtureData } from './fixture-worker.js';

const SCRIPT = new URL('./fixture-worker.js', import.meta.url);

type Reply = { type: 'ready' } | { type: 'echo'; n: number };

interface Trace {
  readonly messages: string[];
  readonly failures: string[];
  readonly pool: WorkerPool<Reply>;
  /** Resolves at the first failure or after `expected` echoes. */
  readonly settled: Promise<void>;
}

/** A pool that records messages and failures; `handle` (if given) also sees each message, and may throw. */
function tracedPool(size: number, expected = 0, handle?: (m: Reply) => void): Trace {
  const messages: string[] = [];
  const failures: string[] = [];
  let settle = (): void => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const pool = new WorkerPool<Reply>({
    script: SCRIPT,
    label: 'test worker',
    size,
    tuneJit: false,
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
    onMessage: (m, w: PoolWorker) => {
      messages.push(`${w.index}:${m.type}${m.type === 'echo' ? `=${m.n}` : ''}`);
      handle?.(m);
      if (expected > 0 && messages.filter((s) => s.includes('echo')).length === expected) settle();
    },
    onFailure: (err) => {
      failures.push(err.message);
      settle();
    },
  });
  return { messages, failures, pool, settled };
}

function start(pool: WorkerPool<Reply>, index: number, mode: FixtureData['mode']): PoolWorker {
  return pool.start(index, { mode } satisfies FixtureData);
}

test('messages reach onMessage with the worker that sent them; ready settles; retired workers are quiet', async () => {
  const t = tracedPool(2, 2);
  try {
    assert.equal(t.pool.size, 2);
    const workers = [start(t.pool, 0, 'echo'), start(t.pool, 1, 'echo')];
    await Promise.all(workers.map((w) => w.ready));
    assert.ok(workers.every((w) => w.wasReady && w.alive));
    workers[0].post({ n: 5 });
    workers[1].post({ n: 7 });
    await t.settled;
    assert.deepEqual(t.messages.filter((m) => m.includes('echo')).sort(), ['0:echo=10', '1:echo=14']);
    assert.equal(t.messages.filter((m) => m.endsWith(':ready')).length, 2);
    await workers[0].retire();
    assert.equal(workers[0].alive, false);
    assert.deepEqual(t.failures, []);
  } finally {
    await t.pool.close();
  }
  assert.deepEqual(t.failures, [], 'closing is not a failure');
});

for (const [mode, expected] of [
  ['crash', /^test worker 1 crashed: boom 3$/],
  ['exit', /^test worker 1 exited early \(code 7\)$/],
  ['fail', /^test worker 1: job 3 failed$/],
] as const) {
  test(`a worker that ends by ${mode} fails once, by name`, async () => {
    const t = tracedPool(2);
    try {
      start(t.pool, 0, 'echo');
      const w = start(t.pool, 1, mode);
      await w.ready;
      w.post({ n: 3 });
      await t.settled;
      // Give the thread's exit event (which follows a crash or a failed signal) time to arrive: no second report.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(t.failures.length, 1);
      assert.match(t.failures[0], expected);
      assert.equal(w.alive, false);
      // The slot can be started again: the new worker answers under the same number.
      const again = start(t.pool, 1, 'echo');
      await again.ready;
      assert.equal(t.pool.worker(1), again);
    } finally {
      await t.pool.close();
    }
  });
}

test(
  'a handler that throws on a message fails that worker once, by name, instead of escaping',
  { timeout: 20_000 },
  async () => {
    const t = tracedPool(1, 0, (m) => {
      if (m.type === 'echo') throw new Error(`cannot take ${m.n}`);
    });
    try {
      const w = start(t.pool, 0, 'echo');
      await w.ready;
      w.post({ n: 4 });
      await t.settled;
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(t.failures, ['test worker 0: handling its message failed: cannot take 8']);
      assert.equal(w.alive, false);
    } finally {
      await t.pool.close();
    }
  },
);

test('a failed setup settles ready without wasReady, and the message names the worker', async () => {
  const t = tracedPool(1);
  try {
    const w = start(t.pool, 0, 'fail-setup');
    await w.ready;
    await t.settled;
    assert.equal(w.wasReady, false);
    assert.deepEqual(t.failures, ['test worker 0: no rules']);
    assert.deepEqual(t.messages, []);
  } finally {
    await t.pool.close();
  }
  assert.throws(() => start(t.pool, 0, 'echo'), /closed/);
});

test('the JIT decision is made in one place: a pool that fills every core tunes V8 once', () => {
  // Not starting any worker: the decision is the constructor's. (V8 flags are per process, so the other
  // direction, a small pool leaving them alone, cannot be told apart once another test has tuned them.)
  const pool = new WorkerPool<Reply>({
    script: SCRIPT,
    label: 'test worker',
    size: availableParallelism(),
    onMessage: () => undefined,
    onFailure: () => undefined,
  });
  assert.equal(pool.workers.length, 0);
  assert.equal(jitTunedForWorkers(), true);
  assert.ok(WORKER_JIT_FLAGS.some((f) => f.startsWith('--interrupt-budget=')));
});
