// Derives the compact ATT&CK table from an ATT&CK Enterprise STIX 2.1 bundle (mitre/cti layout).
import {
  ATTACK_TABLE_FORMAT,
  type AttackGroup,
  type AttackTable,
  type AttackTactic,
} from './attack-types.js';

interface StixObject {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly name?: unknown;
  readonly modified?: unknown;
  readonly revoked?: unknown;
  readonly x_mitre_deprecated?: unknown;
  readonly x_mitre_shortname?: unknown;
  readonly external_references?: unknown;
  readonly kill_chain_phases?: unknown;
  readonly aliases?: unknown;
  readonly tactic_refs?: unknown;
  readonly relationship_type?: unknown;
  readonly source_ref?: unknown;
  readonly target_ref?: unknown;
}

/** What the caller knows about the bundle that the bundle itself does not say. */
export interface BuildTableSource {
  readonly file: string;
  readonly attackVersion?: string;
  readonly commit?: string;
}

const SOFTWARE_TYPES = new Set(['malware', 'tool']);

function isLive(o: StixObject): boolean {
  return o.revoked !== true && o.x_mitre_deprecated !== true;
}

/** The ATT&CK id (`T1003`, `G0045`, `TA0006`) from an object's mitre-attack external reference. */
function attackId(o: StixObject): string | undefined {
  if (!Array.isArray(o.external_references)) return undefined;
  for (const ref of o.external_references as { source_name?: unknown; external_id?: unknown }[]) {
    if (ref && ref.source_name === 'mitre-attack' && typeof ref.external_id === 'string')
      return ref.external_id;
  }
  return undefined;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function tacticsInOrder(bundleObjects: StixObject[], byStixId: Map<string, StixObject>): AttackTactic[] {
  const matrix = bundleObjects.find((o) => o.type === 'x-mitre-matrix' && isLive(o));
  const refs = matrix ? stringList(matrix.tactic_refs) : [];
  const ordered = refs.length
    ? refs.map((r) => byStixId.get(r)).filter((o): o is StixObject => o !== undefined)
    : bundleObjects.filter((o) => o.type === 'x-mitre-tactic');
  const tactics: AttackTactic[] = [];
  for (const t of ordered) {
    const id = attackId(t);
    if (!id || typeof t.x_mitre_shortname !== 'string' || typeof t.name !== 'string' || !isLive(t)) continue;
    tactics.push({ id, shortName: t.x_mitre_shortname, name: t.name });
  }
  return tactics;
}

/**
 * Builds the compact table from a parsed STIX bundle. Group techniques: `uses` relationships from the group,
 * plus those of campaigns `attributed-to` it; techniques of software the group uses are kept apart.
 */
export function buildAttackTable(bundle: unknown, source: BuildTableSource): AttackTable {
  const objects = (bundle as { objects?: unknown })?.objects;
  if (!Array.isArray(objects)) throw new Error(`${source.file}: not a STIX bundle (no "objects" array)`);
  const all = objects.filter((o): o is StixObject => typeof o === 'object' && o !== null);
  const byStixId = new Map<string, StixObject>();
  let newest = '';
  for (const o of all) {
    if (typeof o.id === 'string') byStixId.set(o.id, o);
    if (typeof o.modified === 'string' && o.modified > newest) newest = o.modified;
  }

  const tactics = tacticsInOrder(all, byStixId);
  const tacticRank = new Map(tactics.map((t, i) => [t.shortName, i]));
  const techniqueIdOf = new Map<string, string>();
  const techniques: { id: string; name: string; tactics: string[] }[] = [];
  for (const o of all) {
    if (o.type !== 'attack-pattern' || !isLive(o) || typeof o.id !== 'string' || typeof o.name !== 'string')
      continue;
    const id = attackId(o);
    if (!id || !/^T\d{4}(\.\d{3})?$/.test(id)) continue;
    const phases = Array.isArray(o.kill_chain_phases)
      ? (o.kill_chain_phases as { kill_chain_name?: unknown; phase_name?: unknown }[])
          .filter((p) => p?.kill_chain_name === 'mitre-attack' && typeof p.phase_name === 'string')
          .map((p) => p.phase_name as string)
      : [];
    const ordered = [...new Set(phases)].sort(
      (a, b) => (tacticRank.get(a) ?? 99) - (tacticRank.get(b) ?? 99),
    );
    techniqueIdOf.set(o.id, id);
    techniques.push({ id, name: o.name, tactics: ordered });
  }
  techniques.sort((a, b) => compareTechniqueIds(a.id, b.id));

  // uses: source → set of technique ids; attributed-to: campaign → groups.
  const uses = new Map<string, Set<string>>();
  const usesSoftware = new Map<string, Set<string>>();
  const campaignsOf = new Map<string, string[]>();
  for (const r of all) {
    if (r.type !== 'relationship' || !isLive(r)) continue;
    const src = r.source_ref;
    const dst = r.target_ref;
    if (typeof src !== 'string' || typeof dst !== 'string') continue;
    if (r.relationship_type === 'uses') {
      const tech = techniqueIdOf.get(dst);
      if (tech) addTo(uses, src, tech);
      else if (SOFTWARE_TYPES.has(String(byStixId.get(dst)?.type))) addTo(usesSoftware, src, dst);
    } else if (r.relationship_type === 'attributed-to' && String(byStixId.get(src)?.type) === 'campaign') {
      const list = campaignsOf.get(dst) ?? [];
      list.push(src);
      campaignsOf.set(dst, list);
    }
  }

  const groups: AttackGroup[] = [];
  for (const o of all) {
    if (o.type !== 'intrusion-set' || !isLive(o) || typeof o.id !== 'string' || typeof o.name !== 'string')
      continue;
    const id = attackId(o);
    if (!id) continue;
    const direct = new Set(uses.get(o.id) ?? []);
    const software = new Set(usesSoftware.get(o.id) ?? []);
    for (const campaign of campaignsOf.get(o.id) ?? []) {
      for (const t of uses.get(campaign) ?? []) direct.add(t);
      for (const s of usesSoftware.get(campaign) ?? []) software.add(s);
    }
    const viaSoftware = new Set<string>();
    for (const s of software) for (const t of uses.get(s) ?? []) if (!direct.has(t)) viaSoftware.add(t);
    const aliases = stringList(o.aliases).filter((a) => a !== o.name);
    groups.push({
      id,
      name: o.name,
      aliases,
      techniques: [...direct].sort(compareTechniqueIds),
      softwareTechniques: [...viaSoftware].sort(compareTechniqueIds),
    });
  }
  groups.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return {
    format: ATTACK_TABLE_FORMAT,
    attackVersion: source.attackVersion ?? 'unknown',
    source: { file: source.file, commit: source.commit, modified: newest || undefined },
    tactics,
    techniques,
    groups,
  };
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

/** Orders technique ids numerically: T1003 < T1003.001 < T1005. */
export function compareTechniqueIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
