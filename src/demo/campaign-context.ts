// The campaign's cast and clock: which tenants, hosts and accounts the intruder uses, its infrastructure,
// and the helper that opens a stage. Built once per seed; the stage modules only read it.
import type { EventSpec } from '../evtx/writer-types.js';
import type { Prng } from './prng.js';
import type { DemoAccount, DemoHost, DemoTenant, DemoWorld, Technician } from './tenants.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface StageEvent {
  readonly host: DemoHost;
  readonly spec: EventSpec;
}

/** One malicious stage: what happened, which campaign.md row it is, and its events. */
export interface StagePlan {
  readonly id: string;
  readonly name: string;
  /** Behaviour row number in campaign.md. */
  readonly row: number;
  readonly techniques: readonly string[];
  readonly tenantId: string;
  readonly events: StageEvent[];
}

export interface CampaignPlan {
  readonly stages: StagePlan[];
  /** Tenants in the order the intruder reached them. */
  readonly hopOrder: string[];
  readonly compromisedAccounts: string[];
  readonly c2Domain: string;
  readonly c2Ip: string;
  readonly attackerIp: string;
}

const C2_WORDS = ['update', 'sync', 'cdn', 'portal', 'cloud', 'support', 'docs', 'mail', 'secure', 'office'];
const C2_TLDS = ['net', 'org', 'info', 'biz'];

/** Plans the whole campaign for one world and seed. */

/** What every stage needs: the chosen tenants, hosts and accounts, the infrastructure and the stage clock. */
export interface CampaignContext {
  readonly world: DemoWorld;
  readonly rng: Prng;
  readonly msp: DemoTenant;
  readonly jp: DemoTenant;
  readonly mx: DemoTenant;
  readonly jump: DemoHost;
  readonly jpDc: DemoHost;
  readonly jpFs: DemoHost;
  readonly jpExchange: DemoHost;
  readonly mxFs: DemoHost;
  readonly mxDc: DemoHost;
  readonly mxWs: DemoHost;
  readonly tech: Technician;
  readonly stolenAdmin: DemoAccount;
  readonly c2Domain: string;
  readonly c2Ip: string;
  readonly attackerIp: string;
  readonly dropbox: string;
  /** A time `fraction` of the way through the period, at about `hour` UTC. */
  readonly dayAt: (fraction: number, hour: number) => number;
  readonly zerologonFirst: boolean;
  readonly stages: StagePlan[];
  /** Opens a stage and returns the list its events go into. */
  readonly stage: (
    id: string,
    name: string,
    row: number,
    techniques: string[],
    tenant: DemoTenant,
  ) => StageEvent[];
  readonly who: (a: DemoAccount) => string;
  readonly loaderDir: string;
  readonly policytool: string;
  readonly mspTech: DemoAccount;
  readonly jpTech: DemoAccount;
  readonly mxTech: DemoAccount;
  readonly reconDay: number;
  readonly rar: string;
  readonly zlDay: number;
  readonly lmDay: number;
}

/** Picks the cast for one world and seed. */
export function buildCampaignContext(world: DemoWorld, rng: Prng): CampaignContext {
  const msp = world.provider;
  const jp = world.parent;
  const mx = rng.pick(world.subsidiaries);
  const jump = msp.hosts.find((h) => h.role === 'jump_host')!;
  const jpDc = rng.pick(jp.hosts.filter((h) => h.role === 'domain_controller'));
  const jpFs = rng.pick(jp.hosts.filter((h) => h.role === 'file_server'));
  const jpExchange = jp.hosts.find((h) => h.role === 'exchange')!;
  const mxFs = rng.pick(mx.hosts.filter((h) => h.role === 'file_server'));
  const mxDc = rng.pick(mx.hosts.filter((h) => h.role === 'domain_controller'));
  const mxWs = rng.pick(mx.hosts.filter((h) => h.role === 'workstation'));
  const tech = rng.pick(world.technicians.filter((t) => t.assigned === jp.id));
  const techAt = (t: DemoTenant): DemoAccount => ({
    user: tech.user,
    domain: t.netbios,
    sid: `${t.domainSid}-${1700 + (tech.user.length % 50)}`,
  });
  const stolenAdmin = jp.admins[0];
  const c2Domain = `${rng.pick(C2_WORDS)}-${rng.pick(C2_WORDS)}${rng.int(2, 99)}.${rng.pick(C2_TLDS)}`;
  const c2Ip = `${rng.pick([45, 103, 104, 139, 185])}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;
  const attackerIp = `${rng.pick([27, 61, 112, 118, 202])}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;
  const dropbox = '162.125.6.14';
  const days = world.days;
  // Stage days as fractions of the period, jittered per seed; quiet weeks between them.
  const dayAt = (fraction: number, hour: number) =>
    world.start + Math.floor(fraction * days) * DAY + Math.floor((hour + rng.next()) * HOUR);
  const zerologonFirst = rng.chance(0.5);

  const stages: StagePlan[] = [];
  const stage = (
    id: string,
    name: string,
    row: number,
    techniques: string[],
    tenant: DemoTenant,
  ): StageEvent[] => {
    const events: StageEvent[] = [];
    stages.push({ id, name, row, techniques, tenantId: tenant.id, events });
    return events;
  };
  const who = (a: DemoAccount) => `${a.domain}\\${a.user}`;
  const loaderDir = 'C:\\ProgramData\\Oracle\\Java';
  const policytool = `${loaderDir}\\policytool.exe`;
  const mspTech = techAt(msp);
  const jpTech = techAt(jp);
  const mxTech = techAt(mx);
  const reconDay = 0.32;
  const rar = `${loaderDir}\\r.exe`;
  const zlDay = zerologonFirst ? 0.42 : 0.5;
  const lmDay = zerologonFirst ? 0.55 : 0.45;
  return {
    world,
    rng,
    msp,
    jp,
    mx,
    jump,
    jpDc,
    jpFs,
    jpExchange,
    mxFs,
    mxDc,
    mxWs,
    tech,
    stolenAdmin,
    c2Domain,
    c2Ip,
    attackerIp,
    dropbox,
    dayAt,
    zerologonFirst,
    stages,
    stage,
    who,
    loaderDir,
    policytool,
    mspTech,
    jpTech,
    mxTech,
    reconDay,
    rar,
    zlDay,
    lmDay,
  };
}
