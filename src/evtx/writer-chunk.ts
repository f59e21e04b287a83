// One 64 KiB EVTX chunk being filled by the writer: header, string table (names), template table, records.
// Names and template definitions are written inline the first time a chunk uses them and referenced by
// offset afterwards, as Windows does; every chunk is self-contained.
import { crc32 } from './crc32.js';
import {
  nameHash,
  SYSTEM_ELEMENT,
  type TemplateContent,
  type TemplateElement,
  type TemplateShape,
} from './writer-template.js';
import { unitsOf, writeFiletime, writeUtf16 } from './writer-values.js';

export const CHUNK_SIZE = 0x10000;
export const CHUNK_HEADER_SIZE = 512;
/**
 * Records end at least 8 bytes before the chunk's end: libevtx (evtxexport) silently drops a last record
 * that leaves fewer than 4 bytes free (found by sweeping record sizes across the chunk end).
 */
export const RECORD_SPACE_END = CHUNK_SIZE - 8;
const STRING_TABLE = 128; // 64 buckets of u32 offsets
const TEMPLATE_TABLE = 384; // 32 buckets of u32 offsets
const RECORD_MAGIC = 0x00002a2a;

// BinXML tokens.
const T = {
  EOF: 0x00,
  OPEN: 0x01,
  CLOSE_START: 0x02,
  CLOSE_EMPTY: 0x03,
  END: 0x04,
  VALUE: 0x05,
  ATTR: 0x06,
  TEMPLATE: 0x0c,
  NORMAL_SUB: 0x0d,
  OPTIONAL_SUB: 0x0e,
  FRAGMENT: 0x0f,
  MORE: 0x40,
};

/** Fixed bytes of a record around its template instance: header 24, fragment 4, instance 10, count 4, EOF 1, size copy 4. */
export const RECORD_OVERHEAD = 24 + 4 + 10 + 4 + 1 + 4;

/** A chunk under construction. `reset()` starts the next one in the same buffer. */
export class ChunkBuilder {
  readonly buf = Buffer.alloc(CHUNK_SIZE);
  /** A view for the hot path's stores (no per-call argument checks). */
  readonly dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  /** The 16-bit view for UTF-16 strings (see writeUtf16). */
  readonly units = unitsOf(this.buf);
  /** Offset where the next record starts. */
  pos = CHUNK_HEADER_SIZE;
  records = 0;
  firstId = 0;
  lastId = 0;
  private lastRecordOffset = CHUNK_HEADER_SIZE;
  private readonly names = new Map<string, number>();
  private readonly templates = new Map<TemplateShape, number>();
  // The System element as encoded in this chunk once all its names were already in the chunk: it then holds
  // only name offsets and fixed sizes, so every later template of the chunk copies these bytes.
  private systemCopy: Uint8Array | undefined = undefined;
  // State saved by mark() so a record that fails half-way can be taken back out.
  private saved = { pos: 0, records: 0, firstId: 0, lastId: 0, lastRecordOffset: 0, names: 0, templates: 0 };

  /** Clears the buffer for a new chunk. */
  reset(): void {
    this.buf.fill(0);
    this.pos = CHUNK_HEADER_SIZE;
    this.records = 0;
    this.lastRecordOffset = CHUNK_HEADER_SIZE;
    this.names.clear();
    this.templates.clear();
    this.systemCopy = undefined;
  }

  /** Remembers the current state; rollback() returns to it (one level, taken before every record). */
  mark(): void {
    const s = this.saved;
    s.pos = this.pos;
    s.records = this.records;
    s.firstId = this.firstId;
    s.lastId = this.lastId;
    s.lastRecordOffset = this.lastRecordOffset;
    s.names = this.names.size;
    s.templates = this.templates.size;
  }

  /** Undoes a partly written record: unlinks names and templates it added and clears its bytes. */
  rollback(): void {
    const s = this.saved;
    const b = this.buf;
    const unlink = <K>(map: Map<K, number>, keep: number, bucketOf: (key: K, at: number) => number): void => {
      const added = [...map].slice(keep).reverse();
      for (const [key, at] of added) {
        b.writeUInt32LE(b.readUInt32LE(at), bucketOf(key, at));
        map.delete(key);
      }
    };
    unlink(this.names, s.names, (_name, at) => STRING_TABLE + 4 * (b.readUInt16LE(at + 4) % 64));
    unlink(this.templates, s.templates, (shape) => TEMPLATE_TABLE + 4 * (shape.id % 32));
    this.pos = s.pos;
    this.records = s.records;
    this.firstId = s.firstId;
    this.lastId = s.lastId;
    this.lastRecordOffset = s.lastRecordOffset;
    this.systemCopy = undefined; // it may point at names just unlinked, or at bytes just cleared
    b.fill(0, this.pos);
  }

  /** Bytes still free for records. */
  get free(): number {
    return RECORD_SPACE_END - this.pos;
  }

  /** Offset of the template's definition in this chunk, or undefined when the chunk does not hold it yet. */
  templateOffset(shape: TemplateShape): number | undefined {
    return this.templates.get(shape);
  }

  /**
   * Starts a record at `pos`: header, fragment header and template instance (with the definition inline
   * when this chunk has not seen the template). Returns the offset where the substitution array goes.
   */
  beginRecord(recordId: number, writtenMs: number, shape: TemplateShape): number {
    const b = this.buf;
    const start = this.pos;
    if (this.records === 0) this.firstId = recordId;
    this.lastId = recordId;
    this.lastRecordOffset = start;
    const dv = this.dv;
    dv.setUint32(start, RECORD_MAGIC, true);
    dv.setUint32(start + 4, 0, true); // size, set by endRecord
    dv.setUint32(start + 8, recordId % 4294967296, true);
    dv.setUint32(start + 12, Math.floor(recordId / 4294967296), true);
    writeFiletime(b, start + 16, writtenMs, dv);
    let o = start + 24;
    b[o++] = T.FRAGMENT;
    b[o++] = 1;
    b[o++] = 1;
    b[o++] = 0;
    b[o++] = T.TEMPLATE;
    b[o++] = 1;
    dv.setUint32(o, shape.id, true);
    o += 4;
    const known = this.templates.get(shape);
    if (known !== undefined) {
      dv.setUint32(o, known, true);
      return o + 4;
    }
    const def = o + 4;
    b.writeUInt32LE(def, o);
    this.templates.set(shape, def);
    // Template table: bucket by id; a new definition links to the previous head of its bucket.
    const bucket = TEMPLATE_TABLE + 4 * (shape.id % 32);
    b.writeUInt32LE(b.readUInt32LE(bucket), def);
    b.writeUInt32LE(def, bucket);
    shape.guid.copy(b, def + 4);
    const fragment = def + 24;
    let p = fragment;
    b[p++] = T.FRAGMENT;
    b[p++] = 1;
    b[p++] = 1;
    b[p++] = 0;
    p = this.writeElement(shape.root, p);
    b[p++] = T.EOF;
    b.writeUInt32LE(p - fragment, def + 20);
    return p;
  }

  /** Ends the record whose substitution values end at `end`: EOF token, sizes. */
  endRecord(end: number): void {
    const b = this.buf;
    const start = this.pos;
    b[end++] = T.EOF;
    const size = end + 4 - start;
    this.dv.setUint32(start + 4, size, true);
    this.dv.setUint32(end, size, true);
    this.pos = end + 4;
    this.records++;
  }

  /** Fills in the chunk header and checksums; the buffer then holds the finished chunk. */
  finish(): Buffer {
    const b = this.buf;
    b.write('ElfChnk\0', 0, 'latin1');
    writeU64(b, 8, this.firstId);
    writeU64(b, 16, this.lastId);
    writeU64(b, 24, this.firstId);
    writeU64(b, 32, this.lastId);
    b.writeUInt32LE(128, 40);
    b.writeUInt32LE(this.lastRecordOffset, 44);
    b.writeUInt32LE(this.pos, 48);
    b.writeUInt32LE(crc32(b, CHUNK_HEADER_SIZE, this.pos), 52);
    const headerCrc = crc32(b, 128, CHUNK_HEADER_SIZE, crc32(b, 0, 120));
    b.writeUInt32LE(headerCrc, 124);
    return b;
  }

  // Writes a name reference at `p`: an offset, followed by the name itself the first time this chunk uses it.
  // (Definitions are written for every shape in every chunk, so these use the DataView, not Buffer's
  // checked writes.)
  private writeName(name: string, p: number): number {
    const b = this.buf;
    const dv = this.dv;
    const known = this.names.get(name);
    if (known !== undefined) {
      dv.setUint32(p, known, true);
      return p + 4;
    }
    const at = p + 4;
    dv.setUint32(p, at, true);
    const hash = nameHash(name);
    const bucket = STRING_TABLE + 4 * (hash % 64);
    dv.setUint32(at, dv.getUint32(bucket, true), true);
    dv.setUint32(bucket, at, true);
    dv.setUint16(at + 4, hash, true);
    dv.setUint16(at + 6, name.length, true);
    const q = writeUtf16(b, at + 8, name, this.units);
    dv.setUint16(q, 0, true);
    this.names.set(name, at);
    return q + 2;
  }

  private writeElement(e: TemplateElement, p: number): number {
    if (e === SYSTEM_ELEMENT) return this.writeSystem(p);
    return this.encodeElement(e, p);
  }

  // The System element: copied when this chunk has it encoded with every name already known, else encoded
  // (and kept for the next template if no name had to be written inline).
  private writeSystem(p: number): number {
    const copy = this.systemCopy;
    if (copy !== undefined) {
      this.buf.set(copy, p);
      return p + copy.length;
    }
    const namesBefore = this.names.size;
    const end = this.encodeElement(SYSTEM_ELEMENT, p);
    // A view, not a copy: those bytes stay put until reset() or rollback(), which both drop it.
    if (this.names.size === namesBefore) this.systemCopy = this.buf.subarray(p, end);
    return end;
  }

  private encodeElement(e: TemplateElement, p: number): number {
    const b = this.buf;
    const dv = this.dv;
    const attrs = e.attrs;
    const content = e.content;
    b[p] = attrs.length > 0 ? T.OPEN | T.MORE : T.OPEN;
    // Dependency id: the optional substitution an element's content depends on, as Windows writes it.
    const only = content.length === 1 ? content[0] : undefined;
    const dep = only && 'sub' in only && only.optional ? only.sub : 0xffff;
    dv.setUint16(p + 1, dep, true);
    const sizeAt = p + 3;
    p = this.writeName(e.name, p + 7);
    if (attrs.length > 0) {
      const listAt = p;
      p += 4;
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs[i];
        b[p] = i < attrs.length - 1 ? T.ATTR | T.MORE : T.ATTR;
        p = this.writeName(a.name, p + 1);
        p = this.writeContent(a.value, p);
      }
      dv.setUint32(listAt, p - listAt - 4, true);
    }
    if (content.length === 0) {
      b[p++] = T.CLOSE_EMPTY;
    } else {
      b[p++] = T.CLOSE_START;
      for (let i = 0; i < content.length; i++) p = this.writeContent(content[i], p);
      b[p++] = T.END;
    }
    dv.setUint32(sizeAt, p - sizeAt - 4, true);
    return p;
  }

  private writeContent(c: TemplateContent, p: number): number {
    const b = this.buf;
    if ('name' in c) return this.writeElement(c, p);
    if ('text' in c) {
      b[p] = T.VALUE;
      b[p + 1] = 0x01; // string
      this.dv.setUint16(p + 2, c.text.length, true);
      return writeUtf16(b, p + 4, c.text, this.units);
    }
    b[p] = c.optional ? T.OPTIONAL_SUB : T.NORMAL_SUB;
    this.dv.setUint16(p + 1, c.sub, true);
    b[p + 3] = c.type;
    return p + 4;
  }
}

/** Writes a non-negative integer below 2^53 as a little-endian u64. */
export function writeU64(b: Buffer, off: number, v: number): void {
  b.writeUInt32LE(v % 4294967296, off);
  b.writeUInt32LE(Math.floor(v / 4294967296), off + 4);
}

/** Largest size a template definition can take in a chunk (every name written inline): 24-byte header + fragment. */
export function maxDefinitionSize(shape: TemplateShape): number {
  return 24 + 4 + elementSize(shape.root) + 1;
}

function nameSize(name: string): number {
  return 4 + 8 + 2 * name.length + 2;
}

function contentSize(c: TemplateContent): number {
  if ('name' in c) return elementSize(c);
  if ('text' in c) return 4 + 2 * c.text.length;
  return 4;
}

function elementSize(e: TemplateElement): number {
  let n = 7 + nameSize(e.name);
  if (e.attrs.length > 0) {
    n += 4;
    for (const a of e.attrs) n += 1 + nameSize(a.name) + contentSize(a.value);
  }
  if (e.content.length === 0) return n + 1;
  n += 2;
  for (const c of e.content) n += contentSize(c);
  return n;
}
