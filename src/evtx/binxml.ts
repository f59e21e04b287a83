// BinXML token parser: turns a template body or a raw fragment into nodes, and reads template instance
// headers. Every read is bounds-checked against the fragment's end; malformed input raises BinXmlError,
// which callers turn into a warning.
import { MAX_DEPTH, TOKEN, VALUE } from './constants.js';
import {
  NODE_CDATA,
  NODE_CHARREF,
  NODE_ELEMENT,
  NODE_ENTITYREF,
  NODE_PI,
  NODE_SUBST,
  NODE_TEXT,
  type AttrNode,
  type ContentNode,
  type ElementNode,
  type Node,
} from './nodes.js';
import { decodeScalar, fixedWidth, readUtf16 } from './values.js';
import { textOf } from './values.js';

/** The 16-bit name hash EVTX stores with every name: h = h * 65599 + code unit, over UTF-16 code units. */
export function nameHash(buf: Buffer, start: number, count: number): number {
  let h = 0;
  // Bytes read directly: a cold worker runs this in baseline code, where readUInt16LE is a call per character.
  for (let p = start, end = start + 2 * count; p < end; p += 2)
    h = (Math.imul(h, 65599) + u16At(buf, p)) >>> 0;
  return h & 0xffff;
}

/**
 * Little-endian reads of bytes already known to lie inside the buffer. Buffer's readUInt16LE/readUInt32LE check
 * their argument on every call, which a cold worker pays in unoptimised code on every descriptor it reads.
 */
export function u16At(buf: Uint8Array, p: number): number {
  return buf[p]! | (buf[p + 1]! << 8);
}

/** See u16At. */
export function u32At(buf: Uint8Array, p: number): number {
  return (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16)) + buf[p + 3]! * 0x1000000;
}

/**
 * A malformed BinXML structure; the message says what and where. Damaged chunks and slack space raise these by
 * the hundred, so no stack trace is captured (it is never shown: the message names the chunk offset).
 */
export class BinXmlError extends Error {
  constructor(
    /** What is wrong, without the offset. */
    readonly reason: string,
    /** Chunk offset where the parser stood. */
    readonly offset: number,
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${reason} at chunk offset ${offset}`);
    Error.stackTraceLimit = limit;
  }
}

/** Names already decoded in one chunk, by chunk offset. */
export type NameCache = Map<number, string>;

/** Parses BinXML tokens in buf[pos, end). Offsets are relative to the chunk (buf is the chunk). */
export class BinXmlParser {
  pos: number;
  /** Set when a name lies outside [start, end): the parse then depends on bytes beyond the fragment. */
  externalNames = false;
  /** Chunk offsets of the name references read (4-byte offsets), for the template bytes cache. */
  readonly nameFields: number[] = [];
  private readonly start: number;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
    readonly names: NameCache,
    /** Element starts carry a 2-byte dependency id, except in raw fragments inside BinXML values. */
    readonly dependencyId: boolean,
    /** Substitution tokens are legal only inside template definitions. */
    readonly inTemplate: boolean,
  ) {
    this.pos = start;
    this.start = start;
  }

  fail(reason: string): never {
    throw new BinXmlError(reason, this.pos);
  }

  need(n: number): void {
    if (this.pos + n > this.end) this.fail('BinXML runs past its end');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Length-prefixed UTF-16 text (character count, then the characters). */
  utf16(): string {
    const count = this.u16();
    this.need(count * 2);
    const s = readUtf16(this.buf, this.pos, count * 2);
    this.pos += count * 2;
    return s;
  }

  /** A name reference: a chunk offset; when it points right here the name is stored inline and skipped. */
  name(): string {
    const off = this.u32();
    this.nameFields.push(this.pos - 4);
    const inline = off === this.pos;
    const buf = this.buf;
    if (off + 8 > buf.length) this.fail('name reference points outside the chunk');
    const count = buf.readUInt16LE(off + 6);
    if (off + 8 + count * 2 > buf.length) this.fail('referenced name runs past the chunk');
    if (off < this.start || off + 8 + count * 2 > this.end) this.externalNames = true;
    if (inline) {
      this.pos = off + 8 + count * 2 + 2;
      if (this.pos > this.end) this.fail('inline name runs past its fragment');
    }
    let s = this.names.get(off);
    if (s === undefined) {
      s = readUtf16(buf, off + 8, count * 2);
      // The stored hash catches names whose bytes were overwritten (templates left in slack space).
      if (nameHash(buf, off + 8, count) !== buf.readUInt16LE(off + 4))
        this.fail('referenced name fails its hash check');
      this.names.set(off, s);
    }
    return s;
  }

  /** Parses a whole fragment: optional fragment headers, then elements/content until EOF or the end. */
  fragment(): Node[] {
    const nodes: Node[] = [];
    while (this.pos < this.end) {
      const t = this.buf[this.pos];
      const base = t & 0x1f;
      if (base === TOKEN.EOF) {
        this.pos++;
        break;
      }
      if (base === TOKEN.FRAGMENT_HEADER) {
        this.need(4);
        this.pos += 4;
        continue;
      }
      if (base === TOKEN.TEMPLATE_INSTANCE) this.fail('template instance where none is allowed');
      if (!this.content(nodes, 0)) this.fail(`unexpected token 0x${t.toString(16)} at fragment level`);
    }
    return nodes;
  }

  /** Parses one content item into nodes; false when the token is not content (caller decides). */
  content(nodes: Node[], depth: number): boolean {
    const t = this.buf[this.pos];
    switch (t & 0x1f) {
      case TOKEN.OPEN_START_ELEMENT:
        nodes.push(this.element(depth + 1));
        return true;
      case TOKEN.VALUE:
        this.pos++;
        nodes.push({ kind: NODE_TEXT, text: this.valueText() });
        return true;
      case TOKEN.CDATA:
        this.pos++;
        nodes.push({ kind: NODE_CDATA, text: this.utf16() });
        return true;
      case TOKEN.CHAR_REF:
        this.pos++;
        nodes.push({ kind: NODE_CHARREF, code: this.u16() });
        return true;
      case TOKEN.ENTITY_REF:
        this.pos++;
        nodes.push({ kind: NODE_ENTITYREF, name: this.name() });
        return true;
      case TOKEN.PI_TARGET: {
        this.pos++;
        const target = this.name();
        let data = '';
        if (this.pos < this.end && (this.buf[this.pos] & 0x1f) === TOKEN.PI_DATA) {
          this.pos++;
          data = this.utf16();
        }
        nodes.push({ kind: NODE_PI, target, data });
        return true;
      }
      case TOKEN.PI_DATA:
        this.pos++;
        nodes.push({ kind: NODE_PI, target: '', data: this.utf16() });
        return true;
      case TOKEN.NORMAL_SUBSTITUTION:
      case TOKEN.OPTIONAL_SUBSTITUTION:
        nodes.push(this.substitution());
        return true;
      default:
        return false;
    }
  }

  substitution(): ContentNode {
    const optional = (this.buf[this.pos] & 0x1f) === TOKEN.OPTIONAL_SUBSTITUTION;
    if (!this.inTemplate) this.fail('substitution outside a template');
    this.pos++;
    const slot = this.u16();
    const type = this.u8();
    return { kind: NODE_SUBST, slot, optional, type };
  }

  /** A value token's data: normally a UTF-16 string, occasionally another fixed-size type. */
  valueText(): string {
    const type = this.u8();
    if (type === VALUE.STRING) return this.utf16();
    const width = fixedWidth(type);
    if (width === 0) this.fail(`value token of unsupported type 0x${type.toString(16)}`);
    this.need(width);
    const v = decodeScalar(this.buf, this.pos, width, type, true);
    this.pos += width;
    return textOf(v);
  }

  element(depth: number): ElementNode {
    if (depth > MAX_DEPTH) this.fail('elements nested too deeply');
    const token = this.u8();
    if (this.dependencyId) this.u16();
    this.u32(); // data size: not needed, the tokens delimit the element
    const name = this.name();
    const attrs: AttrNode[] = [];
    if (token & 0x40) {
      this.u32(); // attribute list size
      while (this.pos < this.end && (this.buf[this.pos] & 0x1f) === TOKEN.ATTRIBUTE) {
        this.pos++;
        const attrName = this.name();
        const parts: ContentNode[] = [];
        this.attrValue(parts);
        attrs.push({ name: attrName, parts });
      }
    }
    const children: Node[] = [];
    const close = this.u8() & 0x1f;
    if (close === TOKEN.CLOSE_START_ELEMENT) {
      for (;;) {
        if (this.pos >= this.end) this.fail(`element <${name}> not closed`);
        const t = this.buf[this.pos] & 0x1f;
        if (t === TOKEN.END_ELEMENT) {
          this.pos++;
          break;
        }
        if (t === TOKEN.EOF) this.fail(`end of stream inside <${name}>`);
        if (!this.content(children, depth))
          this.fail(`unexpected token 0x${this.buf[this.pos].toString(16)} in <${name}>`);
      }
    } else if (close !== TOKEN.CLOSE_EMPTY_ELEMENT) {
      this.pos--;
      this.fail(`expected the end of the start tag of <${name}>`);
    }
    return { kind: NODE_ELEMENT, name, attrs, children };
  }

  attrValue(parts: ContentNode[]): void {
    while (this.pos < this.end) {
      const t = this.buf[this.pos] & 0x1f;
      if (t === TOKEN.VALUE) {
        this.pos++;
        parts.push({ kind: NODE_TEXT, text: this.valueText() });
      } else if (t === TOKEN.NORMAL_SUBSTITUTION || t === TOKEN.OPTIONAL_SUBSTITUTION) {
        parts.push(this.substitution());
      } else if (t === TOKEN.CHAR_REF) {
        this.pos++;
        parts.push({ kind: NODE_CHARREF, code: this.u16() });
      } else if (t === TOKEN.ENTITY_REF) {
        this.pos++;
        parts.push({ kind: NODE_ENTITYREF, name: this.name() });
      } else return;
    }
  }
}

/** Where a template instance's definition and values are (all chunk offsets). */
export interface InstanceInfo {
  /** Chunk offset of the definition (its "next template" field): the cache key within a chunk. */
  defOffset: number;
  /** The template id in the instance header: the first 32 bits of the template GUID. */
  templateId: number;
  /** The definition at defOffset is not this template any more (overwritten). */
  stale: boolean;
  bodyStart: number;
  bodyEnd: number;
  /** Start of the 4-byte value descriptors (size u16, type u8, unused u8). */
  descStart: number;
  count: number;
  /** Start of the value data (values follow one another in descriptor order). */
  dataStart: number;
  /** End of the instance: after the last value. */
  end: number;
}

/**
 * Reads a template instance token at pos (the 0x0C byte) within [pos, end): the definition's location
 * (inline or earlier in the chunk) and the value array. Returns an error text instead of throwing.
 */
export function readInstance(buf: Buffer, pos: number, end: number, out: InstanceInfo): string | null {
  if (pos + 10 > end) return 'template instance cut short';
  const templateId = u32At(buf, pos + 2);
  const defOffset = u32At(buf, pos + 6);
  let p = pos + 10;
  let stale = false;
  if (defOffset === p) {
    if (defOffset + 24 > end) return 'inline template definition cut short';
    const size = u32At(buf, defOffset + 20);
    if (defOffset + 24 + size > end) return `inline template definition at ${defOffset} runs past the record`;
    p = defOffset + 24 + size;
  } else if (defOffset > p) {
    return `template definition offset ${defOffset} points forward`;
  } else if (defOffset + 24 > buf.length || u32At(buf, defOffset + 4) !== templateId) {
    // The definition was overwritten (typical for records carved from slack): the caller may know the
    // template by its id from elsewhere.
    stale = true;
  } else {
    const size = u32At(buf, defOffset + 20);
    if (defOffset + 24 + size > buf.length)
      return `template definition at ${defOffset} has absurd size ${size}`;
  }
  if (p + 4 > end) return 'template values cut short';
  const count = u32At(buf, p);
  const descStart = p + 4;
  if (count > (end - descStart) / 4) return `absurd template value count ${count}`;
  const dataStart = descStart + count * 4;
  let total = 0;
  for (let i = 0; i < count; i++) total += u16At(buf, descStart + i * 4);
  if (dataStart + total > end) return 'template values run past the record';
  out.defOffset = defOffset;
  out.templateId = templateId;
  out.stale = stale;
  out.bodyStart = defOffset + 24;
  out.bodyEnd = stale ? defOffset + 24 : defOffset + 24 + u32At(buf, defOffset + 20);
  out.descStart = descStart;
  out.count = count;
  out.dataStart = dataStart;
  out.end = dataStart + total;
  return null;
}
