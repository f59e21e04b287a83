// JSON, JSON Lines and concatenated-JSON inputs (evtx_dump, Winlogbeat/ECS and flat layouts), streamed.
import { contentOf } from './byte-stream.js';
import { JsonValueScanner } from './json-scanner.js';
import { recordFromJson } from './json-layouts.js';
import type { RecordSink, SourceInput, SourceKind, SourceStats } from './types.js';
import { utf16JsonEncoding, utf8Chunks } from './utf16-text.js';

/** The first character that is not white space (UTF-8, or UTF-16 as utf16JsonEncoding tells), or -1. */
function firstSignificant(head: Buffer): number {
  const utf16 = utf16JsonEncoding(head);
  const step = utf16 ? 2 : 1;
  const lo = utf16 === 'utf-16be' ? 1 : 0;
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  else if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) i = 2;
  for (; i + lo < head.length; i += step) {
    const c = head[i + lo]!;
    if (utf16 && head[i + 1 - lo] !== 0) return -1; // not an ASCII character
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
  }
  return -1;
}

/** Reads every JSON value of a file and hands the records to the sink. */
async function readJson(input: SourceInput, sink: RecordSink): Promise<SourceStats> {
  const stats: SourceStats = { records: 0, warnings: 0, unreadable: false };
  let values = 0;
  let bytes = 0;
  const scanner = new JsonValueScanner(
    (v) => {
      values++;
      let parsed: unknown;
      try {
        parsed = JSON.parse(v.text);
      } catch (err) {
        stats.warnings++;
        sink.warning({
          file: input.path,
          record: values,
          line: v.line,
          offset: v.offset,
          reason: `invalid JSON: ${(err as Error).message}`,
        });
        return;
      }
      const record = recordFromJson(parsed, { file: input.path, offset: v.offset, tenant: input.tenant });
      if (!record) {
        stats.warnings++;
        sink.warning({ file: input.path, record: values, line: v.line, reason: 'value is not an object' });
        return;
      }
      stats.records++;
      sink.record(record);
    },
    (p) => {
      stats.warnings++;
      sink.warning({ file: input.path, line: p.line, offset: p.offset, reason: p.reason });
    },
  );
  try {
    // UTF-16 files (PowerShell 5 redirections) reach the scanner as UTF-8; offsets are then UTF-8 ones.
    const counted = async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        bytes += chunk.length;
        yield chunk;
      }
    };
    for await (const chunk of utf8Chunks(counted(contentOf(input)))) scanner.push(chunk);
  } catch (err) {
    stats.warnings++;
    sink.warning({ file: input.path, offset: bytes, reason: `read failed: ${(err as Error).message}` });
  }
  scanner.end();
  stats.unreadable = stats.records === 0 && bytes > 0 && stats.warnings > 0;
  return stats;
}

/** The JSON/JSONL kind: content starts with `{` or `[` (UTF-8, or UTF-16 with or without a byte-order mark). */
export const jsonKind: SourceKind = {
  format: 'json',
  extensions: ['json', 'jsonl', 'ndjson'],
  sniff(head) {
    const c = firstSignificant(head);
    return c === 0x7b || c === 0x5b;
  },
  read: readJson,
};
