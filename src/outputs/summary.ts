// The end-of-hunt summary: what was read, what fired (by level, rule, host, tactic), what was damaged, how
// fast. Built from detections plus counters; rendered for a terminal or returned as JSON.
import pc from 'picocolors';
import type { Detection, Level } from '../engine/types.js';
import { LEVELS } from '../engine/types.js';
import { tacticsOf } from '../intel/index.js';
import { terminalText } from '../engine/terminal-text.js';

/** A file that could not be read fully: every reader warning is counted, the first few are kept. */
export interface DamagedFile {
  readonly file: string;
  readonly warnings: number;
  /** True when nothing at all could be read from it. */
  readonly unreadable: boolean;
  readonly reasons: readonly string[];
}

/** Everything the summary shows; also the `--json` output. */
export interface HuntSummary {
  files: number;
  filesRead: number;
  bytes: number;
  records: number;
  detections: number;
  /** Detections dropped because the same record (same host, channel, record id, time, data) was seen before. */
  duplicatesDropped: number;
  byLevel: Record<Level, number>;
  topRules: { id: string; title: string; level: Level; hits: number }[];
  topHosts: { host: string; tenant?: string; detections: number }[];
  tactics: { tactic: string; detections: number }[];
  tenants: { tenant: string; detections: number }[];
  damagedFiles: DamagedFile[];
  /** unmapped: rules not run because their logsource maps to no Windows channel (Linux, macOS, cloud…). */
  rules: { loaded: number; selected: number; problems: number; unmapped?: number };
  workers: number;
  elapsedMs: number;
  recordsPerSecond: number;
}

/** Counters the hunt collects besides the detections. */
export interface SummaryCounters {
  files: number;
  filesRead: number;
  bytes: number;
  records: number;
  duplicatesDropped: number;
  damagedFiles: DamagedFile[];
  /** unmapped: rules not run because their logsource maps to no Windows channel (Linux, macOS, cloud…). */
  rules: { loaded: number; selected: number; problems: number; unmapped?: number };
  workers: number;
  elapsedMs: number;
}

function top<K>(counts: Map<K, number>, n: number): [K, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]))).slice(0, n);
}

/** Accumulates detections one by one (in a streaming pass), then builds the summary. */
export class SummaryBuilder {
  private readonly byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  private readonly rules = new Map<string, number>();
  private readonly ruleInfo = new Map<string, Detection['rule']>();
  private readonly hosts = new Map<string, number>();
  private readonly tactics = new Map<string, number>();
  private readonly tacticsByRule = new Map<string, string[]>();
  private readonly tenants = new Map<string, number>();
  private total = 0;

  /** Counts one detection. */
  add(d: Detection): void {
    this.total++;
    this.byLevel[d.rule.level] = (this.byLevel[d.rule.level] ?? 0) + 1;
    this.rules.set(d.rule.id, (this.rules.get(d.rule.id) ?? 0) + 1);
    let tactics = this.tacticsByRule.get(d.rule.id);
    if (!tactics) {
      this.ruleInfo.set(d.rule.id, d.rule);
      tactics = tacticsOf(d.rule.tags);
      this.tacticsByRule.set(d.rule.id, tactics);
    }
    const hostKey = `${d.tenant ?? ''}\u0000${d.host}`;
    this.hosts.set(hostKey, (this.hosts.get(hostKey) ?? 0) + 1);
    for (const t of tactics) this.tactics.set(t, (this.tactics.get(t) ?? 0) + 1);
    if (d.tenant !== undefined) this.tenants.set(d.tenant, (this.tenants.get(d.tenant) ?? 0) + 1);
  }

  /** The summary of everything added, with the hunt's counters. */
  build(c: SummaryCounters, topN = 10): HuntSummary {
    const secs = c.elapsedMs / 1000;
    return {
      files: c.files,
      filesRead: c.filesRead,
      bytes: c.bytes,
      records: c.records,
      detections: this.total,
      duplicatesDropped: c.duplicatesDropped,
      byLevel: { ...this.byLevel },
      topRules: top(this.rules, topN).map(([id, hits]) => {
        const r = this.ruleInfo.get(id)!;
        return { id, title: r.title, level: r.level, hits };
      }),
      topHosts: top(this.hosts, topN).map(([key, n]) => {
        const [tenant, host] = key.split('\u0000') as [string, string];
        return tenant ? { host, tenant, detections: n } : { host, detections: n };
      }),
      tactics: top(this.tactics, 20).map(([tactic, n]) => ({ tactic, detections: n })),
      tenants: top(this.tenants, 50).map(([tenant, n]) => ({ tenant, detections: n })),
      damagedFiles: c.damagedFiles,
      rules: c.rules,
      workers: c.workers,
      elapsedMs: Math.round(c.elapsedMs),
      recordsPerSecond: secs > 0 ? Math.round(c.records / secs) : 0,
    };
  }
}

/** Builds the summary from the final detections and the hunt's counters. */
export function buildSummary(detections: Iterable<Detection>, c: SummaryCounters, topN = 10): HuntSummary {
  const b = new SummaryBuilder();
  for (const d of detections) b.add(d);
  return b.build(c, topN);
}

const LEVEL_COLOR: Record<Level, (s: string) => string> = {
  informational: pc.dim,
  low: pc.cyan,
  medium: pc.yellow,
  high: pc.red,
  critical: (s) => pc.bold(pc.red(s)),
};

/** Terminal text for the summary; colour only when asked (TTY and no NO_COLOR). */
export function formatSummary(s: HuntSummary, opts: { color?: boolean } = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const lvl = (l: Level, text: string) => (opts.color ? LEVEL_COLOR[l](text) : text);
  const n = (x: number) => x.toLocaleString('en-US');
  const lines: string[] = [];
  lines.push(c.bold('Dwell hunt summary'));
  lines.push(
    `  files ${n(s.filesRead)}/${n(s.files)} read, ${n(s.records)} records, ${(s.bytes / 1048576).toFixed(1)} MiB` +
      ` in ${(s.elapsedMs / 1000).toFixed(1)} s (${n(s.recordsPerSecond)} records/s, ${s.workers > 1 ? `${s.workers} worker threads` : 'one thread'})`,
  );
  lines.push(
    `  rules ${n(s.rules.selected)} selected of ${n(s.rules.loaded)} loaded, ${n(s.rules.problems)} rule problems` +
      (s.rules.unmapped
        ? ` (${n(s.rules.unmapped)} more not run: their logsource is not a Windows event log)`
        : ''),
  );
  const levels = [...LEVELS]
    .reverse()
    .map((l) => lvl(l, `${l} ${n(s.byLevel[l])}`))
    .join(', ');
  lines.push(
    `  detections ${c.bold(n(s.detections))}: ${levels}` +
      (s.duplicatesDropped ? ` (${n(s.duplicatesDropped)} duplicates dropped)` : ''),
  );
  if (s.topRules.length) {
    lines.push(c.bold('Top rules'));
    for (const r of s.topRules)
      lines.push(`  ${n(r.hits).padStart(8)}  ${lvl(r.level, r.level.padEnd(13))} ${terminalText(r.title)}`);
  }
  if (s.topHosts.length) {
    lines.push(c.bold('Top hosts'));
    for (const h of s.topHosts)
      lines.push(
        `  ${n(h.detections).padStart(8)}  ${terminalText(h.host) || '(no host)'}${h.tenant ? `  [${terminalText(h.tenant)}]` : ''}`,
      );
  }
  if (s.tactics.length) {
    lines.push(c.bold('ATT&CK tactics seen'));
    lines.push('  ' + s.tactics.map((t) => `${terminalText(t.tactic)} (${n(t.detections)})`).join(', '));
  }
  if (s.tenants.length) {
    lines.push(c.bold('Tenants'));
    lines.push('  ' + s.tenants.map((t) => `${terminalText(t.tenant)} (${n(t.detections)})`).join(', '));
  }
  if (s.damagedFiles.length) {
    lines.push(c.bold(c.yellow(`Damaged or unreadable files (${s.damagedFiles.length})`)));
    for (const f of s.damagedFiles.slice(0, 20))
      lines.push(
        `  ${f.unreadable ? 'unreadable' : `${n(f.warnings)} warning${f.warnings === 1 ? '' : 's'}`}: ${terminalText(f.file)}: ${terminalText(f.reasons[0] ?? '')}`,
      );
    if (s.damagedFiles.length > 20) lines.push(`  ... and ${s.damagedFiles.length - 20} more`);
  }
  return lines.join('\n') + '\n';
}
