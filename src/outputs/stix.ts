// STIX 2.1 bundle of a hunt: Dwell and tenants as identities, Sigma rules as indicators with their sightings,
// ATT&CK techniques as attack patterns, intrusions as incidents, tied together by relationships.
import { readFileSync, statSync } from 'node:fs';
import type { Intrusion } from '../correlate/types.js';
import type { Detection, RuleInfo } from '../engine/types.js';
import { indexOf, tacticsOf, techniquesOf, type AttackTable } from '../intel/index.js';
import { stixId, stixTime } from './stix-ids.js';

/** A STIX object as written: common properties plus the type's own. */
export type StixObject = { type: string; id: string; spec_version?: '2.1' } & Record<string, unknown>;

/** A STIX 2.1 bundle. */
export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

/** What goes into the bundle. */
export interface StixInput {
  /** The detections behind the sightings (or `sightings`, counted in a streaming pass). */
  readonly detections?: Iterable<Detection>;
  /** Sightings already counted; wins over `detections`. */
  readonly sightings?: StixSightings;
  readonly intrusions?: readonly Intrusion[];
  /** Tenants to describe even when nothing was detected in them. */
  readonly tenants?: readonly string[];
  readonly table: AttackTable;
  /** created/modified time of the objects (default: now). */
  readonly created?: Date;
  /** The Sigma text of a rule for the indicator pattern; default reads `rule.path` (first 256 KiB). */
  readonly ruleText?: (rule: RuleInfo) => string | undefined;
}

const MAX_RULE_BYTES = 256 * 1024;
const MAX_COUNT = 999_999_999;
const TEXT_LIMIT = 2_000;
const DWELL_IDENTITY = stixId('identity', 'dwell');

/** Where one rule fired. */
export interface RuleSightings {
  readonly rule: RuleInfo;
  first: number;
  last: number;
  /** Per tenant ('' when none): count, first, last and a few hosts. */
  readonly where: Map<string, { count: number; first: number; last: number; hosts: Set<string> }>;
}

/**
 * Where each rule fired, counted one detection at a time in memory bounded by rules × tenants (a hunt feeds it
 * in its streaming pass): per (rule, tenant) a count, first and last time and a few hosts.
 */
export class StixSightings {
  readonly byRule = new Map<string, RuleSightings>();
  /** Tenants seen, in order of first sight. */
  readonly tenants = new Set<string>();

  /** Counts one detection. */
  add(d: Detection): void {
    let s = this.byRule.get(d.rule.id);
    if (!s)
      this.byRule.set(d.rule.id, (s = { rule: d.rule, first: Infinity, last: -Infinity, where: new Map() }));
    const ts = Number.isFinite(d.timestamp) ? d.timestamp : NaN;
    if (ts < s.first) s.first = ts;
    if (ts > s.last) s.last = ts;
    const key = d.tenant ?? '';
    if (d.tenant !== undefined) this.tenants.add(d.tenant);
    let w = s.where.get(key);
    if (!w) s.where.set(key, (w = { count: 0, first: Infinity, last: -Infinity, hosts: new Set() }));
    w.count++;
    if (ts < w.first) w.first = ts;
    if (ts > w.last) w.last = ts;
    if (d.host && w.hosts.size < 20) w.hosts.add(d.host);
  }
}

/** Builds a STIX 2.1 bundle whose ids are stable across runs (UUIDv5 of what each object stands for). */
export function buildStixBundle(input: StixInput): StixBundle {
  const created = stixTime((input.created ?? new Date()).getTime()) as string;
  const common = (type: string, key: string) => ({
    type,
    spec_version: '2.1' as const,
    id: stixId(type, key),
    created,
    modified: created,
    created_by_ref: DWELL_IDENTITY,
  });
  const objects = new Map<string, StixObject>();
  const add = (o: StixObject): string => {
    if (!objects.has(o.id)) objects.set(o.id, o);
    return o.id;
  };
  add({
    ...common('identity', 'dwell'),
    name: 'Dwell',
    identity_class: 'system',
    description: 'Dwell: finds long-dwell intrusions in Windows event logs (Sigma detection, correlation).',
  });
  const tenantIdentity = (tenant: string): string =>
    add({
      ...common('identity', `tenant:${tenant}`),
      name: clip(tenant, 200),
      identity_class: 'organization',
      description: 'Tenant (company) whose logs were hunted.',
    });
  for (const t of input.tenants ?? []) tenantIdentity(t);

  const index = indexOf(input.table);
  const attackPattern = (id: string): string | undefined => {
    const technique = index.technique.get(id);
    if (!technique) return undefined;
    return add({
      ...common('attack-pattern', `mitre-attack:${id}`),
      name: technique.name,
      external_references: [
        {
          source_name: 'mitre-attack',
          external_id: id,
          url: `https://attack.mitre.org/techniques/${id.replace('.', '/')}`,
        },
      ],
      kill_chain_phases: technique.tactics.map((t) => ({ kill_chain_name: 'mitre-attack', phase_name: t })),
    });
  };

  // Rules and where they fired: one indicator per rule, one sighting per (rule, tenant).
  let sightings = input.sightings;
  if (!sightings) {
    sightings = new StixSightings();
    for (const d of input.detections ?? []) sightings.add(d);
  }
  const byRule = sightings.byRule;
  const readText = input.ruleText ?? readRuleFile;
  const indicatorOf = new Map<string, string>();
  for (const s of [...byRule.values()].sort((a, b) => (a.rule.id < b.rule.id ? -1 : 1))) {
    const indicator = add(indicatorFor(s, common, readText(s.rule) ?? sigmaStub(s.rule), created));
    indicatorOf.set(s.rule.id, indicator);
    for (const technique of techniquesOf(s.rule.tags)) {
      const ap = attackPattern(technique);
      if (ap) add(relationship(common, 'indicates', indicator, ap));
    }
    for (const [tenant, w] of [...s.where].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const sighting: StixObject = {
        ...common('sighting', `${s.rule.id}|${tenant}`),
        sighting_of_ref: indicator,
        count: Math.min(w.count, MAX_COUNT),
        description: clip(`Detections on ${[...w.hosts].sort().join(', ')}`, TEXT_LIMIT),
      };
      const first = stixTime(w.first);
      const last = stixTime(w.last);
      if (first && last) Object.assign(sighting, { first_seen: first, last_seen: last });
      if (tenant) sighting.where_sighted_refs = [tenantIdentity(tenant)];
      add(sighting);
    }
  }

  for (const intrusion of input.intrusions ?? []) {
    const incident = add({
      ...common('incident', `intrusion:${intrusion.id}`),
      name: clip(`Intrusion ${intrusion.id}: ${intrusion.tenants.join(', ') || 'no tenant'}`, 200),
      description: clip(describeIntrusion(intrusion), 8_000),
      kill_chain_phases: intrusion.tactics.map((t) => ({ kill_chain_name: 'mitre-attack', phase_name: t })),
    });
    for (const tenant of intrusion.tenants)
      add(relationship(common, 'targets', incident, tenantIdentity(tenant)));
    for (const technique of intrusion.techniques) {
      const ap = attackPattern(technique);
      if (ap) add(relationship(common, 'uses', incident, ap));
    }
    // The best-matching group, as a resemblance (not a claim): related-to with the score as confidence.
    const top = intrusion.attribution[0];
    if (top && /^G\d{4}$/.test(top.groupId)) {
      const group = add({
        ...common('intrusion-set', `mitre-attack:${top.groupId}`),
        name: clip(top.name, 200),
        ...(top.aliases.length ? { aliases: top.aliases.slice(0, 50).map((a) => clip(a, 200)) } : {}),
        external_references: [
          {
            source_name: 'mitre-attack',
            external_id: top.groupId,
            url: `https://attack.mitre.org/groups/${top.groupId}/`,
          },
        ],
      });
      add({
        ...relationship(common, 'related-to', incident, group),
        description: clip(
          `Dwell attribution: techniques resemble ${top.name} (score ${top.score}; matched ${top.matched.join(', ')}).`,
          TEXT_LIMIT,
        ),
        confidence: Math.max(0, Math.min(100, Math.round(top.score * 100))),
      });
    }
    const rules = new Set(intrusion.detections.map((d) => d.rule.id));
    for (const ruleId of [...rules].sort()) {
      const indicator = indicatorOf.get(ruleId);
      if (indicator) add(relationship(common, 'related-to', incident, indicator));
    }
  }

  const list = [...objects.values()];
  return { type: 'bundle', id: stixId('bundle', list.map((o) => o.id).join(',')), objects: list };
}

type Common = (type: string, key: string) => StixObject;

function indicatorFor(s: RuleSightings, common: Common, pattern: string, created: string): StixObject {
  const tactics = tacticsOf(s.rule.tags);
  const o: StixObject = {
    ...common('indicator', `sigma:${s.rule.id}`),
    name: clip(s.rule.title, 500),
    indicator_types:
      s.rule.level === 'informational' || s.rule.level === 'low'
        ? ['anomalous-activity']
        : ['malicious-activity'],
    pattern,
    pattern_type: 'sigma',
    valid_from: stixTime(s.first) ?? created,
    labels: [`level:${s.rule.level}`, ...s.rule.tags.slice(0, 50).map((t) => clip(t, 100))],
  };
  if (s.rule.description) o.description = clip(s.rule.description, TEXT_LIMIT);
  if (tactics.length)
    o.kill_chain_phases = tactics.map((t) => ({ kill_chain_name: 'mitre-attack', phase_name: t }));
  return o;
}

function relationship(common: Common, type: string, source: string, target: string): StixObject {
  return {
    ...common('relationship', `${type}|${source}|${target}`),
    relationship_type: type,
    source_ref: source,
    target_ref: target,
  };
}

function describeIntrusion(i: Intrusion): string {
  const lines = [
    `Score ${i.score}; dwell ${i.dwellDays} days (${i.firstMalicious} to ${i.lastMalicious}).`,
    `Hosts: ${i.hosts.map((h) => h.name + (h.roles.length ? ` [${h.roles.join('/')}]` : '')).join(', ')}.`,
    `Accounts: ${i.accounts.join(', ') || 'none'}.`,
    `Tactics: ${i.tactics.join(', ') || 'none'}.`,
  ];
  if (i.domainControllerReach.reached)
    lines.push(`Domain controller reached: ${i.domainControllerReach.hosts.join(', ')}.`);
  if (i.staging.length) lines.push(`Staging evidence: ${i.staging.length}.`);
  if (i.exfiltration.length) lines.push(`Exfiltration evidence: ${i.exfiltration.length}.`);
  for (const l of i.crossTenant)
    lines.push(`Cross-tenant: ${l.fromTenant} → ${l.toTenant} via ${l.via} ${l.value}.`);
  if (i.attribution.length) {
    lines.push(`Resembles: ${i.attribution.map((a) => `${a.name} (${a.groupId}, ${a.score})`).join(', ')}.`);
  }
  return lines.join('\n');
}

/** Reads a rule's Sigma file when it is there and not too big. */
function readRuleFile(rule: RuleInfo): string | undefined {
  if (!rule.path) return undefined;
  try {
    if (statSync(rule.path).size > MAX_RULE_BYTES) return undefined;
    return readFileSync(rule.path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A minimal Sigma document naming the rule, when its text is not available. */
function sigmaStub(rule: RuleInfo): string {
  const tags = rule.tags.map((t) => `  - ${JSON.stringify(t)}`).join('\n');
  return [`title: ${JSON.stringify(rule.title)}`, `id: ${JSON.stringify(rule.id)}`, `level: ${rule.level}`]
    .concat(tags ? ['tags:', tags] : [])
    .join('\n');
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
