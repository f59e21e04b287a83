// The data the HTML report embeds: detections as compact rows, intrusions, rules, ATT&CK names. Plain JSON;
// the page renders it with DOM text nodes only, so values stay as found (capped in length, never interpreted).
import type { Intrusion } from '../../correlate/types.js';
import type { Detection } from '../../engine/types.js';
import { indexOf, tacticsOf, techniquesOf, type AttackTable } from '../../intel/index.js';

// The largest time (ms from the epoch, either way) a JavaScript Date can hold.
const MAX_DATE_MS = 8.64e15;

/** Longest value kept per field (the page shows a prefix with "show more"). */
export const VALUE_CAP = 20_000;
const FIELD_COUNT_CAP = 64;
const NAME_CAP = 1_000;

/** One detection row: [time ms|null, rule index, host, tenant, channel, event id, record id, file index, fields]. */
export type ReportRow = [
  number | null,
  number,
  string,
  string,
  string,
  number,
  number,
  number,
  [string, string][],
];

export interface ReportRule {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly tags: readonly string[];
  readonly techniques: readonly string[];
  readonly tactics: readonly string[];
}

/** An intrusion as the page needs it: the model plus row indexes instead of detection objects. */
export type ReportIntrusion = Omit<Intrusion, 'detections'> & { readonly rows: number[] };

export interface ReportPayload {
  readonly title: string;
  readonly generated: string;
  readonly attackVersion: string;
  readonly summary: [string, string][];
  readonly tactics: { readonly id: string; readonly shortName: string; readonly name: string }[];
  /** Technique id → [name, tactic short names], for techniques that appear in the report. */
  readonly techniques: Record<string, [string, string[]]>;
  readonly rules: ReportRule[];
  readonly files: string[];
  readonly rows: ReportRow[];
  /** Detections past the row limit (those belonging to an intrusion are added back to the rows). */
  readonly omitted: number;
  readonly intrusions: ReportIntrusion[];
}

export interface PayloadInput {
  readonly detections: Iterable<Detection>;
  readonly intrusions?: readonly Intrusion[];
  readonly summary?: unknown;
  readonly table: AttackTable;
  readonly title: string;
  readonly generated: Date;
  readonly maxRows: number;
  /** Detections the caller already left out (added to `omitted`). */
  readonly omitted?: number;
}

function cap(value: unknown, limit: number): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return text.length > limit ? text.slice(0, limit) : text;
}

function detectionKey(d: Detection): string {
  return `${d.file}\u0000${d.recordId}\u0000${d.rule.id}\u0000${d.timestamp}`;
}

/** Builds the embedded payload; intrusion detections are always kept even beyond the row limit. */
export function buildReportPayload(input: PayloadInput): ReportPayload {
  const rules: ReportRule[] = [];
  const ruleIndex = new Map<string, number>();
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const rows: ReportRow[] = [];
  // Intrusion detections are usually the very objects of the detection list: found by identity. Copies (from
  // worker threads) are found by key, with the key map built only the first time one is needed.
  const rowOfObject = new Map<Detection, number>();
  const sources: Detection[] = [];
  let rowOfKey: Map<string, number> | undefined;
  const findRow = (d: Detection): number | undefined => {
    const byObject = rowOfObject.get(d);
    if (byObject !== undefined) return byObject;
    if (!rowOfKey) {
      rowOfKey = new Map();
      sources.forEach((s, i) => rowOfKey?.set(detectionKey(s), i));
    }
    return rowOfKey.get(detectionKey(d));
  };
  const usedTechniques = new Set<string>();

  const appendRow = (d: Detection): number => {
    let r = ruleIndex.get(d.rule.id);
    if (r === undefined) {
      const techniques = techniquesOf(d.rule.tags);
      for (const t of techniques) usedTechniques.add(t);
      r =
        rules.push({
          id: cap(d.rule.id, NAME_CAP),
          title: cap(d.rule.title, NAME_CAP),
          level: cap(d.rule.level, 20),
          tags: d.rule.tags.slice(0, 64).map((t) => cap(t, 200)),
          techniques,
          tactics: tacticsOf(d.rule.tags),
        }) - 1;
      ruleIndex.set(d.rule.id, r);
    }
    let f = fileIndex.get(d.file);
    if (f === undefined) {
      f = files.push(cap(d.file, NAME_CAP * 4)) - 1;
      fileIndex.set(d.file, f);
    }
    const fields: [string, string][] = [];
    for (const [k, v] of Object.entries(d.fields ?? {})) {
      if (fields.length >= FIELD_COUNT_CAP) break;
      fields.push([cap(k, 200), cap(v, VALUE_CAP)]);
    }
    const row: ReportRow = [
      // Finite is not enough: the page's Date throws on times past ±8.64e15 ms.
      Math.abs(d.timestamp) <= MAX_DATE_MS ? d.timestamp : null,
      r,
      cap(d.host, NAME_CAP),
      cap(d.tenant, NAME_CAP),
      cap(d.channel, NAME_CAP),
      Number.isFinite(d.eventId) ? d.eventId : 0,
      Number.isFinite(d.recordId) ? d.recordId : 0,
      f,
      fields,
    ];
    rowOfObject.set(d, rows.length);
    sources.push(d);
    rowOfKey?.set(detectionKey(d), rows.length);
    return rows.push(row) - 1;
  };

  let omitted = Math.max(0, input.omitted ?? 0);
  for (const d of input.detections) {
    if (rows.length < input.maxRows) appendRow(d);
    else omitted++;
  }
  const intrusions = [...(input.intrusions ?? [])]
    .sort((a, b) => b.score - a.score)
    .map((i): ReportIntrusion => {
      const { detections, ...rest } = i;
      for (const t of i.techniques) usedTechniques.add(t);
      return { ...rest, rows: detections.map((d) => findRow(d) ?? appendRow(d)).sort((a, b) => a - b) };
    });

  const index = indexOf(input.table);
  const techniques: Record<string, [string, string[]]> = {};
  for (const id of [...usedTechniques].sort()) {
    const t = index.technique.get(id);
    if (t) techniques[id] = [t.name, [...t.tactics]];
  }
  return {
    title: input.title,
    generated: input.generated.toISOString(),
    attackVersion: input.table.attackVersion,
    summary: flattenSummary(input.summary),
    tactics: input.table.tactics.map((t) => ({ id: t.id, shortName: t.shortName, name: t.name })),
    techniques,
    rules,
    files,
    rows,
    omitted,
    intrusions,
  };
}

/** Summary as label/text pairs: scalars as they are, small objects as `k=v` lists, the rest as short JSON. */
export function flattenSummary(summary: unknown): [string, string][] {
  if (!summary || typeof summary !== 'object') return [];
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(summary as Record<string, unknown>).slice(0, 60)) {
    let text: string;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object') text = String(value);
    else if (
      !Array.isArray(value) &&
      Object.values(value).every((v) => typeof v !== 'object' || v === null)
    ) {
      text = Object.entries(value)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ');
    } else if (Array.isArray(value) && value.every(isFlat)) {
      text = value.length ? value.slice(0, 50).map(describeItem).join('; ') : 'none';
    } else {
      try {
        text = JSON.stringify(value);
      } catch {
        text = '[unprintable]';
      }
    }
    out.push([cap(key, 200), cap(text, 2_000)]);
  }
  return out;
}

const LABEL_KEYS = ['title', 'name', 'host', 'tenant', 'tactic', 'file', 'path'];

function isFlat(v: unknown): boolean {
  return (
    v === null || typeof v !== 'object' || Object.values(v).every((x) => x === null || typeof x !== 'object')
  );
}

/** One list item of the summary: `label (count)` for {title/host/...: label, n: count}, else its values. */
function describeItem(item: unknown): string {
  if (item === null || typeof item !== 'object') return String(item);
  const entries = Object.entries(item as Record<string, unknown>);
  const label = entries.find(([k, v]) => LABEL_KEYS.includes(k) && typeof v === 'string');
  const count = entries.find(([, v]) => typeof v === 'number');
  if (label && count) return `${String(label[1])} (${String(count[1])})`;
  return entries.map(([, v]) => String(v)).join(' \u00b7 ');
}
