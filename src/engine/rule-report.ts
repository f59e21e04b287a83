// What `dwell rules check` and `dwell rules explain` print: a per-folder account of a loaded rule set (compiled,
// unmapped, unsupported, invalid) with every problem placed, and the compiled form of one rule.
import { relative, resolve, sep } from 'node:path';
import type { RuleProblem } from '../sigma/types.js';
import type { CompiledRule } from './compile-rule.js';
import type { RuleSet } from './load.js';
import { terminalText } from './terminal-text.js';

/** One row of the `rules check` table. */
export interface FolderCounts {
  folder: string;
  rules: number;
  compiled: number;
  /** Compiled, but the logsource maps to no Windows channel (they run once a mapping is added). */
  unmapped: number;
  unsupported: number;
  invalid: number;
}

/** The whole `rules check` result. */
export interface RuleCheckReport {
  folders: FolderCounts[];
  total: FolderCounts;
  correlations: number;
  filters: number;
  /** Problems worth showing (invalid and unsupported; warnings when asked), sorted by file and line. */
  problems: RuleProblem[];
}

function folderOf(file: string, roots: readonly string[], depth: number): string {
  const abs = resolve(file);
  for (const root of roots) {
    const r = resolve(root);
    if (abs === r) return root;
    if (abs.startsWith(r + sep)) {
      const parts = relative(r, abs).split(sep).slice(0, -1).slice(0, depth);
      return [root.replace(/[\\/]+$/, ''), ...parts].join('/');
    }
  }
  return '.';
}

/** Counts outcomes per folder (the given roots plus `depth` levels below them). */
export function checkReport(
  ruleSet: RuleSet,
  roots: readonly string[],
  opts: { depth?: number; warnings?: boolean } = {},
): RuleCheckReport {
  const depth = opts.depth ?? 1;
  const byFolder = new Map<string, FolderCounts>();
  const total: FolderCounts = {
    folder: 'total',
    rules: 0,
    compiled: 0,
    unmapped: 0,
    unsupported: 0,
    invalid: 0,
  };
  let correlations = 0;
  let filters = 0;
  for (const o of ruleSet.outcomes) {
    if (o.kind === 'correlation') correlations++;
    if (o.kind === 'filter') filters++;
    const folder = folderOf(o.file, roots, depth);
    let row = byFolder.get(folder);
    if (!row) {
      row = { folder, rules: 0, compiled: 0, unmapped: 0, unsupported: 0, invalid: 0 };
      byFolder.set(folder, row);
    }
    for (const r of [row, total]) {
      r.rules++;
      r[o.status]++;
    }
  }
  const problems = ruleSet.problems
    .filter((p) => opts.warnings || p.severity !== 'warning')
    .sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
  return {
    folders: [...byFolder.values()].sort((a, b) => a.folder.localeCompare(b.folder)),
    total,
    correlations,
    filters,
    problems,
  };
}

/** Renders the report as an aligned text table followed by the problems (file:line:col severity reason). */
export function formatCheckReport(report: RuleCheckReport): string {
  const head = ['folder', 'rules', 'compiled', 'unmapped', 'unsupported', 'invalid'];
  const rows = [...report.folders, report.total].map((r) => [
    terminalText(r.folder),
    String(r.rules),
    String(r.compiled),
    String(r.unmapped),
    String(r.unsupported),
    String(r.invalid),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((r, i) => {
    if (i === rows.length - 1) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
    out.push(line(r));
  });
  const pct = report.total.rules
    ? ((100 * (report.total.compiled + report.total.unmapped)) / report.total.rules).toFixed(1)
    : '0';
  out.push(
    '',
    `${pct}% compiled (${report.total.unmapped} of them with a logsource that maps to no Windows channel); ` +
      `${report.correlations} correlation and ${report.filters} filter documents.`,
  );
  if (report.problems.length > 0) {
    out.push('', 'problems:');
    for (const p of report.problems) {
      const where = `${terminalText(p.file)}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}`;
      out.push(`${where} ${p.severity}: ${terminalText(p.reason)}`);
    }
  }
  return out.join('\n') + '\n';
}

/** The compiled variants of a rule found by id, name or title (exact), across compiled and unmapped rules. */
export function findRule(ruleSet: RuleSet, ref: string): CompiledRule[] {
  const all = [...ruleSet.rules, ...ruleSet.unmapped];
  const byId = all.filter((r) => r.info.id === ref || r.name === ref);
  if (byId.length > 0) return byId;
  const lower = ref.toLowerCase();
  return all.filter((r) => r.info.title.toLowerCase() === lower);
}

/** Describes a rule's compiled form: per variant its index keys, field mapping, condition, selections, needles. */
export function explainRule(variants: readonly CompiledRule[], unmappedReason?: string): string {
  if (variants.length === 0) return '';
  const first = variants[0]!;
  const out = [
    `${first.info.title}`,
    `  id: ${first.info.id}   level: ${first.info.level}   status: ${first.info.status ?? '-'}`,
    `  file: ${first.info.path ?? '-'}`,
    `  logsource: ${first.logsource}`,
  ];
  if (unmappedReason) out.push(`  not indexed: ${unmappedReason}`);
  variants.forEach((v, i) => {
    const channels = v.channels.length > 0 ? v.channels.join(', ') : '*';
    const ids = v.eventIds ? v.eventIds.join(', ') : '*';
    out.push('', `variant ${i + 1}: index keys channel=[${channels}] event_id=[${ids}]`);
    if (v.providers) out.push(`  providers: ${v.providers.join(', ')}`);
    if (v.fieldMap) {
      const used = Object.entries(v.fieldMap).filter(([from]) =>
        v.explain.some((l) => l.includes(`${from}→`)),
      );
      if (used.length > 0) out.push(`  field mapping: ${used.map(([a, b]) => `${a}→${b}`).join(', ')}`);
    }
    for (const l of v.explain) out.push(`  ${l}`);
    if (v.needles === undefined) out.push('  needles: none (always evaluated for its index keys)');
    else if (v.needles.length === 0) out.push('  needles: [] (can never match)');
    else {
      out.push(`  needles (any line; every needle of the line must occur in its field):`);
      for (const alt of v.needles.slice(0, 40)) {
        out.push(
          `    ${alt.map((n) => `${n.field.startsWith('\u0000') ? '<keywords>' : n.field}∋${JSON.stringify(n.needle)}`).join(' & ')}`,
        );
      }
      if (v.needles.length > 40) out.push(`    … ${v.needles.length - 40} more`);
    }
  });
  return out.map(terminalText).join('\n') + '\n';
}
