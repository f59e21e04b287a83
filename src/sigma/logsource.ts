// Native logsource mapping: which channels, event ids and providers a Sigma logsource stands for in Windows
// logs, and how field names differ there. Read from YAML (config/logsources.yaml plus user files).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Logsource, RuleProblem } from './types.js';

/** One place a logsource's events come from. */
export interface LogsourceTarget {
  /** Lower-cased channel names; empty means any channel. */
  readonly channels: readonly string[];
  readonly eventIds?: readonly number[];
  /** Lower-cased provider names the record must come from (absent: any). */
  readonly providers?: readonly string[];
  /** Rule field name → the field name in this log. */
  readonly fields?: Readonly<Record<string, string>>;
}

/** One mapping entry: a logsource and where it lives. */
export interface LogsourceMappingEntry {
  readonly logsource: Logsource;
  readonly targets: readonly LogsourceTarget[];
  readonly file: string;
}

/** How a rule's logsource resolved. */
export type LogsourceResolution =
  | { kind: 'mapped'; targets: readonly LogsourceTarget[] }
  /** A product-only logsource (e.g. `product: windows`): every record of that product. */
  | { kind: 'any' }
  | { kind: 'unmapped'; reason: string };

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Path of the shipped mapping: config/logsources.yaml at the package root. Found by walking up from this module
 * (src/sigma or any build folder such as dist/src/sigma), so a build placed anywhere inside the package finds
 * it; without it no logsource would map and almost every rule would be left out.
 */
export function defaultMappingFile(): string {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'config', 'logsources.yaml');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return resolve(here, '..', '..', 'config', 'logsources.yaml'); // absent: loading reports it as a problem
}

/** Path of the shipped expand placeholder folder (config/expand). */
export function defaultExpandDir(): string {
  return join(dirname(defaultMappingFile()), 'expand');
}

// A mapping value as text: only scalars are (a YAML map with a `toString` key cannot be converted with String(),
// and String() of a deeply nested list recurses until the stack overflows).
function scalarText(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

// What a non-scalar mapping value is, for a problem's reason.
function kindOf(v: unknown): string {
  return v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'a map'
        : `a ${typeof v}`;
}

// Lower-cased names from a scalar or a list of scalars; `bad` hears of anything else.
function lowerList(v: unknown, bad: (what: string) => void): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const out: string[] = [];
  for (const x of Array.isArray(v) ? v : [v]) {
    const text = scalarText(x);
    if (text === undefined) bad(`${kindOf(x)} instead of a name`);
    else out.push(text.toLowerCase());
  }
  return out;
}

/** Reads mapping files; later files take precedence over earlier ones. Problems for malformed entries. */
export function loadLogsourceMapping(
  files: readonly string[],
  problems: RuleProblem[],
): LogsourceMappingEntry[] {
  const entries: LogsourceMappingEntry[] = [];
  for (const file of files) {
    let data: unknown;
    try {
      data = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push({
        file,
        severity: 'invalid',
        reason: `logsource mapping cannot be read: ${(err as Error).message}`,
      });
      continue;
    }
    const list = (data as { logsources?: unknown } | null)?.logsources;
    if (!Array.isArray(list)) {
      problems.push({
        file,
        severity: 'invalid',
        reason: `logsource mapping needs a top-level 'logsources:' list`,
      });
      continue;
    }
    list.forEach((raw, i) => {
      const e = raw as Record<string, unknown> | null;
      const sources = e?.sources;
      if (!e || !Array.isArray(sources)) {
        problems.push({ file, severity: 'invalid', reason: `logsources[${i}] needs a 'sources' list` });
        return;
      }
      const logsource: { product?: string; category?: string; service?: string } = {};
      for (const key of ['product', 'category', 'service'] as const) {
        if (typeof e[key] === 'string') logsource[key] = (e[key] as string).toLowerCase();
      }
      const targets: LogsourceTarget[] = [];
      (sources as Record<string, unknown>[]).forEach((s, j) => {
        if (!s || typeof s !== 'object') return;
        const bad = (key: string) => (what: string) =>
          problems.push({
            file,
            severity: 'invalid',
            reason: `logsources[${i}].sources[${j}].${key}: ${what}`,
          });
        const ids =
          s.event_ids === undefined ? undefined : Array.isArray(s.event_ids) ? s.event_ids : [s.event_ids];
        const eventIds = ids?.map((id) => Number(scalarText(id))).filter((n) => Number.isInteger(n));
        let fields: Record<string, string> | undefined;
        if (s.fields && typeof s.fields === 'object') {
          // No prototype: the engine looks rule field names up here, and a rule field named "constructor" or
          // "__proto__" must find no mapping rather than Object.prototype's members.
          fields = Object.create(null) as Record<string, string>;
          for (const [k, v] of Object.entries(s.fields as Record<string, unknown>)) {
            const text = scalarText(v);
            if (text === undefined) bad(`fields.${k}`)(`${kindOf(v)} instead of a field name`);
            else fields[k] = text;
          }
        }
        targets.push({
          channels: lowerList(s.channel, bad('channel')) ?? [],
          eventIds,
          providers: lowerList(s.providers, bad('providers')),
          fields,
        });
      });
      entries.push({ logsource, targets, file });
    });
  }
  return entries;
}

function describe(ls: Logsource): string {
  return (['product', 'category', 'service'] as const)
    .filter((k) => ls[k])
    .map((k) => `${k}=${ls[k]}`)
    .join(' ');
}

/** Finds where a rule's logsource lives; the most recently loaded matching entry wins. */
export function resolveLogsource(
  ls: Logsource,
  mapping: readonly LogsourceMappingEntry[],
): LogsourceResolution {
  const fits = (e: LogsourceMappingEntry, useCategory: boolean, useService: boolean): boolean =>
    (e.logsource.product === undefined || ls.product === undefined || e.logsource.product === ls.product) &&
    (useCategory ? e.logsource.category === ls.category : e.logsource.category === undefined) &&
    (useService ? e.logsource.service === ls.service : e.logsource.service === undefined);
  const attempts: [boolean, boolean][] = [[true, true]];
  if (ls.category && ls.service) attempts.push([true, false], [false, true]);
  for (const [c, s] of attempts) {
    for (let i = mapping.length - 1; i >= 0; i--) {
      const e = mapping[i]!;
      if (
        (c || s) &&
        fits(e, c, s) &&
        (e.logsource.category !== undefined || e.logsource.service !== undefined)
      ) {
        return { kind: 'mapped', targets: e.targets };
      }
    }
  }
  if (!ls.category && !ls.service && ls.product === 'windows') return { kind: 'any' };
  return {
    kind: 'unmapped',
    reason: `logsource '${describe(ls)}' has no mapping to Windows channels (add one to a logsource mapping file)`,
  };
}
