import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntityGraph, GRAPH_LIMITS, observeDetection, observeRecord } from '../../src/correlate/index.js';
import { DetectedHosts, edgeUsefulness, evictionCut, kthSmallest } from '../../src/correlate/edge-cap.js';
import type { EdgeSnapshot } from '../../src/correlate/index.js';
import { detection, logon } from './fixtures.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const HOUR = 3_600_000;

/** Distinct logons between hosts that never get a detection, later than anything else in the test. */
function flood(g: EntityGraph, count: number, from = 0): void {
  for (let i = from; i < from + count; i++)
    g.addEdge(`name:ws${i}`, '', `host:t|srv${i % 7}`, 't', 'logon', `corp\\user${i}`, 3, T0 + 30 * HOUR + i);
}

function hasEdge(g: EntityGraph, src: string, dst: string): boolean {
  return g.snapshot().edges.some((e) => e.src === src && e.dst === dst);
}

test('a flood of edges between clean hosts does not push out the movement between detected hosts', () => {
  const limit = 1000;
  const g = new EntityGraph({ edges: limit });
  g.markDetected('t|ws-a', 3);
  g.markDetected('t|srv-b', 4);
  flood(g, 2 * limit);
  // The attacker's movement comes after the table filled up, and before it as much flood again.
  g.addEdge('name:ws-a', 'ip:10.0.0.5', 'host:t|srv-b', 't', 'logon', 'corp\\tech', 3, T0);
  g.addEdge('host:t|ws-a', '', 'name:srv-b', 't', 'explicit-credentials', 'corp\\tech', 9, T0);
  flood(g, 5 * limit, 2 * limit);
  const snap = g.snapshot();
  assert.ok(snap.edges.length <= limit, `${snap.edges.length} edges`);
  assert.ok(snap.edges.length >= limit * 0.75);
  assert.ok(hasEdge(g, 'name:ws-a', 'host:t|srv-b'), 'the logon into the detected host is kept');
  assert.ok(hasEdge(g, 'host:t|ws-a', 'name:srv-b'), 'the explicit-credentials edge is kept');
  // Every flood edge that is gone is counted, once per observation.
  assert.equal(snap.dropped, 7 * limit + 2 - snap.edges.length);
  // Among the flood, the latest ones are kept.
  assert.ok(hasEdge(g, `name:ws${7 * limit - 1}`, `host:t|srv${(7 * limit - 1) % 7}`));
  assert.ok(!hasEdge(g, 'name:ws0', 'host:t|srv0'));
});

test('without a detection hint the same movement is only as safe as its time (recency decides)', () => {
  const limit = 1000;
  const g = new EntityGraph({ edges: limit });
  flood(g, 2 * limit);
  g.addEdge('name:ws-a', '', 'host:t|srv-b', 't', 'logon', 'corp\\tech', 3, T0);
  flood(g, 5 * limit, 2 * limit);
  assert.ok(!hasEdge(g, 'name:ws-a', 'host:t|srv-b'));
});

test('an address end counts as detected through the hosts that own the address', () => {
  const g = new EntityGraph({ edges: 100 });
  g.markDetected('t|ws-a', 2);
  g.addAddress('10.0.0.5', 'host:t|ws-a', 't');
  flood(g, 150);
  // Only the address's owner has a detection (the logging host has none, and the edge is older than the flood).
  g.addEdge('ip:10.0.0.5', '', 'host:t|srv-b', 't', 'logon', 'corp\\tech', 3, T0);
  g.addEdge('ip:10.0.0.6', '', 'host:t|srv-b', 't', 'logon', 'corp\\tech', 3, T0);
  flood(g, 500, 150);
  assert.ok(hasEdge(g, 'ip:10.0.0.5', 'host:t|srv-b'));
  assert.ok(!hasEdge(g, 'ip:10.0.0.6', 'host:t|srv-b'));
});

test('detections told through observeDetection mark their host; informational ones do not', () => {
  const g = new EntityGraph({ edges: 100 });
  observeDetection(
    detection({
      rule: 'r1',
      level: 'high',
      host: 'WS-A.corp.local',
      tenant: 't',
      time: '2026-03-01T08:00:00Z',
    }),
    g,
  );
  observeDetection(
    detection({ rule: 'r2', level: 'medium', host: 'SRV-B', tenant: 't', time: '2026-03-01T08:00:00Z' }),
    g,
  );
  observeDetection(
    detection({ rule: 'r3', level: 'informational', host: 'WS9', tenant: 't', time: '2026-03-01T08:00:00Z' }),
    g,
  );
  assert.deepEqual(
    g.snapshot().detectedHosts?.map((d) => [d.key, d.level]),
    [
      ['t|ws-a', 3],
      ['t|srv-b', 2],
    ],
  );
  // And a logon observed from the records between them outlives a flood.
  observeRecord(logon('SRV-B', 't', '2026-03-01T07:00:00Z', 'tech', 'CORP', '10.0.0.5', 3, 'WS-A'), g);
  flood(g, 600);
  assert.ok(hasEdge(g, 'name:ws-a', 'host:t|srv-b'));
});

test('merging worker snapshots keeps the edges their detection hints make useful', () => {
  const limit = 500;
  // Worker A read the flood; worker B read the movement and the detections on both hosts.
  const a = new EntityGraph({ edges: limit });
  flood(a, 3 * limit);
  const b = new EntityGraph({ edges: limit });
  b.markDetected('t|ws-a', 3);
  b.markDetected('t|srv-b', 3);
  b.addEdge('name:ws-a', '', 'host:t|srv-b', 't', 'rdp', 'corp\\tech', 10, T0);
  flood(b, limit, 3 * limit);
  for (const order of [
    [a, b],
    [b, a],
  ]) {
    const main = new EntityGraph({ edges: limit });
    for (const w of order) main.merge(w.snapshot());
    const snap = main.snapshot();
    assert.ok(snap.edges.length <= limit);
    assert.ok(hasEdge(main, 'name:ws-a', 'host:t|srv-b'), 'kept whatever the merge order');
    assert.deepEqual(snap.detectedHosts?.map((d) => d.key).sort(), ['t|srv-b', 't|ws-a']);
    // What the workers dropped plus what the merge dropped: every observation is accounted for.
    assert.equal(snap.dropped + snap.edges.reduce((n, e) => n + e.count, 0), 4 * limit + 1);
  }
});

test('the edge limit can only be lowered, never raised above GRAPH_LIMITS.edges', () => {
  for (const edges of [0, -5, NaN, GRAPH_LIMITS.edges * 2]) {
    const g = new EntityGraph({ edges });
    for (let i = 0; i < 20; i++) g.addEdge(`ip:10.0.0.${i}`, '', 'host:t|a', 't', 'logon', 'x', 3, T0);
    assert.equal(g.snapshot().edges.length, 20, String(edges));
  }
});

test('usefulness ranks action edges, then both ends detected over one over none, remote execution, time', () => {
  const detected = new DetectedHosts(10);
  detected.mark('t|a', 3);
  detected.mark('t|b', 2);
  const none = () => undefined;
  const edge = (src: string, dst: string, how: string, last: number): EdgeSnapshot => ({
    src,
    srcAlt: '',
    dst,
    tenant: 't',
    how,
    account: '',
    logonType: 3,
    count: 1,
    first: last,
    last,
    times: [last],
  });
  const score = (e: EdgeSnapshot) => edgeUsefulness(e, detected, none);
  const both = score(edge('name:a', 'host:t|b', 'logon', T0));
  const one = score(edge('name:x', 'host:t|a', 'psexec', T0 + HOUR));
  const clean = score(edge('name:x', 'host:t|y', 'psexec', T0 + 2 * HOUR));
  const cleanLogon = score(edge('name:x', 'host:t|y', 'logon', T0 + 3 * HOUR));
  assert.ok(both > one && one > clean && clean > cleanLogon);
  assert.ok(score(edge('name:x', 'host:t|y', 'logon', T0 + 4 * HOUR)) > cleanLogon);
  // An ordinary share access is no step of an intrusion: below every action edge, even between detected hosts.
  assert.ok(score(edge('ip:10.0.0.1', 'host:t|a', 'share', T0 + 5 * HOUR)) < cleanLogon);
  assert.ok(score(edge('name:a', 'host:t|b', 'share', T0 + 5 * HOUR)) < cleanLogon);
  // Hostile times (NaN, negative, far future) still give a finite, ordered score.
  for (const t of [NaN, -1, 1e300]) assert.ok(Number.isFinite(score(edge('name:x', 'host:t|y', 'logon', t))));
});

test('the eviction cut drops exactly the asked count, ties in table order', () => {
  const scores = Float64Array.from([5, 1, 3, 3, 3, 9, 1]);
  assert.deepEqual(evictionCut(scores, 3), { threshold: 3, ties: 1 });
  assert.deepEqual(evictionCut(scores, 2), { threshold: 1, ties: 2 });
  assert.deepEqual(evictionCut(scores, 7), { threshold: 9, ties: 1 });
});

test('the detection hints stay bounded by their host cap', () => {
  const d = new DetectedHosts(3);
  for (let i = 0; i < 10; i++) d.mark(`t|h${i}`, 2);
  d.mark('t|h0', 4);
  assert.equal(d.size, 3);
  assert.equal(d.levelOf('host:t|h0'), 4);
  assert.equal(d.levelOf('name:h0'), 4);
  assert.equal(d.levelOf('host:t|h5'), 0);
});

test('the eviction cut agrees with sorting on random, sorted, reversed and constant tables', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 100;
  const tables = [
    Float64Array.from({ length: 1001 }, () => Math.floor(rand())),
    Float64Array.from({ length: 500 }, (_, i) => i),
    Float64Array.from({ length: 500 }, (_, i) => 500 - i),
    new Float64Array(300).fill(4),
  ];
  for (const t of tables) {
    const sorted = t.slice().sort();
    for (const count of [1, 2, Math.floor(t.length / 4), t.length - 1, t.length]) {
      const { threshold, ties } = evictionCut(t, count);
      assert.equal(threshold, sorted[count - 1]);
      assert.equal(sorted.filter((x) => x < threshold).length + ties, count);
    }
  }
});

test('the same observations keep the same edges: eviction depends on nothing but the input', () => {
  const fill = () => {
    const g = new EntityGraph({ edges: 300 });
    g.markDetected('t|ws-a', 2);
    // Equal times and equal tiers everywhere: ties decide most of each sweep.
    for (let i = 0; i < 2000; i++) {
      const src = i % 3 === 0 ? 'name:ws-a' : `name:pc${i}`;
      g.addEdge(src, '', `host:t|srv${i % 4}`, 't', i % 2 ? 'logon' : 'share', `corp\\u${i}`, 3, T0);
    }
    return g.snapshot();
  };
  const a = fill();
  assert.deepEqual(fill(), a);
  assert.ok(a.edges.length <= 300 && a.dropped > 0);
  // Ties at the cut go in table order: the oldest entries of the lowest tier leave first.
  const kept = a.edges.filter((e) => e.how === 'share').map((e) => Number(e.account.slice(6)));
  assert.ok(
    kept.every((n) => n > 1500),
    `shares kept: ${kept.slice(0, 5).join(', ')}`,
  );
});

test('threshold selection past its round budget sorts the rest and still picks the k-th smallest', () => {
  // The budget guards against inputs built to defeat median-of-three pivots; its fallback must give the same
  // answer whenever it takes over (here after 0, 1, 2 and 5 partitioning rounds).
  let seed = 7;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 1000) / 7;
  for (const rounds of [0, 1, 2, 5]) {
    for (const n of [1, 2, 9, 100, 1001]) {
      const values = Float64Array.from({ length: n }, next);
      const sorted = values.slice().sort();
      for (const k of [0, n >> 1, n - 1]) {
        assert.equal(kthSmallest(values.slice(), k, rounds), sorted[k], `n ${n} k ${k} rounds ${rounds}`);
      }
    }
  }
});
