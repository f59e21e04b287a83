// The `dwell` command line: a thin shell over the library. Each subcommand lives in commands/<name>.ts.
import { Command, CommanderError } from 'commander';
import { EXIT, type CliContext, type RegisterCommand } from './context.js';
import { registerDump } from './commands/dump.js';
import { registerHunt } from './commands/hunt.js';
import { registerDemo } from './commands/demo.js';
import { registerInfo } from './commands/info.js';
import { registerRules } from './commands/rules.js';

// Subcommands are registered here, one line each.
const COMMANDS: RegisterCommand[] = [registerDump, registerHunt, registerDemo, registerInfo, registerRules];

/** Runs the CLI on argv and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    setExit(code) {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = new Command();
  program
    .name('dwell')
    .description(
      'Find long-dwell intrusions in Windows event logs (EVTX, JSON, XML) with Sigma rules, ' +
        'and follow them across hosts and tenants.',
    )
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 findings at or above --fail-on (or invalid rules), 2 usage error, 3 inputs unreadable.',
    );
  for (const register of COMMANDS) register(program, ctx);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return EXIT.OK;
      return EXIT.USAGE;
    }
    throw err;
  }
  return exitCode;
}
