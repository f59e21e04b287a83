// The needle algebra under hostile rules: an AND of thousands of selections must not multiply into an
// alternative of thousands of needles (that was quadratic in compiling and in prefiltering).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { andNeedles, orNeedles } from '../../src/engine/needles.js';

const needle = (i: number): { field: string; needle: string } => ({ field: 'CommandLine', needle: `n${i}` });

test('an AND of many constrained children keeps a bounded, sound subset of their needles', () => {
  const children = Array.from({ length: 5000 }, (_, i) => [[needle(i)]]);
  const result = andNeedles(children);
  assert.ok(result && result.length === 1);
  const alt = result[0]!;
  assert.ok(alt.length > 1 && alt.length <= 16, `${alt.length} needles`);
  // Sound: every needle kept comes from a child, each child at most once.
  const names = alt.map((n) => n.needle);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.match(n, /^n\d+$/);
});

test('an AND still multiplies small alternatives and still says never when a child never matches', () => {
  const a = [[needle(1)], [needle(2)]];
  const b = [[needle(3)]];
  assert.deepEqual(
    andNeedles([a, b])?.map((alt) => alt.map((n) => n.needle).sort()),
    [
      ['n1', 'n3'],
      ['n2', 'n3'],
    ],
  );
  assert.deepEqual(andNeedles([a, []]), []);
  assert.equal(orNeedles([a, undefined]), undefined);
});
