// `dwell hunt <paths...>`: parses options and calls runHunt; prints the summary and sets the exit code.
import { InvalidArgumentError, Option } from 'commander';
import { terminalText } from '../../engine/index.js';
import { LEVELS, type Level } from '../../engine/types.js';
import { runHunt, type HuntOptions, type HuntResult } from '../../hunt/index.js';
import { formatSummary } from '../../outputs/summary.js';
import { EXIT, type CliContext, type RegisterCommand } from '../context.js';
import { interruptibleStdin, namesStdin } from '../stdin.js';

function parseLevel(value: string): Level {
  const v = value.toLowerCase();
  if ((LEVELS as readonly string[]).includes(v)) return v as Level;
  throw new InvalidArgumentError(`expected one of ${LEVELS.join(', ')}`);
}

function parseWarnings(value: string): string {
  if (value === 'all' || /^\d{1,9}$/.test(value)) return value;
  throw new InvalidArgumentError('expected a number of warnings (0 or more) or "all"');
}

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new InvalidArgumentError('expected a number of threads (0-64)');
  return n;
}

/** Repeatable option; also splits comma-separated lists. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

/** Repeatable option taking paths (no comma splitting). */
function collectPaths(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

interface HuntFlags {
  sigma?: string[];
  dwellRules: boolean;
  dedup: boolean;
  recover: boolean;
  minLevel?: Level;
  status?: string[];
  includeId?: string[];
  excludeId?: string[];
  includeTag?: string[];
  excludeTag?: string[];
  includePath?: string[];
  excludePath?: string[];
  mute?: string[];
  tenantMap?: string;
  tenantFromDir?: boolean;
  providerTenant?: string[];
  iocs?: string[];
  workers?: number;
  csv?: string;
  jsonl?: string;
  navigator?: string;
  intrusions?: string;
  report?: string;
  stix?: string;
  ruleStats?: string;
  mapping?: string[];
  failOn?: Level;
  json?: boolean;
  quiet?: boolean;
  warnings: string;
}

/** Maps CLI flags 1:1 onto HuntOptions. */
export function huntOptionsFromFlags(
  paths: string[],
  f: HuntFlags,
  progress?: NodeJS.WritableStream,
  /** The stream `-` among the paths stands for (standard input). */
  stdin?: AsyncIterable<Buffer>,
): HuntOptions {
  return {
    paths,
    ...(stdin ? { stdin } : {}),
    sigma: f.sigma,
    noDwellRules: f.dwellRules === false,
    minLevel: f.minLevel,
    status: f.status,
    includeIds: f.includeId,
    excludeIds: f.excludeId,
    includeTags: f.includeTag,
    excludeTags: f.excludeTag,
    includePaths: f.includePath,
    excludePaths: f.excludePath,
    mute: f.mute,
    tenantMap: f.tenantMap,
    tenantFromDir: f.tenantFromDir,
    providerTenants: f.providerTenant,
    iocs: f.iocs,
    workers: f.workers,
    csv: f.csv,
    jsonl: f.jsonl,
    navigator: f.navigator,
    intrusions: f.intrusions,
    report: f.report,
    stix: f.stix,
    ruleStats: f.ruleStats,
    mappingFiles: f.mapping,
    dedup: f.dedup !== false,
    recover: f.recover !== false,
    keepDetections: false,
    quiet: f.quiet === true || f.json === true,
    progressStream: progress,
  };
}

/** The exit code a finished hunt deserves. */
export function huntExitCode(result: HuntResult, failOn?: Level): number {
  const s = result.summary;
  if (s.filesRead === 0 && s.records === 0) return EXIT.UNREADABLE;
  if (failOn) {
    const min = LEVELS.indexOf(failOn);
    for (const level of LEVELS.slice(min)) if (s.byLevel[level] > 0) return EXIT.FINDINGS;
  }
  return EXIT.OK;
}

function describeWarning(w: HuntResult['warnings'][number]): string {
  const where = [
    w.file,
    w.record !== undefined ? `record ${w.record}` : '',
    w.line !== undefined ? `line ${w.line}` : '',
    w.offset !== undefined ? `offset ${w.offset}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  // File names and reasons can carry input bytes (a hostile file name, a value quoted in a reason).
  return terminalText(`${w.kind}: ${where ? where + ': ' : ''}${w.reason}`);
}

/** Runs the hunt for the CLI. */
async function huntCommand(paths: string[], flags: HuntFlags, ctx: CliContext): Promise<void> {
  const stdin = namesStdin(paths) ? interruptibleStdin('hunt', ctx) : undefined;
  if (stdin && process.stdin.isTTY && !flags.quiet && !flags.json)
    ctx.stderr.write('dwell hunt: reading events from the terminal (end with Ctrl-D)\n');
  let result: HuntResult;
  try {
    result = await runHunt(huntOptionsFromFlags(paths, flags, ctx.stderr, stdin?.bytes));
  } catch (err) {
    ctx.stderr.write(`dwell hunt: ${terminalText(err instanceof Error ? err.message : String(err))}\n`);
    ctx.setExit(EXIT.USAGE);
    return;
  } finally {
    stdin?.dispose();
  }
  const maxWarnings = flags.warnings === 'all' ? Infinity : Number(flags.warnings) || 0;
  const shown = result.warnings.filter(
    (w) => w.kind === 'input' || w.kind === 'engine' || flags.warnings === 'all',
  );
  if (!flags.json) {
    for (const w of shown.slice(0, maxWarnings)) ctx.stderr.write(`dwell hunt: ${describeWarning(w)}\n`);
    if (shown.length > maxWarnings)
      ctx.stderr.write(
        `dwell hunt: ${shown.length - maxWarnings} more warnings (--warnings all to list them)\n`,
      );
  }
  if (flags.json) {
    ctx.stdout.write(JSON.stringify({ ...result.summary, outputs: result.outputs }, null, 2) + '\n');
  } else {
    const tty = (ctx.stdout as NodeJS.WriteStream).isTTY === true;
    const color = tty && !process.env.NO_COLOR;
    ctx.stdout.write(formatSummary(result.summary, { color }));
    if (result.outputs.length) ctx.stdout.write(`Wrote ${result.outputs.join(', ')}\n`);
  }
  ctx.setExit(huntExitCode(result, flags.failOn));
}

const HUNT_EXAMPLES = `
Examples:
  # one laptop's collection, Dwell's rules only, a timeline for Timeline Explorer
  dwell hunt ./collected --csv timeline.csv

  # many companies at once: tenant = first folder (./logs/<tenant>/...), SigmaHQ too, all outputs
  dwell hunt ./logs --tenant-from-dir --sigma ./sigma/rules --iocs cicada_iocs.csv \\
    --csv timeline.csv --intrusions intrusions.json --report report.html --stix bundle.json

  # in a script: only high and critical rules, exit 1 when one fires
  dwell hunt ./logs --min-level high --fail-on high --json --quiet

  # a stream on standard input ('-'): EVTX, JSON/JSONL or XML, gzip too, format found from its bytes
  zcat winlogbeat-*.jsonl.gz | dwell hunt - --csv timeline.csv
  ssh dc01 'cat C:/Windows/System32/winevt/Logs/Security.evtx' | dwell hunt - ./other-logs

Standard input ('-', when no file of that name exists) is one more input, named <stdin>, read on the
main thread: with '-' the whole hunt runs on one thread (--workers is not used). Outputs and the summary
are written when the input ends; a stream that never ends (tail -f) is read until it does, or until the
first Ctrl-C, which ends the input and lets the hunt finish (a second one aborts). An empty or
unrecognised stream is an input problem (exit 3 when nothing else was read). --tenant-map globs may name
'-'; --tenant-from-dir gives it no tenant.
`;

/** Registers `dwell hunt`. */
export const registerHunt: RegisterCommand = (program, ctx) => {
  program
    .command('hunt')
    .description(
      "hunt EVTX/JSON/JSONL/XML logs (files or folders, gzip too) with Dwell's rules and any Sigma rules",
    )
    .argument('<paths...>', "files and folders to hunt (folders recursively); '-' reads standard input")
    .addHelpText('after', HUNT_EXAMPLES)
    .option('--sigma <path>', 'extra Sigma rules folder or file (repeatable)', collectPaths)
    .option('--no-dwell-rules', "do not load Dwell's own rules")
    .option('--min-level <level>', `drop rules below this level (${LEVELS.join(', ')})`, parseLevel)
    .option('--status <list>', 'only rules with these statuses (comma-separated, repeatable)', collect)
    .option('--include-id <ids>', 'only these rule ids (repeatable)', collect)
    .option('--exclude-id <ids>', 'skip these rule ids (repeatable)', collect)
    .option('--include-tag <tags>', 'only rules with these tags, e.g. attack.t1003 (repeatable)', collect)
    .option('--exclude-tag <tags>', 'skip rules with these tags (repeatable)', collect)
    .option('--include-path <text>', 'only rules whose file path contains this (repeatable)', collectPaths)
    .option('--exclude-path <text>', 'skip rules whose file path contains this (repeatable)', collectPaths)
    .option(
      '--mute <file>',
      'file listing noisy rule ids or titles to mute, one per line (repeatable)',
      collectPaths,
    )
    .option('--mapping <file>', 'extra logsource mapping YAML (repeatable)', collectPaths)
    .option('--tenant-map <file>', 'YAML or CSV mapping path glob → tenant')
    .option('--tenant-from-dir', 'tenant = first folder level under each given path')
    .option('--provider-tenant <name>', 'a service-provider tenant, for intrusions (repeatable)', collect)
    .option(
      '--iocs <file>',
      'indicator file: CSV type,value,description,source or a STIX 2.1 bundle (repeatable)',
      collectPaths,
    )
    .option('--no-recover', 'do not carve EVTX records from slack space and damaged chunks')
    .option('--no-dedup', 'count records seen in several files (copies, exports) each time')
    .option(
      '--workers <n>',
      'worker threads (0 or 1: none; default: one per 256 MiB of input and core, at most 8, none below two)',
      parseWorkers,
    )
    .option('--csv <file>', 'write the CSV timeline (Excel / Timeline Explorer)')
    .option('--jsonl <file>', 'write JSON lines for Timesketch')
    .option('--navigator <file>', 'write an ATT&CK Navigator layer of the techniques seen')
    .option('--intrusions <file>', 'write the correlated intrusions as JSON')
    .option('--report <file>', 'write the self-contained HTML report')
    .option('--stix <file>', 'write a STIX 2.1 bundle of detections and intrusions')
    .option('--rule-stats <file>', 'write per-rule hits and time spent (CSV if *.csv, else JSON)')
    .addOption(
      new Option('--fail-on <level>', 'exit 1 when a detection at or above this level is found').argParser(
        parseLevel,
      ),
    )
    .option('--json', 'print the summary as JSON')
    .option('--warnings <n>', 'input warnings to print, or "all"', parseWarnings, '20')
    .option('-q, --quiet', 'no progress bar')
    .action(async (paths: string[], flags: HuntFlags) => {
      await huntCommand(paths, flags, ctx);
    });
};
