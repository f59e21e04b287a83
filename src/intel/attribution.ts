// Ranks ATT&CK groups against the techniques observed in an intrusion.
//
// Each technique is weighted by rarity (IDF over groups: a technique few groups use says more than one every
// group uses). A group earns full credit for a technique it uses directly, half for one only its software uses,
// and half of that again when it only uses the parent or a sibling sub-technique. The score is the geometric
// mean of coverage (how much of the observed weight the group explains) and specificity (how much of the
// group's own weight was observed, so big groups do not win by size), damped by the evidence strength (the
// matched weight against a constant) so a handful of common techniques never scores high.
import { indexOf } from './attack-table.js';
import type { AttackGroup, AttackTable, AttributionMatch } from './attack-types.js';
import { parentTechnique } from './tags.js';

const DIRECT = 1;
const VIA_SOFTWARE = 0.35;
const RELATED = 0.5;
/** Share of a group's software-only techniques counted in its profile weight. */
const SOFTWARE_PROFILE = 0.1;
/** Matched weight at which evidence strength reaches one half (about two rare or four common techniques). */
const EVIDENCE_HALF = 10;

interface GroupProfile {
  readonly group: AttackGroup;
  readonly direct: ReadonlySet<string>;
  readonly software: ReadonlySet<string>;
  /** Parent ids of every technique the group uses (direct or software), with the best credit. */
  readonly families: ReadonlyMap<string, number>;
  readonly weight: number;
}

interface Model {
  readonly weights: ReadonlyMap<string, number>;
  readonly defaultWeight: number;
  readonly profiles: readonly GroupProfile[];
}

const models = new WeakMap<AttackTable, Model>();

function modelOf(table: AttackTable): Model {
  const cached = models.get(table);
  if (cached) return cached;
  const usedBy = new Map<string, number>();
  const active = table.groups.filter((g) => g.techniques.length + g.softwareTechniques.length > 0);
  for (const g of active) {
    for (const t of new Set([...g.techniques, ...g.softwareTechniques]))
      usedBy.set(t, (usedBy.get(t) ?? 0) + 1);
  }
  const n = active.length;
  const idf = (df: number): number => Math.log((1 + n) / (1 + df)) + 1;
  const weights = new Map<string, number>();
  for (const t of indexOf(table).technique.keys()) weights.set(t, idf(usedBy.get(t) ?? 0));
  const defaultWeight = idf(0);
  const w = (t: string): number => weights.get(t) ?? defaultWeight;
  const profiles = active.map((group): GroupProfile => {
    const direct = new Set(group.techniques);
    const software = new Set(group.softwareTechniques);
    const families = new Map<string, number>();
    for (const t of software) families.set(parentTechnique(t), VIA_SOFTWARE);
    for (const t of direct) families.set(parentTechnique(t), DIRECT);
    let weight = 0;
    for (const t of direct) weight += w(t);
    for (const t of software) weight += SOFTWARE_PROFILE * w(t);
    return { group, direct, software, families, weight };
  });
  const model = { weights, defaultWeight, profiles };
  models.set(table, model);
  return model;
}

/** Credit a group earns for one observed technique (0 when it is not known to use it or its family). */
function credit(profile: GroupProfile, technique: string): number {
  if (profile.direct.has(technique)) return DIRECT;
  if (profile.software.has(technique)) return VIA_SOFTWARE;
  const family = profile.families.get(parentTechnique(technique));
  return family === undefined ? 0 : family * RELATED;
}

/** Normalises technique ids (`t1003.003` → `T1003.003`), dropping anything that is not one. */
function normalise(ids: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const raw of ids) {
    const id = raw.trim().toUpperCase();
    if (/^T\d{4}(\.\d{3})?$/.test(id)) out.add(id);
  }
  return [...out].sort();
}

/** The `limit` (default 5) groups whose techniques best resemble the observed ones, best first. */
export function attribute(
  techniqueIds: readonly string[],
  table: AttackTable,
  limit = 5,
): AttributionMatch[] {
  const observed = normalise(techniqueIds);
  if (observed.length === 0) return [];
  const model = modelOf(table);
  const w = (t: string): number => model.weights.get(t) ?? model.defaultWeight;
  const observedWeight = observed.reduce((sum, t) => sum + w(t), 0);
  const ranked: AttributionMatch[] = [];
  for (const profile of model.profiles) {
    let matchedWeight = 0;
    const matched: string[] = [];
    const unmatched: string[] = [];
    for (const t of observed) {
      const c = credit(profile, t);
      if (c > 0) {
        matchedWeight += c * w(t);
        matched.push(t);
      } else unmatched.push(t);
    }
    if (matchedWeight === 0) continue;
    const coverage = matchedWeight / observedWeight;
    const specificity = Math.min(1, matchedWeight / profile.weight);
    const strength = matchedWeight / (matchedWeight + EVIDENCE_HALF);
    const score = Math.sqrt(coverage * specificity) * strength;
    const { id, name, aliases } = profile.group;
    ranked.push({ groupId: id, name, aliases, score: Math.round(score * 1000) / 1000, matched, unmatched });
  }
  ranked.sort(
    (a, b) => b.score - a.score || b.matched.length - a.matched.length || (a.groupId < b.groupId ? -1 : 1),
  );
  return ranked.slice(0, Math.max(0, limit));
}
