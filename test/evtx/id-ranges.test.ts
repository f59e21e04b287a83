// IdRanges (the stale-copy filter's record-id ranges): exact membership against a brute-force list, for the
// consecutive ranges of a healthy file and the disjoint, shuffled ranges a hostile one can produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdRanges } from '../../src/evtx/id-ranges.js';
import { prng } from '../helpers/random.js';

function bruteHas(ranges: readonly (readonly [number, number])[], id: number): boolean {
  return ranges.some(([lo, hi]) => id >= lo && id <= hi);
}

test('consecutive chunk ranges join into one range', () => {
  const ids = new IdRanges();
  for (let chunk = 0; chunk < 1000; chunk++) ids.add(1 + chunk * 100, 100 + chunk * 100);
  assert.equal(ids.size, 1);
  assert.equal(ids.has(1), true);
  assert.equal(ids.has(100_000), true);
  assert.equal(ids.has(0), false);
  assert.equal(ids.has(100_001), false);
});

test('disjoint, shuffled and overlapping ranges answer exactly as a plain list does', () => {
  const random = prng(42);
  for (let round = 0; round < 20; round++) {
    const ids = new IdRanges();
    const added: [number, number][] = [];
    const count = 1 + Math.floor(random() * 400); // past the unsorted list's size: merges happen
    for (let i = 0; i < count; i++) {
      const lo = Math.floor(random() * 20_000);
      const hi = lo + Math.floor(random() * 40) - 2; // sometimes empty (hi < lo): ignored
      ids.add(lo, hi);
      if (lo <= hi) added.push([lo, hi]);
      if (i % 37 === 0) {
        for (let q = 0; q < 50; q++) {
          const id = Math.floor(random() * 20_100) - 50;
          assert.equal(ids.has(id), bruteHas(added, id), `round ${round}, after ${i + 1} ranges, id ${id}`);
        }
      }
    }
    for (let id = -5; id < 20_100; id += 7) assert.equal(ids.has(id), bruteHas(added, id), `id ${id}`);
    assert.ok(ids.size <= added.length);
  }
});
