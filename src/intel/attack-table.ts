// Loads the ATT&CK table: the compact one shipped in data/, a compact one elsewhere, or a STIX bundle.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ATTACK_TABLE_FORMAT,
  type AttackGroup,
  type AttackTable,
  type AttackTactic,
  type AttackTechnique,
} from './attack-types.js';
import { buildAttackTable } from './build-table.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Path of the shipped table: `data/attack-table.json` at the package root (from src/ or dist/src/). */
export function shippedAttackTablePath(): string {
  const candidates = [resolve(here, '..', '..', 'data'), resolve(here, '..', '..', '..', 'data')];
  for (const dir of candidates) {
    const p = join(dir, 'attack-table.json');
    if (existsSync(p)) return p;
  }
  return join(candidates[1], 'attack-table.json');
}

const cache = new Map<string, AttackTable>();

/**
 * Loads an ATT&CK table: the shipped compact table when `path` is omitted, else the compact table or the
 * ATT&CK STIX 2.1 bundle at `path` (a bundle is converted on the fly). Throws with the path on bad input.
 */
export function loadAttackTable(path?: string): AttackTable {
  const file = resolve(path ?? shippedAttackTablePath());
  const cached = cache.get(file);
  if (cached) return cached;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read ATT&CK table: ${(err as Error).message}`);
  }
  let table: AttackTable;
  if ((parsed as { format?: unknown })?.format === ATTACK_TABLE_FORMAT) {
    const t = parsed as AttackTable;
    if (!Array.isArray(t.tactics) || !Array.isArray(t.techniques) || !Array.isArray(t.groups)) {
      throw new Error(`${file}: ATT&CK table lacks its tactics, techniques or groups`);
    }
    table = t;
  } else table = buildAttackTable(parsed, { file: basename(file), commit: readSourceCommit(file) });
  cache.set(file, table);
  return table;
}

/** The first word of SOURCE_COMMIT beside a bundle (mitre/cti layout of the shared corpus), if any. */
function readSourceCommit(bundlePath: string): string | undefined {
  try {
    const text = readFileSync(join(dirname(bundlePath), 'SOURCE_COMMIT'), 'utf8').trim();
    return text.split(/\s+/)[0] || undefined;
  } catch {
    return undefined;
  }
}

/** Lookups built once per table. */
export interface AttackIndex {
  readonly technique: ReadonlyMap<string, AttackTechnique>;
  readonly tactic: ReadonlyMap<string, AttackTactic>;
  readonly group: ReadonlyMap<string, AttackGroup>;
  /** Tactic short name → position in the kill chain. */
  readonly tacticRank: ReadonlyMap<string, number>;
}

const indexes = new WeakMap<AttackTable, AttackIndex>();

/** Id → object maps for a table (memoised). */
export function indexOf(table: AttackTable): AttackIndex {
  let idx = indexes.get(table);
  if (!idx) {
    idx = {
      technique: new Map(table.techniques.map((t) => [t.id, t])),
      tactic: new Map(table.tactics.map((t) => [t.shortName, t])),
      group: new Map(table.groups.map((g) => [g.id, g])),
      tacticRank: new Map(table.tactics.map((t, i) => [t.shortName, i])),
    };
    indexes.set(table, idx);
  }
  return idx;
}
