// Cloud hopping: the same account, credential, tool hash, command, archive name or indicator in more than one
// tenant, and logons from one tenant's hosts into another's, ordered in time with the direction they went.
import type { Detection } from '../engine/types.js';
import { artifactsOf } from './artifacts.js';
import type { AccountSnapshot } from './graph-types.js';
import { tenantOfHostKey } from './normalize.js';
import type { ResolvedEdge } from './resolve.js';
import { ACTION_EDGES } from './roles.js';
import type { CrossTenantLink } from './types.js';

const MAX_LINKS = 50;
const VIA: Record<string, string> = {
  account: 'account',
  hash: 'hash',
  archive: 'archive',
  command: 'command',
  tool: 'tool',
  domain: 'indicator',
  indicator: 'indicator',
};

function iso(t: number): string {
  return new Date(t).toISOString();
}

/** Consecutive links along the tenants an artifact was seen in, in order of first sight. */
function chain(firsts: Map<string, number>, via: string, value: string, out: CrossTenantLink[]): void {
  const order = [...firsts].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  for (let i = 1; i < order.length; i++) {
    out.push({
      fromTenant: order[i - 1][0],
      toTenant: order[i][0],
      firstSeenFrom: iso(order[i - 1][1]),
      firstSeenTo: iso(order[i][1]),
      via,
      value,
    });
  }
}

/** Cross-tenant links of one intrusion, time-ordered and de-duplicated. */
export function crossTenantLinks(input: {
  detections: readonly Detection[];
  hostKeys: ReadonlySet<string>;
  tenants: ReadonlySet<string>;
  accounts: ReadonlySet<string>;
  edges: readonly ResolvedEdge[];
  hostName: (key: string) => string;
  graphAccounts: ReadonlyMap<string, AccountSnapshot>;
}): CrossTenantLink[] {
  const out: CrossTenantLink[] = [];
  const seen = new Map<string, { kind: string; value: string; firsts: Map<string, number> }>();
  for (const d of input.detections) {
    const tenant = d.tenant ?? '';
    for (const a of artifactsOf(d)) {
      const key = `${a.kind}:${a.value}`;
      let entry = seen.get(key);
      if (!entry) seen.set(key, (entry = { kind: a.kind, value: a.value, firsts: new Map() }));
      const prev = entry.firsts.get(tenant);
      if (prev === undefined || d.timestamp < prev) entry.firsts.set(tenant, d.timestamp);
    }
  }
  for (const e of seen.values()) if (e.firsts.size > 1) chain(e.firsts, VIA[e.kind] ?? e.kind, e.value, out);
  for (const e of input.edges) {
    if (!e.srcResolved || !e.dstResolved || !ACTION_EDGES.has(e.edge.how)) continue;
    const from = tenantOfHostKey(e.src);
    const to = tenantOfHostKey(e.dst);
    // Only hops between the intrusion's own tenants: a shared account's routine work elsewhere is not a hop.
    if (from === to || !input.tenants.has(from) || !input.tenants.has(to)) continue;
    const inSrc = input.hostKeys.has(e.src);
    const inDst = input.hostKeys.has(e.dst);
    if (!(inSrc && inDst) && !((inSrc || inDst) && input.accounts.has(e.edge.account))) continue;
    out.push({
      fromTenant: from,
      toTenant: to,
      firstSeenFrom: iso(e.edge.first),
      firstSeenTo: iso(e.edge.first),
      via: 'logon',
      value: `${e.edge.account || '?'} ${input.hostName(e.src)} → ${input.hostName(e.dst)} (${e.edge.how})`,
    });
  }
  for (const account of input.accounts) {
    const a = input.graphAccounts.get(account);
    if (!a || a.tenants.length < 2) continue;
    const firsts = new Map<string, number>();
    for (const t of a.tenants) if (input.tenants.has(t.tenant)) firsts.set(t.tenant, t.first);
    if (firsts.size > 1) chain(firsts, 'credential', account, out);
  }
  const unique = new Map<string, CrossTenantLink>();
  for (const l of out) {
    const key = `${l.fromTenant}\u0000${l.toTenant}\u0000${l.via}\u0000${l.value}`;
    const prev = unique.get(key);
    if (!prev || l.firstSeenTo < prev.firstSeenTo) unique.set(key, l);
  }
  return [...unique.values()]
    .sort((a, b) => (a.firstSeenTo < b.firstSeenTo ? -1 : a.firstSeenTo > b.firstSeenTo ? 1 : 0))
    .slice(0, MAX_LINKS);
}
