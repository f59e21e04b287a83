// Substitution values for the EVTX writer: which BinXML value type a spec value becomes, its byte size, and
// its bytes. Sizing and writing are separate so a record's size is known before anything is written.
import { ARRAY_FLAG, VALUE } from './constants.js';
import type { EventDataValue, TypedValue } from './writer-types.js';

/** Largest value a substitution descriptor can describe (its size field is 16 bits). */
export const MAX_VALUE_BYTES = 0xffff;

const FIXED_TYPES: Record<string, number> = {
  uint8: VALUE.UINT8,
  uint16: VALUE.UINT16,
  uint32: VALUE.UINT32,
  int8: VALUE.INT8,
  int16: VALUE.INT16,
  int32: VALUE.INT32,
  uint64: VALUE.UINT64,
  int64: VALUE.INT64,
  float: VALUE.REAL32,
  double: VALUE.REAL64,
  hex32: VALUE.HEX32,
  hex64: VALUE.HEX64,
  sizet: VALUE.SIZE_T,
  guid: VALUE.GUID,
  sid: VALUE.SID,
  filetime: VALUE.FILETIME,
  systemtime: VALUE.SYSTEMTIME,
  ansi: VALUE.ANSI_STRING,
  binary: VALUE.BINARY,
};

const ARRAY_ITEM_TYPES: Record<string, number> = {
  string: VALUE.STRING,
  uint16: VALUE.UINT16,
  uint32: VALUE.UINT32,
  uint64: VALUE.UINT64,
  guid: VALUE.GUID,
  sid: VALUE.SID,
};

const TWO_32 = 4294967296;
const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;

/** The BinXML value type a spec value is written as. */
export function valueTypeOf(value: EventDataValue | undefined): number {
  switch (typeof value) {
    case 'string':
      return VALUE.STRING;
    case 'number':
      if (Number.isInteger(value)) return value >= 0 && value < TWO_32 ? VALUE.UINT32 : VALUE.INT64;
      return VALUE.REAL64;
    case 'boolean':
      return VALUE.BOOL;
    case 'bigint':
      return value >= 0n ? VALUE.UINT64 : VALUE.INT64;
    case 'undefined':
      return VALUE.NULL;
    default:
      if (value === null) return VALUE.NULL;
      if (value instanceof Uint8Array) return VALUE.BINARY;
      return typedValueType(value);
  }
}

function typedValueType(value: TypedValue): number {
  if (value.type === 'array') {
    const item = ARRAY_ITEM_TYPES[value.itemType];
    if (item === undefined) throw new TypeError(`unsupported array item type: ${String(value.itemType)}`);
    return item | ARRAY_FLAG;
  }
  const code = FIXED_TYPES[value.type];
  if (code === undefined) throw new TypeError(`unsupported typed value: ${String(value.type)}`);
  return code;
}

/** Byte size of a value written as `type` (see valueTypeOf). */
export function valueSize(type: number, value: EventDataValue | undefined): number {
  switch (type) {
    case VALUE.NULL:
      return 0;
    case VALUE.STRING:
      return (value as string).length * 2;
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
    case VALUE.HEX64:
    case VALUE.SIZE_T:
    case VALUE.FILETIME:
      return 8;
    case VALUE.GUID:
      return 16;
    case VALUE.SYSTEMTIME:
      return 16;
    case VALUE.BINARY:
      return value instanceof Uint8Array ? value.length : (value as { value: Uint8Array }).value.length;
    case VALUE.ANSI_STRING:
      return Buffer.byteLength((value as { value: string }).value, 'latin1');
    case VALUE.SID:
      return sidBytes(typedInner(value) as string).length;
    default:
      return arraySize(type, value as TypedValue & { type: 'array' });
  }
}

function arraySize(type: number, value: { value: readonly unknown[] }): number {
  const items = value.value;
  switch (type & ~ARRAY_FLAG) {
    case VALUE.STRING: {
      let n = 0;
      for (const s of items) n += (String(s).length + 1) * 2;
      return n;
    }
    case VALUE.UINT16:
      return items.length * 2;
    case VALUE.UINT32:
      return items.length * 4;
    case VALUE.UINT64:
      return items.length * 8;
    case VALUE.GUID:
      return items.length * 16;
    case VALUE.SID: {
      let n = 0;
      for (const s of items) n += sidBytes(String(s)).length;
      return n;
    }
    default:
      throw new TypeError(`unsupported value type 0x${type.toString(16)}`);
  }
}

// The payload of a TypedValue, or the value itself for plain JS values.
function typedInner(value: EventDataValue | undefined): unknown {
  return value !== null && typeof value === 'object' && !(value instanceof Uint8Array) ? value.value : value;
}

// A DataView over the buffer being written (the chunk buffer, reused): its stores compile to plain moves,
// without the argument checks of Buffer's write methods, which dominated the writer's profile.
let viewBuf: Uint8Array | undefined;
let viewDv: DataView = new DataView(new ArrayBuffer(8));

/** The DataView for `buf`, cached for the last buffer asked about. */
export function viewOf(buf: Uint8Array): DataView {
  if (buf !== viewBuf) {
    viewBuf = buf;
    viewDv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return viewDv;
}

// An integer in [min, max], or a RangeError naming it (DataView stores would silently wrap).
function int(v: unknown, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RangeError(`integer out of range [${min}, ${max}]: ${String(v)}`);
  return n;
}

/** Writes a value of `type` at `off`; returns the offset after it. The caller sized the buffer. */
export function writeValue(
  buf: Buffer,
  off: number,
  type: number,
  value: EventDataValue | undefined,
  dv: DataView = viewOf(buf),
): number {
  const v = typeof value === 'object' ? typedInner(value) : value;
  switch (type) {
    case VALUE.NULL:
      return off;
    case VALUE.STRING:
      return writeUtf16(buf, off, v as string);
    case VALUE.ANSI_STRING:
      return off + buf.write(v as string, off, 'latin1');
    case VALUE.INT8:
      dv.setInt8(off, int(v, -0x80, 0x7f));
      return off + 1;
    case VALUE.UINT8:
      dv.setUint8(off, int(v, 0, 0xff));
      return off + 1;
    case VALUE.INT16:
      dv.setInt16(off, int(v, -0x8000, 0x7fff), true);
      return off + 2;
    case VALUE.UINT16:
      dv.setUint16(off, int(v, 0, 0xffff), true);
      return off + 2;
    case VALUE.INT32:
      dv.setInt32(off, int(v, -0x80000000, 0x7fffffff), true);
      return off + 4;
    case VALUE.UINT32:
    case VALUE.HEX32:
      dv.setUint32(off, int(v, 0, 0xffffffff), true);
      return off + 4;
    case VALUE.BOOL:
      dv.setUint32(off, v ? 1 : 0, true);
      return off + 4;
    case VALUE.REAL32:
      dv.setFloat32(off, Number(v), true);
      return off + 4;
    case VALUE.REAL64:
      dv.setFloat64(off, Number(v), true);
      return off + 8;
    case VALUE.INT64:
      return writeInt64(dv, off, v as number | bigint);
    case VALUE.UINT64:
    case VALUE.HEX64:
    case VALUE.SIZE_T:
      return writeUint64(dv, off, v as number | bigint);
    case VALUE.FILETIME:
      return writeFiletime(buf, off, toMillis(v as Date | number), dv);
    case VALUE.SYSTEMTIME:
      return writeSystemtime(dv, off, toMillis(v as Date | number));
    case VALUE.GUID:
      return writeGuid(buf, off, v as string);
    case VALUE.SID: {
      const bytes = sidBytes(v as string);
      buf.set(bytes, off);
      return off + bytes.length;
    }
    case VALUE.BINARY: {
      const bytes = v as Uint8Array;
      buf.set(bytes, off);
      return off + bytes.length;
    }
    default:
      return writeArray(buf, dv, off, type & ~ARRAY_FLAG, v as readonly unknown[]);
  }
}

function writeArray(
  buf: Buffer,
  dv: DataView,
  off: number,
  itemType: number,
  items: readonly unknown[],
): number {
  for (const item of items) {
    switch (itemType) {
      case VALUE.STRING:
        off = writeUtf16(buf, off, String(item));
        dv.setUint16(off, 0, true);
        off += 2;
        break;
      case VALUE.UINT16:
        dv.setUint16(off, int(item, 0, 0xffff), true);
        off += 2;
        break;
      case VALUE.UINT32:
        dv.setUint32(off, int(item, 0, 0xffffffff), true);
        off += 4;
        break;
      case VALUE.UINT64:
        off = writeUint64(dv, off, item as number | bigint);
        break;
      case VALUE.GUID:
        off = writeGuid(buf, off, String(item));
        break;
      case VALUE.SID: {
        const bytes = sidBytes(String(item));
        buf.set(bytes, off);
        off += bytes.length;
        break;
      }
    }
  }
  return off;
}

// A 16-bit view over the buffer being written, for one store per code unit at even offsets. Only on
// little-endian machines (the view's byte order is the machine's) and for buffers at an even byte offset.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let unitsBuf: Uint8Array | undefined;
let units: Uint16Array | undefined;

/** The 16-bit view writeUtf16 uses for `buf` (cached for the last buffer asked about). */
export function unitsOf(buf: Uint8Array): Uint16Array | undefined {
  if (buf !== unitsBuf) {
    unitsBuf = buf;
    units =
      LITTLE_ENDIAN && (buf.byteOffset & 1) === 0
        ? new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength >>> 1)
        : undefined;
  }
  return units;
}

/**
 * Writes UTF-16LE code units (lone surrogates kept as they are); returns the offset after them. Writers that
 * alternate between buffers pass each buffer's own `units` view (unitsOf), so the one-entry cache is not
 * rebuilt on every switch.
 */
export function writeUtf16(
  buf: Buffer,
  off: number,
  s: string,
  units: Uint16Array | undefined = unitsOf(buf),
): number {
  const n = s.length;
  // A JS loop beats the native call for the short strings that make up most event data.
  if (n > 24) return off + buf.write(s, off, 'utf16le');
  if ((off & 1) === 0) {
    const view = units;
    if (view !== undefined && off + 2 * n <= 2 * view.length) {
      let k = off >>> 1;
      for (let i = 0; i < n; i++) view[k++] = s.charCodeAt(i);
      return off + 2 * n;
    }
  }
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    buf[off++] = c & 0xff;
    buf[off++] = c >>> 8;
  }
  return off;
}

function writeUint64(dv: DataView, off: number, v: number | bigint): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`not an unsigned 64-bit integer: ${v}`);
    }
    const hi = Math.floor(v / TWO_32);
    dv.setUint32(off, v - hi * TWO_32, true);
    dv.setUint32(off + 4, hi, true);
    return off + 8;
  }
  if (v < 0n || v >= TWO_64) throw new RangeError(`not an unsigned 64-bit integer: ${v}`);
  dv.setBigUint64(off, v, true);
  return off + 8;
}

function writeInt64(dv: DataView, off: number, v: number | bigint): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    const hi = Math.floor(v / TWO_32); // two's complement: the high word of a negative number is negative
    dv.setUint32(off, v - hi * TWO_32, true);
    dv.setInt32(off + 4, hi, true);
    return off + 8;
  }
  const b = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  if (b < -TWO_63 || b >= TWO_63) throw new RangeError(`not a signed 64-bit integer: ${b}`);
  dv.setBigInt64(off, b, true);
  return off + 8;
}

function toMillis(v: Date | number): number {
  const ms = typeof v === 'number' ? v : v.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid time: ${String(v)}`);
  return ms;
}

// Milliseconds between 1601-01-01 (FILETIME epoch) and 1970-01-01.
const EPOCH_DELTA_MS = 11644473600000;

/** Writes milliseconds since the Unix epoch as a FILETIME (100 ns ticks since 1601), exactly, without BigInt. */
export function writeFiletime(buf: Buffer, off: number, ms: number, dv: DataView = viewOf(buf)): number {
  const t = ms + EPOCH_DELTA_MS;
  if (t < 0) throw new RangeError(`time before 1601: ${ms}`);
  const whole = Math.floor(t);
  const fracTicks = Math.round((t - whole) * 10000);
  const hi = Math.floor(whole / TWO_32);
  const loTicks = (whole - hi * TWO_32) * 10000 + fracTicks; // < 2^47: exact
  const carry = Math.floor(loTicks / TWO_32);
  dv.setUint32(off, loTicks - carry * TWO_32, true);
  dv.setUint32(off + 4, hi * 10000 + carry, true);
  return off + 8;
}

function writeSystemtime(dv: DataView, off: number, ms: number): number {
  const d = new Date(ms);
  const fields = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDay(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  ];
  fields.forEach((f, i) => dv.setUint16(off + 2 * i, f, true));
  return off + 16;
}

// Hex digit values without a regex: the input is a spec string, still validated strictly.
function hexAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

const guidCache = new Map<string, Buffer>();

/** Writes a GUID given as `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (braces optional) in its mixed-endian layout. */
export function writeGuid(buf: Buffer, off: number, text: string): number {
  let bytes = guidCache.get(text);
  if (bytes === undefined) {
    bytes = guidBytes(text);
    if (guidCache.size > 4096) guidCache.clear();
    guidCache.set(text, bytes);
  }
  bytes.copy(buf, off);
  return off + 16;
}

function guidBytes(text: string): Buffer {
  const s = text.length === 38 && text[0] === '{' && text[37] === '}' ? text.slice(1, 37) : text;
  if (s.length !== 36 || s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') {
    throw new TypeError(`invalid GUID: ${text}`);
  }
  const bytes = new Array<number>(16);
  let k = 0;
  for (let i = 0; i < 36; i += 2) {
    if (s[i] === '-') i++;
    const hi = hexAt(s, i);
    const lo = hexAt(s, i + 1);
    if (hi < 0 || lo < 0) throw new TypeError(`invalid GUID: ${text}`);
    bytes[k++] = (hi << 4) | lo;
  }
  // Data1 (4 bytes), Data2 and Data3 (2 bytes each) are little-endian; Data4 is kept in order.
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Buffer.from(order.map((i) => bytes[i]));
}

const sidCache = new Map<string, Buffer>();

/** The binary form of a SID string `S-1-5-21-...` (cached: the same few SIDs repeat across events). */
export function sidBytes(text: string): Buffer {
  const hit = sidCache.get(text);
  if (hit) return hit;
  const parts = text.split('-');
  if (parts.length < 3 || (parts[0] !== 'S' && parts[0] !== 's')) throw new TypeError(`invalid SID: ${text}`);
  const nums = parts.slice(1).map((p) => (/^\d{1,20}$/.test(p) ? Number(p) : NaN));
  const [revision, authority, ...subs] = nums;
  if (
    nums.some((n) => !Number.isFinite(n)) ||
    revision > 255 ||
    authority >= 2 ** 48 ||
    subs.length > 15 ||
    subs.some((n) => n >= TWO_32)
  ) {
    throw new TypeError(`invalid SID: ${text}`);
  }
  const out = Buffer.alloc(8 + 4 * subs.length);
  out[0] = revision;
  out[1] = subs.length;
  out.writeUIntBE(authority, 2, 6);
  subs.forEach((n, i) => out.writeUInt32LE(n, 8 + 4 * i));
  if (sidCache.size > 4096) sidCache.clear();
  sidCache.set(text, out);
  return out;
}
