// `dwell demo`: writes the multi-tenant intrusion scenario as EVTX, hunts it, and prints what was found.
import { mkdirSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import { generateDemo, generateDemoParallel, scoreDemo, SCALES, type DemoScale } from '../../demo/index.js';
import { terminalText } from '../../engine/index.js';
import { runHunt } from '../../hunt/index.js';
import { formatSummary } from '../../outputs/summary.js';
import { EXIT, type CliContext, type RegisterCommand } from '../context.js';

interface DemoFlags {
  out: string;
  seed: number;
  scale: DemoScale;
  sigma?: string[];
  workers?: number;
  hunt: boolean;
  quiet?: boolean;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError('expected an integer 0-4294967295');
  return n;
}

function parseScale(value: string): DemoScale {
  if (value in SCALES) return value as DemoScale;
  throw new InvalidArgumentError(`expected one of ${Object.keys(SCALES).join(', ')}`);
}

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new InvalidArgumentError('expected a number of threads (0-64)');
  return n;
}

/** Registers `dwell demo`. */
export const registerDemo: RegisterCommand = (program, ctx: CliContext) => {
  program
    .command('demo')
    .description(
      "write a months-long APT10/Cicada-style intrusion across a service provider and its client tenants as real EVTX (with truth.json), hunt it with Dwell's rules, and print the summary",
    )
    .option('--out <dir>', 'output folder', './dwell-demo')
    .option(
      '--seed <n>',
      'random seed: different seeds give different hosts, names, times and orderings',
      parseSeed,
      1,
    )
    .option(
      '--scale <size>',
      `small (under a minute), medium or large (5M+ records)`,
      parseScale,
      'small' as DemoScale,
    )
    .option(
      '--sigma <dir>',
      'also hunt with this Sigma rule folder (repeatable)',
      (v: string, prev?: string[]) => [...(prev ?? []), v],
    )
    .option('--workers <n>', 'worker threads for generating (medium/large) and hunting', parseWorkers)
    .option('--no-hunt', 'only generate the logs')
    .option('--quiet', 'no progress output')
    .action(async (flags: DemoFlags) => {
      const out = ctx.stdout;
      const color = (ctx.stdout as NodeJS.WriteStream).isTTY === true && !process.env.NO_COLOR;
      const c = color ? pc : pc.createColors(false);
      const progress = !flags.quiet && (ctx.stderr as NodeJS.WriteStream).isTTY === true;
      // Small is quicker on one thread; bigger scales spread hosts over worker threads (same output).
      const demo =
        flags.scale === 'small'
          ? generateDemo({
              out: flags.out,
              seed: flags.seed,
              scale: flags.scale,
              onProgress: progress
                ? (records, done, total) =>
                    ctx.stderr.write(`\rgenerating: host ${done}/${total}, ${records} records`)
                : undefined,
            })
          : await generateDemoParallel({
              out: flags.out,
              seed: flags.seed,
              scale: flags.scale,
              workers: flags.workers,
            });
      if (progress) ctx.stderr.write('\n');
      const t = demo.truth;
      out.write(
        `${c.bold('Demo written')}: ${demo.records.toLocaleString('en-US')} records in ${demo.files.length} EVTX files ` +
          `(${Math.round(demo.elapsedMs)} ms, ${Math.round((demo.records / demo.elapsedMs) * 1000).toLocaleString('en-US')} records/s)\n` +
          `  period ${t.start.slice(0, 10)} .. ${t.end.slice(0, 10)}, tenants ${t.tenants.map((x) => x.id).join(', ')}\n` +
          `  intrusion path ${t.hopOrder.join(' -> ')}; clean: ${t.cleanTenants.join(', ') || 'none'}\n` +
          `  logs ${demo.logsDir}\n  truth ${demo.truthPath}\n  indicators ${demo.iocsPath}\n`,
      );
      if (!flags.hunt) return;
      const results = join(flags.out, 'results');
      mkdirSync(results, { recursive: true });
      const outputs = {
        csv: join(results, 'timeline.csv'),
        jsonl: join(results, 'detections.jsonl'),
        intrusions: join(results, 'intrusions.json'),
        report: join(results, 'report.html'),
        navigator: join(results, 'navigator.json'),
      };
      const result = await runHunt({
        paths: [demo.logsDir],
        sigma: flags.sigma,
        tenantFromDir: true,
        iocs: [demo.iocsPath],
        workers: flags.workers,
        ...outputs,
        keepDetections: true,
        quiet: flags.quiet === true || !progress,
        progressStream: ctx.stderr,
      });
      out.write('\n' + formatSummary(result.summary, { color }) + '\n');
      const score = scoreDemo(t, result.detections, flags.out);
      out.write(
        `\n${c.bold('Against the ground truth')}: ${score.detectedStages}/${score.stages.length} malicious stages detected\n`,
      );
      for (const s of score.stages) {
        const mark = s.detected ? c.green('found ') : c.red('missed');
        out.write(
          `  ${mark} ${s.id.padEnd(22)} ${s.rules.slice(0, 3).join('; ')}${s.rules.length > 3 ? ' ...' : ''}\n`,
        );
      }
      if (result.intrusions && result.intrusions.length > 0) {
        const top = result.intrusions[0];
        out.write(
          `\n${c.bold('Top intrusion')}: tenants ${top.tenants.join(', ')}; ${top.hosts.length} hosts; dwell ${top.dwellDays} days; ` +
            `DC reached: ${top.domainControllerReach.reached ? 'yes' : 'no'}\n`,
        );
        // One line per tenant pair: how many links, and the first one as an example.
        const pairs = new Map<string, { count: number; example: string }>();
        for (const hop of top.crossTenant) {
          const key = `${hop.fromTenant} -> ${hop.toTenant}`;
          const pair = pairs.get(key) ?? { count: 0, example: `${hop.via} ${hop.value}` };
          pair.count++;
          pairs.set(key, pair);
        }
        for (const [key, pair] of pairs)
          out.write(`  hop ${key}: ${pair.count} link${pair.count === 1 ? '' : 's'}, e.g. ${pair.example}\n`);
        const attribution = top.attribution[0];
        if (attribution)
          out.write(
            `  closest group: ${attribution.name} (${attribution.groupId}), score ${attribution.score}\n`,
          );
        out.write(`  (truth: ${t.hopOrder.join(' -> ')})\n`);
      }
      out.write(`\n${c.bold('Outputs')}:\n`);
      for (const file of result.outputs) out.write(`  ${displayPath(file)}\n`);
      if (result.warnings.length > 0)
        out.write(
          `\n${result.warnings.length} warnings (first: ${terminalText(result.warnings[0].reason)})\n`,
        );
      if (result.summary.records === 0) ctx.setExit(EXIT.UNREADABLE);
    });
};

/** A path as the user would type it: relative when under the working directory, absolute otherwise. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
