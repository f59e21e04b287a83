import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NeedlePool } from '../../src/engine/needle-pool.js';
import type { Needles } from '../../src/engine/needles.js';

const n = (field: string, needle: string) => ({ field, needle });

test('needle pool: equal needles and alternatives become one shared object, values unchanged', () => {
  const pool = new NeedlePool();
  const long = 'x'.repeat(40) + '\\powershell.exe';
  const a: Needles = [[n('Image', long.slice(40)), n('CommandLine', '-enc')], [n('Image', '\\pwsh.exe')]];
  const b: Needles = [[n('Image', '\\powershell.exe'), n('CommandLine', '-enc')]];
  const pa = pool.intern(a)!;
  const pb = pool.intern(b)!;
  assert.deepEqual(pa, a);
  assert.deepEqual(pb, b);
  assert.equal(pa[0], pb[0], 'the same alternative is shared');
  assert.equal(pa[0]![0], pb[0]![0], 'the same needle is shared');
  assert.equal(pool.intern(a), pa, 'the same list is shared');
  assert.notEqual(pa[1], pa[0]);
});

test('needle pool keeps "no constraint" and "never" apart, and tells fields and needles apart', () => {
  const pool = new NeedlePool();
  assert.equal(pool.intern(undefined), undefined);
  assert.deepEqual(pool.intern([]), []);
  const x = pool.intern([[n('a', 'bc')]])!;
  const y = pool.intern([[n('ab', 'c')]])!;
  assert.notEqual(x[0], y[0]);
  assert.deepEqual(y, [[n('ab', 'c')]]);
  // Lone surrogates and NULs survive the copy.
  const odd = '\ud800 odd \u0000 needle text';
  assert.equal(pool.intern([[n('f', odd)]])![0]![0]!.needle, odd);
});
