// The path indicator index finds exactly what comparing the path with every indicator finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathIndicatorIndex } from '../../src/intel/path-index.js';

// The per-indicator comparison the index replaces.
function bruteForce(needles: string[], path: string): number[] {
  const out: number[] = [];
  needles.forEach((needle, i) => {
    const found = /^[a-z]:\\/.test(needle)
      ? path.startsWith(needle) || (needle.endsWith('\\') && path === needle.slice(0, -1))
      : path.endsWith('\\' + needle) || (needle.endsWith('\\') && path.includes('\\' + needle));
    if (found) out.push(i);
  });
  return out;
}

test('absolute, relative and folder indicators match as the one-by-one comparison does', () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const parts = ['c:', 'intel', 'temp', 'x.exe', 'a', 'ab', ''];
  const make = (): string => {
    const n = 1 + rnd(5);
    const segs = Array.from({ length: n }, () => parts[rnd(parts.length)]);
    return segs.join('\\') + (rnd(3) === 0 ? '\\' : '');
  };
  const needles = Array.from({ length: 300 }, make).filter((n) => n !== '');
  needles.push('c:\\intel\\', 'temp\\', 'temp\\x.exe', 'c:\\intel\\x.ex', 'c:\\intel\\x.ex');
  const index = new PathIndicatorIndex<number>();
  needles.forEach((n, i) => index.add(n, i));
  assert.equal(index.size, needles.length);
  let hits = 0;
  for (let k = 0; k < 3000; k++) {
    const path = k === 0 ? 'c:\\intel\\x.exe' : make();
    const found = new Set<number>();
    index.find(path, (i) => found.add(i));
    const want = bruteForce(needles, path);
    assert.deepEqual(
      [...found].sort((a, b) => a - b),
      want,
      path,
    );
    hits += want.length;
  }
  assert.ok(hits > 1000, `the random paths hit too rarely to test anything (${hits})`);
});
