// Decoding of BinXML value types straight from the chunk buffer: typed values (evtx_dump JSON semantics)
// and display text (evtxexport-style XML). Every read is bounds-checked; bad data yields null, never throws.
import type { FieldValue } from '../event/types.js';
import { ARRAY_FLAG, VALUE } from './constants.js';

const HEX_UPPER: string[] = [];
for (let i = 0; i < 256; i++) HEX_UPPER.push(i.toString(16).toUpperCase().padStart(2, '0'));

/** Milliseconds between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFF_MS = 11644473600000;

/** Decodes UTF-16LE bytes [off, off+byteLen), dropping trailing NUL characters. */
export function readUtf16(buf: Buffer, off: number, byteLen: number): string {
  let end = off + (byteLen & ~1);
  if (end > buf.length) end = buf.length - ((buf.length - off) & 1);
  while (end - 2 >= off && buf[end - 1] === 0 && buf[end - 2] === 0) end -= 2;
  return end > off ? buf.toString('utf16le', off, end) : '';
}

/** Windows-1252 characters for bytes 0x80..0x9F (where it differs from Latin-1; undefined bytes kept). */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Decodes ANSI text with the Windows-1252 code page (evtxexport's default), dropping trailing NULs. */
function readAnsi(buf: Buffer, off: number, len: number): string {
  let end = Math.min(off + len, buf.length);
  while (end > off && buf[end - 1] === 0) end--;
  if (end <= off) return '';
  const latin1 = buf.toString('latin1', off, end);
  for (let i = off; i < end; i++) {
    if (buf[i] >= 0x80 && buf[i] <= 0x9f) {
      let out = '';
      for (let k = 0; k < latin1.length; k++) {
        const c = latin1.charCodeAt(k);
        out += c >= 0x80 && c <= 0x9f ? CP1252_HIGH[c - 0x80] : latin1[k];
      }
      return out;
    }
  }
  return latin1;
}

/** Formats a little-endian GUID as upper-case text, optionally in braces. */
export function formatGuid(buf: Buffer, off: number, braces: boolean): string {
  const h = HEX_UPPER;
  const s =
    h[buf[off + 3]] +
    h[buf[off + 2]] +
    h[buf[off + 1]] +
    h[buf[off]] +
    '-' +
    h[buf[off + 5]] +
    h[buf[off + 4]] +
    '-' +
    h[buf[off + 7]] +
    h[buf[off + 6]] +
    '-' +
    h[buf[off + 8]] +
    h[buf[off + 9]] +
    '-' +
    h[buf[off + 10]] +
    h[buf[off + 11]] +
    h[buf[off + 12]] +
    h[buf[off + 13]] +
    h[buf[off + 14]] +
    h[buf[off + 15]];
  return braces ? '{' + s + '}' : s;
}

/** Formats an NT SID ("S-1-5-18"), or null when the bytes do not hold one. */
export function formatSid(buf: Buffer, off: number, size: number): string | null {
  if (size < 8 || off + size > buf.length) return null;
  const revision = buf[off];
  const count = buf[off + 1];
  if (8 + count * 4 > size) return null;
  // The 48-bit identifier authority is big-endian.
  const authority = buf.readUIntBE(off + 2, 6);
  let s = 'S-' + revision + '-' + authority;
  for (let i = 0; i < count; i++) s += '-' + buf.readUInt32LE(off + 8 + i * 4);
  return s;
}

/**
 * Splits a FILETIME (100 ns ticks since 1601) into Unix milliseconds and the remaining ticks (0..9999)
 * without BigInt: the 64-bit value is divided by 10,000 in two exact 48-bit steps.
 */
function filetimeSplit(buf: Buffer, off: number, out: Float64Array): void {
  const lo = buf.readUInt32LE(off);
  const hi = buf.readUInt32LE(off + 4);
  const m = hi * 65536 + (lo >>> 16);
  const q1 = Math.floor(m / 10000);
  const r1 = m - q1 * 10000;
  const t = r1 * 65536 + (lo & 0xffff);
  const q2 = Math.floor(t / 10000);
  out[0] = q1 * 65536 + q2 - EPOCH_DIFF_MS;
  out[1] = t - q2 * 10000;
}

const SPLIT = new Float64Array(2);

/** FILETIME at off as Unix milliseconds (NaN when out of the buffer). */
export function filetimeToMs(buf: Buffer, off: number): number {
  if (off < 0 || off + 8 > buf.length) return NaN;
  filetimeSplit(buf, off, SPLIT);
  return SPLIT[0];
}

function isoMs(ms: number): string | null {
  if (!(Math.abs(ms) <= 8.64e15)) return null;
  return new Date(ms).toISOString();
}

// Consecutive records share their second far more often than not: cache the ISO text of the last second.
let cachedSecond = NaN;
let cachedSecondText = '';

/** ISO text up to the seconds ("YYYY-MM-DDTHH:MM:SS") of a Unix millisecond time, or null out of range. */
function isoSecond(ms: number): string | null {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const iso = isoMs(second * 1000);
    if (iso === null) return null;
    cachedSecond = second;
    cachedSecondText = iso.slice(0, iso.length - 5);
  }
  return cachedSecondText;
}

/** FILETIME as ISO text with `digits` fraction digits (6 = evtx_dump, 9 = evtxexport's 7 + "00"). */
export function formatFiletime(buf: Buffer, off: number, digits: 6 | 9): string | null {
  if (off < 0 || off + 8 > buf.length) return null;
  filetimeSplit(buf, off, SPLIT);
  const ms = SPLIT[0];
  const head = isoSecond(ms);
  if (head === null) return null;
  // Sub-second part in 100 ns ticks: milliseconds * 10,000 + the remaining ticks (0..9,999).
  const ticks = (ms - Math.floor(ms / 1000) * 1000) * 10000 + SPLIT[1];
  const frac = String(ticks).padStart(7, '0');
  return digits === 6 ? head + '.' + frac.slice(0, 6) + 'Z' : head + '.' + frac + '00Z';
}

/** SYSTEMTIME (16 bytes: year, month, weekday, day, h, m, s, ms) as ISO text. */
export function formatSystemtime(buf: Buffer, off: number): string | null {
  if (off < 0 || off + 16 > buf.length) return null;
  const year = buf.readUInt16LE(off);
  const month = buf.readUInt16LE(off + 2);
  const day = buf.readUInt16LE(off + 6);
  const ms = Date.UTC(
    year,
    month - 1,
    day,
    buf.readUInt16LE(off + 8),
    buf.readUInt16LE(off + 10),
    buf.readUInt16LE(off + 12),
    buf.readUInt16LE(off + 14),
  );
  if (year < 1 || year > 9999 || month < 1 || month > 12) return null;
  return isoMs(ms);
}

/** "0x" + hex; evtxexport pads to the full width (`padded`), evtx_dump does not. */
function hex32(v: number, padded: boolean): string {
  return '0x' + (padded ? v.toString(16).padStart(8, '0') : v.toString(16));
}

function hex64(buf: Buffer, off: number, padded: boolean): string {
  const lo = buf.readUInt32LE(off);
  const hi = buf.readUInt32LE(off + 4);
  if (padded) return '0x' + hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
  return hi === 0 ? '0x' + lo.toString(16) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

function uint64(buf: Buffer, off: number): number | bigint {
  const lo = buf.readUInt32LE(off);
  const hi = buf.readUInt32LE(off + 4);
  return hi < 0x200000 ? hi * 4294967296 + lo : buf.readBigUInt64LE(off);
}

function int64(buf: Buffer, off: number): number | bigint {
  const lo = buf.readUInt32LE(off);
  const hi = buf.readInt32LE(off + 4);
  return hi >= -0x200000 && hi < 0x200000 ? hi * 4294967296 + lo : buf.readBigInt64LE(off);
}

/** Shortest decimal that reads back as the same 32-bit float (as serde_json prints an f32). */
function float32(buf: Buffer, off: number): number {
  const v = buf.readFloatLE(off);
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p < 10; p++) {
    const c = Number(v.toPrecision(p));
    if (Math.fround(c) === v) return c;
  }
  return v;
}

/** Byte width of one item of a fixed-size value type (0 for variable-size types). */
export function fixedWidth(type: number): number {
  switch (type & ~ARRAY_FLAG) {
    case VALUE.INT8:
    case VALUE.UINT8:
      return 1;
    case VALUE.INT16:
    case VALUE.UINT16:
      return 2;
    case VALUE.INT32:
    case VALUE.UINT32:
    case VALUE.REAL32:
    case VALUE.BOOL:
    case VALUE.HEX32:
      return 4;
    case VALUE.INT64:
    case VALUE.UINT64:
    case VALUE.REAL64:
    case VALUE.FILETIME:
    case VALUE.HEX64:
      return 8;
    case VALUE.GUID:
    case VALUE.SYSTEMTIME:
      return 16;
    default:
      return 0;
  }
}

/**
 * One scalar value as evtx_dump's JSON has it: numbers for integers and floats, "0x.." for hex types,
 * upper-case GUIDs without braces, hex text for binary, ISO text for times. Null when the bytes are short.
 */
export function decodeScalar(
  buf: Buffer,
  off: number,
  size: number,
  type: number,
  braces = false,
): FieldValue {
  if (off < 0 || size < 0 || off + size > buf.length) return null;
  const width = fixedWidth(type);
  if (width > 0 && size < width) {
    // Booleans are sometimes stored in fewer than 4 bytes.
    if (type === VALUE.BOOL && size > 0) return buf.readUIntLE(off, size) !== 0;
    return null;
  }
  switch (type) {
    case VALUE.NULL:
      return null;
    case VALUE.STRING:
      // evtx_dump drops trailing whitespace from strings; the XML view keeps the data as stored.
      return braces ? readUtf16(buf, off, size) : readUtf16(buf, off, size).trimEnd();
    case VALUE.ANSI_STRING:
      return readAnsi(buf, off, size);
    case VALUE.INT8:
      return buf.readInt8(off);
    case VALUE.UINT8:
      return buf[off];
    case VALUE.INT16:
      return buf.readInt16LE(off);
    case VALUE.UINT16:
      return buf.readUInt16LE(off);
    case VALUE.INT32:
      return buf.readInt32LE(off);
    case VALUE.UINT32:
      return buf.readUInt32LE(off);
    case VALUE.INT64:
      return int64(buf, off);
    case VALUE.UINT64:
      return uint64(buf, off);
    case VALUE.REAL32:
      return float32(buf, off);
    case VALUE.REAL64:
      return buf.readDoubleLE(off);
    case VALUE.BOOL:
      return buf.readUInt32LE(off) !== 0;
    case VALUE.BINARY:
      return size === 0 ? '' : buf.toString('hex', off, off + size).toUpperCase();
    case VALUE.GUID:
      return formatGuid(buf, off, braces);
    case VALUE.SIZE_T:
      // A pointer-sized unsigned integer, shown in decimal (as evtxexport does).
      if (size >= 8) return uint64(buf, off);
      if (size >= 4) return buf.readUInt32LE(off);
      return null;
    case VALUE.FILETIME:
      return formatFiletime(buf, off, braces ? 9 : 6);
    case VALUE.SYSTEMTIME:
      return formatSystemtime(buf, off);
    case VALUE.SID:
      return formatSid(buf, off, size);
    case VALUE.HEX32:
      return hex32(buf.readUInt32LE(off), braces);
    case VALUE.HEX64:
      return hex64(buf, off, braces);
    default:
      return null;
  }
}

/** A value of any type; arrays (type | 0x80) become arrays. `braces` selects XML-style GUIDs and times. */
export function decodeValue(
  buf: Buffer,
  off: number,
  size: number,
  type: number,
  braces = false,
): FieldValue {
  if ((type & ARRAY_FLAG) === 0) return decodeScalar(buf, off, size, type, braces);
  if (off < 0 || size < 0 || off + size > buf.length) return null;
  const item = type & ~ARRAY_FLAG;
  const out: FieldValue[] = [];
  if (item === VALUE.STRING) {
    // NUL-separated UTF-16 strings.
    let start = off;
    const end = off + (size & ~1);
    for (let p = off; p < end; p += 2) {
      if (buf[p] === 0 && buf[p + 1] === 0) {
        out.push(buf.toString('utf16le', start, p));
        start = p + 2;
      }
    }
    if (start < end) out.push(buf.toString('utf16le', start, end));
    return out;
  }
  if (item === VALUE.ANSI_STRING) {
    let start = off;
    const end = off + size;
    for (let p = off; p < end; p++) {
      if (buf[p] === 0) {
        out.push(readAnsi(buf, start, p - start));
        start = p + 1;
      }
    }
    if (start < end) out.push(readAnsi(buf, start, end - start));
    return out;
  }
  if (item === VALUE.SID) {
    let p = off;
    const end = off + size;
    while (p + 8 <= end) {
      const len = 8 + buf[p + 1] * 4;
      if (p + len > end) break;
      out.push(formatSid(buf, p, len));
      p += len;
    }
    return out;
  }
  const width = item === VALUE.SIZE_T ? (size % 8 === 0 ? 8 : 4) : fixedWidth(item);
  if (width === 0) return null;
  for (let p = off; p + width <= off + size; p += width) out.push(decodeScalar(buf, p, width, item, braces));
  return out;
}

/** A value as display text (XML content, concatenated text): arrays are joined with ", ". */
export function valueText(buf: Buffer, off: number, size: number, type: number, braces: boolean): string {
  const v = decodeValue(buf, off, size, type, braces);
  return textOf(v);
}

/** Display text of a decoded value. */
export function textOf(v: FieldValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => textOf(x as FieldValue)).join(', ');
  return String(v);
}
