// Reading indicator sets: the CSV layout `type,value,description,source` and STIX 2.1 bundles of indicators.
// Indicator files come from outside, so parsing never throws on content: bad rows become problems.
import { stixPatternComparisons } from './stix-pattern.js';

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

const QUOTE_MARK = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** One CSV row: its fields and the line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly fields: string[];
}

/** The rows of a CSV text, and the lines that could not be split (unterminated quoted fields). */
export interface CsvRows {
  readonly rows: CsvRow[];
  readonly problems: { line: number; reason: string }[];
}

/**
 * Splits CSV text into rows of fields (RFC 4180 quoting; CRLF or LF); linear in the input. A quote opens a
 * quoted field only at the start of a field (`5" floppy` is plain text). A quoted field left open at the end of
 * the text would swallow every row after it, so that row is reported and reading starts again on the next line,
 * from then on with quoted fields ending at their line (at most two passes over the text).
 */
export function parseCsvRows(text: string): CsvRows {
  const rows: CsvRow[] = [];
  const problems: { line: number; reason: string }[] = [];
  let from = 0;
  let line = 1;
  let multiLine = true;
  while (from <= text.length) {
    const stop = scanCsvRows(text, from, line, multiLine, rows, problems);
    if (!stop) break;
    problems.push({ line: stop.line, reason: 'unterminated quoted field: the row is skipped' });
    const next = text.indexOf('\n', stop.index);
    if (next < 0) break;
    from = next + 1;
    line = stop.line + 1;
    multiLine = false;
  }
  return { rows, problems };
}

// Reads rows from `from`; returns where the row holding a quoted field still open at the end began. Fields
// are cut out as slices between special characters (appending character by character cost ~150 ns each).
function scanCsvRows(
  text: string,
  from: number,
  firstLine: number,
  multiLine: boolean,
  rows: CsvRow[],
  problems: { line: number; reason: string }[],
): { index: number; line: number } | undefined {
  let fields: string[] = [];
  let field = '';
  let fieldStart = true;
  let inQuotes = false;
  let line = firstLine;
  let rowLine = firstLine;
  let rowIndex = from;
  let seg = from; // start of the text not yet appended to `field`
  const endRow = (next: number): void => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
    fieldStart = true;
    rowLine = line;
    rowIndex = next;
    seg = next;
  };
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE_MARK) {
        field += text.slice(seg, i);
        if (text.charCodeAt(i + 1) === QUOTE_MARK) {
          field += '"';
          i++;
        } else inQuotes = false;
        seg = i + 1;
      } else if (c === LF) {
        if (!multiLine) {
          // Single-line mode: the open quote ends with its line and the row is reported.
          problems.push({ line: rowLine, reason: 'unterminated quoted field: the row is skipped' });
          inQuotes = false;
          line++;
          fields = [];
          field = '';
          fieldStart = true;
          rowLine = line;
          rowIndex = i + 1;
          seg = i + 1;
        } else line++;
      }
      continue;
    }
    if (c === QUOTE_MARK && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      seg = i + 1;
    } else if (c === COMMA) {
      field += text.slice(seg, i);
      fields.push(field);
      field = '';
      fieldStart = true;
      seg = i + 1;
    } else if (c === LF || c === CR) {
      field += text.slice(seg, i);
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      line++;
      endRow(i + 1);
    } else fieldStart = false;
  }
  if (inQuotes) return { index: rowIndex, line: rowLine };
  field += text.slice(seg);
  fields.push(field);
  if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
  return undefined;
}

/** Reads a CSV indicator list `type,value,description,source` (a header row is recognised and skipped). */
export function parseIocCsv(text: string, file: string): ParsedIocs {
  const out: ParsedIocs = { indicators: [], problems: [] };
  const { rows, problems } = parseCsvRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  for (const p of problems) out.problems.push({ file, ...p });
  let typeCol = 0;
  let valueCol = 1;
  let descCol = 2;
  let sourceCol = 3;
  for (const [index, row] of rows.entries()) {
    const lowered = row.fields.map((f) => f.trim().toLowerCase());
    if (index === 0 && lowered.includes('type') && lowered.includes('value')) {
      typeCol = lowered.indexOf('type');
      valueCol = lowered.indexOf('value');
      descCol = lowered.indexOf('description');
      sourceCol = lowered.indexOf('source');
      continue;
    }
    const rawType = row.fields[typeCol] ?? '';
    if (rawType.trim().startsWith('#')) continue;
    const type = normaliseIocType(rawType);
    if (!type) {
      out.problems.push({
        file,
        line: row.line,
        reason: `unknown indicator type ${JSON.stringify(rawType.slice(0, 40))}`,
      });
      continue;
    }
    const checked = checkIndicatorValue(type, row.fields[valueCol] ?? '');
    if ('reason' in checked) {
      out.problems.push({ file, line: row.line, reason: checked.reason });
      continue;
    }
    const description = descCol >= 0 ? row.fields[descCol]?.trim() : undefined;
    const source = sourceCol >= 0 ? row.fields[sourceCol]?.trim() : undefined;
    out.indicators.push({
      type,
      value: checked.value,
      ...(description ? { description } : {}),
      ...(source ? { source } : {}),
    });
  }
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
  for (const obj of objects) {
    if (typeof obj !== 'object' || obj === null) continue;
    const o = obj as Record<string, unknown>;
    if (o.type !== 'indicator') continue;
    const id = typeof o.id === 'string' ? o.id : undefined;
    if (o.pattern_type !== undefined && o.pattern_type !== 'stix') {
      out.problems.push({
        file,
        id,
        reason: `pattern_type ${describeValue(o.pattern_type)} is not supported`,
      });
      continue;
    }
    if (typeof o.pattern !== 'string') {
      out.problems.push({ file, id, reason: 'indicator without a pattern' });
      continue;
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
        out.problems.push({ file, id, reason: checked.reason });
        continue;
      }
      used++;
      out.indicators.push({
        type,
        value: checked.value,
        ...(description ? { description } : {}),
        ...(source ? { source } : {}),
      });
    }
    if (used === 0)
      out.problems.push({
        file,
        id,
        reason: `no supported comparison in pattern ${o.pattern.slice(0, 120)}`,
      });
  }
  return out;
}
