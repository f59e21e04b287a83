// ATT&CK Navigator layer (layer format 4.5) of the techniques a hunt's detections point to.
import type { Detection } from '../engine/types.js';
import { indexOf, tacticsOf, techniquesOf, type AttackTable } from '../intel/index.js';
import { isoTime } from './csv.js';

/** One technique entry of a layer (the subset of the 4.5 Technique object Dwell writes). */
export interface NavigatorTechnique {
  techniqueID: string;
  tactic?: string;
  score: number;
  comment: string;
  enabled: boolean;
  color?: string;
  metadata: { name: string; value: string }[];
  showSubtechniques?: boolean;
}

/** A Navigator layer as Dwell writes it. */
export interface NavigatorLayer {
  name: string;
  versions: { attack: string; navigator: string; layer: '4.5' };
  domain: 'enterprise-attack';
  description: string;
  filters: { platforms: string[] };
  sorting: number;
  layout: {
    layout: 'side' | 'flat' | 'mini';
    aggregateFunction: 'average' | 'min' | 'max' | 'sum';
    showID: boolean;
    showName: boolean;
    showAggregateScores: boolean;
    countUnscored: boolean;
    expandedSubtechniques: 'none' | 'all' | 'annotated';
  };
  hideDisabled: boolean;
  techniques: NavigatorTechnique[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: { label: string; color: string }[];
  metadata: { name: string; value: string }[];
  showTacticRowBackground: boolean;
  tacticRowBackground: string;
  selectTechniquesAcrossTactics: boolean;
  selectSubtechniquesWithParent: boolean;
  selectVisibleTechniques: boolean;
}

/** Options for the layer's title and platforms. */
export interface NavigatorOptions {
  readonly name?: string;
  readonly description?: string;
  readonly platforms?: readonly string[];
}

/** Navigator release whose layer format (4.5) we write. */
export const NAVIGATOR_VERSION = '5.1.0';
const GRADIENT = ['#fff7bc', '#fe9929', '#cc2a1e'];
/** Most names listed per technique in a comment or metadata value. */
const LIST_LIMIT = 5;
const VALUE_LIMIT = 200;

interface Tally {
  hits: number;
  readonly rules: Map<string, number>;
  readonly hosts: Set<string>;
  readonly tenants: Set<string>;
  first: number;
  last: number;
}

/**
 * Builds a layer from detections: one entry per (technique, tactic) the rules' ATT&CK tags name, scored by
 * hits, with the rules, hosts and tenants behind it. Techniques absent from the table are counted, not shown.
 */
export function buildNavigatorLayer(
  detections: Iterable<Detection>,
  table: AttackTable,
  opts: NavigatorOptions = {},
): NavigatorLayer {
  const tally = new NavigatorTally(table);
  for (const d of detections) tally.add(d);
  return tally.layer(opts);
}

/**
 * Counts detections per (technique, tactic) one at a time, in memory bounded by techniques and rules (a hunt
 * feeds it in its streaming pass), then builds the layer.
 */
export class NavigatorTally {
  private readonly index: ReturnType<typeof indexOf>;
  private readonly tallies = new Map<string, Tally>();
  private readonly unknown = new Set<string>();
  private total = 0;
  // The (technique, tactic) keys a rule counts toward are worked out once per rule, not per detection.
  private readonly keysOf = new Map<string, string[]>();

  constructor(private readonly table: AttackTable) {
    this.index = indexOf(table);
  }

  /** Counts one detection. */
  add(d: Detection): void {
    this.total++;
    let keys = this.keysOf.get(d.rule.id);
    if (!keys) this.keysOf.set(d.rule.id, (keys = ruleKeys(d.rule.tags, this.index.technique, this.unknown)));
    for (const key of keys) tally(this.tallies, key, d);
  }

  /** The layer of everything counted so far. */
  layer(opts: NavigatorOptions = {}): NavigatorLayer {
    return layerOf(this.tallies, this.unknown, this.total, this.table, opts);
  }
}

function layerOf(
  tallies: ReadonlyMap<string, Tally>,
  unknown: ReadonlySet<string>,
  total: number,
  table: AttackTable,
  opts: NavigatorOptions,
): NavigatorLayer {
  const keys = [...tallies.keys()].sort();
  const parentsWithSubs = new Set(keys.filter((k) => k.includes('.')).map((k) => k.slice(0, k.indexOf('.'))));
  let max = 0;
  const techniques = keys.map((key): NavigatorTechnique => {
    const [techniqueID, tactic] = key.split('|');
    const t = tallies.get(key) as Tally;
    max = Math.max(max, t.hits);
    const rules = [...t.rules].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const entry: NavigatorTechnique = {
      techniqueID,
      score: t.hits,
      comment: clip(
        `${t.hits} detection${t.hits === 1 ? '' : 's'} by ${rules.length} rule${rules.length === 1 ? '' : 's'}: ` +
          listOf(rules.map(([title, n]) => `${title} (${n})`)),
      ),
      enabled: true,
      metadata: [
        { name: 'hosts', value: clip(listOf([...t.hosts].sort())) },
        { name: 'first seen', value: isoTime(t.first) },
        { name: 'last seen', value: isoTime(t.last) },
      ],
    };
    if (t.tenants.size) entry.metadata.push({ name: 'tenants', value: clip(listOf([...t.tenants].sort())) });
    if (tactic) entry.tactic = tactic;
    if (parentsWithSubs.has(techniqueID)) entry.showSubtechniques = true;
    return entry;
  });

  const metadata = [
    { name: 'generated by', value: 'Dwell' },
    { name: 'detections', value: String(total) },
    { name: 'ATT&CK table', value: `${table.attackVersion} (${table.source.file})` },
  ];
  if (unknown.size) {
    metadata.push({
      name: 'techniques not in this ATT&CK release',
      value: clip([...unknown].sort().join(', ')),
    });
  }
  const maxValue = Math.max(1, max);
  return {
    name: opts.name ?? 'Dwell hunt',
    versions: { attack: majorVersion(table.attackVersion), navigator: NAVIGATOR_VERSION, layer: '4.5' },
    domain: 'enterprise-attack',
    description:
      opts.description ??
      `Techniques named by the ATT&CK tags of the rules that fired (${total} detections); score = detections.`,
    filters: { platforms: [...(opts.platforms ?? ['Windows'])] },
    sorting: 3,
    layout: {
      layout: 'side',
      aggregateFunction: 'sum',
      showID: true,
      showName: true,
      showAggregateScores: true,
      countUnscored: false,
      expandedSubtechniques: 'annotated',
    },
    hideDisabled: false,
    techniques,
    gradient: { colors: GRADIENT, minValue: 0, maxValue },
    legendItems: [
      { label: '1 detection', color: GRADIENT[0] },
      { label: `${maxValue} detections`, color: GRADIENT[2] },
    ],
    metadata,
    showTacticRowBackground: true,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
  };
}

/** `technique|tactic` keys for a rule's tags; the rule's tactic tags pick among the technique's tactics. */
function ruleKeys(
  tags: readonly string[],
  techniques: ReadonlyMap<string, { readonly tactics: readonly string[] }>,
  unknown: Set<string>,
): string[] {
  const tagTactics = tacticsOf(tags);
  const keys: string[] = [];
  for (const id of techniquesOf(tags)) {
    const technique = techniques.get(id);
    if (!technique) {
      unknown.add(id);
      continue;
    }
    // None picked → the entry carries no tactic and Navigator shows it under every tactic of the technique.
    const picked = technique.tactics.filter((t) => tagTactics.includes(t));
    for (const tactic of picked.length ? picked : ['']) keys.push(`${id}|${tactic}`);
  }
  return keys;
}

function tally(tallies: Map<string, Tally>, key: string, d: Detection): void {
  let t = tallies.get(key);
  if (!t) {
    t = { hits: 0, rules: new Map(), hosts: new Set(), tenants: new Set(), first: Infinity, last: -Infinity };
    tallies.set(key, t);
  }
  t.hits++;
  t.rules.set(d.rule.title, (t.rules.get(d.rule.title) ?? 0) + 1);
  // Sets stay small: hosts and tenants beyond the display limit are only counted.
  if (d.host && t.hosts.size < 1000) t.hosts.add(d.host);
  if (d.tenant && t.tenants.size < 1000) t.tenants.add(d.tenant);
  if (Number.isFinite(d.timestamp)) {
    if (d.timestamp < t.first) t.first = d.timestamp;
    if (d.timestamp > t.last) t.last = d.timestamp;
  }
}

function listOf(items: string[]): string {
  const shown = items.slice(0, LIST_LIMIT).join('; ');
  return items.length > LIST_LIMIT ? `${shown}; +${items.length - LIST_LIMIT} more` : shown;
}

function clip(text: string): string {
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT - 1)}…` : text;
}

/** Navigator's `versions.attack` is the major release ("18"). */
function majorVersion(version: string): string {
  const m = /^(\d+)/.exec(version);
  return m ? m[1] : version;
}
