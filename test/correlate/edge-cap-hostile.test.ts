// The edge cap attacked: floods in adversarial orders with hostile times and names, hints with odd levels, and
// merges of many snapshots at the cap. Whatever comes in, the table stays at its cap, every observation is
// either kept or counted as dropped, the same input keeps the same edges, and edges between detected hosts
// outlive any flood between clean ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntityGraph, type EntityGraphSnapshot } from '../../src/correlate/index.js';
import { lcg, pickFrom } from '../helpers/random.js';

const TIMES = [NaN, -1, 0, 1, -Infinity, Infinity, 1e300, -1e300, 2 ** 47, 2 ** 53, 1.7e12, 5, 5, 5];
const HOWS = ['logon', 'rdp', 'share', 'admin-share', 'psexec', 'wmi', 'explicit-credentials', 'service'];

/** Random edges among 40 hosts, refs spelt every way (pipes, NULs, ref prefixes inside names); counts them. */
function hostileFill(rand: () => number, limit: number, steps: number): { g: EntityGraph; observed: number } {
  const g = new EntityGraph({ edges: limit });
  let observed = 0;
  for (let i = 0; i < steps; i++) {
    const r = rand();
    if (r < 0.02) {
      const key = pickFrom(rand, ['t|h1', 't|h2', 'x|y|z', 'a\u0000b', '|', '', 'host:t|h1', 'name:h2']);
      g.markDetected(key, pickFrom(rand, [0, 1, 2, 3, 4, NaN, -1]));
      continue;
    }
    if (r < 0.03) {
      g.markDetectedComputer(
        pickFrom(rand, ['t', undefined, 'x|y']),
        pickFrom(rand, ['h1', 'H2.corp', 'ip:1.2.3.4', 'a|b', '', 'localhost']),
        pickFrom(rand, [0, 1, 4]),
      );
      continue;
    }
    const a = Math.floor(rand() * 40);
    const src = pickFrom(rand, [
      `host:t|h${a}`,
      `name:h${a}`,
      `ip:10.0.0.${a}`,
      `name:ip:${a}`,
      `host:x|y|${a}`,
      `name:a\u0000${a}`,
      '',
    ]);
    const dst = `host:t|h${Math.floor(rand() * 40)}`;
    const time = pickFrom(rand, TIMES) + (rand() < 0.5 ? Math.floor(rand() * 1000) : 0);
    const account = pickFrom(rand, ['u', 'v', 'w\u0000x', '']);
    g.addEdge(src, rand() < 0.3 ? `ip:10.0.0.${a}` : '', dst, 't', pickFrom(rand, HOWS), account, 3, time);
    if (src !== '' && src !== dst) observed++;
  }
  return { g, observed };
}

function kept(snap: EntityGraphSnapshot): number {
  return snap.edges.reduce((n, e) => n + e.count, 0);
}

test('hostile floods: the cap holds, observations in = kept + dropped, the same input keeps the same edges', () => {
  const rand = lcg(77);
  for (let round = 0; round < 150; round++) {
    const limit = 1 + Math.floor(rand() * 50);
    const steps = Math.floor(rand() * 1500);
    const seed = Math.floor(rand() * 2 ** 31);
    const { g, observed } = hostileFill(lcg(seed), limit, steps);
    const snap = g.snapshot();
    assert.ok(snap.edges.length <= limit, `round ${round}: ${snap.edges.length} edges over ${limit}`);
    assert.equal(kept(snap) + snap.dropped, observed, `round ${round}`);
    for (const e of snap.edges) assert.ok(e.count >= 1 && e.times.length <= e.count, `round ${round}`);
    assert.deepEqual(hostileFill(lcg(seed), limit, steps).g.snapshot(), snap, `round ${round}`);
    // Many snapshots, each at its cap, merged into one graph: still bounded, still every observation counted.
    const main = new EntityGraph({ edges: limit });
    let total = 0;
    for (let w = 0; w < 4; w++) {
      const worker = hostileFill(rand, limit, 400);
      total += worker.observed;
      main.merge(worker.g.snapshot());
    }
    const merged = main.snapshot();
    assert.ok(merged.edges.length <= limit);
    assert.equal(kept(merged) + merged.dropped, total, `round ${round}, merge`);
  }
});

test('edges between detected hosts outlive floods with hostile times, whatever the flood order', () => {
  const limit = 400;
  const rand = lcg(9);
  for (let round = 0; round < 6; round++) {
    const g = new EntityGraph({ edges: limit });
    const movement: string[] = [];
    for (let h = 0; h < 20; h++) g.markDetected(`t|dc${h}`, 1 + (h % 4));
    // Up to three quarters of the table between detected hosts, oldest possible times, some without a time.
    for (let i = 0; i < 300; i++) {
      const src = `name:dc${i % 20}`;
      const dst = `host:t|dc${(i + 1 + (i % 19)) % 20}`;
      const time = i % 3 === 0 ? NaN : -1e300;
      g.addEdge(src, '', dst, 't', pickFrom(rand, HOWS.slice(0, 2)), `corp\\a${i}`, 3, time);
      movement.push(`${src} ${dst} corp\\a${i}`);
    }
    // Floods between clean hosts: the latest possible times, remote execution, each on one host or spread.
    for (let i = 0; i < 20_000; i++) {
      const dst = round % 2 === 0 ? 'host:t|victim' : `host:t|srv${i % 97}`;
      const time = pickFrom(rand, [Infinity, 1e300, 2 ** 53, NaN]);
      g.addEdge(`name:pc${i}`, `ip:10.9.${i % 250}.1`, dst, 't', 'psexec', `corp\\f${i}`, 3, time);
    }
    const keptEdges = new Set(g.snapshot().edges.map((e) => `${e.src} ${e.dst} ${e.account}`));
    assert.deepEqual(
      movement.filter((m) => !keptEdges.has(m)),
      [],
      `round ${round}`,
    );
  }
});
