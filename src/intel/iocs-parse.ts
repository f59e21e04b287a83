// Reading indicator sets: the CSV layout `type,value,description,source` and STIX 2.1 bundles of indicators.
// Indicator files come from outside, so parsing never throws on content: bad rows become problems.
import { readCsvRows, type CsvRow, type CsvRowProblem } from './csv-rows.js';
import { stixPatternComparisons } from './stix-pattern.js';

export { readCsvRows, type CsvRow, type CsvRowProblem, type TextSource } from './csv-rows.js';

export { stixPatternComparisons } from './stix-pattern.js';

/** The indicator kinds Dwell matches on. */
export type IocType =
  'md5' | 'sha1' | 'sha256' | 'sha512' | 'imphash' | 'domain' | 'ip' | 'url' | 'file_name' | 'file_path';

/** One indicator as loaded, before indexing. */
export interface Indicator {
  readonly type: IocType;
  readonly value: string;
  readonly description?: string;
  readonly source?: string;
}

/** A row or object that could not be used, named by file and line (CSV) or object id (STIX). */
export interface IocProblem {
  readonly file: string;
  readonly line?: number;
  readonly id?: string;
  readonly reason: string;
}

export interface ParsedIocs {
  indicators: Indicator[];
  problems: IocProblem[];
}

// Spellings seen in public indicator feeds, mapped onto our types.
const TYPE_ALIASES: Readonly<Record<string, IocType>> = {
  md5: 'md5',
  sha1: 'sha1',
  'sha-1': 'sha1',
  sha256: 'sha256',
  'sha-256': 'sha256',
  sha512: 'sha512',
  'sha-512': 'sha512',
  imphash: 'imphash',
  domain: 'domain',
  'domain-name': 'domain',
  hostname: 'domain',
  fqdn: 'domain',
  ip: 'ip',
  ipv4: 'ip',
  ipv6: 'ip',
  'ip-dst': 'ip',
  'ip-src': 'ip',
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  url: 'url',
  uri: 'url',
  file_name: 'file_name',
  filename: 'file_name',
  'file-name': 'file_name',
  file: 'file_name',
  file_path: 'file_path',
  filepath: 'file_path',
  path: 'file_path',
  'file-path': 'file_path',
};

const HASH_LENGTHS: Readonly<Partial<Record<IocType, number>>> = {
  md5: 32,
  sha1: 40,
  sha256: 64,
  sha512: 128,
  imphash: 32,
};

/** Maps a feed's type spelling onto an IocType, or undefined when Dwell cannot match it. */
export function normaliseIocType(raw: string): IocType | undefined {
  return TYPE_ALIASES[raw.trim().toLowerCase()];
}

/** Checks and canonicalises one indicator value; returns a reason string when it is unusable. */
export function checkIndicatorValue(type: IocType, raw: string): { value: string } | { reason: string } {
  let value = raw.trim();
  if (value === '') return { reason: 'empty value' };
  const hashLength = HASH_LENGTHS[type];
  if (hashLength !== undefined) {
    value = value.toLowerCase();
    if (value.length !== hashLength || !/^[0-9a-f]+$/.test(value))
      return { reason: `not a ${type} hash: ${JSON.stringify(raw.slice(0, 80))}` };
    return { value };
  }
  if (type === 'domain') {
    // Defanged forms (evil[.]com) are common in published lists.
    value = value
      .toLowerCase()
      .replace(/\[\.\]/g, '.')
      .replace(/^\*\./, '')
      .replace(/\.$/, '');
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(value))
      return { reason: `not a domain name: ${JSON.stringify(raw.slice(0, 80))}` };
    return { value };
  }
  if (type === 'ip') {
    value = value.toLowerCase().replace(/\[\.\]/g, '.');
    const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(value);
    const v6 = value.includes(':') && /^[0-9a-f:.]+$/.test(value);
    if (!v4 && !v6) return { reason: `not an IP address: ${JSON.stringify(raw.slice(0, 80))}` };
    return { value };
  }
  if (type === 'url') {
    value = value.replace(/^hxxp/i, 'http').replace(/\[\.\]/g, '.');
    return { value };
  }
  return { value };
}

/** The rows of a CSV text, and the lines that could not be split (unterminated quoted fields). */
export interface CsvRows {
  readonly rows: CsvRow[];
  readonly problems: CsvRowProblem[];
}

/**
 * Splits CSV text into rows of fields (RFC 4180 quoting; CRLF or LF); linear in the input. A quote opens a
 * quoted field only at the start of a field; a quoted field left open at the end of the text is reported and
 * reading starts again on the next line (see `readCsvRows`, which reads the same way from a file in pieces).
 */
export function parseCsvRows(text: string): CsvRows {
  const rows: CsvRow[] = [];
  const problems: CsvRowProblem[] = [];
  readCsvRows(
    (emit) => emit(text),
    (row) => rows.push(row),
    (problem) => problems.push(problem),
  );
  return { rows, problems };
}

/** Where indicators and problems go as a file is read. */
export interface IocSink {
  indicator(indicator: Indicator): void;
  problem(problem: IocProblem): void;
}

/** Turns the rows of a CSV indicator list into indicators one at a time; a first row naming columns is a header. */
export class IocCsvRowReader {
  private rowsSeen = 0;
  private typeCol = 0;
  private valueCol = 1;
  private descCol = 2;
  private sourceCol = 3;

  constructor(
    private readonly file: string,
    private readonly sink: IocSink,
  ) {}

  /** Reads one row. */
  row(row: CsvRow): void {
    const { file, sink } = this;
    if (this.rowsSeen++ === 0) {
      const lowered = row.fields.map((f) => f.trim().toLowerCase());
      if (lowered.includes('type') && lowered.includes('value')) {
        this.typeCol = lowered.indexOf('type');
        this.valueCol = lowered.indexOf('value');
        this.descCol = lowered.indexOf('description');
        this.sourceCol = lowered.indexOf('source');
        return;
      }
    }
    const rawType = row.fields[this.typeCol] ?? '';
    if (rawType.trim().startsWith('#')) return;
    const type = normaliseIocType(rawType);
    if (!type) {
      sink.problem({
        file,
        line: row.line,
        reason: `unknown indicator type ${JSON.stringify(rawType.slice(0, 40))}`,
      });
      return;
    }
    const checked = checkIndicatorValue(type, row.fields[this.valueCol] ?? '');
    if ('reason' in checked) {
      sink.problem({ file, line: row.line, reason: checked.reason });
      return;
    }
    const description = this.descCol >= 0 ? row.fields[this.descCol]?.trim() : undefined;
    const source = this.sourceCol >= 0 ? row.fields[this.sourceCol]?.trim() : undefined;
    sink.indicator({
      type,
      value: checked.value,
      ...(description ? { description } : {}),
      ...(source ? { source } : {}),
    });
  }
}

/** Reads a CSV indicator list `type,value,description,source` (a header row is recognised and skipped). */
export function parseIocCsv(text: string, file: string): ParsedIocs {
  const out: ParsedIocs = { indicators: [], problems: [] };
  const sink: IocSink = {
    indicator: (i) => out.indicators.push(i),
    problem: (p) => out.problems.push(p),
  };
  const reader = new IocCsvRowReader(file, sink);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  readCsvRows(
    (emit) => emit(body),
    (row) => reader.row(row),
    (p) => sink.problem({ file, ...p }),
  );
  return out;
}

// STIX object paths we understand, mapped onto our types.
function stixPathType(objectType: string, path: string): IocType | undefined {
  const p = path.replace(/\s+/g, '').toLowerCase();
  if (objectType === 'file') {
    if (p === 'name') return 'file_name';
    const hash = /^hashes\.'?([a-z0-9-]+)'?$/.exec(p);
    if (hash) return normaliseIocType(hash[1]);
    if (p === 'parent_directory_ref.path') return 'file_path';
    return undefined;
  }
  if (objectType === 'domain-name' && p === 'value') return 'domain';
  if ((objectType === 'ipv4-addr' || objectType === 'ipv6-addr') && p === 'value') return 'ip';
  if (objectType === 'url' && p === 'value') return 'url';
  if (objectType === 'directory' && p === 'path') return 'file_path';
  return undefined;
}

// Names a JSON value for a problem without converting it (String() of a deeply nested array recurses until the
// stack overflows, and an object with a "toString" member cannot be converted at all).
function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 80));
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'array' : 'object';
}

/** Reads the indicators of a STIX 2.1 bundle (or a bare array of objects); non-indicator objects are skipped. */
export function parseStixIndicators(text: string, file: string): ParsedIocs {
  const out: ParsedIocs = { indicators: [], problems: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    out.problems.push({ file, reason: `not JSON: ${(err as Error).message}` });
    return out;
  }
  const objects = Array.isArray(doc)
    ? doc
    : typeof doc === 'object' && doc !== null && Array.isArray((doc as { objects?: unknown }).objects)
      ? (doc as { objects: unknown[] }).objects
      : undefined;
  if (!objects) {
    out.problems.push({ file, reason: 'not a STIX bundle: no "objects" array' });
    return out;
  }
  const sink: IocSink = {
    indicator: (i) => out.indicators.push(i),
    problem: (p) => out.problems.push(p),
  };
  for (const obj of objects) readStixObject(obj, file, sink);
  return out;
}

/**
 * Reads one STIX object: an indicator gives an indicator per supported comparison of its pattern (or a
 * problem, named by the object's id and, when known, the line it starts on); other objects are skipped.
 */
export function readStixObject(obj: unknown, file: string, sink: IocSink, line?: number): void {
  if (typeof obj !== 'object' || obj === null) return;
  const o = obj as Record<string, unknown>;
  if (o.type !== 'indicator') return;
  const id = typeof o.id === 'string' ? o.id : undefined;
  const at = line !== undefined ? { file, line, id } : { file, id };
  if (o.pattern_type !== undefined && o.pattern_type !== 'stix') {
    sink.problem({ ...at, reason: `pattern_type ${describeValue(o.pattern_type)} is not supported` });
    return;
  }
  if (typeof o.pattern !== 'string') {
    sink.problem({ ...at, reason: 'indicator without a pattern' });
    return;
  }
  const name = typeof o.name === 'string' ? o.name : undefined;
  const description = typeof o.description === 'string' ? o.description : name;
  const refs = Array.isArray(o.external_references)
    ? (o.external_references as Record<string, unknown>[])
    : [];
  const url = refs.map((r) => r?.url).find((u): u is string => typeof u === 'string');
  const source = url ?? id;
  let used = 0;
  for (const cmp of stixPatternComparisons(o.pattern)) {
    const type = stixPathType(cmp.objectType, cmp.path);
    if (!type) continue;
    const checked = checkIndicatorValue(type, cmp.value);
    if ('reason' in checked) {
      sink.problem({ ...at, reason: checked.reason });
      continue;
    }
    used++;
    sink.indicator({
      type,
      value: checked.value,
      ...(description ? { description } : {}),
      ...(source ? { source } : {}),
    });
  }
  if (used === 0)
    sink.problem({ ...at, reason: `no supported comparison in pattern ${o.pattern.slice(0, 120)}` });
}
