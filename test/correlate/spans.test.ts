import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPAN_GAP_MS, addTime, nearSpans, spansMeet, unionSpans } from '../../src/correlate/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A deterministic pseudo-random generator (tests must not flake). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Times in bursts: a few hundred within hours of each other, bursts days to weeks apart. */
function burstyTimes(rand: () => number, n: number): number[] {
  const out: number[] = [];
  let base = Date.parse('2026-01-01T00:00:00Z');
  while (out.length < n) {
    base += rand() * 20 * DAY;
    const k = 1 + Math.floor(rand() * 40);
    for (let i = 0; i < k && out.length < n; i++) out.push(Math.round(base + rand() * 3 * DAY));
  }
  return out;
}

test('spans answer "any time within W of t" exactly for every window the correlation uses', () => {
  const rand = lcg(7);
  const times = burstyTimes(rand, 3000);
  const shuffled = [...times].sort(() => rand() - 0.5);
  const inOrder: number[] = [];
  const anyOrder: number[] = [];
  for (const t of [...times].sort((a, b) => a - b)) addTime(inOrder, t, 10_000);
  for (const t of shuffled) addTime(anyOrder, t, 10_000);
  assert.deepEqual(anyOrder, inOrder, 'the order times come in does not matter');
  assert.ok(inOrder.length / 2 < times.length / 10, `${inOrder.length / 2} spans for ${times.length} times`);
  const lo = Math.min(...times) - 10 * DAY;
  const hi = Math.max(...times) + 10 * DAY;
  for (const window of [12 * HOUR, DAY, 3 * DAY, 7 * DAY]) {
    for (let i = 0; i < 3000; i++) {
      const t = lo + rand() * (hi - lo);
      const brute = times.some((x) => Math.abs(x - t) <= window);
      assert.equal(nearSpans(inOrder, t, window), brute, `t=${t} window=${window}`);
    }
  }
  // Windows of two weeks or more (the lone-host window): "some time in [a, b]" is exact too.
  for (let i = 0; i < 3000; i++) {
    const a = lo + rand() * (hi - lo);
    const b = a + 14 * DAY + rand() * 10 * DAY;
    assert.equal(
      spansMeet(inOrder, a, b),
      times.some((x) => x >= a && x <= b),
    );
  }
  // A union equals the spans of all times together.
  const half = Math.floor(times.length / 2);
  const left: number[] = [];
  const right: number[] = [];
  for (const t of times.slice(0, half)) addTime(left, t, 10_000);
  for (const t of times.slice(half)) addTime(right, t, 10_000);
  assert.deepEqual(unionSpans([left, right]), inOrder);
});

test('a span list stays at its cap and still covers every time', () => {
  const spans: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < 10_000; i++) times.push(i * (SPAN_GAP_MS + DAY) + (i % 7) * HOUR);
  for (const t of times) addTime(spans, t, 128);
  assert.equal(spans.length, 2 * 128);
  for (const t of times) assert.ok(nearSpans(spans, t, 0), String(t));
  assert.equal(spans[0], times[0]);
  assert.equal(spans[spans.length - 1], times[times.length - 1]);
  // Garbage times are ignored.
  addTime(spans, NaN, 128);
  addTime(spans, Infinity, 128);
  assert.equal(spans.length, 2 * 128);
  assert.equal(nearSpans([], 0, DAY), false);
  assert.equal(spansMeet(spans, 5, 4), false, 'an empty window meets nothing');
});
