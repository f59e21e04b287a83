// The CSV timeline: one line per detection, safe for Excel and Timeline Explorer (UTF-8 BOM, CRLF, every cell
// quoted when needed, no embedded line breaks, formula-looking cells neutralised).
import { closeSync, openSync, writeSync } from 'node:fs';
import { BIDI_CONTROLS, unicodeEscape } from '../engine/terminal-text.js';
import type { Detection } from '../engine/types.js';
import { tacticsOf, techniquesOf } from '../intel/index.js';

/** Buffered, synchronous line writer: bounded memory, no stream back-pressure to manage. */
export class LineFileWriter {
  private fd: number;
  private buf: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Appends text (the caller adds line endings). */
  write(text: string): void {
    this.buf.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) this.flush();
  }

  /** Writes buffered text to disk. */
  flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }

  /** Flushes and closes the file. */
  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;
// Other control characters would confuse viewers; they are shown as spaces.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

// Bidi controls would reorder a cell in the viewer (U+202E + 'gnp.exe' shows as 'exe.png'): shown as visible
// \uXXXX escapes, as in the terminal and HTML report.
const BIDI = new RegExp(`[${BIDI_CONTROLS}]`, 'g');

/** Makes one value safe for a CSV cell: no line breaks, no formula start, no bidi controls, quoted when needed. */
export function csvCell(value: string | number | undefined): string {
  let s = value === undefined ? '' : String(value);
  s = s.replace(LINE_BREAKS, ' ⏎ ').replace(CONTROLS, ' ').replace(BIDI, unicodeEscape);
  // Spreadsheet formula injection: = + - @ (and tab/CR, removed above) at the start make Excel evaluate.
  const first = s.charCodeAt(0);
  if (
    first === 0x3d ||
    first === 0x2b ||
    first === 0x2d ||
    first === 0x40 ||
    first === 0x09 ||
    first === 0x0d
  )
    s = "'" + s;
  if (/[",;\s']/.test(s) || s === '') return '"' + s.replace(/"/g, '""') + '"';
  return s;
}

/** Column names of the timeline, in order. */
export const CSV_COLUMNS = [
  'Timestamp',
  'Level',
  'Rule',
  'RuleId',
  'Tactics',
  'Techniques',
  'Tenant',
  'Computer',
  'Channel',
  'EventID',
  'RecordID',
  'File',
  'Details',
] as const;

/** ISO time of a detection ('' when the record had none). */
export function isoTime(ms: number): string {
  // Finite is not enough: past ±8.64e15 ms a Date is invalid and toISOString throws.
  const d = new Date(Number.isFinite(ms) ? ms : NaN);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** The Details cell: the detection's fields as `Name: value ¦ ...`. */
export function detailsText(d: Detection): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(d.fields)) parts.push(`${k}: ${v}`);
  return parts.join(' ¦ ');
}

/** One CSV line (with CRLF) for a detection. */
export function csvLine(d: Detection): string {
  const cells = [
    isoTime(d.timestamp),
    d.rule.level,
    d.rule.title,
    d.rule.id,
    tacticsOf(d.rule.tags).join(' '),
    techniquesOf(d.rule.tags).join(' '),
    d.tenant ?? '',
    d.host,
    d.channel,
    Number.isFinite(d.eventId) ? d.eventId : '',
    Number.isFinite(d.recordId) ? d.recordId : '',
    d.file,
    detailsText(d),
  ];
  return cells.map(csvCell).join(',') + '\r\n';
}

/** Streams detections to a CSV timeline file. */
export class CsvTimelineWriter {
  private readonly out: LineFileWriter;

  constructor(path: string) {
    this.out = new LineFileWriter(path);
    this.out.write('\uFEFF' + CSV_COLUMNS.join(',') + '\r\n');
  }

  /** Appends one detection. */
  write(d: Detection): void {
    this.out.write(csvLine(d));
  }

  /** Finishes the file. */
  close(): void {
    this.out.close();
  }
}
