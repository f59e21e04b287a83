// EVTX inputs: read chunk by chunk (never the whole file), each 64 KiB chunk parsed by the EVTX reader into
// lazy records; a chunk range lets several workers share one big file. Gzip-compressed EVTX and byte streams
// (standard input) are read front to back through the same chunk parser: file header, then 64 KiB chunks.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  CHUNK_SIZE,
  FILE_HEADER_SIZE,
  firstChunkOffset,
  parseChunk,
  type TemplateIds,
} from '../evtx/index.js';
import { contentOf } from './byte-stream.js';
import type { RecordSink, SourceInput, SourceKind, SourceStats } from './types.js';

const FILE_MAGIC = 'ElfFile\0';
const CHUNK_MAGIC = 'ElfChnk\0';

function magicOf(head: Buffer): string {
  return head.toString('latin1', 0, 8);
}

function parseOne(
  data: Buffer,
  index: number,
  offset: number,
  input: SourceInput,
  sink: RecordSink,
  stats: SourceStats,
  templateIds: TemplateIds,
): void {
  const result = parseChunk(
    data,
    { file: input.path, chunkIndex: index, fileOffset: offset },
    { recover: input.recover !== false, templateIds },
  );
  for (const w of result.warnings) {
    stats.warnings++;
    sink.warning({ file: input.path, offset: w.offset, reason: `chunk ${w.chunk}: ${w.reason}` });
  }
  for (const record of result.records) {
    stats.records++;
    sink.record(record);
  }
}

/** An input that ends before its file header does (so before any chunk): a warning, not silence. */
function headerCut(input: SourceInput, sink: RecordSink, stats: SourceStats, size: number, offset = 0): void {
  stats.warnings++;
  sink.warning({
    file: input.path,
    offset,
    reason: `input ends inside the file header (${size} of ${FILE_HEADER_SIZE} bytes)`,
  });
}

function readPlain(input: SourceInput, sink: RecordSink): SourceStats {
  const stats: SourceStats = { records: 0, warnings: 0, unreadable: false };
  // One reading: the file, or the job's range of chunks (so a job yields the same records on any worker).
  const templateIds: TemplateIds = new Map(input.templateIds);
  const fd = openSync(input.path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    const base = firstChunkOffset(head);
    if (base > 0 && magicOf(head) !== FILE_MAGIC) {
      stats.warnings++;
      sink.warning({
        file: input.path,
        offset: 0,
        reason: 'file header magic missing; reading chunks anyway',
      });
    }
    if (size < base) headerCut(input, sink, stats, size);
    const total = Math.ceil(Math.max(0, size - base) / CHUNK_SIZE);
    const from = input.chunks ? Math.max(0, input.chunks.from) : 0;
    const to = input.chunks ? Math.min(total, input.chunks.to) : total;
    for (let c = from; c < to; c++) {
      const start = base + c * CHUNK_SIZE;
      // One buffer per chunk, not per batch: lazy records (and any template shape the reader caches) keep
      // their chunk's buffer alive, and a 64 KiB chunk must not pin a larger read buffer.
      const data = Buffer.allocUnsafe(CHUNK_SIZE);
      let got = 0;
      while (got < CHUNK_SIZE) {
        const r = readSync(fd, data, got, CHUNK_SIZE - got, start + got);
        if (r === 0) break;
        got += r;
      }
      if (got === 0) break;
      if (got < CHUNK_SIZE) {
        stats.warnings++;
        sink.warning({
          file: input.path,
          offset: start,
          reason: `chunk ${c}: file ends inside the chunk (${got} of ${CHUNK_SIZE} bytes)`,
        });
      }
      parseOne(got < CHUNK_SIZE ? data.subarray(0, got) : data, c, start, input, sink, stats, templateIds);
    }
    if (stats.records === 0 && size > 0 && stats.warnings > 0) stats.unreadable = true;
  } finally {
    closeSync(fd);
  }
  return stats;
}

/** Reads the content front to back (no random access): the file header is skipped, then chunk by chunk. */
async function readSequential(input: SourceInput, sink: RecordSink): Promise<SourceStats> {
  const stats: SourceStats = { records: 0, warnings: 0, unreadable: false };
  const templateIds: TemplateIds = new Map(input.templateIds);
  let buf = Buffer.allocUnsafe(CHUNK_SIZE);
  let fill = 0;
  let offset = 0;
  let base = -1;
  let index = 0;
  const flush = () => {
    parseOne(buf.subarray(0, fill), index, offset, input, sink, stats, templateIds);
    index++;
    offset += fill;
    buf = Buffer.allocUnsafe(CHUNK_SIZE);
    fill = 0;
  };
  try {
    for await (const chunk of contentOf(input)) {
      let pos = 0;
      while (pos < chunk.length) {
        if (base < 0) {
          // Skip the file header first.
          const need = Math.min(chunk.length - pos, FILE_HEADER_SIZE - fill);
          chunk.copy(buf, fill, pos, pos + need);
          fill += need;
          pos += need;
          if (fill >= 8 && firstChunkOffset(buf.subarray(0, fill)) === 0) {
            base = 0;
            continue;
          }
          if (fill === FILE_HEADER_SIZE) {
            base = FILE_HEADER_SIZE;
            offset += FILE_HEADER_SIZE;
            fill = 0;
          }
          continue;
        }
        const need = Math.min(chunk.length - pos, CHUNK_SIZE - fill);
        chunk.copy(buf, fill, pos, pos + need);
        const had = fill;
        fill += need;
        pos += need;
        // Another file's header where a chunk should start (`cat a.evtx b.evtx | dwell hunt -`) is skipped
        // like the first one: read as a chunk, it shifted every chunk of that file by 4 KiB (records carved or
        // lost, warnings for each chunk).
        if (had < 8 && fill >= 8 && magicOf(buf) === FILE_MAGIC) {
          if (fill < FILE_HEADER_SIZE) {
            base = -1;
            continue;
          }
          buf.copy(buf, 0, FILE_HEADER_SIZE, fill);
          fill -= FILE_HEADER_SIZE;
          offset += FILE_HEADER_SIZE;
        }
        if (fill === CHUNK_SIZE) flush();
      }
    }
  } catch (err) {
    stats.warnings++;
    sink.warning({
      file: input.path,
      offset: offset + fill,
      reason: `${input.gzip ? 'decompression' : 'read'} failed: ${(err as Error).message}`,
    });
  }
  if (base < 0 && fill > 0) headerCut(input, sink, stats, fill, offset);
  if (base >= 0 && fill > 0) {
    stats.warnings++;
    sink.warning({
      file: input.path,
      offset,
      reason: `chunk ${index}: file ends inside the chunk (${fill} of ${CHUNK_SIZE} bytes)`,
    });
    flush();
  }
  if (stats.records === 0 && stats.warnings > 0) stats.unreadable = true;
  return stats;
}

/** The EVTX kind: `ElfFile\0` magic (or a bare `ElfChnk\0` run of chunks). */
export const evtxKind: SourceKind = {
  format: 'evtx',
  extensions: ['evtx'],
  sniff(head) {
    const m = magicOf(head);
    return m === FILE_MAGIC || m === CHUNK_MAGIC;
  },
  async read(input, sink) {
    if (input.gzip || input.bytes) return readSequential(input, sink);
    try {
      return readPlain(input, sink);
    } catch (err) {
      sink.warning({ file: input.path, reason: `cannot read: ${(err as Error).message}` });
      return { records: 0, warnings: 1, unreadable: true };
    }
  },
};

/** Number of chunks in a plain EVTX file (for splitting it into worker jobs). */
export function evtxChunkCount(size: number, head: Buffer): number {
  return Math.ceil(Math.max(0, size - firstChunkOffset(head)) / CHUNK_SIZE);
}
