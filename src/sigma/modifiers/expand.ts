// The expand modifier: `%placeholder%` in a value is replaced by each value listed for that placeholder in the
// expand configuration (config/expand/<placeholder>.txt or .yaml, or a map given by the caller).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Placeholder name (without %) → the values it stands for. */
export type ExpandConfig = ReadonlyMap<string, readonly string[]>;

const MAX_EXPANSIONS = 1000;

/** Reads every `<name>.txt` (one value a line, # comments) and `<name>.yml/.yaml` (a list or a map of lists). */
export function loadExpandConfig(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const ext = extname(name).toLowerCase();
    const file = join(dir, name);
    try {
      const text = readFileSync(file, 'utf8');
      if (ext === '.txt') {
        const values = text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('#'));
        out.set(basename(name, ext), values);
      } else if (ext === '.yml' || ext === '.yaml') {
        const data = parseYaml(text) as unknown;
        if (Array.isArray(data)) out.set(basename(name, ext), data.map(String));
        else if (data && typeof data === 'object') {
          for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
            if (Array.isArray(v)) out.set(k, v.map(String));
            else if (v !== null && v !== undefined) out.set(k, [String(v)]);
          }
        }
      }
    } catch {
      // An unreadable expand file leaves its placeholders unknown; rules using them report that.
    }
  }
  return out;
}

/** The placeholder names (without %) a value uses. */
export function placeholdersOf(value: string): string[] {
  const out: string[] = [];
  let i = value.indexOf('%');
  while (i >= 0) {
    const j = value.indexOf('%', i + 1);
    if (j < 0) break;
    if (j > i + 1) out.push(value.slice(i + 1, j));
    i = value.indexOf('%', j + 1);
  }
  return out;
}

/** Expands every %placeholder% of a value; `missing` lists placeholders without configured values. */
export function expandValue(value: string, config: ExpandConfig): { values: string[]; missing: string[] } {
  const names = placeholdersOf(value);
  const missing = names.filter((n) => !config.has(n));
  if (names.length === 0 || missing.length > 0) return { values: [value], missing };
  let values = [value];
  for (const name of names) {
    const replacements = config.get(name)!;
    const next: string[] = [];
    for (const v of values) {
      for (const r of replacements) {
        if (next.length >= MAX_EXPANSIONS) break;
        next.push(v.replace(`%${name}%`, r));
      }
    }
    values = next;
  }
  return { values, missing };
}
