// Which rules a hunt runs: Dwell's own rules (found relative to the package, not the cwd) plus the user's
// Sigma folders, narrowed by level, status, id, tag, path and a mute list.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Level, RuleInfo } from '../engine/types.js';
import { LEVELS } from '../engine/types.js';
import type { RuleFilter } from './types.js';

/** The project root: the nearest folder above this module holding Dwell's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dwell') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** Dwell's own Sigma rules folder (`rules/` in the package), or undefined when it is missing. */
export function dwellRulesDir(): string | undefined {
  const dir = join(packageRoot(), 'rules');
  return existsSync(dir) ? dir : undefined;
}

/** Reads mute files: one rule id or exact title per line; `#` starts a comment. */
export function loadMuteList(paths: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    for (const raw of readFileSync(p, 'utf8').split(/\r?\n/)) {
      const hash = raw.indexOf('#');
      const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
      // CSV-style lists ("id,title") keep the first cell.
      const cell = line.split(',')[0]!.trim();
      if (cell) out.add(cell.toLowerCase());
    }
  }
  return out;
}

function tagMatches(tags: readonly string[], wanted: readonly string[]): boolean {
  for (const tag of tags) {
    const t = tag.toLowerCase();
    for (const w of wanted) if (t === w || t.startsWith(w + '.')) return true;
  }
  return false;
}

/** The rule selection predicate for the Engine, from the options; muted entries are resolved here. */
export function ruleSelector(filter: RuleFilter & { minLevel?: Level }): (rule: RuleInfo) => boolean {
  const minRank = filter.minLevel ? LEVELS.indexOf(filter.minLevel) : 0;
  const lower = (xs?: string[]) => (xs && xs.length ? xs.map((x) => x.toLowerCase()) : undefined);
  const status = lower(filter.status);
  const incIds = lower(filter.includeIds);
  const excIds = lower(filter.excludeIds);
  const incTags = lower(filter.includeTags);
  const excTags = lower(filter.excludeTags);
  const incPaths = lower(filter.includePaths);
  const excPaths = lower(filter.excludePaths);
  const muted = filter.mute && filter.mute.length ? loadMuteList(filter.mute) : undefined;
  return (rule) => {
    if (LEVELS.indexOf(rule.level) < minRank) return false;
    const id = rule.id.toLowerCase();
    if (status && !status.includes((rule.status ?? '').toLowerCase())) return false;
    if (incIds && !incIds.includes(id)) return false;
    if (excIds && excIds.includes(id)) return false;
    if (incTags && !tagMatches(rule.tags, incTags)) return false;
    if (excTags && tagMatches(rule.tags, excTags)) return false;
    const path = (rule.path ?? '').toLowerCase().replace(/\\/g, '/');
    if (incPaths && !incPaths.some((p) => path.includes(p))) return false;
    if (excPaths && excPaths.some((p) => path.includes(p))) return false;
    if (muted && (muted.has(id) || muted.has(rule.title.toLowerCase()))) return false;
    return true;
  };
}
