// A compiled template ("shape"): its node tree plus a field map (Windows/Sigma field name → where the value
// is: a substitution slot, or literal parts). Shapes are compiled once and shared across chunks and files.
import { SYSTEM_TEXT_FIELDS } from '../event/types.js';
import { VALUE } from './constants.js';
import { u32At } from './binxml.js';
import {
  NODE_ELEMENT,
  NODE_SUBST,
  NODE_TEXT,
  type ContentNode,
  type ElementNode,
  type Node,
} from './nodes.js';

/** Where one field's value lives in a template. */
export interface FieldRef {
  readonly parts: readonly ContentNode[];
  /** The slot when the value is exactly one substitution (the common, fast case), else -1. */
  readonly slot: number;
  /** True for attribute values: a NULL value means the attribute (and so the field) is absent. */
  readonly attr: boolean;
  /** Further occurrences of a repeatable field (unnamed `<Data>`), making the value an array. */
  more: FieldRef[] | null;
}

/** A compiled template. */
export interface Shape {
  readonly nodes: readonly Node[];
  /** Field name → location, in document order (System fields first). */
  readonly fields: Map<string, FieldRef>;
  /** Slots in element content declared as nested BinXML: their fields are found at lookup time. */
  readonly dynamicSlots: readonly number[];
  /** Slot of TimeCreated/@SystemTime when it is a single substitution, else -1. */
  readonly timeSlot: number;
  /** `<Data Name="%n">` fields whose name comes from a substitution. */
  readonly namedBySlot: readonly NamedField[];
}

/** A field whose name is itself a substituted value. */
export interface NamedField {
  readonly nameSlot: number;
  readonly ref: FieldRef;
}

const SYSTEM_TEXT: ReadonlySet<string> = new Set(SYSTEM_TEXT_FIELDS);

const SYSTEM_ATTRS: Record<string, Record<string, string>> = {
  Provider: { Name: 'Provider_Name', Guid: 'Provider_Guid', EventSourceName: 'EventSourceName' },
  TimeCreated: { SystemTime: 'TimeCreated' },
  Execution: { ProcessID: 'ProcessID', ThreadID: 'ThreadID' },
  Security: { UserID: 'UserID' },
  Correlation: { ActivityID: 'ActivityID', RelatedActivityID: 'RelatedActivityID' },
};

function refOf(parts: readonly ContentNode[], attr: boolean): FieldRef {
  const slot = parts.length === 1 && parts[0].kind === NODE_SUBST ? parts[0].slot : -1;
  return { parts, slot, attr, more: null };
}

function contentParts(el: ElementNode): ContentNode[] {
  const parts: ContentNode[] = [];
  for (const c of el.children) if (c.kind !== NODE_ELEMENT && c.kind !== 6) parts.push(c);
  return parts;
}

function hasChildElements(el: ElementNode): boolean {
  for (const c of el.children) if (c.kind === NODE_ELEMENT) return true;
  return false;
}

class ShapeCompiler {
  readonly fields = new Map<string, FieldRef>();
  readonly dynamic: number[] = [];
  readonly named: NamedField[] = [];
  timeSlot = -1;

  add(name: string, ref: FieldRef): void {
    const prev = this.fields.get(name);
    if (prev === undefined) this.fields.set(name, ref);
    else if (name === 'Data') (prev.more ??= []).push(ref);
    // Other repeated names: the first occurrence wins.
  }

  /** Notes nested-BinXML substitutions in an element's content. */
  scanDynamic(el: ElementNode): void {
    for (const c of el.children) {
      if (c.kind === NODE_SUBST && c.type === VALUE.BINXML && !this.dynamic.includes(c.slot))
        this.dynamic.push(c.slot);
    }
  }

  root(nodes: readonly Node[]): void {
    for (const n of nodes) {
      if (n.kind !== NODE_ELEMENT) continue;
      if (n.name === 'Event') {
        this.scanDynamic(n);
        for (const c of n.children) {
          if (c.kind !== NODE_ELEMENT) continue;
          if (c.name === 'System') this.system(c);
          else this.data(c, 0);
        }
      } else this.data(n, 0);
    }
  }

  system(sys: ElementNode): void {
    this.scanDynamic(sys);
    for (const el of sys.children) {
      if (el.kind !== NODE_ELEMENT) continue;
      const attrMap = SYSTEM_ATTRS[el.name];
      if (attrMap !== undefined && Object.prototype.hasOwnProperty.call(SYSTEM_ATTRS, el.name)) {
        for (const a of el.attrs) {
          if (!Object.prototype.hasOwnProperty.call(attrMap, a.name)) continue;
          const ref = refOf(a.parts, true);
          this.add(attrMap[a.name], ref);
          if (el.name === 'TimeCreated' && this.timeSlot < 0) this.timeSlot = ref.slot;
        }
      }
      if (SYSTEM_TEXT.has(el.name)) this.add(el.name, refOf(contentParts(el), false));
    }
  }

  data(el: ElementNode, depth: number): void {
    if (depth > 32) return;
    this.scanDynamic(el);
    if (el.name === 'Data') {
      const nameAttr = el.attrs.find((a) => a.name === 'Name');
      const literal =
        nameAttr !== undefined && nameAttr.parts.length === 1 && nameAttr.parts[0].kind === NODE_TEXT
          ? nameAttr.parts[0].text
          : undefined;
      if (literal === undefined && nameAttr !== undefined && nameAttr.parts.length === 1) {
        const part = nameAttr.parts[0];
        if (part.kind === NODE_SUBST) {
          // <Data Name="%n">: the field's name is only known per record.
          this.named.push({ nameSlot: part.slot, ref: refOf(contentParts(el), false) });
          return;
        }
      }
      this.add(literal ?? 'Data', refOf(contentParts(el), false));
      return;
    }
    if (hasChildElements(el)) {
      for (const c of el.children) if (c.kind === NODE_ELEMENT) this.data(c, depth + 1);
      return;
    }
    const parts = contentParts(el);
    // A container whose only content is a nested fragment (<EventData>%1</EventData>) is not a field itself.
    if (parts.length === 1 && parts[0].kind === NODE_SUBST && parts[0].type === VALUE.BINXML) return;
    if (el.name === 'EventData' || el.name === 'UserData') {
      if (parts.length > 0) this.add('Data', refOf(parts, false));
      return;
    }
    this.add(el.name, refOf(parts, false));
  }
}

/** Compiles a template's nodes into a shape (fields named as documented in src/event/types.ts). */
export function compileShape(nodes: readonly Node[]): Shape {
  const c = new ShapeCompiler();
  c.root(nodes);
  return { nodes, fields: c.fields, dynamicSlots: c.dynamic, timeSlot: c.timeSlot, namedBySlot: c.named };
}

/** Definitions the bytes cache holds at most. */
const MAX_CACHED_SHAPES = 8192;
/** Bytes of definitions (bodies and copied names: a proxy for the size of their shapes) the cache may hold. */
const MAX_CACHED_WEIGHT = 8_000_000;
/**
 * Parsed template definitions by template id and size: a chunk repeating one (same body bytes, names equal), at
 * any offset, skips parsing it (see `shapeByBytes`). The key only narrows the search (a definition's shape
 * depends on its body alone), so ids that collide just share a candidate list.
 */
const shapesByBytes = new Map<number, TemplateBytes[]>();
/** Candidates kept per key (template id and size). */
const MAX_BYTES_CANDIDATES = 8;
/** Bytes one cached definition may take (body plus copied names); bigger ones are simply parsed each time. */
const MAX_BYTES_ENTRY = 256 * 1024;

/**
 * A definition that failed to parse: the parser's reason and where it stopped, relative to the body's start.
 * Equal bytes fail alike, so a chunk repeating a damaged definition (slack space copied from chunk to chunk, or
 * a file read again) is not parsed again up to its failure.
 */
export interface TemplateFailure {
  readonly reason: string;
  readonly at: number;
}

/** A definition's body with its name references made relative to the body's start, and its shape. */
interface TemplateBytes {
  readonly body: Buffer;
  /** Positions (from the body's start) of the 4-byte name references. */
  readonly nameFields: readonly number[];
  /** Per name reference: null when it points into the body, else the name's bytes (hash, count, chars). */
  readonly externals: readonly (Buffer | null)[];
  readonly shape: Shape | TemplateFailure;
}
let cachedWeight = 0;
/** Template definitions parsed (not found in the bytes cache), for stats and tests. */
let templatesParsed = 0;
/** Shapes compiled (one per definition parsed successfully). */
let shapesCompiled = 0;

// Hostile input can make endless distinct (and big) templates: keep the caches bounded.
function makeRoom(weight: number): void {
  if (shapesByBytes.size >= MAX_CACHED_SHAPES || cachedWeight + weight > MAX_CACHED_WEIGHT) {
    shapesByBytes.clear();
    cachedWeight = 0;
  }
}

/**
 * The shape of a template definition just parsed. Definitions repeated byte for byte are found by
 * `shapeByBytes` before parsing; the rest are few (hundreds per file set) and compile in microseconds, so
 * shapes are not also shared by structure (that needed a signature string of every node tree, which cost a cold
 * worker more than compiling).
 */
export function templateShape(nodes: readonly Node[]): Shape {
  templatesParsed++;
  shapesCompiled++;
  return compileShape(nodes);
}

/** The first-level key of the template bytes cache: the template id (start of the GUID) and the body size. */
function bytesKey(buf: Buffer, defOffset: number): number {
  // Both unsigned: id < 2^32, size taken modulo 2^20, so the key is an exact integer below 2^52.
  return u32At(buf, defOffset + 4) * 0x100000 + (u32At(buf, defOffset + 20) & 0xfffff);
}

/** sameBody's copy of a candidate definition (grown on demand; definitions are a few KB). */
let candidateCopy = Buffer.alloc(8192);

/** Below this many bytes a JavaScript loop compares faster than a call into Buffer.compare. */
const NATIVE_COMPARE_MIN = 64;

/** True when buf holds `bytes` at offset `at` (the caller checked that they fit). */
function bytesAt(buf: Buffer, at: number, bytes: Buffer): boolean {
  const n = bytes.length;
  if (n >= NATIVE_COMPARE_MIN) return buf.compare(bytes, 0, n, at, at + n) === 0;
  for (let j = 0; j < n; j++) if (buf[at + j] !== bytes[j]) return false;
  return true;
}

/**
 * True when buf[start, end) is the cached body once its name references are taken relative to start. The bytes
 * are compared natively, on a copy of the candidate whose name references are written as the cache holds them
 * (a JavaScript byte loop took 1.5-9 ns per byte, and a chunk looks up each of its definitions here); names
 * elsewhere in the chunk are compared last, the long ones natively too: a damaged definition's "name" can run
 * for most of the chunk (58 KB in one corpus file), and such definitions recur in every chunk's slack.
 */
function sameBody(buf: Buffer, start: number, end: number, t: TemplateBytes): boolean {
  const body = t.body;
  const n = body.length;
  if (end - start !== n) return false;
  const fields = t.nameFields;
  if (fields.length === 0) return buf.compare(body, 0, n, start, end) === 0;
  if (candidateCopy.length < n) candidateCopy = Buffer.alloc(Math.max(n, 2 * candidateCopy.length));
  const copy = candidateCopy;
  buf.copy(copy, 0, start, end);
  const externals = t.externals;
  for (let k = 0; k < fields.length; k++) {
    const at = fields[k]!;
    // A name inside the body: referenced at the same relative offset as when cached.
    if (externals[k] === null && u32At(buf, start + at) - start !== u32At(body, at)) return false;
    copy[at] = body[at]!;
    copy[at + 1] = body[at + 1]!;
    copy[at + 2] = body[at + 2]!;
    copy[at + 3] = body[at + 3]!;
  }
  if (copy.compare(body, 0, n, 0, n) !== 0) return false;
  for (let k = 0; k < fields.length; k++) {
    const external = externals[k];
    if (external === null || external === undefined) continue;
    // The same name elsewhere in the chunk (not inline here, which would change the token layout).
    const at = fields[k]!;
    const ref = u32At(buf, start + at);
    if (ref === start + at + 4 || ref + 4 + external.length > buf.length) return false;
    if (!bytesAt(buf, ref + 4, external)) return false;
  }
  return true;
}

/**
 * The shape of the definition at defOffset (body [bodyStart, bodyEnd)) when an identical
 * definition was cached: same GUID, size and body bytes, names equal (same relative offset, or same bytes). Equal
 * bytes then parse to equal nodes wherever the definition sits in its chunk.
 */
export function shapeByBytes(
  buf: Buffer,
  defOffset: number,
  bodyStart: number,
  bodyEnd: number,
): Shape | TemplateFailure | undefined {
  const list = shapesByBytes.get(bytesKey(buf, defOffset));
  if (list === undefined) return undefined;
  for (const t of list) if (sameBody(buf, bodyStart, bodyEnd, t)) return t.shape;
  return undefined;
}

/** True for a cached parse failure (see TemplateFailure). */
export function isFailure(entry: Shape | TemplateFailure): entry is TemplateFailure {
  return (entry as TemplateFailure).reason !== undefined;
}

/**
 * Caches a parsed definition's shape (or its parse failure) by its bytes; `nameFields` are the chunk offsets of
 * the name references read (names inside the body are compared by relative offset, names elsewhere in the chunk
 * by their bytes). A failure at a name that does not lie inside the chunk is not cached.
 */
export function rememberShapeBytes(
  buf: Buffer,
  defOffset: number,
  bodyStart: number,
  bodyEnd: number,
  nameFields: readonly number[],
  shape: Shape | TemplateFailure,
): void {
  const key = bytesKey(buf, defOffset);
  // Names elsewhere in the chunk are copied per reference: hostile definitions could make that large.
  let weight = bodyEnd - bodyStart;
  for (const field of nameFields) {
    const ref = buf.readUInt32LE(field);
    if (ref + 8 > buf.length) return;
    const nameEnd = ref + 8 + buf.readUInt16LE(ref + 6) * 2;
    if (nameEnd > buf.length) return;
    if (ref < bodyStart || nameEnd > bodyEnd) weight += nameEnd - ref - 4;
  }
  if (weight > MAX_BYTES_ENTRY) return;
  makeRoom(weight);
  const body = Buffer.from(buf.subarray(bodyStart, bodyEnd));
  const rel: number[] = [];
  const externals: (Buffer | null)[] = [];
  for (const field of nameFields) {
    const at = field - bodyStart;
    const ref = body.readUInt32LE(at);
    // Checked above: the name at ref (hash, count, characters) lies inside the chunk.
    const nameEnd = ref + 8 + buf.readUInt16LE(ref + 6) * 2;
    if (ref >= bodyStart && nameEnd <= bodyEnd) {
      body.writeUInt32LE(ref - bodyStart, at);
      externals.push(null);
    } else {
      externals.push(Buffer.from(buf.subarray(ref + 4, nameEnd)));
    }
    rel.push(at);
  }
  let list = shapesByBytes.get(key);
  if (list === undefined) shapesByBytes.set(key, (list = []));
  if (list.length >= MAX_BYTES_CANDIDATES) list.shift();
  list.push({ body, nameFields: rel, externals, shape });
  cachedWeight += weight;
}

/** Number of shapes compiled so far in this thread (for stats and tests). */
export function cachedShapeCount(): number {
  return shapesCompiled;
}

/** Number of template definitions parsed so far in this thread (bytes cache misses). */
export function parsedTemplateCount(): number {
  return templatesParsed;
}
