// `dwell dump <file>`: streams an EVTX file's records as evtx_dump-style JSON, JSON lines or XML.
import { InvalidArgumentError } from 'commander';
import { readEvtxFile, renderJson, renderXml, stringifyJson, type EvtxRecord } from '../../evtx/index.js';
import { terminalText } from '../../engine/index.js';
import { EXIT, type CliContext, type RegisterCommand } from '../context.js';
import { refuseStdin } from '../stdin.js';

type DumpFormat = 'json' | 'jsonl' | 'xml';

function parseFormat(value: string): DumpFormat {
  if (value === 'json' || value === 'jsonl' || value === 'xml') return value;
  throw new InvalidArgumentError('expected json, jsonl or xml');
}

function render(record: EvtxRecord, format: DumpFormat): string {
  if (format === 'xml') return renderXml(record) + '\n';
  if (format === 'jsonl') return stringifyJson(renderJson(record), '') + '\n';
  return stringifyJson(renderJson(record)) + '\n';
}

/** Writes text, waiting for the stream to drain when its buffer is full (keeps memory flat on big files). */
function write(
  stream: NodeJS.WritableStream,
  text: string,
  closed: { value: boolean },
): Promise<void> | undefined {
  if (closed.value || stream.write(text)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('error', done);
  });
}

/** Streams one file's records to ctx.stdout; warnings go to stderr. */
export async function dumpFile(
  file: string,
  opts: { format: DumpFormat; recovered: boolean },
  ctx: CliContext,
): Promise<void> {
  const reader = readEvtxFile(file, {
    recover: opts.recovered,
    onWarning: (w) =>
      ctx.stderr.write(
        `dwell dump: ${terminalText(`${w.file}${w.chunk >= 0 ? ` chunk ${w.chunk}` : ''} offset ${w.offset}: ${w.reason}`)}\n`,
      ),
  });
  // A reader that goes away (`dwell dump f | head`) ends the dump quietly.
  const closed = { value: false };
  const onError = (): void => {
    closed.value = true;
  };
  // Test doubles may be bare writers without events.
  const events = typeof ctx.stdout.on === 'function';
  if (events) ctx.stdout.on('error', onError);
  let batch = '';
  let count = 0;
  try {
    for (const record of reader) {
      if (closed.value) break;
      batch += render(record, opts.format);
      count++;
      if (batch.length > 1 << 16) {
        const wait = write(ctx.stdout, batch, closed);
        batch = '';
        if (wait) await wait;
      }
    }
    if (batch && !closed.value) await write(ctx.stdout, batch, closed);
  } finally {
    if (events) ctx.stdout.off('error', onError);
  }
  // Nothing read and no EVTX header either (unreadable, a folder, or not an EVTX file at all): say so in the exit
  // code, as `dwell info` does, instead of a silent success.
  if (
    count === 0 &&
    (reader.stats.header === null || reader.warnings.some((w) => /^cannot (open|read)/.test(w.reason)))
  ) {
    ctx.setExit(EXIT.UNREADABLE);
  }
}

/** Registers `dwell dump`. */
export const registerDump: RegisterCommand = (program, ctx) => {
  program
    .command('dump')
    .description('stream the records of an EVTX file as evtx_dump-compatible JSON, JSON lines or XML')
    .argument('<file>', 'EVTX file')
    .option(
      '-f, --format <format>',
      'json (pretty objects), jsonl (one per line) or xml',
      parseFormat,
      'json',
    )
    .option('--no-recovered', 'skip records carved from slack space and damaged chunks')
    .action(async (file: string, opts: { format: DumpFormat; recovered: boolean }) => {
      if (refuseStdin('dump', [file], ctx, 'Security.evtx')) return;
      await dumpFile(file, opts, ctx);
    });
};
