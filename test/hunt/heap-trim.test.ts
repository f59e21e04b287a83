import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeapTrimmer } from '../../src/hunt/heap-trim.js';

test('the heap trimmer collects only once the heap has grown by its slack since the last collection', () => {
  const trimmer = new HeapTrimmer(8 * 1024 * 1024);
  assert.equal(trimmer.betweenJobs(), false, 'nothing grew yet');
  // 16 MB kept alive: the heap has grown past the slack.
  const kept: number[][] = [];
  for (let i = 0; i < 64; i++) kept.push(new Array<number>(32 * 1024).fill(i + 0.5));
  assert.equal(trimmer.betweenJobs(), true);
  // What survived is the new baseline: no collection until it grows again.
  assert.equal(trimmer.betweenJobs(), false);
  assert.equal(kept.length, 64);
});
