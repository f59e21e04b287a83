// The entity graph: per-entity state (hosts, accounts, addresses, edges, sessions) that `observeRecord` fills in
// hunt workers, that crosses threads as a plain snapshot and merges on the main thread.
import type {
  AccountSnapshot,
  AddressSnapshot,
  EdgeSnapshot,
  EntityGraphSnapshot,
  HostSnapshot,
  ProcessSessionSnapshot,
  SessionSnapshot,
  TimedSample,
} from './graph-types.js';
import { hostKey } from './normalize.js';
import { DetectedHosts, evictEdges } from './edge-cap.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
export type HostState = Mutable<HostSnapshot>;
type AccountState = Mutable<AccountSnapshot>;
type AddressState = Mutable<AddressSnapshot>;
type EdgeState = Mutable<EdgeSnapshot>;
type ProcessSessionState = Mutable<ProcessSessionSnapshot>;

/** Caps that keep memory bounded whatever the input (documented in docs/intrusions.md). */
export const GRAPH_LIMITS = {
  hosts: 100_000,
  /**
   * Accounts are kept only to skip re-reading SIDs and for library callers (intrusions take their accounts from
   * the detections), yet cost ~1.1 KB each: a password spray fills them first. Drops are counted apart.
   */
  accounts: 25_000,
  addresses: 200_000,
  edges: 150_000,
  sessions: 50_000,
  processSessions: 20_000,
  /** Per-entity list caps. */
  shareSources: 64,
  hostAddresses: 16,
  samples: 32,
  accountHosts: 64,
  accountNames: 4,
  accountTenants: 32,
  addressOwners: 8,
  edgeTimes: 12,
} as const;

/** Adds a value to a capped list (no duplicates); returns false when the cap was hit. */
function addCapped<T>(list: T[], value: T, cap: number): boolean {
  if (list.includes(value)) return true;
  if (list.length >= cap) return false;
  list.push(value);
  return true;
}

/** Keeps the first cap-1 times and the latest one. */
function addTime(times: number[], t: number, cap: number): void {
  if (times.length < cap) times.push(t);
  else if (t > times[cap - 1]) times[cap - 1] = t;
}

function minTime(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b);
}

function maxTime(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);
}

/** A host seen once, at `time`, with nothing counted yet (also for tests that build snapshots by hand). */
export function newHost(key: string, name: string, tenant: string, time: number): HostState {
  return {
    key,
    name,
    tenant,
    first: time,
    last: time,
    kerberos: 0,
    ntlm: 0,
    directory: 0,
    netlogon: 0,
    dcDuties: 0,
    shareAccess: 0,
    shareSources: [],
    interactiveLogons: 0,
    networkLogonsIn: 0,
    netEvents: 0,
    dnsEvents: 0,
    addresses: [],
    archives: [],
    remoteExec: [],
  };
}

/** Who opened a logon session: the source refs and account (an edge, or a session from a snapshot). */
export interface SessionSource {
  readonly src: string;
  readonly srcAlt: string;
  readonly account: string;
}

/** Caps a caller may lower (tests: to reach a cap with a few thousand records); never above GRAPH_LIMITS. */
export interface GraphLimitOptions {
  /** Distinct edges kept (default GRAPH_LIMITS.edges). */
  readonly edges?: number;
}

/** Hosts, accounts, addresses, edges and sessions seen in the logs, kept per entity with bounded lists. */
export class EntityGraph {
  private readonly edgeLimit: number;
  // Hosts with detections so far (the hunt tells the graph): a full edge table keeps the edges touching them.
  private readonly detected = new DetectedHosts(GRAPH_LIMITS.hosts);
  private readonly addressOwners = (address: string) => this.addresses.get(address)?.owners;
  private readonly hosts = new Map<string, HostState>();
  private readonly accounts = new Map<string, AccountState>();
  private readonly addresses = new Map<string, AddressState>();
  private readonly edges = new Map<string, EdgeState>();
  // Two generations bound the sessions kept without per-insert eviction scans: when the current one is full it
  // becomes the previous one (the older generation is dropped wholesale).
  // A session points at the edge of the logon that opened it (no object per session); key `host\0logonId`.
  private sessions = new Map<string, SessionSource>();
  private previousSessions = new Map<string, SessionSource>();
  private readonly processSessions = new Map<string, ProcessSessionState>();
  private dropped = 0;
  private droppedAccounts = 0;
  // One-entry cache: consecutive records usually come from the same host.
  private lastComputer = '';
  private lastTenant: string | undefined = undefined;
  private lastHost: HostState | undefined = undefined;
  private lastDetectedComputer = '';
  private lastDetectedTenant: string | undefined = undefined;
  private lastLevel = 0;

  constructor(limits: GraphLimitOptions = {}) {
    const edges = limits.edges;
    this.edgeLimit =
      edges !== undefined && Number.isFinite(edges) && edges >= 1
        ? Math.min(Math.floor(edges), GRAPH_LIMITS.edges)
        : GRAPH_LIMITS.edges;
  }

  /** Records that a host (`tenant|short` key) has a detection of level index `level` (LEVELS). */
  markDetected(key: string, level: number): void {
    this.detected.mark(key, level);
  }

  /** Records a detection on the host that logged it (by `Computer` name), with its level index (LEVELS). */
  markDetectedComputer(tenant: string | undefined, computer: string, level: number): void {
    // One-entry cache: a host's detections come in runs, and most repeat the level already recorded.
    if (
      computer === this.lastDetectedComputer &&
      tenant === this.lastDetectedTenant &&
      level <= this.lastLevel
    )
      return;
    this.detected.mark(hostKey(tenant, computer), level);
    this.lastDetectedComputer = computer;
    this.lastDetectedTenant = tenant;
    this.lastLevel = level;
  }

  /** Makes room in a full edge table (see edge-cap.ts); what it drops is counted in `dropped`. */
  private makeEdgeRoom(): void {
    this.dropped += evictEdges(this.edges, this.detected, this.addressOwners);
  }

  /** The state of the host that logged a record (created on first sight), or undefined without a name. */
  host(tenant: string | undefined, computer: string, time: number): HostState | undefined {
    if (computer === this.lastComputer && tenant === this.lastTenant && this.lastHost) {
      const h = this.lastHost;
      if (time < h.first || Number.isNaN(h.first)) h.first = time;
      if (time > h.last || Number.isNaN(h.last)) h.last = time;
      return h;
    }
    const key = hostKey(tenant, computer);
    if (key === '') return undefined;
    let h = this.hosts.get(key);
    if (!h) {
      if (this.hosts.size >= GRAPH_LIMITS.hosts) {
        this.dropped++;
        return undefined;
      }
      h = newHost(key, computer.length > 255 ? computer.slice(0, 255) : computer, tenant ?? '', time);
      this.hosts.set(key, h);
    }
    h.first = minTime(h.first, time);
    h.last = maxTime(h.last, time);
    this.lastComputer = computer;
    this.lastTenant = tenant;
    this.lastHost = h;
    return h;
  }

  /** True when the account is known with a SID already (so the caller can skip reading it again). */
  knowsSidOf(key: string): boolean {
    const a = this.accounts.get(key);
    return a !== undefined && a.sids.length > 0;
  }

  /** Records that an account acted on (or logged on to) a host. */
  touchAccount(key: string, name: string, sid: string, tenant: string, host: string, time: number): void {
    if (key === '') return;
    let a = this.accounts.get(key);
    if (!a) {
      if (this.accounts.size >= GRAPH_LIMITS.accounts) {
        this.droppedAccounts++;
        return;
      }
      a = { key, names: [], sids: [], tenants: [], hosts: [], hostCount: 0 };
      this.accounts.set(key, a);
    }
    if (name !== '')
      addCapped(a.names, name.length > 256 ? name.slice(0, 256) : name, GRAPH_LIMITS.accountNames);
    if (sid !== '' && sid !== '-') addCapped(a.sids, sid, GRAPH_LIMITS.accountNames);
    let t = a.tenants.find((x) => x.tenant === tenant);
    if (!t) {
      if (a.tenants.length < GRAPH_LIMITS.accountTenants) {
        t = { tenant, first: time, last: time, count: 0 };
        a.tenants.push(t);
      }
    }
    if (t) {
      (t as { count: number }).count++;
      (t as { first: number }).first = minTime(t.first, time);
      (t as { last: number }).last = maxTime(t.last, time);
    }
    if (host !== '' && !a.hosts.includes(host)) {
      a.hostCount++;
      if (a.hosts.length < GRAPH_LIMITS.accountHosts) a.hosts.push(host);
    }
  }

  /** Records a claim that an address belongs to a host (`host:<key>`) or carries a name (`name:<short>`). */
  addAddress(address: string, ref: string, tenant: string, count = 1): void {
    if (address === '' || ref === '') return;
    let a = this.addresses.get(address);
    if (!a) {
      if (this.addresses.size >= GRAPH_LIMITS.addresses) {
        this.dropped++;
        return;
      }
      a = { address, owners: [] };
      this.addresses.set(address, a);
    }
    const o = a.owners.find((x) => x.ref === ref && x.tenant === tenant);
    if (o) (o as { count: number }).count += count;
    else if (a.owners.length < GRAPH_LIMITS.addressOwners) a.owners.push({ ref, tenant, count });
  }

  /** Records one occurrence of a directed edge between two entity refs. */
  addEdge(
    src: string,
    srcAlt: string,
    dst: string,
    tenant: string,
    how: string,
    account: string,
    logonType: number,
    time: number,
  ): EdgeState | undefined {
    if (src === '' || dst === '' || src === dst) return undefined;
    const key = `${src}\u0000${srcAlt}\u0000${dst}\u0000${how}\u0000${account}`;
    let e = this.edges.get(key);
    if (!e) {
      if (this.edges.size >= this.edgeLimit) this.makeEdgeRoom();
      // Times start as a one-slot array: most edges are seen once, and an empty array grows to 17 slots on its
      // first push (~130 bytes an edge, a sixth of the table at its cap).
      const times = Number.isNaN(time) ? [] : [time];
      e = { src, srcAlt, dst, tenant, how, account, logonType, count: 1, first: time, last: time, times };
      this.edges.set(key, e);
      return e;
    }
    e.count++;
    e.first = minTime(e.first, time);
    e.last = maxTime(e.last, time);
    if (!Number.isNaN(time)) addTime(e.times, time, GRAPH_LIMITS.edgeTimes);
    return e;
  }

  /** Records a remote logon session (past the cap, the oldest generation of sessions is forgotten). */
  addSession(host: string, logonId: string, source: SessionSource): void {
    if (logonId === '') return;
    const key = `${host}\u0000${logonId}`;
    if (!this.sessions.has(key) && this.sessions.size >= GRAPH_LIMITS.sessions / 2) {
      this.dropped += this.previousSessions.size;
      this.previousSessions = this.sessions;
      this.sessions = new Map();
    }
    this.sessions.set(key, source);
  }

  /** Records that a remote-execution service started a process in a logon session. */
  addProcessSession(host: string, logonId: string, how: string, time: number): void {
    if (logonId === '') return;
    const key = `${host}\u0000${logonId}\u0000${how}`;
    let p = this.processSessions.get(key);
    if (!p) {
      if (this.processSessions.size >= GRAPH_LIMITS.processSessions) {
        this.dropped++;
        return;
      }
      p = { host, logonId, how, first: time, last: time, count: 0 };
      this.processSessions.set(key, p);
    }
    p.count++;
    p.first = minTime(p.first, time);
    p.last = maxTime(p.last, time);
  }

  /** Adds a bounded sample (archive, service install, ...) to a host list. */
  static addSample(list: TimedSample[], sample: TimedSample): void {
    if (list.length < GRAPH_LIMITS.samples) list.push(sample);
  }

  /** Adds a capped distinct value to a host list (share sources, own addresses). */
  static addDistinct(list: string[], value: string, cap: number): void {
    addCapped(list, value, cap);
  }

  /** Number of entities held (hosts + accounts + addresses + edges + sessions), for memory checks. */
  size(): number {
    return (
      this.hosts.size +
      this.accounts.size +
      this.addresses.size +
      this.edges.size +
      this.sessions.size +
      this.previousSessions.size +
      this.processSessions.size
    );
  }

  /** The graph as plain data that crosses worker threads (structured-clone safe). */
  snapshot(): EntityGraphSnapshot {
    return {
      version: 1,
      hosts: [...this.hosts.values()].map((h) => ({
        ...h,
        shareSources: [...h.shareSources],
        addresses: [...h.addresses],
        archives: [...h.archives],
        remoteExec: [...h.remoteExec],
      })),
      accounts: [...this.accounts.values()].map((a) => ({
        ...a,
        names: [...a.names],
        sids: [...a.sids],
        tenants: a.tenants.map((t) => ({ ...t })),
        hosts: [...a.hosts],
      })),
      addresses: [...this.addresses.values()].map((a) => ({ ...a, owners: a.owners.map((o) => ({ ...o })) })),
      edges: [...this.edges.values()].map((e) => ({ ...e, times: [...e.times] })),
      sessions: this.sessionList(),
      processSessions: [...this.processSessions.values()].map((p) => ({ ...p })),
      dropped: this.dropped,
      droppedAccounts: this.droppedAccounts,
      detectedHosts: this.detected.list(),
    };
  }

  /**
   * The graph as a read-only snapshot that shares this graph's state objects (no per-entity copies: at the caps
   * a full copy is a few hundred MB). Valid until the graph changes; for building intrusions in-process.
   */
  view(): EntityGraphSnapshot {
    return {
      version: 1,
      hosts: [...this.hosts.values()],
      accounts: [...this.accounts.values()],
      addresses: [...this.addresses.values()],
      edges: [...this.edges.values()],
      sessions: this.sessionList(),
      processSessions: [...this.processSessions.values()],
      dropped: this.dropped,
      droppedAccounts: this.droppedAccounts,
      detectedHosts: this.detected.list(),
    };
  }

  private sessionList(): SessionSnapshot[] {
    return [...this.previousSessions, ...this.sessions].map(([key, v]): SessionSnapshot => {
      // The last NUL: a logon id is normalised hex, a host name from the logs may hold a NUL.
      const cut = key.lastIndexOf('\u0000');
      return {
        host: key.slice(0, cut),
        logonId: key.slice(cut + 1),
        src: v.src,
        srcAlt: v.srcAlt,
        account: v.account,
      };
    });
  }

  /** Folds another graph's snapshot (from a worker) into this one. */
  merge(snap: EntityGraphSnapshot): void {
    this.lastHost = undefined;
    this.lastComputer = '';
    this.dropped += snap.dropped;
    this.droppedAccounts += snap.droppedAccounts ?? 0;
    // What the worker knew of detections first, so a full edge table keeps the edges they make useful.
    for (const d of snap.detectedHosts ?? []) this.detected.mark(d.key, d.level);
    for (const h of snap.hosts) this.mergeHost(h);
    for (const a of snap.accounts) this.mergeAccount(a);
    for (const a of snap.addresses) {
      for (const o of a.owners) this.addAddress(a.address, o.ref, o.tenant, o.count);
    }
    for (const e of snap.edges) this.mergeEdge(e);
    for (const s of snap.sessions) this.addSession(s.host, s.logonId, s);
    for (const p of snap.processSessions) {
      const key = `${p.host}\u0000${p.logonId}\u0000${p.how}`;
      const mine = this.processSessions.get(key);
      if (mine) {
        mine.count += p.count;
        mine.first = minTime(mine.first, p.first);
        mine.last = maxTime(mine.last, p.last);
      } else if (this.processSessions.size < GRAPH_LIMITS.processSessions) {
        this.processSessions.set(key, { ...p });
      } else this.dropped++;
    }
  }

  private mergeAccount(a: AccountSnapshot): void {
    let mine = this.accounts.get(a.key);
    if (!mine) {
      if (this.accounts.size >= GRAPH_LIMITS.accounts) {
        this.droppedAccounts++;
        return;
      }
      mine = { key: a.key, names: [], sids: [], tenants: [], hosts: [], hostCount: 0 };
      this.accounts.set(a.key, mine);
    }
    for (const n of a.names) addCapped(mine.names, n, GRAPH_LIMITS.accountNames);
    for (const s of a.sids) addCapped(mine.sids, s, GRAPH_LIMITS.accountNames);
    for (const t of a.tenants) {
      const own = mine.tenants.find((x) => x.tenant === t.tenant);
      if (own) {
        (own as { count: number }).count += t.count;
        (own as { first: number }).first = minTime(own.first, t.first);
        (own as { last: number }).last = maxTime(own.last, t.last);
      } else if (mine.tenants.length < GRAPH_LIMITS.accountTenants) mine.tenants.push({ ...t });
    }
    // Hosts beyond the cap are only counted, so the merged count is a lower bound when both sides overflowed.
    let added = 0;
    for (const h of a.hosts) {
      if (mine.hosts.includes(h)) continue;
      added++;
      if (mine.hosts.length < GRAPH_LIMITS.accountHosts) mine.hosts.push(h);
    }
    mine.hostCount += added + (a.hostCount - a.hosts.length);
  }

  private mergeHost(h: HostSnapshot): void {
    let mine = this.hosts.get(h.key);
    if (!mine) {
      if (this.hosts.size >= GRAPH_LIMITS.hosts) {
        this.dropped++;
        return;
      }
      mine = newHost(h.key, h.name, h.tenant, h.first);
      this.hosts.set(h.key, mine);
    }
    mine.first = minTime(mine.first, h.first);
    mine.last = maxTime(mine.last, h.last);
    mine.kerberos += h.kerberos;
    mine.ntlm += h.ntlm;
    mine.directory += h.directory;
    mine.netlogon += h.netlogon;
    mine.dcDuties += h.dcDuties;
    mine.shareAccess += h.shareAccess;
    mine.interactiveLogons += h.interactiveLogons;
    mine.networkLogonsIn += h.networkLogonsIn;
    mine.netEvents += h.netEvents;
    mine.dnsEvents += h.dnsEvents;
    for (const s of h.shareSources) addCapped(mine.shareSources, s, GRAPH_LIMITS.shareSources);
    for (const a of h.addresses) addCapped(mine.addresses, a, GRAPH_LIMITS.hostAddresses);
    for (const s of h.archives) EntityGraph.addSample(mine.archives, s);
    for (const s of h.remoteExec) EntityGraph.addSample(mine.remoteExec, s);
  }

  private mergeEdge(e: EdgeSnapshot): void {
    const key = `${e.src}\u0000${e.srcAlt}\u0000${e.dst}\u0000${e.how}\u0000${e.account}`;
    const mine = this.edges.get(key);
    if (!mine) {
      if (this.edges.size >= this.edgeLimit) this.makeEdgeRoom();
      this.edges.set(key, { ...e, times: [...e.times] });
      return;
    }
    mine.count += e.count;
    mine.first = minTime(mine.first, e.first);
    mine.last = maxTime(mine.last, e.last);
    for (const t of e.times) addTime(mine.times, t, GRAPH_LIMITS.edgeTimes);
    mine.times.sort((a, b) => a - b);
  }
}
