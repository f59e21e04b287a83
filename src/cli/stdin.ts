// `-` as an input path. Dwell reads files: EVTX needs random access to its chunks, and a hunt plans its work by
// file (sizes for the workers, tenants from folders) and sorts its outputs at the end. Rather than the
// operating system's "no such file '-'", a user piping logs in is told what to do instead. A real file named
// `-` in the working directory is still read.
import { existsSync } from 'node:fs';
import { EXIT, type CliContext } from './context.js';

/**
 * True (and the usage error written, exit code 2 set) when `-` stands for standard input among the paths;
 * false when the command may go on.
 */
export function refuseStdin(
  command: string,
  paths: readonly string[],
  ctx: CliContext,
  /** A file name for the example, of the kind the command reads. */
  example = 'events.jsonl',
): boolean {
  if (!paths.includes('-') || existsSync('-')) return false;
  ctx.stderr.write(
    `dwell ${command}: '-' (standard input) is not read: Dwell reads files. Save the stream first, e.g.\n` +
      `  <command writing the events> > ${example} && dwell ${command} ${example}\n`,
  );
  ctx.setExit(EXIT.USAGE);
  return true;
}
