// The demo generator: builds the world, plans the campaign, then streams each host's days of events, in time
// order, into one EVTX file per host and channel, and writes truth.json and a demo indicator list beside them.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EvtxFileWriter } from '../evtx/writer.js';
import type { EventSpec } from '../evtx/writer-types.js';
import { BackgroundActivity } from './background.js';
import { planCampaign, type CampaignPlan } from './campaign.js';
import { Prng } from './prng.js';
import { buildWorld, SCALES, type DemoHost, type DemoScale, type DemoWorld } from './tenants.js';
import type { DemoTruth, TruthRecord, TruthStage, TruthTenant } from './truth.js';

const DAY = 86_400_000;

export interface DemoOptions {
  /** Folder to write into; a previous demo's logs there are replaced. */
  out: string;
  seed?: number;
  scale?: DemoScale;
  /** Overrides the scale's number of days (tests use short periods; stages keep their relative places). */
  days?: number;
  /** Called after each host with the records written so far. */
  onProgress?: (records: number, hostsDone: number, hostsTotal: number) => void;
}

export interface DemoResult {
  /** EVTX files written, absolute paths. */
  files: string[];
  /** The folder holding the logs: one folder per tenant, then per host (`logs/<tenant>/<host>/<channel>.evtx`). */
  logsDir: string;
  truth: DemoTruth;
  truthPath: string;
  /** A CSV of the demo's own indicators (for `dwell hunt --iocs`). */
  iocsPath: string;
  records: number;
  elapsedMs: number;
}

/** File name of a channel's log, as Windows names it (`/` becomes `%4`). */
export function channelFileName(channel: string): string {
  return `${channel.replace(/\//g, '%4')}.evtx`;
}

function timeOf(spec: EventSpec): number {
  return typeof spec.time === 'number' ? spec.time : spec.time.getTime();
}

// True when the events are already in time order (a stable sort would then change nothing).
function inTimeOrder(events: readonly EventSpec[]): boolean {
  for (let i = 1; i < events.length; i++) if (timeOf(events[i - 1]) > timeOf(events[i])) return false;
  return true;
}

/** Everything the writers need, rebuilt identically from the options in every thread. */
export interface PreparedDemo {
  readonly seed: number;
  readonly scale: DemoScale;
  readonly out: string;
  readonly logsDir: string;
  readonly world: DemoWorld;
  readonly plan: CampaignPlan;
  readonly background: BackgroundActivity;
  /** Malicious events by host fqdn, in time order. */
  readonly byHost: Map<string, EventSpec[]>;
  /** Stage index of each malicious event. */
  readonly stageOf: Map<EventSpec, number>;
}

/** What writing a set of hosts produced: record count, files, and (stage, file, record id) of malicious records. */
export interface HostsWritten {
  records: number;
  files: string[];
  hits: [number, string, number][];
}

/** Builds the world and campaign plan for the options (deterministic per seed); `clean` empties logs/. */
export function prepareDemo(options: DemoOptions, clean: boolean): PreparedDemo {
  const seed = (options.seed ?? 1) >>> 0;
  const scale = options.scale ?? 'small';
  const profile = options.days
    ? { ...SCALES[scale], days: Math.max(14, Math.floor(options.days)) }
    : SCALES[scale];
  const world = buildWorld(new Prng(seed), profile);
  const plan = planCampaign(world, new Prng(seed ^ 0x5eed1e55));
  const background = new BackgroundActivity(world, (seed ^ 0x0bac6a0d) >>> 0, profile.intensity);
  const byHost = new Map<string, EventSpec[]>();
  const stageOf = new Map<EventSpec, number>();
  plan.stages.forEach((stage, index) => {
    for (const { host, spec } of stage.events) {
      const list = byHost.get(host.fqdn) ?? [];
      list.push(spec);
      byHost.set(host.fqdn, list);
      stageOf.set(spec, index);
    }
  });
  for (const list of byHost.values()) list.sort((a, b) => timeOf(a) - timeOf(b));
  // Logs go under logs/ so a hunt of that folder sees only logs (truth.json and IOCs sit beside it).
  const logsDir = join(options.out, 'logs');
  if (clean) {
    rmSync(logsDir, { recursive: true, force: true });
    mkdirSync(logsDir, { recursive: true });
  }
  return { seed, scale, out: options.out, logsDir, world, plan, background, byHost, stageOf };
}

/** Writes the given hosts (by fqdn; all when omitted) of a prepared demo. */
export function writeHosts(
  prep: PreparedDemo,
  only?: ReadonlySet<string>,
  onProgress?: (records: number, hostsDone: number, hostsTotal: number) => void,
): HostsWritten {
  const result: HostsWritten = { records: 0, files: [], hits: [] };
  const hosts = prep.world.tenants.flatMap((t) => t.hosts).filter((h) => !only || only.has(h.fqdn));
  let done = 0;
  for (const host of hosts) {
    const dir = join(prep.logsDir, host.tenantId, host.name);
    mkdirSync(dir, { recursive: true });
    prep.background.startHost(host);
    result.records += writeHost(
      host,
      dir,
      prep.world,
      prep.background,
      prep.byHost.get(host.fqdn) ?? [],
      (spec, path, recordId) => {
        const index = prep.stageOf.get(spec);
        if (index !== undefined) result.hits.push([index, relative(prep.out, path), recordId]);
      },
      result.files,
    );
    onProgress?.(result.records, ++done, hosts.length);
  }
  return result;
}

/** Writes truth.json and the demo IOCs once every host is written. */
export function finishDemo(prep: PreparedDemo, parts: HostsWritten[], started: number): DemoResult {
  const stageRecords: TruthRecord[][] = prep.plan.stages.map(() => []);
  const files: string[] = [];
  let records = 0;
  for (const part of parts) {
    records += part.records;
    files.push(...part.files);
    for (const [index, file, recordId] of part.hits) stageRecords[index].push({ file, recordId });
  }
  for (const list of stageRecords)
    list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.recordId - b.recordId));
  files.sort();
  const truth = buildTruth(prep.world, prep.plan, stageRecords, prep.seed, prep.scale, records);
  const truthPath = join(prep.out, 'truth.json');
  writeFileSync(truthPath, JSON.stringify(truth, null, 2) + '\n');
  const iocsPath = join(prep.out, 'demo-iocs.csv');
  writeFileSync(iocsPath, demoIndicators(prep.plan));
  return {
    files,
    logsDir: prep.logsDir,
    truth,
    truthPath,
    iocsPath,
    records,
    elapsedMs: performance.now() - started,
  };
}

/** Generates a multi-tenant intrusion as real EVTX under `out` on this thread; returns the files and the truth. */
export function generateDemo(options: DemoOptions): DemoResult {
  const started = performance.now();
  const prep = prepareDemo(options, true);
  return finishDemo(prep, [writeHosts(prep, undefined, options.onProgress)], started);
}

// One host: day by day, background plus that day's malicious events, sorted, into per-channel writers.
function writeHost(
  host: DemoHost,
  dir: string,
  world: DemoWorld,
  background: BackgroundActivity,
  malicious: EventSpec[],
  onWritten: (spec: EventSpec, path: string, recordId: number) => void,
  files: string[],
): number {
  const writers = new Map<string, EvtxFileWriter>();
  const writerFor = (channel: string): EvtxFileWriter => {
    let writer = writers.get(channel);
    if (!writer) {
      writer = new EvtxFileWriter(join(dir, channelFileName(channel)));
      writers.set(channel, writer);
      files.push(writer.path);
    }
    return writer;
  };
  let written = 0;
  let next = 0;
  const localOffset = (world.tenants.find((t) => t.id === host.tenantId)?.utcOffsetHours ?? 0) * 3_600_000;
  const day: EventSpec[] = [];
  try {
    for (let d = 0; d < world.days; d++) {
      // The host's local day (midnight to midnight on its tenant's clock), so working hours are local.
      const dayStart = world.start + d * DAY - localOffset;
      day.length = 0;
      background.day(host, dayStart, d, day);
      const dayEnd = dayStart + DAY;
      while (next < malicious.length && timeOf(malicious[next]) < dayEnd) day.push(malicious[next++]);
      if (!inTimeOrder(day)) day.sort((a, b) => timeOf(a) - timeOf(b));
      for (const spec of day) {
        const writer = writerFor(spec.channel);
        const recordId = writer.add(spec);
        onWritten(spec, writer.path, recordId);
        written++;
      }
    }
    // Anything planned past the period still lands, at the end of the host's timeline.
    for (; next < malicious.length; next++) {
      const writer = writerFor(malicious[next].channel);
      onWritten(malicious[next], writer.path, writer.add(malicious[next]));
      written++;
    }
  } finally {
    for (const writer of writers.values()) writer.close();
  }
  return written;
}

function buildTruth(
  world: DemoWorld,
  plan: CampaignPlan,
  stageRecords: TruthRecord[][],
  seed: number,
  scale: string,
  records: number,
): DemoTruth {
  const hostName = new Map(world.tenants.flatMap((t) => t.hosts.map((h) => [h.fqdn, h.name] as const)));
  const stages: TruthStage[] = plan.stages.map((s, i) => {
    const times = s.events.map((e) => timeOf(e.spec));
    return {
      id: s.id,
      name: s.name,
      row: s.row,
      techniques: s.techniques,
      tenant: s.tenantId,
      hosts: [...new Set(s.events.map((e) => hostName.get(e.host.fqdn) ?? e.host.name))],
      firstTime: new Date(Math.min(...times)).toISOString(),
      lastTime: new Date(Math.max(...times)).toISOString(),
      records: stageRecords[i],
    };
  });
  const compromised = new Set(plan.hopOrder);
  const tenants: TruthTenant[] = world.tenants.map((t) => {
    const tenantHosts = new Set(t.hosts.map((h) => h.fqdn));
    const touched = new Set<string>();
    const stageIds = new Set<string>();
    for (const s of plan.stages)
      for (const e of s.events)
        if (tenantHosts.has(e.host.fqdn)) {
          touched.add(e.host.name);
          stageIds.add(s.id);
        }
    return {
      id: t.id,
      name: t.name,
      kind: t.kind,
      country: t.country,
      domain: t.netbios,
      compromised: compromised.has(t.id),
      hosts: t.hosts.map((h) => ({ name: h.name, role: h.role, ip: h.ip })),
      compromisedHosts: [...touched].sort(),
      compromisedAccounts: plan.compromisedAccounts.filter((a) => a.startsWith(`${t.netbios}\\`)),
      stages: [...stageIds],
    };
  });
  return {
    seed,
    scale,
    start: new Date(world.start).toISOString(),
    end: new Date(world.start + world.days * DAY).toISOString(),
    records,
    maliciousRecords: stageRecords.reduce((n, r) => n + r.length, 0),
    hopOrder: plan.hopOrder,
    cleanTenants: world.tenants.filter((t) => !compromised.has(t.id)).map((t) => t.id),
    compromisedAccounts: plan.compromisedAccounts,
    attacker: { sourceIp: plan.attackerIp, c2Domain: plan.c2Domain, c2Ip: plan.c2Ip },
    tenants,
    stages,
  };
}

function demoIndicators(plan: CampaignPlan): string {
  const rows = [
    'type,value,description,source',
    `domain,${plan.c2Domain},Demo C2 domain (fictitious),dwell demo`,
    `ip,${plan.c2Ip},Demo C2 and SCP exfiltration address (fictitious),dwell demo`,
    `md5,be53764063bb1d054d78f2bf08fb90f3,Ecipekac loader jli.dll (A41APT),https://securelist.com/apt10-sophisticated-multi-layered-loader-ecipekac-discovered-in-a41apt-campaign/101519/`,
    'file_name,Pd.exe,Repacked Mimikatz (APT10),https://go.recordedfuture.com/hubfs/reports/cta-2019-0206.pdf',
    'file_name,psexe.exe,Renamed PsExec (Cloud Hopper),https://web.archive.org/web/20180725233601/https://www.pwc.co.uk/cyber-security/pdf/cloud-hopper-annex-b-final.pdf',
  ];
  return rows.join('\n') + '\n';
}
