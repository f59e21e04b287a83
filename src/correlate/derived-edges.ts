// Edges that only appear when facts from different logs meet (often read by different hunt workers): a
// WMI/WinRM/PsExec child process joined to the remote logon session it ran in, and a service or task install
// joined to the remote logon that preceded it on the same host.
import type { EdgeSnapshot, EntityGraphSnapshot } from './graph-types.js';
import type { HostResolver, ResolvedEdge } from './resolve.js';

/** A service or task install counts as remote when a remote logon reached the host this close before it. */
export const INSTALL_AFTER_LOGON_MS = 10 * 60_000;
const LOGON_EDGES = new Set(['logon', 'admin-share', 'psexec', 'explicit-credentials']);

function derived(
  base: { src: string; srcAlt: string; dst: string; tenant: string },
  how: string,
  account: string,
  first: number,
  last: number,
  count: number,
): EdgeSnapshot {
  return {
    ...base,
    how,
    account,
    logonType: 3,
    count,
    first,
    last,
    times: first === last ? [first] : [first, last],
  };
}

/** Resolved edges for remote processes and remote installs, added to the graph's own edges. */
export function derivedEdges(
  snap: EntityGraphSnapshot,
  resolver: HostResolver,
  edges: readonly ResolvedEdge[],
): ResolvedEdge[] {
  const out: ResolvedEdge[] = [];
  const sessions = new Map(snap.sessions.map((s) => [`${s.host}\u0000${s.logonId}`, s]));
  for (const p of snap.processSessions) {
    const s = sessions.get(`${p.host}\u0000${p.logonId}`);
    if (!s) continue;
    const tenant = resolver.hosts.get(p.host)?.tenant ?? '';
    const src = resolver.ref(s.src, tenant) || (s.srcAlt === '' ? '' : resolver.ref(s.srcAlt, tenant));
    if (src === p.host) continue;
    const edge = derived(
      { src: s.src, srcAlt: s.srcAlt, dst: `host:${p.host}`, tenant },
      p.how,
      s.account,
      p.first,
      p.last,
      p.count,
    );
    out.push({ src: src || s.src, dst: p.host, srcResolved: src !== '', dstResolved: true, edge });
  }
  const inbound = new Map<string, ResolvedEdge[]>();
  for (const e of edges) {
    if (!e.dstResolved || !LOGON_EDGES.has(e.edge.how)) continue;
    const list = inbound.get(e.dst);
    if (list) list.push(e);
    else inbound.set(e.dst, [e]);
  }
  for (const h of snap.hosts) {
    const into = inbound.get(h.key);
    if (!into) continue;
    for (const sample of h.remoteExec) {
      const t = sample.time;
      const logon = into.find((e) => e.edge.times.some((x) => x <= t && t - x <= INSTALL_AFTER_LOGON_MS));
      if (!logon) continue;
      const edge = derived(
        { src: logon.edge.src, srcAlt: logon.edge.srcAlt, dst: `host:${h.key}`, tenant: h.tenant },
        sample.detail,
        logon.edge.account || sample.account || '',
        t,
        t,
        1,
      );
      out.push({ src: logon.src, dst: h.key, srcResolved: logon.srcResolved, dstResolved: true, edge });
    }
  }
  return out;
}
