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

/** Standard input for `hunt -`, ended by the first Ctrl-C (SIGINT) instead of the process; `dispose` unhooks. */
export interface InterruptibleInput {
  readonly bytes: AsyncIterable<Buffer>;
  dispose(): void;
}

/**
 * Standard input as a stream that the first SIGINT ends, so `tail -f log | dwell hunt -` stopped with Ctrl-C
 * still writes its outputs from what was read (Ctrl-C also ends the producer; a second one aborts, exit 130).
 */
export function interruptibleStdin(command: string, ctx: CliContext): InterruptibleInput {
  let stop!: () => void;
  const stopped = new Promise<'stopped'>((resolve) => (stop = () => resolve('stopped')));
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    ctx.stderr.write(`dwell ${command}: interrupted: finishing with what was read (Ctrl-C again to abort)\n`);
    stop();
  };
  process.on('SIGINT', onSigint);
  async function* bytes(): AsyncGenerator<Buffer> {
    const it = (process.stdin as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await Promise.race([it.next(), stopped]);
        if (next === 'stopped' || next.done) return;
        yield next.value;
      }
    } finally {
      // Stops reading (a producer still writing then sees the pipe closed). Destroyed directly: the iterator's
      // own return() waits for its pending read, which an open, idle pipe never completes.
      process.stdin.destroy();
      it.return?.().then(undefined, () => undefined);
    }
  }
  return { bytes: bytes(), dispose: () => process.off('SIGINT', onSigint) };
}
