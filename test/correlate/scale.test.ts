// Adversarial volume in correlation: one cluster per host, many clusters and lone hosts in one tenant, host
// names colliding across many tenants, caps surfaced. Work is asserted through counters, never timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  buildIntrusions,
  DetectionDigest,
  EntityGraph,
  GRAPH_LIMITS,
  intrusionsDocument,
  newIntrusionBuildStats,
  type EntityGraphSnapshot,
  type HostSnapshot,
} from '../../src/correlate/index.js';
import { clusterNodes, hostNodes, LONE_HIGH_MAX_CANDIDATES } from '../../src/correlate/cluster.js';
import { newHost } from '../../src/correlate/graph.js';
import { HostResolver } from '../../src/correlate/resolve.js';
import type { Detection } from '../../src/engine/types.js';
import { PROJECT_ROOT } from '../helpers/corpus.js';
import { detection } from './fixtures.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

test('one cluster per host: judging rules as background stays linear in the detections', () => {
  // Every host has its own high rule (its own cluster) and shares one low rule with every other host: each
  // cluster used to walk the shared rule's hosts, N clusters × N hosts.
  const n = 3000;
  const detections: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const time = iso(T0 + i * 1000);
    detections.push(
      detection({ rule: `own-${i}`, level: 'high', host: `h${i}`, tenant: `t${i % 50}`, time }),
    );
    detections.push(detection({ rule: 'shared', level: 'low', host: `h${i}`, tenant: `t${i % 50}`, time }));
  }
  const stats = newIntrusionBuildStats();
  buildIntrusions({ detections, stats });
  assert.equal(stats.clusters, n);
  assert.ok(stats.ruleSteps > 0 && stats.ruleSteps <= 2 * detections.length, `ruleSteps ${stats.ruleSteps}`);
});

test('lone high hosts are compared with at most LONE_HIGH_MAX_CANDIDATES clusters of their tenant each', () => {
  // k two-host clusters (joined by a shared account) and k lone high hosts, all in one tenant and far apart in
  // time, so no lone host meets any cluster: the scan used to cover every cluster for every lone host.
  const k = 1000;
  const detections: Detection[] = [];
  for (let i = 0; i < k; i++) {
    const t = T0 + i * 30 * DAY;
    for (const host of [`a${i}`, `b${i}`])
      detections.push(
        detection({
          rule: `pair-${i}`,
          level: 'high',
          host,
          tenant: 't',
          time: iso(t),
          fields: { User: `c\\u${i}` },
        }),
      );
    detections.push(
      detection({ rule: `lone-${i}`, level: 'high', host: `c${i}`, tenant: 't', time: iso(t + 15 * DAY) }),
    );
  }
  const digest = DetectionDigest.of(detections);
  const { clusters, loneComparisons } = clusterNodes(hostNodes(digest), []);
  assert.equal(clusters.length, 2 * k);
  assert.ok(loneComparisons <= k * LONE_HIGH_MAX_CANDIDATES, `loneComparisons ${loneComparisons}`);
  assert.ok(loneComparisons > 0);
});

test('a lone high host still joins the largest cluster active near it in its tenant', () => {
  const t = T0 + 100 * DAY;
  const detections: Detection[] = [];
  const add = (host: string, rule: string, time: number, user?: string, tenant = 'acme') =>
    detections.push(
      detection({ rule, level: 'high', host, tenant, time: iso(time), fields: user ? { User: user } : {} }),
    );
  for (const h of ['s1', 's2']) add(h, 'small', t, 'acme\\x');
  for (const h of ['b1', 'b2', 'b3']) add(h, 'big', t + DAY, 'acme\\y');
  add('lone', 'lone', t + 2 * DAY);
  // The same lone host in another tenant joins nothing (no cluster there).
  add('lone', 'lone', t + 2 * DAY, undefined, 'other');
  const { clusters } = clusterNodes(hostNodes(DetectionDigest.of(detections)), []);
  const withLone = clusters.find((c) => c.includes('acme|lone'));
  assert.deepEqual([...(withLone ?? [])].sort(), ['acme|b1', 'acme|b2', 'acme|b3', 'acme|lone']);
  assert.deepEqual(
    clusters.find((c) => c.includes('other|lone')),
    ['other|lone'],
  );
});

function hostSnap(key: string): HostSnapshot {
  const bar = key.indexOf('|');
  return newHost(key, key.slice(bar + 1), key.slice(0, bar), T0);
}

function snapshot(hosts: HostSnapshot[], dropped = 0): EntityGraphSnapshot {
  return {
    version: 1,
    hosts,
    accounts: [],
    addresses: [],
    edges: [],
    sessions: [],
    processSessions: [],
    dropped,
  };
}

test('a host name shared by many tenants resolves to the asking tenant, else to nothing', () => {
  const hosts: HostSnapshot[] = [];
  for (let i = 0; i < 5000; i++) hosts.push(hostSnap(`t${i}|dc01`));
  hosts.push(hostSnap('t7|only'));
  const r = new HostResolver(snapshot(hosts));
  assert.equal(r.byName('dc01', 't4999'), 't4999|dc01');
  assert.equal(r.byName('dc01', 'elsewhere'), '');
  assert.equal(r.byName('only', 'elsewhere'), 't7|only');
  assert.equal(r.byName('only', 't7'), 't7|only');
  assert.equal(r.byName('none', 't7'), '');
});

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs/intrusions.schema.json'), 'utf8')),
);

test('what the caps left out is counted and written in the intrusions document', () => {
  const digest = DetectionDigest.of([detection({ rule: 'r', level: 'high', host: 'h', time: iso(T0) })]);
  digest.dropped = 7;
  const stats = newIntrusionBuildStats();
  const intrusions = buildIntrusions({ digest, graph: snapshot([hostSnap('t|h')], 5), stats });
  assert.equal(stats.graphDropped, 5);
  assert.equal(stats.digestDropped, 7);
  const doc = intrusionsDocument(intrusions, new Date(T0), {
    graphEntities: stats.graphDropped,
    detections: stats.digestDropped,
  });
  assert.deepEqual(doc.capped, { graphEntities: 5, detections: 7 });
  assert.ok(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors));
  // Nothing capped: no `capped` member at all.
  const plain = intrusionsDocument([], new Date(T0), { graphEntities: 0, detections: 0 });
  assert.equal('capped' in plain, false);
});

test('a password spray fills the account table only to its cap, counted apart from correlated entities', () => {
  const g = new EntityGraph();
  const h = g.host('t', 'dc01', T0);
  for (let i = 0; i < GRAPH_LIMITS.accounts + 500; i++)
    g.touchAccount(`corp\\u${i}`, `u${i}`, '', 't', h?.key ?? '', T0 + i);
  const snap = g.snapshot();
  assert.equal(snap.accounts.length, GRAPH_LIMITS.accounts);
  assert.equal(snap.droppedAccounts, 500);
  assert.equal(snap.dropped, 0);
  const merged = new EntityGraph();
  merged.merge(snap);
  merged.merge(snap);
  // The second merge adds no new account; the dropped counts add up.
  assert.equal(merged.snapshot().droppedAccounts, 1000);
  const stats = newIntrusionBuildStats();
  buildIntrusions({ graph: merged, detections: [], stats });
  assert.equal(stats.accountsDropped, 1000);
});

test("the graph's view shares its state (no per-entity copies) and says what a snapshot says", () => {
  const g = new EntityGraph();
  g.host('t', 'ws01', T0);
  g.addAddress('10.0.0.1', 'host:t|ws01', 't');
  const e = g.addEdge('ip:10.0.0.9', '', 'host:t|ws01', 't', 'logon', 'corp\\a', 3, T0);
  g.addSession('t|ws01', '0x3e7', e ?? { src: '', srcAlt: '', account: '' });
  const view = g.view();
  assert.equal(view.edges[0], e);
  assert.deepEqual(JSON.parse(JSON.stringify(view)), JSON.parse(JSON.stringify(g.snapshot())));
});
