// How many threads a hunt matches on when the user does not say (defaultHuntWorkers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultHuntWorkers } from '../../src/hunt/plan.js';

const MiB = 1024 * 1024;

test('two cores or fewer: the calling thread alone, however big the input', () => {
  for (const cores of [1, 2]) {
    assert.equal(defaultHuntWorkers(cores, 10 * MiB), 1);
    assert.equal(defaultHuntWorkers(cores, 4096 * MiB), 1);
  }
});

test('more cores: one worker per 64 MiB of input, at most one per core and 8', () => {
  assert.equal(defaultHuntWorkers(4, 10 * MiB), 1, 'small input: no workers');
  assert.equal(defaultHuntWorkers(4, 127 * MiB), 1);
  assert.equal(defaultHuntWorkers(4, 128 * MiB), 2);
  assert.equal(defaultHuntWorkers(4, 200 * MiB), 3);
  assert.equal(defaultHuntWorkers(4, 1024 * MiB), 4, 'one per core');
  assert.equal(defaultHuntWorkers(16, 4096 * MiB), 8, 'at most 8');
});
