// Joins detections into clusters: one node per host (tenant + short name), nodes united through shared rare
// artifacts (account, tool hash, archive, command, tool, domain, indicator) and lateral-movement edges close in
// time to the detections they connect. Weak hits never join strong ones across tenants, so benign noise stays
// apart (thresholds documented in docs/intrusions.md).
import { LEVELS, type Detection } from '../engine/types.js';
import { artifactsOf, type Artifact } from './artifacts.js';
import type { DetectionDigest, PairDigest } from './digest.js';
import { hostKey, tenantKeyPart } from './normalize.js';
import type { ResolvedEdge } from './resolve.js';
import { ACTION_EDGES } from './roles.js';
import { nearSpans, spansMeet, unionSpans, type Spans } from './spans.js';

const MEDIUM = LEVELS.indexOf('medium');
const HIGH = LEVELS.indexOf('high');
/** An artifact named on more hosts than this is common (a shared admin account, a deployment tool). */
export const MAX_ARTIFACT_HOSTS = 30;
/** An edge joins two hosts only if it happened within this long of a detection on either of them. */
export const EDGE_PROXIMITY_MS = 3 * 86_400_000;
/** Edge kinds that are remote execution in themselves (no shared account needed to trust them). */
export const REMOTE_EXEC_EDGES = new Set([
  'psexec',
  'wmi',
  'winrm',
  'service',
  'scheduled-task',
  'admin-share',
]);

/** Detections on one host. */
export interface HostNode {
  readonly key: string;
  readonly tenant: string;
  /** The host name as the first detection spelt it. */
  readonly name: string;
  /** The sampled detections (see digest.ts), in time order. */
  readonly detections: Detection[];
  /** Highest level index (LEVELS) of its detections; correlation and IOC hits count as high. */
  maxLevel: number;
  readonly accounts: Set<string>;
  /** Its (rule, host, tenant) digests. */
  readonly pairs: PairDigest[];
  /** Every detection on it, sampled or not. */
  count: number;
  /** Times of all its detections. */
  spans: Spans;
}

/** Level index of a detection, lifting correlation and IOC hits to at least high. */
export function levelOf(d: Detection): number {
  const l = LEVELS.indexOf(d.rule.level);
  if (d.rule.kind !== 'rule' || d.rule.id.startsWith('ioc:')) return Math.max(l, HIGH);
  return l;
}

/** How a detection's level is judged in one run (base level, lowered for prevalent rules). */
export type LevelFn = (d: Detection) => number;

/** A rule firing on at least this many hosts (and PREVALENT_SHARE of all hosts with detections) is background. */
export const PREVALENT_MIN_HOSTS = 5;
export const PREVALENT_SHARE = 0.1;
/** How many levels a prevalent rule's detections drop (high → low, critical → medium). */
export const PREVALENT_DEMOTION = 2;

/**
 * Levels for one run: a rule that fires on many of the hosts (routine admin tools, provider scripts, noisy
 * generic rules) says little about an intrusion, so its detections count PREVALENT_DEMOTION levels lower for
 * joining, anchoring and scoring. Correlation and IOC hits keep their level.
 */
export function prevalenceLevels(detections: readonly Detection[]): LevelFn {
  const hostsOf = new Map<string, Set<string>>();
  const allHosts = new Set<string>();
  for (const d of detections) {
    if (LEVELS.indexOf(d.rule.level) < LEVELS.indexOf('low')) continue;
    const host = `${tenantKeyPart(d.tenant)}|${d.host.toLowerCase()}`;
    allHosts.add(host);
    let set = hostsOf.get(d.rule.id);
    if (!set) hostsOf.set(d.rule.id, (set = new Set()));
    set.add(host);
  }
  const limit = Math.max(PREVALENT_MIN_HOSTS, PREVALENT_SHARE * allHosts.size);
  const prevalent = new Set<string>();
  for (const [rule, hosts] of hostsOf) if (hosts.size >= limit) prevalent.add(rule);
  return (d) => {
    const l = levelOf(d);
    if (!prevalent.has(d.rule.id) || d.rule.kind !== 'rule' || d.rule.id.startsWith('ioc:')) return l;
    return Math.max(0, l - PREVALENT_DEMOTION);
  };
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    // Path compression.
    let cur = x;
    while (cur !== root) {
      const next = this.parent.get(cur) ?? root;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/** Whether two hosts may be joined through evidence of these levels. */
function mayJoin(a: HostNode, levelA: number, b: HostNode, levelB: number): boolean {
  if (a.tenant === b.tenant) return Math.min(levelA, levelB) >= MEDIUM;
  return Math.min(levelA, levelB) >= HIGH;
}

/** Key of the host node a detection (or pair) belongs to. */
function nodeKeyOf(host: string, tenant: string): string {
  return (
    hostKey(tenant, host) || `${tenantKeyPart(tenant)}|${host === '' ? '(unknown)' : host.toLowerCase()}`
  );
}

/** Groups a digest's detections by host (informational ones are left out: they are context, not findings). */
export function hostNodes(
  digest: DetectionDigest,
  tenantOf?: (host: string) => string | undefined,
  levelFn: LevelFn = levelOf,
): Map<string, HostNode> {
  const nodes = new Map<string, HostNode>();
  // Samples in time order first, so a node is named as its first detection spells the host.
  for (const d of digest.samples()) {
    const level = levelFn(d);
    const tenant = d.tenant ?? tenantOf?.(d.host) ?? '';
    const key = nodeKeyOf(d.host, tenant);
    let n = nodes.get(key);
    if (!n) {
      n = {
        key,
        tenant,
        name: d.host,
        detections: [],
        maxLevel: 0,
        accounts: new Set(),
        pairs: [],
        count: 0,
        spans: [],
      };
      nodes.set(key, n);
    }
    n.detections.push(d);
    if (level > n.maxLevel) n.maxLevel = level;
  }
  for (const p of digest.pairList()) {
    const n = nodes.get(nodeKeyOf(p.host, p.tenant ?? tenantOf?.(p.host) ?? ''));
    if (!n) continue;
    n.pairs.push(p);
    n.count += p.count;
  }
  for (const n of nodes.values()) n.spans = unionSpans(n.pairs.map((p) => p.spans));
  return nodes;
}

/** Level of a pair's detections (the same for all of them: levels depend on the rule only). */
export function pairLevel(p: PairDigest, levelFn: LevelFn): number {
  const d = p.head[0] ?? p.extra[0] ?? p.tail[0];
  return d ? levelFn(d) : 0;
}

/** Times of a node's detections at or above a level. */
export function spansAtLevel(n: HostNode, min: number, levelFn: LevelFn): Spans {
  return unionSpans(n.pairs.filter((p) => pairLevel(p, levelFn) >= min).map((p) => p.spans));
}

/** Clusters host nodes; returns the host keys of each cluster and the artifacts seen per node. */
export function clusterNodes(
  nodes: ReadonlyMap<string, HostNode>,
  edges: readonly ResolvedEdge[],
  levelFn: LevelFn = levelOf,
): {
  clusters: string[][];
  artifacts: Map<string, Map<string, number>>;
  /** Lone high hosts compared with clusters (bounded: see LONE_HIGH_MAX_CANDIDATES). */
  loneComparisons: number;
} {
  const uf = new UnionFind();
  // artifact key → host key → highest level of the detections naming it there.
  const byArtifact = new Map<string, Map<string, number>>();
  for (const n of nodes.values()) {
    for (const d of n.detections) {
      const level = levelFn(d);
      for (const a of artifactsOf(d)) {
        if (a.kind === 'account') n.accounts.add(a.value);
        const key = artifactKey(a);
        let hosts = byArtifact.get(key);
        if (!hosts) byArtifact.set(key, (hosts = new Map()));
        hosts.set(n.key, Math.max(hosts.get(n.key) ?? -1, level));
      }
    }
  }
  // Same closure as joining every allowed pair (same tenant: both ≥ medium; across tenants: both ≥ high), in
  // linear time: medium+ hosts join a per-tenant anchor, high+ hosts join one global anchor.
  for (const hosts of byArtifact.values()) {
    if (hosts.size < 2 || hosts.size > MAX_ARTIFACT_HOSTS) continue;
    const tenantAnchor = new Map<string, string>();
    let highAnchor = '';
    for (const [key, level] of hosts) {
      const n = nodes.get(key);
      if (!n || level < MEDIUM) continue;
      const anchor = tenantAnchor.get(n.tenant);
      if (anchor === undefined) tenantAnchor.set(n.tenant, key);
      else uf.union(anchor, key);
      if (level >= HIGH) {
        if (highAnchor === '') highAnchor = key;
        else uf.union(highAnchor, key);
      }
    }
  }
  for (const e of edges) {
    if (!ACTION_EDGES.has(e.edge.how)) continue;
    const a = nodes.get(e.src);
    const b = nodes.get(e.dst);
    if (!a || !b || !mayJoin(a, a.maxLevel, b, b.maxLevel)) continue;
    const trusted =
      REMOTE_EXEC_EDGES.has(e.edge.how) || a.accounts.has(e.edge.account) || b.accounts.has(e.edge.account);
    if (!trusted) continue;
    if (
      e.edge.times.some(
        (t) => nearSpans(b.spans, t, EDGE_PROXIMITY_MS) || nearSpans(a.spans, t, EDGE_PROXIMITY_MS),
      )
    ) {
      uf.union(a.key, b.key);
    }
  }
  const loneComparisons = attachLoneHighs(nodes, uf, levelFn);
  const groups = new Map<string, string[]>();
  for (const key of nodes.keys()) {
    const root = uf.find(key);
    const g = groups.get(root);
    if (g) g.push(key);
    else groups.set(root, [key]);
  }
  return { clusters: [...groups.values()], artifacts: byArtifact, loneComparisons };
}

/** How far around a cluster's high-level activity in a tenant a lone high-level host still joins it. */
export const LONE_HIGH_WINDOW_MS = 7 * 86_400_000;
/**
 * Clusters of a tenant a lone high-level host is compared with, largest first (a real tenant has a handful of
 * multi-host intrusions; thousands only under a flood of hostile events, where the largest are the ones to join).
 */
export const LONE_HIGH_MAX_CANDIDATES = 256;

/**
 * A host whose only link to an intrusion is tenant and time (a phished workstation, a host whose logs name no
 * shared artifact) joins the cluster that is active in its tenant then: it needs a high or critical detection
 * within LONE_HIGH_WINDOW_MS of that cluster's high-level activity in the same tenant, and the cluster needs high
 * activity on at least two hosts. Medium and low hits never join this way.
 */
function attachLoneHighs(nodes: ReadonlyMap<string, HostNode>, uf: UnionFind, levelFn: LevelFn): number {
  const members = new Map<string, HostNode[]>();
  for (const n of nodes.values()) {
    const root = uf.find(n.key);
    const list = members.get(root);
    if (list) list.push(n);
    else members.set(root, [n]);
  }
  // Per tenant, the high-activity span of every cluster with high activity on two or more hosts.
  const spans: { root: string; tenant: string; from: number; to: number; hosts: number }[] = [];
  for (const [root, list] of members) {
    const strong = list.filter((n) => n.maxLevel >= HIGH);
    if (strong.length < 2) continue;
    const byTenant = new Map<string, { from: number; to: number }>();
    for (const n of strong) {
      const highs = spansAtLevel(n, HIGH, levelFn);
      if (highs.length === 0) continue;
      const span = byTenant.get(n.tenant);
      const from = highs[0];
      const to = highs[highs.length - 1];
      if (!span) byTenant.set(n.tenant, { from, to });
      else {
        span.from = Math.min(span.from, from);
        span.to = Math.max(span.to, to);
      }
    }
    for (const [tenant, { from, to }] of byTenant)
      spans.push({ root, tenant, from, to, hosts: strong.length });
  }
  // Per tenant, in order of preference (most strong hosts first; stable, so ties keep the order found): a lone
  // host takes the first that meets it, and looks at no more than LONE_HIGH_MAX_CANDIDATES of them, so many
  // clusters and many lone hosts in one tenant no longer cost their product.
  const byTenant = new Map<string, typeof spans>();
  for (const s of spans) {
    const list = byTenant.get(s.tenant);
    if (list) list.push(s);
    else byTenant.set(s.tenant, [s]);
  }
  for (const list of byTenant.values()) list.sort((a, b) => b.hosts - a.hosts);
  let looked = 0;
  for (const [root, list] of members) {
    if (list.length !== 1 || list[0].maxLevel < HIGH) continue;
    const n = list[0];
    const candidates = byTenant.get(n.tenant);
    if (!candidates) continue;
    const highs = spansAtLevel(n, HIGH, levelFn);
    const limit = Math.min(candidates.length, LONE_HIGH_MAX_CANDIDATES);
    for (let i = 0; i < limit; i++) {
      const s = candidates[i];
      looked++;
      if (s.root === root || !spansMeet(highs, s.from - LONE_HIGH_WINDOW_MS, s.to + LONE_HIGH_WINDOW_MS))
        continue;
      uf.union(s.root, root);
      break;
    }
  }
  return looked;
}

/** `kind:value`, the key of an artifact in indexes. */
export function artifactKey(a: Artifact): string {
  return `${a.kind}:${a.value}`;
}
