// The demo's world: a service provider and three client tenants, their hosts, people and accounts.
import { Prng } from './prng.js';
import {
  FIRST_NAMES,
  FRANCE_NAMES,
  LAST_NAMES,
  MEXICO_NAMES,
  PARENT_NAMES,
  PROVIDER_NAMES,
  SITES,
} from './names.js';

export type DemoScale = 'small' | 'medium' | 'large';
export type DemoRole = 'domain_controller' | 'file_server' | 'jump_host' | 'exchange' | 'workstation';

/** How big a demo is: hosts per tenant, days covered and background events per host and day. */
export interface ScaleProfile {
  readonly clientHosts: number;
  readonly providerHosts: number;
  readonly days: number;
  /** Multiplies the background volume of every host. */
  readonly intensity: number;
}

/** The three demo sizes: small runs generate + hunt in under a minute; large writes over 5 million records. */
export const SCALES: Readonly<Record<DemoScale, ScaleProfile>> = {
  small: { clientHosts: 8, providerHosts: 6, days: 42, intensity: 1 },
  medium: { clientHosts: 20, providerHosts: 12, days: 120, intensity: 1.5 },
  large: { clientHosts: 60, providerHosts: 30, days: 240, intensity: 11 },
};

export interface DemoAccount {
  readonly user: string;
  readonly domain: string;
  readonly sid: string;
}

export interface DemoHost {
  readonly name: string;
  readonly fqdn: string;
  readonly ip: string;
  readonly role: DemoRole;
  readonly tenantId: string;
  /** The person who normally uses a workstation. */
  readonly owner?: DemoAccount;
}

export interface DemoTenant {
  readonly id: string;
  readonly name: string;
  readonly kind: 'provider' | 'client';
  readonly country: string;
  /** Local time minus UTC, in hours (standard time): working hours follow the tenant's clock. */
  readonly utcOffsetHours: number;
  readonly locale: string;
  readonly netbios: string;
  readonly dnsDomain: string;
  readonly subnet: string;
  readonly domainSid: string;
  readonly hosts: DemoHost[];
  readonly users: DemoAccount[];
  readonly admins: DemoAccount[];
}

/** A provider technician: one account name that exists in the provider domain and in one client domain. */
export interface Technician {
  readonly user: string;
  readonly assigned: string;
}

export interface DemoWorld {
  readonly tenants: DemoTenant[];
  readonly provider: DemoTenant;
  readonly parent: DemoTenant;
  readonly subsidiaries: DemoTenant[];
  readonly technicians: Technician[];
  readonly start: number;
  readonly days: number;
}

function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function domainSid(rng: Prng): string {
  return `S-1-5-21-${rng.int(1_000_000_000, 4_000_000_000)}-${rng.int(1_000_000_000, 4_000_000_000)}-${rng.int(
    100_000_000,
    999_999_999,
  )}`;
}

function people(
  rng: Prng,
  locale: string,
  count: number,
  domain: string,
  sid: string,
  base: number,
): DemoAccount[] {
  const out: DemoAccount[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < count && i < count * 20; i++) {
    const first = rng.pick(FIRST_NAMES[locale]);
    const last = rng.pick(LAST_NAMES[locale]);
    const user = `${first[0]}.${last}`;
    if (seen.has(user)) continue;
    seen.add(user);
    out.push({ user, domain, sid: `${sid}-${base + out.length}` });
  }
  return out;
}

interface TenantPlan {
  readonly name: string;
  readonly kind: 'provider' | 'client';
  readonly country: string;
  readonly locale: string;
  readonly roles: DemoRole[];
  readonly suffix: string;
}

function rolesFor(kind: 'provider' | 'client', hosts: number, exchange: boolean): DemoRole[] {
  const dcs = hosts >= 16 ? 2 : 1;
  const fs = hosts >= 16 ? 2 : 1;
  const roles: DemoRole[] = [];
  for (let i = 0; i < dcs; i++) roles.push('domain_controller');
  for (let i = 0; i < fs; i++) roles.push('file_server');
  if (kind === 'provider') roles.push('jump_host');
  if (exchange) roles.push('exchange');
  while (roles.length < hosts) roles.push('workstation');
  return roles;
}

const UTC_OFFSETS: Readonly<Record<string, number>> = { GB: 0, JP: 9, MX: -6, FR: 1 };

const ROLE_PREFIX: Readonly<Record<DemoRole, string>> = {
  domain_controller: 'DC',
  file_server: 'FS',
  jump_host: 'JMP',
  exchange: 'EXC',
  workstation: 'WS',
};

function buildTenant(rng: Prng, plan: TenantPlan, index: number): DemoTenant {
  const id = `${slug(plan.name).split('-')[0]}-${plan.suffix}`;
  // NetBIOS domain names: at most 15 characters; the provider keeps its plain name.
  const netbios = (
    slug(plan.name).split('-')[0].slice(0, 11) + (plan.kind === 'provider' ? '' : plan.suffix)
  ).toUpperCase();
  const dnsDomain = `${slug(plan.name).split('-')[0]}-${plan.suffix}.local`;
  const subnet = `10.${10 + index * 10 + rng.int(0, 5)}.${rng.int(1, 200)}`;
  const sid = domainSid(rng);
  const site = rng.pick(SITES[plan.locale]);
  const workstations = plan.roles.filter((r) => r === 'workstation').length;
  const users = people(rng, plan.locale, Math.max(4, workstations), netbios, sid, 1104);
  const admins = people(rng, plan.locale, 2, netbios, sid, 1500).map((a) => ({
    ...a,
    user: `adm-${a.user}`,
  }));
  const hosts: DemoHost[] = [];
  const counters = new Map<DemoRole, number>();
  let ws = 0;
  for (const role of plan.roles) {
    const n = (counters.get(role) ?? 0) + 1;
    counters.set(role, n);
    const name = `${site}-${ROLE_PREFIX[role]}${String(role === 'workstation' ? 100 + n : n).padStart(2, '0')}`;
    hosts.push({
      name,
      fqdn: `${name}.${dnsDomain}`,
      ip: `${subnet}.${10 + hosts.length}`,
      role,
      tenantId: id,
      ...(role === 'workstation' ? { owner: users[ws++ % users.length] } : {}),
    });
  }
  return {
    id,
    name: plan.name,
    kind: plan.kind,
    country: plan.country,
    utcOffsetHours: UTC_OFFSETS[plan.country] ?? 0,
    locale: plan.locale,
    netbios,
    dnsDomain,
    subnet,
    domainSid: sid,
    hosts,
    users,
    admins,
  };
}

/** Builds the tenants, hosts and accounts for one seed and scale. */
export function buildWorld(rng: Prng, profile: ScaleProfile): DemoWorld {
  const family = rng.int(0, PARENT_NAMES.length - 1);
  const plans: TenantPlan[] = [
    {
      name: rng.pick(PROVIDER_NAMES),
      kind: 'provider',
      country: 'GB',
      locale: 'en',
      roles: rolesFor('provider', profile.providerHosts, false),
      suffix: 'msp',
    },
    {
      name: PARENT_NAMES[family],
      kind: 'client',
      country: 'JP',
      locale: 'ja',
      roles: rolesFor('client', profile.clientHosts, true),
      suffix: 'jp',
    },
    {
      name: MEXICO_NAMES[family],
      kind: 'client',
      country: 'MX',
      locale: 'es',
      roles: rolesFor('client', profile.clientHosts, false),
      suffix: 'mx',
    },
    {
      name: FRANCE_NAMES[family],
      kind: 'client',
      country: 'FR',
      locale: 'fr',
      roles: rolesFor('client', profile.clientHosts, false),
      suffix: 'fr',
    },
  ];
  const tenants = plans.map((p, i) => buildTenant(rng, p, i));
  const [provider, parent, ...subsidiaries] = tenants;
  // Each technician serves one client; their account name exists in the provider and that client's domain.
  const technicians: Technician[] = [];
  const clients = [parent, ...subsidiaries];
  const techPeople = people(rng, 'en', 6, provider.netbios, provider.domainSid, 1300);
  techPeople.forEach((p, i) =>
    technicians.push({ user: `msp-${p.user}`, assigned: clients[i % clients.length].id }),
  );
  // Campaign in 2020, as SYM20 reports (mid-October 2019 to October 2020).
  const start = Date.UTC(2020, rng.int(1, 5), rng.int(1, 28));
  return { tenants, provider, parent, subsidiaries, technicians, start, days: profile.days };
}
