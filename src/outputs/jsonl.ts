// JSON Lines for Timesketch: every line has `message`, `datetime` and `timestamp_desc`, plus the rule and
// source attributes and the detection's fields.
import { unicodeEscape } from '../engine/terminal-text.js';
import type { Detection } from '../engine/types.js';
import { tacticsOf, techniquesOf } from '../intel/index.js';
import { LineFileWriter, isoTime } from './csv.js';

const RESERVED = new Set([
  'message',
  'datetime',
  'timestamp',
  'timestamp_desc',
  'rule_id',
  'rule_title',
  'level',
  'tags',
  'tactics',
  'techniques',
  'tenant',
  'computer',
  'channel',
  'event_id',
  'record_id',
  'file',
  'data_type',
]);

/** The Timesketch-ready object for one detection. */
export function detectionToTimesketch(d: Detection): Record<string, unknown> {
  const iso = isoTime(d.timestamp);
  const ok = iso !== '';
  const obj: Record<string, unknown> = {
    message: `[${d.rule.level}] ${d.rule.title} on ${d.host || 'unknown host'}${d.tenant ? ` (${d.tenant})` : ''}`,
    datetime: ok ? iso : '1970-01-01T00:00:00.000Z',
    // Timesketch takes microseconds since the epoch.
    timestamp: ok ? Math.round(d.timestamp * 1000) : 0,
    timestamp_desc: ok ? 'Event Time' : 'Not a time',
    data_type: 'dwell:detection',
    rule_id: d.rule.id,
    rule_title: d.rule.title,
    level: d.rule.level,
    tags: [...d.rule.tags],
    tactics: tacticsOf(d.rule.tags),
    techniques: techniquesOf(d.rule.tags),
    computer: d.host,
    channel: d.channel,
    event_id: Number.isFinite(d.eventId) ? d.eventId : null,
    record_id: Number.isFinite(d.recordId) ? d.recordId : null,
    file: d.file,
  };
  if (d.tenant !== undefined) obj.tenant = d.tenant;
  for (const [k, v] of Object.entries(d.fields)) obj[RESERVED.has(k) ? `field_${k}` : k] = v;
  if (d.correlation) obj.correlation = d.correlation;
  return obj;
}

/**
 * One value as a JSON line. U+2028, U+2029 and U+0085 are legal raw inside JSON strings, but line readers that
 * split on every Unicode line break (Python's str.splitlines, some editors) would cut the record in two; as
 * \u escapes they read back to the same value.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0085\u2028\u2029]/g, unicodeEscape);
}

/** Streams detections to a JSONL file. */
export class JsonlWriter {
  private readonly out: LineFileWriter;

  constructor(path: string) {
    this.out = new LineFileWriter(path);
  }

  /** Appends one detection. */
  write(d: Detection): void {
    this.out.write(jsonLine(detectionToTimesketch(d)) + '\n');
  }

  /** Finishes the file. */
  close(): void {
    this.out.close();
  }
}
