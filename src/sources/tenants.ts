// Which tenant (company) a file belongs to: a mapping file of path globs, or the first folder level under
// the input path the user gave (--tenant-from-dir).
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Glob, normalizeGlobPath } from './glob.js';

/** One mapping row: files matching `glob` belong to `tenant`. The first matching row wins. */
export interface TenantRule {
  readonly glob: string;
  readonly tenant: string;
}

/** Resolves the tenant of a file found under an input root. */
export interface TenantResolver {
  tenantOf(file: string, root: string): string | undefined;
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  cells.push(cur.trim());
  return cells;
}

/** Parses a tenant mapping: CSV (`glob,tenant`, optional header) or YAML (a map glob → tenant, or a list of
 * `{ path|glob, tenant }`, optionally under a `tenants:` key). Throws with a reason on a malformed file. */
export function parseTenantMap(text: string, fileName: string): TenantRule[] {
  const rules: TenantRule[] = [];
  const isCsv = fileName.toLowerCase().endsWith('.csv');
  if (isCsv) {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    lines.forEach((line, idx) => {
      if (!line.trim() || line.trimStart().startsWith('#')) return;
      const [glob, tenant] = splitCsvLine(line);
      if (idx === 0 && /^(glob|path|pattern)$/i.test(glob ?? '')) return;
      if (!glob || !tenant) throw new Error(`${fileName}:${idx + 1}: expected "glob,tenant"`);
      rules.push({ glob, tenant });
    });
    return rules;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    // The YAML library's messages (syntax, alias bombs, nesting that overflows its parser) name no file.
    throw new Error(`${fileName}: not a readable YAML tenant map: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'tenants' in doc)
    doc = (doc as { tenants: unknown }).tenants;
  if (Array.isArray(doc)) {
    doc.forEach((row: unknown, idx) => {
      const r = row as Record<string, unknown> | null;
      const glob = r?.glob ?? r?.path ?? r?.pattern;
      const tenant = r?.tenant;
      if (typeof glob !== 'string' || typeof tenant !== 'string')
        throw new Error(`${fileName}: entry ${idx + 1}: expected { path: <glob>, tenant: <name> }`);
      rules.push({ glob, tenant });
    });
  } else if (doc && typeof doc === 'object') {
    for (const [glob, tenant] of Object.entries(doc)) {
      if (typeof tenant !== 'string' && typeof tenant !== 'number')
        throw new Error(`${fileName}: "${glob}": tenant must be a name`);
      rules.push({ glob, tenant: String(tenant) });
    }
  } else if (doc !== null && doc !== undefined) {
    throw new Error(`${fileName}: expected a mapping of glob → tenant`);
  }
  return rules;
}

/** Loads a tenant mapping file (see parseTenantMap). */
export function loadTenantMap(path: string): TenantRule[] {
  return parseTenantMap(readFileSync(path, 'utf8'), path);
}

/** A resolver from mapping rules and/or the first folder level under each input root. */
export function tenantResolver(rules: readonly TenantRule[], fromDir: boolean): TenantResolver {
  const globs = rules.map((r) => ({ glob: new Glob(r.glob), tenant: r.tenant }));
  return {
    tenantOf(file, root) {
      if (globs.length > 0) {
        const norm = normalizeGlobPath(file);
        const rel = normalizeGlobPath(relative(root, file));
        for (const g of globs) if (g.glob.matches(norm) || g.glob.matches(rel)) return g.tenant;
      }
      if (fromDir) {
        const rel = relative(root, file);
        const first = rel.split(sep)[0];
        if (first && first !== rel && first !== '..') return first;
      }
      return undefined;
    },
  };
}
