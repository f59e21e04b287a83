// Turns the refs edges carry (`host:`, `name:`, `ip:`) into host keys, using what the logs said about names and
// addresses: a host's own Sysmon addresses, machine-account logons, WorkstationName/IpAddress pairs, DNS answers.
import type { EdgeSnapshot, EntityGraphSnapshot, HostSnapshot } from './graph-types.js';
import { nameOfHostKey, tenantKeyPart } from './normalize.js';

/** An edge whose ends are host keys where the logs allow (else the raw `ip:`/`name:` ref). */
export interface ResolvedEdge {
  readonly src: string;
  readonly dst: string;
  readonly srcResolved: boolean;
  readonly dstResolved: boolean;
  readonly edge: EdgeSnapshot;
}

/** Marks a short name that several hosts (of different tenants) carry. */
const AMBIGUOUS = '\u0000';

/** Name and address lookups over one graph snapshot. */
export class HostResolver {
  readonly hosts = new Map<string, HostSnapshot>();
  /** Short name → the one host key carrying it, or AMBIGUOUS (no list: names collide across many tenants). */
  private readonly byShort = new Map<string, string>();
  private readonly owners = new Map<string, EntityGraphSnapshot['addresses'][number]['owners']>();

  constructor(snap: EntityGraphSnapshot) {
    for (const h of snap.hosts) {
      this.hosts.set(h.key, h);
      const short = nameOfHostKey(h.key);
      this.byShort.set(short, this.byShort.has(short) ? AMBIGUOUS : h.key);
    }
    for (const a of snap.addresses) this.owners.set(a.address, a.owners);
  }

  /** The host key a short name means, preferring the given tenant; '' when unknown or ambiguous. */
  byName(short: string, tenant: string): string {
    const only = this.byShort.get(short);
    if (only === undefined) return '';
    const own = `${tenantKeyPart(tenant)}|${short}`;
    if (only === own || (only === AMBIGUOUS && this.hosts.has(own) && nameOfHostKey(own) === short))
      return own;
    return only === AMBIGUOUS ? '' : only;
  }

  /** The host key an address belongs to, preferring claims from the given tenant; '' when unknown. */
  byAddress(address: string, tenant: string): string {
    const owners = this.owners.get(address);
    if (!owners) return '';
    const pick = (sameTenant: boolean): string => {
      const found = new Map<string, number>();
      for (const o of owners) {
        if (sameTenant && o.tenant !== tenant) continue;
        const key = o.ref.startsWith('host:') ? o.ref.slice(5) : this.byName(o.ref.slice(5), o.tenant);
        if (key !== '')
          found.set(key, (found.get(key) ?? 0) + o.count + (o.ref.startsWith('host:') ? 1000 : 0));
      }
      let best = '';
      let bestCount = -1;
      let tie = false;
      for (const [k, c] of found) {
        if (c > bestCount) {
          best = k;
          bestCount = c;
          tie = false;
        } else if (c === bestCount) tie = true;
      }
      return tie ? '' : best;
    };
    return pick(true) || pick(false);
  }

  /** The host key of a ref, or '' when it cannot be resolved. */
  ref(ref: string, tenant: string): string {
    if (ref.startsWith('host:')) return ref.slice(5);
    if (ref.startsWith('name:')) return this.byName(ref.slice(5), tenant);
    if (ref.startsWith('ip:')) return this.byAddress(ref.slice(3), tenant);
    return '';
  }

  /** Resolves both ends of every edge (unresolvable ends keep their ref). */
  edges(snap: EntityGraphSnapshot): ResolvedEdge[] {
    const out: ResolvedEdge[] = [];
    for (const e of snap.edges) {
      const s = this.ref(e.src, e.tenant) || (e.srcAlt === '' ? '' : this.ref(e.srcAlt, e.tenant));
      const d = this.ref(e.dst, e.tenant);
      if (s !== '' && s === d) continue;
      out.push({ src: s || e.src, dst: d || e.dst, srcResolved: s !== '', dstResolved: d !== '', edge: e });
    }
    return out;
  }
}
