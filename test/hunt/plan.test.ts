// How many threads a hunt matches on when the user does not say (defaultHuntWorkers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultHuntWorkers } from '../../src/hunt/plan.js';

const MiB = 1024 * 1024;

test('below 512 MiB of input: the calling thread alone, however many cores', () => {
  for (const cores of [1, 2, 4, 16]) {
    assert.equal(defaultHuntWorkers(cores, 10 * MiB), 1, `${cores} cores, 10 MiB`);
    assert.equal(defaultHuntWorkers(cores, 511 * MiB), 1, `${cores} cores, 511 MiB`);
  }
});

test('from 512 MiB: one worker per 256 MiB, at most one per core and 8', () => {
  assert.equal(defaultHuntWorkers(1, 4096 * MiB), 1, 'one core: no workers');
  assert.equal(defaultHuntWorkers(2, 512 * MiB), 2);
  assert.equal(defaultHuntWorkers(2, 4096 * MiB), 2, 'one per core');
  assert.equal(defaultHuntWorkers(4, 768 * MiB), 3);
  assert.equal(defaultHuntWorkers(16, 4096 * MiB), 8, 'at most 8');
});
