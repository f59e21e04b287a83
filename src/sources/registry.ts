// The registry of input kinds, in sniffing order (binary magic first, then text formats).
import { evtxKind } from './evtx.js';
import { jsonKind } from './json.js';
import { xmlKind } from './xml.js';
import type { RecordSink, SourceInput, SourceKind, SourceStats } from './types.js';

/** Every input kind Dwell reads. */
export const SOURCE_KINDS: SourceKind[] = [evtxKind, jsonKind, xmlKind];

/** Adds a kind at the front of the sniffing order (binary formats register themselves this way). */
export function registerSourceKind(kind: SourceKind): void {
  if (!SOURCE_KINDS.some((k) => k.format === kind.format)) SOURCE_KINDS.unshift(kind);
}

/** Reads one input with the reader of its format; never throws. */
export async function readSource(input: SourceInput, sink: RecordSink): Promise<SourceStats> {
  const kind = SOURCE_KINDS.find((k) => k.format === input.format);
  if (!kind) {
    sink.warning({ file: input.path, reason: `no reader for format ${input.format}` });
    return { records: 0, warnings: 1, unreadable: true };
  }
  try {
    return await kind.read(input, sink);
  } catch (err) {
    sink.warning({ file: input.path, reason: `reader failed: ${(err as Error).message}` });
    return { records: 0, warnings: 1, unreadable: true };
  }
}
