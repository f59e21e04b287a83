// Builds intrusions: clusters of detections joined through shared entities and lateral movement, each with its
// hosts and roles, accounts, tenants, dwell time, tactics, DC reach, staging/exfiltration, cross-tenant links,
// attribution and a score; clusters below the threshold (scattered noise) are dropped.
import { createHash } from 'node:crypto';
import { LEVELS, type Detection } from '../engine/types.js';
import { attribute, sortTactics, tacticsOf, techniquesOf, type AttackTable } from '../intel/index.js';
import {
  clusterNodes,
  hostNodes,
  pairLevel,
  prevalenceLevels,
  spansAtLevel,
  type HostNode,
  type LevelFn,
} from './cluster.js';
import { BURST_MS, corroborated } from './corroborate.js';
import { crossTenantLinks } from './cross-tenant.js';
import { derivedEdges } from './derived-edges.js';
import { byDetectionOrder, DetectionDigest } from './digest.js';
import { evidenceOf, stagingAndExfiltration } from './evidence.js';
import { EntityGraph } from './graph.js';
import type { EntityGraphSnapshot, HostSnapshot, TimedSample } from './graph-types.js';
import { nameOfHostKey, tenantOfHostKey } from './normalize.js';
import { HostResolver, type ResolvedEdge } from './resolve.js';
import { lateralSteps } from './lateral.js';
import { hostRoles, jumpHosts } from './roles.js';
import { intrusionScore, isIntrusion } from './score.js';
import { nearSpans, spansFirst, spansLast, type Spans } from './spans.js';
import type { Evidence, Intrusion, IntrusionHost } from './types.js';
import { isoTime, validTime } from './time.js';

const MEDIUM = LEVELS.indexOf('medium');
const HIGH = LEVELS.indexOf('high');
const DAY = 86_400_000;
const MAX_LATERAL = 200;
const MAX_ACCOUNTS = 50;
const MAX_DC_EVIDENCE = 12;

/** What `buildIntrusions` needs: the detections (or their digest), best with the entity graph. */
export interface BuildIntrusionsOptions {
  /** The merged entity graph of the hunt (or its snapshot). */
  readonly graph?: EntityGraph | EntityGraphSnapshot;
  /** The hunt's detections in bounded form (built in the hunt's sorted pass); wins over `detections`. */
  readonly digest?: DetectionDigest;
  /** Every detection (small inputs, tests): digested first. */
  readonly detections?: readonly Detection[];
  /** ATT&CK table for attribution and technique → tactic mapping (`loadAttackTable()` from intel). */
  readonly attack?: AttackTable;
  /** Tenant of a host, for detections that carry none. */
  readonly tenantOf?: (host: string) => string | undefined;
  /** Tenants known to be service providers (their hosts that reach other tenants are jump hosts). */
  readonly providerTenants?: readonly string[];
  /** Filled in with what the build did and what the caps left out (for the hunt's warnings and for tests). */
  readonly stats?: IntrusionBuildStats;
}

/** Work counters and capped counts of one `buildIntrusions` run (all near-linear in the digest's size). */
export interface IntrusionBuildStats {
  /** Clusters of host nodes considered. */
  clusters: number;
  /** Steps spent judging each cluster's rules as background or not (linear in the sampled detections). */
  ruleSteps: number;
  /** Lone high-level hosts compared with multi-host clusters (bounded by LONE_HIGH_MAX_CANDIDATES each). */
  loneComparisons: number;
  /** Hosts, accounts, addresses, edges and sessions the entity graph's caps (GRAPH_LIMITS) left out. */
  graphDropped: number;
  /** Detections of (rule, host, tenant) pairs past DIGEST_LIMITS.pairs: counted, never correlated. */
  digestDropped: number;
  /** Account observations past GRAPH_LIMITS.accounts (not used by correlation; listed for completeness). */
  accountsDropped: number;
}

/** Fresh counters to pass as `BuildIntrusionsOptions.stats`. */
export function newIntrusionBuildStats(): IntrusionBuildStats {
  return {
    clusters: 0,
    ruleSteps: 0,
    loneComparisons: 0,
    graphDropped: 0,
    digestDropped: 0,
    accountsDropped: 0,
  };
}

const EMPTY: EntityGraphSnapshot = {
  version: 1,
  hosts: [],
  accounts: [],
  addresses: [],
  edges: [],
  sessions: [],
  processSessions: [],
  dropped: 0,
};

const iso = isoTime;

/** True when a host's detections show it is a domain controller (Netlogon events, NTDS dump on it). */
function detectionsShowDc(n: HostNode | undefined): boolean {
  return n !== undefined && n.pairs.some((p) => p.showsDc);
}

/** Shared context for building every intrusion of one run. */
interface Context {
  readonly opts: BuildIntrusionsOptions;
  readonly nodes: ReadonlyMap<string, HostNode>;
  readonly graphHosts: ReadonlyMap<string, HostSnapshot>;
  readonly edges: readonly ResolvedEdge[];
  readonly jumps: ReadonlySet<string>;
  readonly level: LevelFn;
  readonly edgesByHost: ReadonlyMap<string, readonly ResolvedEdge[]>;
  /** Tactics of each ATT&CK technique (from `opts.attack`; built once per run, not per cluster). */
  readonly tacticsOf: ReadonlyMap<string, readonly string[]>;
  /** Host keys each rule fired on (all detections of the run). */
  readonly ruleHosts: ReadonlyMap<string, ReadonlySet<string>>;
}

function hostName(ctx: Context, key: string): string {
  if (!key.includes('|')) return key.replace(/^(ip|name):/, '');
  return ctx.nodes.get(key)?.name ?? ctx.graphHosts.get(key)?.name ?? nameOfHostKey(key);
}

/** The lowest level of the detections that carry an intrusion: high if any, else medium if any, else all. */
function signalLevel(detections: readonly Detection[], levelOf: LevelFn): number {
  for (const min of [HIGH, MEDIUM]) {
    if (detections.some((d) => levelOf(d) >= min && validTime(d.timestamp))) return min;
  }
  return -Infinity;
}

/** Detections that carry the intrusion: high and above, else medium and above, else all. */
function signalOf(detections: readonly Detection[], levelOf: LevelFn): Detection[] {
  const min = signalLevel(detections, levelOf);
  return detections.filter((d) => levelOf(d) >= min && validTime(d.timestamp));
}

/**
 * Whether another rule fired on a detection's host within BURST_MS, among the members' detections at or above
 * a level — read from every detection's time (the digest's spans), not only the sampled ones.
 */
function burstTest(members: readonly HostNode[], min: number, levelOf: LevelFn): (d: Detection) => boolean {
  const byHost = new Map<string, { rule: string; spans: Spans }[]>();
  for (const n of members) {
    for (const p of n.pairs) {
      if (pairLevel(p, levelOf) < min) continue;
      const list = byHost.get(p.host);
      if (list) list.push({ rule: p.rule.id, spans: p.spans });
      else byHost.set(p.host, [{ rule: p.rule.id, spans: p.spans }]);
    }
  }
  return (d) =>
    (byHost.get(d.host) ?? []).some((o) => o.rule !== d.rule.id && nearSpans(o.spans, d.timestamp, BURST_MS));
}

/** A rule outside an intrusion on at least this many hosts, and on as many as inside, is not evidence of it. */
export const OUTSIDE_MIN_HOSTS = 2;

/**
 * Levels within one intrusion: a rule that fires on at least as many hosts outside it as inside it (and on
 * OUTSIDE_MIN_HOSTS outside) behaves like routine work there, so it counts two levels lower for the intrusion's
 * signal (malicious times, anchors), DC evidence and score.
 */
function localLevels(ctx: Context, members: readonly HostNode[]): LevelFn {
  // Hosts inside that each rule fired on, counted from the members (never by walking a rule's hosts: with one
  // cluster per host that walk made the whole build quadratic in the number of hosts).
  const inside = new Map<string, number>();
  for (const n of members) {
    const seen = new Set<string>();
    for (const d of n.detections) seen.add(d.rule.id);
    if (ctx.opts.stats) ctx.opts.stats.ruleSteps += n.detections.length + seen.size;
    for (const rule of seen) inside.set(rule, (inside.get(rule) ?? 0) + 1);
  }
  const background = new Set<string>();
  for (const [rule, inCount] of inside) {
    const hosts = ctx.ruleHosts.get(rule);
    if (!hosts) continue;
    const outCount = hosts.size - inCount;
    if (outCount >= OUTSIDE_MIN_HOSTS && outCount >= inCount) background.add(rule);
  }
  if (background.size === 0) return ctx.level;
  return (d) => {
    const l = ctx.level(d);
    return background.has(d.rule.id) && d.rule.kind === 'rule' && !d.rule.id.startsWith('ioc:')
      ? Math.max(0, l - 2)
      : l;
  };
}

/** Builds one intrusion from a cluster of host keys, or undefined when it is below the threshold. */
function buildOne(ctx: Context, keys: readonly string[]): Intrusion | undefined {
  const members = keys.map((k) => ctx.nodes.get(k)).filter((n): n is HostNode => n !== undefined);
  // Cheap exit first: without a high-level detection a cluster can never pass the threshold.
  if (!members.some((n) => n.maxLevel >= HIGH)) return undefined;
  const levelOf = localLevels(ctx, members);
  const detections = members.flatMap((n) => n.detections).sort(byDetectionOrder);
  if (detections.length === 0) return undefined;
  // Per host, the detections that mark malicious activity (benign medium noise on a busy host stays context).
  const signalTimes = new Map<string, number[]>();
  const signal: Detection[] = [];
  const accountCounts = new Map<string, number>();
  for (const n of members) {
    const min = signalLevel(n.detections, levelOf);
    for (const d of n.detections) if (levelOf(d) >= min && validTime(d.timestamp)) signal.push(d);
    // Lateral steps must be near high-level activity (a medium-only host's benign noise anchors nothing).
    signalTimes.set(n.key, spansAtLevel(n, HIGH, levelOf));
    // Accounts are counted over every detection of the signal (the digest's counts), not only sampled ones.
    for (const p of n.pairs) {
      if (pairLevel(p, levelOf) < min) continue;
      for (const [a, count] of p.accounts) accountCounts.set(a, (accountCounts.get(a) ?? 0) + count);
    }
  }
  // The malicious span: corroborated high-level detections (an isolated false positive stretches nothing).
  const clusterMin = signalLevel(detections, levelOf);
  const strong = corroborated(signalOf(detections, levelOf), burstTest(members, clusterMin, levelOf));
  strong.sort(byDetectionOrder);
  const first = strong.length > 0 ? strong[0].timestamp : NaN;
  const last = strong.length > 0 ? strong[strong.length - 1].timestamp : NaN;
  const accountSet = new Set(accountCounts.keys());
  const tenants = new Set(members.map((n) => n.tenant).filter((t) => t !== ''));

  const hostKeys = new Set(keys);
  // Only the edges that touch the cluster's hosts (indexed once per run).
  const touching = new Set<ResolvedEdge>();
  for (const k of keys) for (const e of ctx.edgesByHost.get(k) ?? []) touching.add(e);
  const { steps, reached } = lateralSteps({
    edges: [...touching],
    hostKeys,
    signalTimes,
    accounts: accountSet,
    tenants,
  });
  for (const k of reached.keys()) hostKeys.add(k);
  const lateral = steps.map((s) => ({
    time: s.time,
    from: hostName(ctx, s.src),
    to: hostName(ctx, s.dst),
    account: s.account || undefined,
    how: s.how,
    toKey: s.dst,
    fromKey: s.src,
  }));
  const lateralEdges = steps.filter((s) => s.inside).length;
  const windowFrom = first - DAY;
  const windowTo = last + DAY;

  const hosts: IntrusionHost[] = [];
  const dcHosts: string[] = [];
  const dcKeys = new Set<string>();
  const archives: { host: string; tenant?: string; sample: TimedSample }[] = [];
  for (const key of hostKeys) {
    const node = ctx.nodes.get(key);
    const g = ctx.graphHosts.get(key);
    const roles = hostRoles(g, { dc: detectionsShowDc(node), jump: ctx.jumps.has(key) });
    const name = hostName(ctx, key);
    const seen = node ? node.spans : [];
    const reachedAt = reached.get(key) ?? first;
    hosts.push({
      name,
      tenant: tenantOfHostKey(key) || undefined,
      roles,
      firstSeen: iso(node ? spansFirst(seen) : reachedAt),
      lastSeen: iso(node ? spansLast(seen) : reachedAt),
      detections: node ? node.count : 0,
    });
    if (roles.includes('domain_controller')) {
      dcHosts.push(name);
      dcKeys.add(key);
    }
    for (const s of g?.archives ?? []) {
      if (s.time >= windowFrom && s.time <= windowTo)
        archives.push({ host: name, tenant: g?.tenant, sample: s });
    }
  }
  hosts.sort((a, b) => b.detections - a.detections || (a.firstSeen < b.firstSeen ? -1 : 1));

  const dcEvidence: Evidence[] = [];
  const onDc = members
    .filter((n) => dcKeys.has(n.key))
    .flatMap((n) => n.detections.filter((d) => levelOf(d) >= HIGH))
    .sort((a, b) => levelOf(b) - levelOf(a) || a.timestamp - b.timestamp)
    .slice(0, MAX_DC_EVIDENCE);
  for (const d of onDc) dcEvidence.push(evidenceOf(d, 'on domain controller'));
  for (const l of lateral) {
    if (dcEvidence.length >= MAX_DC_EVIDENCE * 2) break;
    if (!dcKeys.has(l.toKey)) continue;
    dcEvidence.push({
      time: iso(l.time),
      host: l.to,
      tenant: tenantOfHostKey(l.toKey) || undefined,
      description: `${l.how} from ${l.from}${l.account ? ` as ${l.account}` : ''}`,
    });
  }
  dcEvidence.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));

  const tags = detections.flatMap((d) => d.rule.tags);
  const techniques = techniquesOf(tags).sort();
  const tacticSet = new Set(tacticsOf(tags));
  for (const t of techniques) for (const tactic of ctx.tacticsOf.get(t) ?? []) tacticSet.add(tactic);
  const tactics = sortTactics(tacticSet);
  const { staging, exfiltration } = stagingAndExfiltration(detections, archives);

  // Per tenant, the detections that carry the intrusion there (high and above where the tenant has any).
  const byTenant = new Map<string, Detection[]>();
  for (const d of detections) {
    const list = byTenant.get(d.tenant ?? '');
    if (list) list.push(d);
    else byTenant.set(d.tenant ?? '', [d]);
  }
  const tenantSignal = [...byTenant.values()].flatMap((list) => signalOf(list, levelOf));
  const tenantFirst = new Map<string, number>();
  for (const d of tenantSignal) {
    const t = d.tenant ?? '';
    if (t !== '' && !(d.timestamp >= (tenantFirst.get(t) ?? Infinity))) tenantFirst.set(t, d.timestamp);
  }
  const hopChain = [...tenantFirst]
    .sort((a, b) => a[1] - b[1])
    .map(([tenant, t]) => ({ tenant, firstMalicious: iso(t) }));
  for (const t of tenants) if (!tenantFirst.has(t)) hopChain.push({ tenant: t, firstMalicious: iso(first) });

  const crossTenant = crossTenantLinks({
    detections: tenantSignal,
    steps,
    hostName: (k) => hostName(ctx, k),
  });
  for (const l of lateral) if (l.account) accountSet.add(l.account);
  const accounts = [...accountSet]
    .sort((a, b) => (accountCounts.get(b) ?? 0) - (accountCounts.get(a) ?? 0) || (a < b ? -1 : 1))
    .slice(0, MAX_ACCOUNTS);
  const scoreInput = {
    detections,
    tactics: tactics.length,
    hosts: hostKeys.size,
    lateralEdges,
    domainControllerReached: dcHosts.length > 0,
    staging: staging.length > 0,
    exfiltration: exfiltration.length > 0,
    tenants: tenants.size,
    crossTenantLinks: crossTenant.length,
  };
  const score = intrusionScore(scoreInput, levelOf);
  if (!isIntrusion(score, scoreInput, levelOf)) return undefined;
  const id = `INT-${createHash('sha1')
    .update([...hostKeys].sort().join('\n'))
    .update(String(first))
    .digest('hex')
    .slice(0, 10)}`;
  return {
    id,
    score,
    tenants: hopChain.map((h) => h.tenant),
    hosts,
    accounts,
    firstMalicious: iso(first),
    lastMalicious: iso(last),
    dwellDays: Number.isFinite(last - first) ? Math.round(((last - first) / DAY) * 100) / 100 : 0,
    tactics,
    techniques,
    domainControllerReach: { reached: dcHosts.length > 0, hosts: dcHosts, evidence: dcEvidence },
    staging,
    exfiltration,
    crossTenant,
    hopChain,
    attribution:
      ctx.opts.attack && techniques.length > 0 ? attribute(techniques, ctx.opts.attack).slice(0, 5) : [],
    lateralMovement: lateral.slice(0, MAX_LATERAL).map((l) => ({
      time: iso(l.time),
      from: l.from,
      to: l.to,
      ...(l.account ? { account: l.account } : {}),
      how: l.how,
    })),
    detectionCount: members.reduce((sum, n) => sum + n.count, 0),
    detections: sampleDetections(detections, levelOf),
  };
}

/** Per (rule, host), at most this many detections are listed in an intrusion; all are counted. */
export const MAX_DETECTIONS_PER_RULE_HOST = 25;
/** At most this many detections are listed per intrusion (highest levels kept first). */
export const MAX_INTRUSION_DETECTIONS = 5000;

/** The detections an intrusion lists: every rule on every host shown, repetitions capped, time-ordered. */
function sampleDetections(detections: readonly Detection[], levelOf: LevelFn): Detection[] {
  const perPair = new Map<string, number>();
  let kept: Detection[] = [];
  for (const d of detections) {
    const key = `${d.rule.id}\u0000${d.host}`;
    const n = perPair.get(key) ?? 0;
    perPair.set(key, n + 1);
    if (n < MAX_DETECTIONS_PER_RULE_HOST) kept.push(d);
  }
  if (kept.length > MAX_INTRUSION_DETECTIONS) {
    kept = kept
      .sort((a, b) => levelOf(b) - levelOf(a) || a.timestamp - b.timestamp)
      .slice(0, MAX_INTRUSION_DETECTIONS)
      .sort(byDetectionOrder);
  }
  return kept;
}

function indexEdges(edges: readonly ResolvedEdge[]): Map<string, ResolvedEdge[]> {
  const out = new Map<string, ResolvedEdge[]>();
  const add = (k: string, e: ResolvedEdge) => {
    const list = out.get(k);
    if (list) list.push(e);
    else out.set(k, [e]);
  };
  for (const e of edges) {
    add(e.src, e);
    if (e.dst !== e.src) add(e.dst, e);
  }
  return out;
}

function ruleHostsOf(nodes: ReadonlyMap<string, HostNode>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const n of nodes.values()) {
    for (const d of n.detections) {
      const set = out.get(d.rule.id);
      if (set) set.add(n.key);
      else out.set(d.rule.id, new Set([n.key]));
    }
  }
  return out;
}

/** Turns a hunt's detections and entity graph into ranked intrusions (highest score first). */
export function buildIntrusions(opts: BuildIntrusionsOptions): Intrusion[] {
  const snap =
    opts.graph === undefined ? EMPTY : opts.graph instanceof EntityGraph ? opts.graph.view() : opts.graph;
  const resolver = new HostResolver(snap);
  const base = resolver.edges(snap);
  const edges = [...base, ...derivedEdges(snap, resolver, base)];
  const digest = opts.digest ?? DetectionDigest.of(opts.detections ?? []);
  const level = prevalenceLevels(digest.samples());
  const nodes = hostNodes(digest, opts.tenantOf, level);
  const { clusters, loneComparisons } = clusterNodes(nodes, edges, level);
  if (opts.stats) {
    opts.stats.clusters += clusters.length;
    opts.stats.loneComparisons += loneComparisons;
    opts.stats.graphDropped += snap.dropped;
    opts.stats.digestDropped += digest.dropped;
    opts.stats.accountsDropped += snap.droppedAccounts ?? 0;
  }
  const ctx: Context = {
    opts,
    nodes,
    graphHosts: resolver.hosts,
    edges,
    jumps: jumpHosts(edges, new Set(opts.providerTenants ?? [])),
    level,
    tacticsOf: new Map((opts.attack?.techniques ?? []).map((t) => [t.id, t.tactics])),
    ruleHosts: ruleHostsOf(nodes),
    edgesByHost: indexEdges(edges),
  };
  const out: Intrusion[] = [];
  for (const keys of clusters) {
    const intrusion = buildOne(ctx, keys);
    if (intrusion) out.push(intrusion);
  }
  return out.sort((a, b) => b.score - a.score || (a.firstMalicious < b.firstMalicious ? -1 : 1));
}
