// `-` as an input path. `dwell hunt -` reads standard input as one stream (src/sources/stream.ts); `dump` and
// `info` are EVTX tools that need random access to a file's chunks, so a user piping logs into them is told
// what to do instead of the operating system's "no such file '-'". A real file named `-` in the working
// directory is still read as a file.
import { existsSync } from 'node:fs';
import { EXIT, type CliContext } from './context.js';

/** True when `-` among the paths stands for standard input (no file of that name exists here). */
export function namesStdin(paths: readonly string[]): boolean {
  return paths.includes('-') && !existsSync('-');
}

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
  if (!namesStdin(paths)) return false;
  ctx.stderr.write(
    `dwell ${command}: '-' (standard input) is not read: Dwell reads files here (dwell hunt - reads a stream). ` +
      `Save the stream first, e.g.\n` +
      `  <command writing the events> > ${example} && dwell ${command} ${example}\n`,
  );
  ctx.setExit(EXIT.USAGE);
  return true;
}
