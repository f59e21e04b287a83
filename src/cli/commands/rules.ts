// `dwell rules check` and `dwell rules explain`: validate Sigma rule folders and show what a rule compiles to.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import { checkReport, explainRule, findRule, formatCheckReport, loadRuleSet } from '../../engine/index.js';
import { EXIT, type CliContext, type RegisterCommand } from '../context.js';

interface LoadFlags {
  mapping?: string[];
  expand?: string;
}

function parseDepth(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError('expected a depth 0-10');
  return n;
}

/** Dwell's own rules folder (rules/ at the package root). */
function dwellRules(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../../..', '../../../..']) {
    const p = resolve(here, up, 'rules');
    if (existsSync(p)) return p;
  }
  return resolve('rules');
}

/** Registers `dwell rules check|explain`. */
export const registerRules: RegisterCommand = (program, ctx: CliContext) => {
  const rules = program.command('rules').description('validate Sigma rules and show how Dwell compiles them');

  rules
    .command('check')
    .description(
      'Load Sigma rules (files or folders, recursive) and report per folder what compiles, what is unsupported\n' +
        'and what is invalid, with file:line:column and a reason for every problem. Exit 1 on invalid rules.',
    )
    .argument('<paths...>', 'rule files or folders')
    .option('--json', 'print the report as JSON')
    .option('--depth <n>', 'folder levels below each path in the table', parseDepth, 1)
    .option('--warnings', 'also list warnings (rules that run but break a recommendation)')
    .option('--mapping <files...>', 'extra logsource mapping files (YAML, like config/logsources.yaml)')
    .option('--expand <dir>', 'folder of placeholder values for the expand modifier (default config/expand)')
    .action(
      async (paths: string[], flags: LoadFlags & { json?: boolean; depth: number; warnings?: boolean }) => {
        const ruleSet = await loadRuleSet(paths, { mappingFiles: flags.mapping, expandConfig: flags.expand });
        const report = checkReport(ruleSet, paths, { depth: flags.depth, warnings: flags.warnings });
        ctx.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatCheckReport(report));
        if (report.total.invalid > 0) ctx.setExit(EXIT.FINDINGS);
        if (ruleSet.files === 0) ctx.setExit(EXIT.UNREADABLE);
      },
    );

  rules
    .command('explain')
    .description(
      'Show the compiled form of a rule: index keys (channel, event id), field mapping, condition, needles',
    )
    .argument('<id>', 'rule id, name or exact title')
    .option('--rules <paths...>', "rule files or folders to search (default: Dwell's rules/)")
    .option('--mapping <files...>', 'extra logsource mapping files')
    .option('--expand <dir>', 'folder of placeholder values for the expand modifier')
    .action(async (id: string, flags: LoadFlags & { rules?: string[] }) => {
      const paths = flags.rules ?? [dwellRules()];
      const ruleSet = await loadRuleSet(paths, { mappingFiles: flags.mapping, expandConfig: flags.expand });
      const variants = findRule(ruleSet, id);
      if (variants.length === 0) {
        const problem = ruleSet.problems.find((p) => p.ruleId === id);
        ctx.stderr.write(
          problem
            ? `rule ${id} does not compile: ${problem.file}:${problem.line ?? 0}:${problem.column ?? 0} ${problem.reason}\n`
            : `no rule '${id}' in ${paths.join(', ')}\n`,
        );
        ctx.setExit(problem ? EXIT.FINDINGS : EXIT.USAGE);
        return;
      }
      const unmapped = ruleSet.outcomes.find(
        (o) => o.ruleId === variants[0]!.info.id && o.status === 'unmapped',
      );
      ctx.stdout.write(explainRule(variants, unmapped?.reason));
    });
};
