// Reads a byte stream (standard input, a socket, a live feed) as one input: gzip is found by its magic and
// decompressed on the fly, the format is sniffed from the first bytes, and those bytes are replayed to the
// format's reader, so nothing is read twice from the stream and nothing is lost. Only a few KiB are ever
// held besides what the reader itself holds: the stream is never buffered whole.
import type { TemplateIds } from '../evtx/index.js';
import { gunzipChunks } from './byte-stream.js';
import { sniffFormat } from './detect.js';
import { readSource } from './registry.js';
import type { RecordSink, SourceFormat, SourceStats } from './types.js';

/** Bytes looked at to sniff the format (as for files, see detect.ts). */
const HEAD = 4096;

/** How a stream is named and read. */
export interface StreamOptions {
  /** The name records (`source.file`) and warnings carry, e.g. `<stdin>`. */
  readonly name: string;
  /** Tenant stamped on every record's `source.tenant`. */
  readonly tenant?: string;
  /** EVTX only: carve records from slack space and damaged chunks (default true). */
  readonly recover?: boolean;
  /** EVTX only: templates carved records may borrow (see SourceInput.templateIds). */
  readonly templateIds?: TemplateIds;
}

/** What reading a stream found, besides the reader's counts. */
export interface StreamStats extends SourceStats {
  /** The format sniffed, when one was recognised. */
  readonly format?: SourceFormat;
  readonly gzip: boolean;
  /** Bytes taken from the stream (compressed bytes for gzip). */
  readonly bytes: number;
  /** True when the stream ended without a byte. */
  readonly empty: boolean;
}

/** The first bytes of a stream, and the whole stream again (those bytes first, then the rest, read once). */
interface Peeked {
  readonly head: Buffer;
  readonly replay: AsyncIterable<Buffer>;
  /** What the stream threw while peeking (the replay throws it again after the head). */
  readonly failure?: unknown;
  /** Lets the source go unread (a pipe's producer is then not left waiting on it). */
  release(): Promise<void>;
}

function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), 'utf8');
}

/**
 * Takes chunks until `size` bytes are seen, `decided` says the bytes so far are enough, or the stream ends or
 * fails (a live stream that trickles is not kept waiting for a full head). The replay yields the head as one
 * chunk, then the rest; a failure met while peeking is thrown by the replay after the head, where a reader
 * reports it.
 */
async function peek(
  source: AsyncIterable<unknown>,
  size: number,
  decided: (head: Buffer) => boolean,
): Promise<Peeked> {
  const it = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let got = 0;
  let done = false;
  let failure: unknown;
  try {
    while (got < size) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      const b = asBuffer(r.value);
      if (b.length === 0) continue;
      parts.push(b);
      got += b.length;
      if (got < size && decided(parts.length === 1 ? b : Buffer.concat(parts))) break;
    }
  } catch (err) {
    failure = err;
    done = true;
  }
  const first = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  async function* replay(): AsyncGenerator<Buffer> {
    let finished = done;
    try {
      if (first.length > 0) yield first;
      if (failure !== undefined) throw failure;
      while (!finished) {
        const r = await it.next();
        if (r.done) finished = true;
        else yield asBuffer(r.value);
      }
    } finally {
      // A reader that stops early releases the source (a pipe's producer then sees it closed).
      if (!finished) await it.return?.();
    }
  }
  return {
    head: first.subarray(0, size),
    replay: replay(),
    ...(failure !== undefined ? { failure } : {}),
    release: async () => {
      if (!done) await it.return?.();
    },
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Gzip magic: 1f 8b. */
function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Reads one byte stream (EVTX, JSON/JSONL or XML, gzip or not, format sniffed) into the sink, front to back,
 * in bounded memory; the library entry for live inputs. Never throws for bad content: an empty stream or an
 * unknown format is one warning naming the stream, and the stats say unreadable.
 */
export async function readStream(
  bytes: AsyncIterable<Buffer | Uint8Array | string>,
  opts: StreamOptions,
  sink: RecordSink,
): Promise<StreamStats> {
  let taken = 0;
  // Counts the bytes taken from the stream, as they pass (whatever reads them).
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of bytes) {
      const b = asBuffer(chunk);
      taken += b.length;
      yield b;
    }
  }
  const fail = (reason: string, empty: boolean, gzip: boolean): StreamStats => {
    sink.warning({ file: opts.name, reason });
    return { records: 0, warnings: 1, unreadable: true, gzip, bytes: taken, empty };
  };
  // A "no" on a few bytes may become a "yes" on more; a "yes" is final (every kind decides on its first
  // significant bytes: a magic, or the first character).
  const known = (head: Buffer) => sniffFormat(head) !== undefined;
  const raw = await peek(counted(), HEAD, (head) => isGzip(head) || known(head));
  if (raw.head.length === 0) {
    if (raw.failure !== undefined) return fail(`read failed: ${messageOf(raw.failure)}`, false, false);
    return fail('empty input (the stream ended without a byte)', true, false);
  }
  const gzip = isGzip(raw.head);
  let content: Peeked = raw;
  if (gzip) {
    // Everything that decompresses before damage or a cut is read, then the error is reported.
    content = await peek(gunzipChunks(raw.replay), HEAD, known);
    if (content.head.length === 0) {
      await content.release();
      const why = content.failure !== undefined ? `: ${messageOf(content.failure)}` : '';
      return fail(`gzip stream that decompresses to nothing (damaged?)${why}`, false, true);
    }
  }
  const format = sniffFormat(content.head);
  if (!format) {
    await content.release();
    // A stream that failed before its first bytes told the format (say, after `ElfF`) failed; it is not garbage.
    if (content.failure !== undefined)
      return fail(
        `read failed after ${content.head.length} bytes${gzip ? ' (decompressed)' : ''}, before the format ` +
          `could be told: ${messageOf(content.failure)}`,
        false,
        gzip,
      );
    return fail(
      `not a recognised log format (EVTX, JSON, JSONL, XML${gzip ? ' inside gzip' : ''})`,
      false,
      gzip,
    );
  }
  const stats = await readSource(
    {
      path: opts.name,
      bytes: content.replay,
      format,
      gzip,
      ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
      ...(opts.recover !== undefined ? { recover: opts.recover } : {}),
      ...(opts.templateIds ? { templateIds: opts.templateIds } : {}),
    },
    sink,
  );
  return { ...stats, format, gzip, bytes: taken, empty: false };
}
