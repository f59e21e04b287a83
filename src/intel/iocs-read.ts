// Reading one indicator file in fixed-size chunks: STIX 2.1 bundles object by object (only indicators are
// kept), CSV lists row by row. Memory is bounded by the indicators kept plus one object or row and one read
// buffer, whatever the file's size: threat-intel exports of hundreds of MB are mostly relationships, reports
// and other objects Dwell does not match on, and JSON.parse of a whole 260 MB bundle took ~2 GB.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { JsonValueScanner } from '../sources/json-scanner.js';
import { readCsvRows } from './csv-rows.js';
import { IocCsvRowReader, readStixObject, type IocProblem, type IocSink } from './iocs-parse.js';

/** Bounds and chunk size for reading indicator files (tests shrink them). */
export interface IocReadOptions {
  /** Bytes read at a time (default 1 MiB). */
  readonly chunkBytes?: number;
  /** Largest STIX object kept for parsing (default 16 MiB); a larger one is reported and skipped. */
  readonly maxObjectBytes?: number;
  /** Most characters a CSV row may span (default 1 Mi); a longer row is reported and skipped. */
  readonly maxRowChars?: number;
  /**
   * Problems kept per file (default 10,000, as many warnings as a hunt lists); the rest are counted in one
   * last problem, so a feed broken on every line cannot fill memory with them.
   */
  readonly maxProblems?: number;
}

const HEAD_BYTES = 256;
// Nesting does not matter to the indicator reader (nothing walks values recursively, and JSON.parse copes
// with deep arrays); the bound only keeps the scanner's counter meaningful.
const MAX_STIX_DEPTH = 100_000;
const MAX_STIX_MEMBERS = 65_536;

/** Reads one indicator file, CSV or STIX 2.1 JSON chosen by its first characters, into the sink. */
export function readIocFile(path: string, sink: IocSink, options: IocReadOptions = {}): void {
  const maxProblems = options.maxProblems ?? 10_000;
  let problems = 0;
  let dropped = 0;
  const capped: IocSink = {
    indicator: (i) => sink.indicator(i),
    problem: (p) => {
      if (problems++ < maxProblems) sink.problem(p);
      else dropped++;
    },
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    sink.problem({ file: path, reason: `cannot read: ${(err as Error).message}` });
    return;
  }
  try {
    const file = new ChunkedFile(fd, options.chunkBytes ?? 1 << 20);
    const head = file.head();
    const bomAt = (at: number): boolean =>
      head[at] === 0xef && head[at + 1] === 0xbb && head[at + 2] === 0xbf;
    const start = bomAt(0) ? 3 : 0;
    const text = head.subarray(start).toString('utf8');
    if (/^\s*[[{]/.test(text.slice(0, 64))) readStix(file, start, path, capped, options);
    // The CSV reader always dropped a mark of its own too, so a doubled one (re-saved files) is dropped.
    else readCsv(file, start > 0 && bomAt(3) ? 6 : start, path, capped, options);
  } catch (err) {
    capped.problem({ file: path, reason: `cannot read: ${(err as Error).message}` });
  } finally {
    closeSync(fd);
  }
  if (dropped > 0) sink.problem({ file: path, reason: `${dropped} more problems in this file not listed` });
}

/**
 * A file read in chunks into one reused buffer. A regular file is read with positioned reads, so it can be
 * read again from any offset. A pipe (`--iocs <(zcat feed.json.gz)`) cannot seek: it is read once, in order,
 * or, when a second pass may be needed (CSV), whole into memory first.
 */
class ChunkedFile {
  private readonly buffer: Buffer;
  readonly seekable: boolean;
  /** A pipe's first bytes, read to tell the format. */
  private prefix: Buffer = Buffer.alloc(0);
  /** A pipe read whole. */
  private whole: Buffer | undefined;

  constructor(
    private readonly fd: number,
    chunkBytes: number,
  ) {
    this.buffer = Buffer.alloc(Math.max(1, chunkBytes));
    this.seekable = fstatSync(fd).isFile();
  }

  /** The first bytes, to tell the format. */
  head(): Buffer {
    const head = Buffer.alloc(HEAD_BYTES);
    let got = 0;
    while (got < HEAD_BYTES) {
      const n = readSync(this.fd, head, got, HEAD_BYTES - got, this.seekable ? got : null);
      if (n === 0) break;
      got += n;
    }
    if (!this.seekable) this.prefix = head.subarray(0, got);
    return head.subarray(0, got);
  }

  /** Reads the rest of a pipe into memory, so that `read` may be called more than once. */
  readWhole(): void {
    if (!this.seekable && !this.whole) this.whole = Buffer.concat([this.prefix, readFileSync(this.fd)]);
  }

  /** Hands each chunk from `from` to the end to `onChunk`; the chunk's memory is reused afterwards. */
  read(from: number, onChunk: (chunk: Buffer) => void): void {
    const size = this.buffer.length;
    if (this.whole) {
      for (let at = from; at < this.whole.length; at += size) onChunk(this.whole.subarray(at, at + size));
      return;
    }
    if (!this.seekable) {
      // Once only: the head first, then the pipe in order.
      for (let at = from; at < this.prefix.length; at += size)
        onChunk(this.prefix.subarray(at, Math.min(at + size, this.prefix.length)));
      this.prefix = Buffer.alloc(0);
    }
    for (let position = from; ;) {
      const n = readSync(this.fd, this.buffer, 0, size, this.seekable ? position : null);
      if (n === 0) return;
      position += n;
      onChunk(this.buffer.subarray(0, n));
    }
  }
}

function readStix(
  file: ChunkedFile,
  start: number,
  path: string,
  sink: IocSink,
  options: IocReadOptions,
): void {
  const scanner = new JsonValueScanner(
    (value) => {
      // Only indicators are kept, and most objects of a feed are not: an element whose text cannot spell
      // `"indicator"` (not even through a \u escape) is skipped unparsed, a third of the reading time.
      if (!value.whole && !value.text.includes('"indicator"') && !value.text.includes('\\u')) return;
      let obj: unknown;
      try {
        obj = JSON.parse(value.text);
      } catch (err) {
        sink.problem({ file: path, line: value.line, reason: `not JSON: ${(err as Error).message}` });
        return;
      }
      // A top-level object without an "objects" array is read only if it is itself an indicator.
      if (value.whole && (obj as { type?: unknown }).type !== 'indicator') {
        sink.problem({ file: path, line: value.line, reason: 'not a STIX bundle: no "objects" array' });
        return;
      }
      readStixObject(obj, path, sink, value.line);
    },
    (problem: { line: number; reason: string }) =>
      sink.problem({ file: path, line: problem.line, reason: problem.reason } satisfies IocProblem),
    options.maxObjectBytes ?? 16 * 1024 * 1024,
    MAX_STIX_DEPTH,
    MAX_STIX_MEMBERS,
    { arrayKey: 'objects' },
  );
  file.read(start, (chunk) => scanner.push(chunk));
  scanner.end();
}

function readCsv(
  file: ChunkedFile,
  start: number,
  path: string,
  sink: IocSink,
  options: IocReadOptions,
): void {
  const reader = new IocCsvRowReader(path, sink);
  // A quote left open to the end means a second pass from its line: a pipe cannot be read twice.
  file.readWhole();
  readCsvRows(
    (emit) => {
      const decoder = new StringDecoder('utf8');
      file.read(start, (chunk) => emit(decoder.write(chunk)));
      const rest = decoder.end();
      if (rest) emit(rest);
    },
    (row) => reader.row(row),
    (p) => sink.problem({ file: path, ...p }),
    options.maxRowChars ?? 1 << 20,
  );
}
