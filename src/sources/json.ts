// JSON, JSON Lines and concatenated-JSON inputs (evtx_dump, Winlogbeat/ECS and flat layouts), streamed.
import { contentOf } from './byte-stream.js';
import { JsonValueScanner } from './json-scanner.js';
import { recordFromJson } from './json-layouts.js';
import type { RecordSink, SourceInput, SourceKind, SourceStats } from './types.js';

function firstSignificant(head: Buffer): number {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length) {
    const c = head[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
    i++;
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
    for await (const chunk of contentOf(input)) {
      bytes += chunk.length;
      scanner.push(chunk);
    }
  } catch (err) {
    stats.warnings++;
    sink.warning({ file: input.path, offset: bytes, reason: `read failed: ${(err as Error).message}` });
  }
  scanner.end();
  stats.unreadable = stats.records === 0 && bytes > 0 && stats.warnings > 0;
  return stats;
}

/** The JSON/JSONL kind: content starts with `{` or `[`. */
export const jsonKind: SourceKind = {
  format: 'json',
  extensions: ['json', 'jsonl', 'ndjson'],
  sniff(head) {
    const c = firstSignificant(head);
    return c === 0x7b || c === 0x5b;
  },
  read: readJson,
};
