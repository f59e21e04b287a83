// Cloud hopping: the same account, credential, tool hash, command, archive name or indicator in more than one
// tenant, and logons from one tenant's hosts into another's, ordered in time with the direction they went.
import type { Detection } from '../engine/types.js';
import { artifactsOf } from './artifacts.js';
import type { LateralStep } from './lateral.js';
import { accountUser, tenantOfHostKey } from './normalize.js';
import type { CrossTenantLink } from './types.js';
import { isoTime } from './time.js';

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

const iso = isoTime;

/** Consecutive links along the tenants something was seen in, in order of first sight. */
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

function seen(map: Map<string, Map<string, number>>, key: string, tenant: string, time: number): void {
  if (tenant === '' || !Number.isFinite(time)) return;
  let firsts = map.get(key);
  if (!firsts) map.set(key, (firsts = new Map()));
  const prev = firsts.get(tenant);
  if (prev === undefined || time < prev) firsts.set(tenant, time);
}

/**
 * Cross-tenant links of one intrusion from its malicious detections and lateral steps, time-ordered and
 * de-duplicated. The same user name in two tenants' domains (a provider technician's per-client accounts) is a
 * `credential` link.
 */
export function crossTenantLinks(input: {
  detections: readonly Detection[];
  steps: readonly LateralStep[];
  hostName: (key: string) => string;
}): CrossTenantLink[] {
  const out: CrossTenantLink[] = [];
  const artifacts = new Map<string, Map<string, number>>();
  const users = new Map<string, Map<string, number>>();
  for (const d of input.detections) {
    const tenant = d.tenant ?? '';
    for (const a of artifactsOf(d)) {
      seen(artifacts, `${a.kind}:${a.value}`, tenant, d.timestamp);
      if (a.kind === 'account') seen(users, accountUser(a.value), tenant, d.timestamp);
    }
  }
  for (const [key, firsts] of artifacts) {
    if (firsts.size < 2) continue;
    const colon = key.indexOf(':');
    chain(firsts, VIA[key.slice(0, colon)] ?? 'indicator', key.slice(colon + 1), out);
  }
  for (const s of input.steps) {
    const from = tenantOfHostKey(s.src);
    const to = tenantOfHostKey(s.dst);
    if (s.account !== '') {
      seen(users, accountUser(s.account), to, s.time);
      if (s.src.includes('|')) seen(users, accountUser(s.account), from, s.time);
    }
    if (from === '' || to === '' || from === to || !s.src.includes('|')) continue;
    out.push({
      fromTenant: from,
      toTenant: to,
      firstSeenFrom: iso(s.time),
      firstSeenTo: iso(s.time),
      via: 'logon',
      value: `${s.account || '?'} ${input.hostName(s.src)} → ${input.hostName(s.dst)} (${s.how})`,
    });
  }
  for (const [user, firsts] of users) if (firsts.size > 1) chain(firsts, 'credential', user, out);
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
