// A compiled template ("shape"): its node tree plus a field map (Windows/Sigma field name → where the value
// is: a substitution slot, or literal parts). Shapes are compiled once and shared across chunks and files.
import { VALUE } from './constants.js';
import {
  NODE_ELEMENT,
  NODE_SUBST,
  NODE_TEXT,
  signatureOf,
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

const SYSTEM_TEXT = new Set([
  'EventID',
  'Version',
  'Level',
  'Task',
  'Opcode',
  'Keywords',
  'EventRecordID',
  'Channel',
  'Computer',
]);

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

const MAX_CACHED_SHAPES = 8192;
/** Characters of signatures (a proxy for the size of the node trees) the cache may hold. */
const MAX_CACHED_WEIGHT = 8_000_000;
const shapeCache = new Map<string, Shape>();
/** Shapes by template id (the first 32 bits of the GUID), for records whose definition was overwritten. */
const shapesById = new Map<number, Shape>();
/**
 * Shapes by the raw bytes of a self-contained template definition (see `templateBytesKey`): a chunk that
 * repeats a definition seen before (same offset, GUID and body) skips parsing it and computing its signature.
 */
const shapesByBytes = new Map<string, Shape>();
let cachedWeight = 0;

// Hostile input can make endless distinct (and big) templates: keep the caches bounded.
function makeRoom(weight: number): void {
  if (
    shapeCache.size + shapesByBytes.size >= MAX_CACHED_SHAPES ||
    cachedWeight + weight > MAX_CACHED_WEIGHT
  ) {
    shapeCache.clear();
    shapesById.clear();
    shapesByBytes.clear();
    cachedWeight = 0;
  }
}

/** The shared shape for these nodes: compiled once per distinct template content (GUID + structure). */
export function sharedShape(key: string, nodes: readonly Node[], templateId: number): Shape {
  const sig = key + '|' + signatureOf(nodes);
  let shape = shapeCache.get(sig);
  if (shape === undefined) {
    makeRoom(sig.length);
    shape = compileShape(nodes);
    shapeCache.set(sig, shape);
    cachedWeight += sig.length;
  }
  shapesById.set(templateId, shape);
  return shape;
}

/**
 * The cache key for a template definition's bytes: its chunk offset, then GUID, size and body as they are
 * stored. Only valid for definitions whose names all lie inside the body (`BinXmlParser.externalNames`
 * false): then equal keys mean equal parses, in any chunk.
 */
export function templateBytesKey(buf: Buffer, defOffset: number, bodyEnd: number): string {
  return defOffset + '|' + buf.toString('latin1', defOffset + 4, bodyEnd);
}

/** The shape cached for these template bytes, if any (and notes it as the latest for its id). */
export function shapeByBytes(key: string, templateId: number): Shape | undefined {
  const shape = shapesByBytes.get(key);
  if (shape !== undefined) shapesById.set(templateId, shape);
  return shape;
}

/** Caches a shape under its template bytes key (for self-contained definitions only). */
export function rememberShapeBytes(key: string, shape: Shape): void {
  makeRoom(key.length);
  shapesByBytes.set(key, shape);
  cachedWeight += key.length;
}

/** The latest shape seen with this template id, if any. */
export function shapeById(templateId: number): Shape | undefined {
  return shapesById.get(templateId);
}

/** Number of distinct shapes compiled and cached so far (for stats and tests). */
export function cachedShapeCount(): number {
  return shapeCache.size;
}
