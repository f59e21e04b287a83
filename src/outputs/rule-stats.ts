// Per-rule statistics: how often each rule fired and how long it took, written as CSV or JSON.
import { writeFileSync } from 'node:fs';
import { csvCell } from './csv.js';

/** One rule's statistics, summed over all workers. */
export interface RuleStat {
  readonly ruleId: string;
  readonly title: string;
  hits: number;
  timeMs: number;
}

/** Sums per-worker statistics rule by rule. */
export function mergeRuleStats(into: Map<string, RuleStat>, stats: Iterable<RuleStat>): void {
  for (const s of stats) {
    const cur = into.get(s.ruleId);
    if (cur) {
      cur.hits += s.hits;
      cur.timeMs += s.timeMs;
    } else into.set(s.ruleId, { ruleId: s.ruleId, title: s.title, hits: s.hits, timeMs: s.timeMs });
  }
}

/** Rule statistics sorted by time spent, then hits. */
export function sortedRuleStats(stats: Iterable<RuleStat>): RuleStat[] {
  return [...stats].sort(
    (a, b) => b.timeMs - a.timeMs || b.hits - a.hits || a.ruleId.localeCompare(b.ruleId),
  );
}

/** Writes rule statistics: CSV when the path ends in .csv, JSON otherwise. */
export function writeRuleStats(path: string, stats: readonly RuleStat[]): void {
  if (path.toLowerCase().endsWith('.csv')) {
    const lines = ['RuleId,Title,Hits,TimeMs'];
    for (const s of stats)
      lines.push([s.ruleId, s.title, s.hits, s.timeMs.toFixed(3)].map(csvCell).join(','));
    writeFileSync(path, '\uFEFF' + lines.join('\r\n') + '\r\n');
  } else {
    writeFileSync(
      path,
      JSON.stringify(
        stats.map((s) => ({ ...s, timeMs: Math.round(s.timeMs * 1000) / 1000 })),
        null,
        2,
      ) + '\n',
    );
  }
}
