// Host roles read from what a host logs and how others use it.
//
// - domain_controller: it issues Kerberos tickets (4768-4771), logs the Directory Service channel or Netlogon
//   secure-channel events (5723, 5805, 5827-5831), or serves computer-account changes (4742) and SYSVOL/NETLOGON;
//   or an NTDS dump ran on it (a detection says so).
// - file_server: ordinary shares read by at least FILE_SERVER_MIN_SOURCES distinct sources and
//   FILE_SERVER_MIN_ACCESSES accesses.
// - jump_host: it logs on to, or executes on, hosts of another tenant (when provider tenants are named, only
//   their hosts count).
// - server: many inbound network logons and no interactive ones; workstation: interactive logons.
import type { HostRole } from './types.js';
import type { HostSnapshot } from './graph-types.js';
import type { ResolvedEdge } from './resolve.js';
import { tenantOfHostKey } from './normalize.js';

export const FILE_SERVER_MIN_SOURCES = 5;
export const FILE_SERVER_MIN_ACCESSES = 20;
const SERVER_MIN_NETWORK_LOGONS = 20;

/** Edge kinds that mean one host acted on another (not mere authentication traffic). */
export const ACTION_EDGES = new Set([
  'logon',
  'rdp',
  'explicit-credentials',
  'admin-share',
  'psexec',
  'wmi',
  'winrm',
  'service',
  'scheduled-task',
]);

/** True when a host's own logs show domain-controller duties. */
export function looksLikeDomainController(h: HostSnapshot): boolean {
  return h.kerberos > 0 || h.directory > 0 || h.netlogon > 0 || h.dcDuties >= 3;
}

/** Hosts that act on hosts of another tenant (only provider-tenant hosts, when provider tenants are named). */
export function jumpHosts(edges: readonly ResolvedEdge[], providerTenants: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const e of edges) {
    if (!e.srcResolved || !e.dstResolved || !ACTION_EDGES.has(e.edge.how)) continue;
    const from = tenantOfHostKey(e.src);
    const to = tenantOfHostKey(e.dst);
    if (from !== to && (providerTenants.size === 0 || providerTenants.has(from))) out.add(e.src);
  }
  return out;
}

/** The roles of one host, most specific first. */
export function hostRoles(h: HostSnapshot | undefined, extra: { dc?: boolean; jump?: boolean }): HostRole[] {
  const roles: HostRole[] = [];
  if (extra.dc || (h && looksLikeDomainController(h))) roles.push('domain_controller');
  if (h && h.shareSources.length >= FILE_SERVER_MIN_SOURCES && h.shareAccess >= FILE_SERVER_MIN_ACCESSES) {
    roles.push('file_server');
  }
  if (extra.jump) roles.push('jump_host');
  if (roles.length === 0 && h) {
    if (h.networkLogonsIn >= SERVER_MIN_NETWORK_LOGONS && h.interactiveLogons === 0) roles.push('server');
    else if (h.interactiveLogons > 0) roles.push('workstation');
  }
  if (roles.length === 0) roles.push('unknown');
  return roles;
}
