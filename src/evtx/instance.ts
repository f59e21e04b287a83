// A template instance's values in the chunk buffer (offsets/types/sizes, decoded only on demand), the
// per-chunk caches (names, template shapes) and fragment parsing for records and nested BinXML values.
import type { FieldValue } from '../event/types.js';
import { TOKEN, VALUE } from './constants.js';
import {
  BinXmlError,
  BinXmlParser,
  readInstance,
  u16At,
  type InstanceInfo,
  type NameCache,
} from './binxml.js';
import {
  NODE_CDATA,
  NODE_CHARREF,
  NODE_ENTITYREF,
  NODE_SUBST,
  NODE_TEXT,
  charRefText,
  entityText,
  type ContentNode,
} from './nodes.js';
import {
  compileShape,
  isFailure,
  rememberShapeBytes,
  shapeByBytes,
  templateShape,
  type FieldRef,
  type Shape,
} from './shape.js';
import { decodeValue, textOf, valueText } from './values.js';

/** Deepest chain of BinXML values nested in BinXML values that we follow. */
const MAX_NESTING = 8;
/** Template ids one reading remembers (see TemplateIds). */
const MAX_TEMPLATE_IDS = 16384;
/**
 * BinXML bytes one chunk may parse: each template definition it resolves counts its size (or how far it parsed
 * before failing), found in the bytes cache or not, and each raw fragment how far it parsed. A valid chunk
 * resolves each of its structures once: its definitions do not overlap, and records and values never share
 * bytes, so it stays well under this (nested raw fragments are tried twice: still under 3 chunks).
 * Hostile records can each point at a different definition inside one long run of valid tokens; without a
 * budget every record parses most of the chunk again (records x definition size: ~1.5 s for one 64 KiB chunk).
 */
export const CHUNK_PARSE_BUDGET = 4 * 65536;

/**
 * Template shapes by template id (the first 32 bits of the GUID) seen so far in one reading (a file read from
 * its start, or one job's range of chunks): a carved record whose definition was overwritten is decoded with
 * the template of the same id read earlier in the same reading. Scoped to the reading, never the thread, so
 * what a file yields does not depend on which files the thread happened to read before.
 */
export type TemplateIds = Map<number, Shape>;

/** One chunk's buffer and caches; shared by all records of the chunk. */
export class ChunkContext {
  readonly names: NameCache = new Map();
  /** Template shape (or the reason it could not be parsed) by definition offset. */
  readonly templates = new Map<number, Shape | string>();
  /** Problems worth a warning that did not cost a record (reported once per chunk by the chunk parser). */
  readonly problems: string[] = [];
  /**
   * True while the chunk parser carves slack space or a damaged chunk. Slack space holds old records whose
   * template definitions were partly overwritten by newer ones, as a matter of course: taking such a template
   * from another copy with the same id is then counted (borrowedWhileCarving) for the recovery note, not
   * reported as damage.
   */
  carving = false;
  /** Templates taken from another copy of the same id while carving (see carving). */
  borrowedWhileCarving = 0;
  /** BinXML bytes parsed so far in this chunk (see CHUNK_PARSE_BUDGET). */
  private parsed = 0;

  constructor(
    readonly buf: Buffer,
    readonly file: string,
    readonly chunkIndex: number,
    /** Offset of the chunk in its file. */
    readonly fileOffset: number,
    /** The reading's templates by id (a chunk read on its own has its own). */
    readonly templateIds: TemplateIds = new Map(),
  ) {}

  /** The shape of the template an instance refers to, parsed once per chunk (and compiled once overall). */
  templateAt(info: InstanceInfo): Shape | string {
    if (info.stale) {
      // The definition this (carved) record used was overwritten: reuse a template with the same id read
      // earlier in this reading, since a template's id is the start of its GUID.
      return this.templateIds.get(info.templateId) ?? `template ${info.templateId.toString(16)} overwritten`;
    }
    let shape = this.templates.get(info.defOffset);
    if (shape === undefined) {
      shape = this.parseTemplate(info);
      this.templates.set(info.defOffset, shape);
      if (typeof shape !== 'string') {
        // Hostile files can hold endless distinct ids: the map stays bounded (it only serves carved records).
        if (this.templateIds.size >= MAX_TEMPLATE_IDS) this.templateIds.clear();
        this.templateIds.set(info.templateId, shape);
      }
    }
    return shape;
  }

  /**
   * Null while the chunk may parse more BinXML, else why not (noted once as a chunk problem): see
   * CHUNK_PARSE_BUDGET.
   */
  parseRefused(): string | null {
    if (this.parsed < CHUNK_PARSE_BUDGET) return null;
    const reason = `chunk parse budget spent (${CHUNK_PARSE_BUDGET} bytes of BinXML: overlapping or repeated structures)`;
    if (this.parsed !== Infinity) {
      this.parsed = Infinity;
      this.problems.push(`${reason}; further templates and fragments in this chunk not parsed`);
    }
    return reason;
  }

  /** Counts bytes of BinXML against the chunk's budget. */
  spend(bytes: number): void {
    this.parsed += Math.max(1, bytes);
  }

  /**
   * Parses a definition not seen in this chunk (most chunks repeat definitions seen before: looked up by bytes).
   * A definition costs the budget the same whether parsed or found in the bytes cache (its size, or how far it
   * parsed before failing): what a chunk yields must not depend on what the thread read before.
   */
  private parseTemplate(info: InstanceInfo): Shape | string {
    // Refused, not failed: nothing is cached by bytes, since the definition itself may be sound.
    const refused = this.parseRefused();
    if (refused !== null) return this.failedTemplate(info, refused);
    const size = info.bodyEnd - info.bodyStart;
    const known = shapeByBytes(this.buf, info.defOffset, info.bodyStart, info.bodyEnd);
    if (known !== undefined) {
      if (!isFailure(known)) {
        this.spend(size);
        return known;
      }
      this.spend(known.at + 1);
      return this.failedTemplate(info, `${known.reason} at chunk offset ${info.bodyStart + known.at}`);
    }
    const parser = new BinXmlParser(this.buf, info.bodyStart, info.bodyEnd, this.names, true, true);
    try {
      const nodes = parser.fragment();
      this.spend(size);
      const shape = templateShape(nodes);
      // Cached by bytes: names inside the body by relative offset, names elsewhere by their bytes.
      rememberShapeBytes(this.buf, info.defOffset, info.bodyStart, info.bodyEnd, parser.nameFields, shape);
      return shape;
    } catch (err) {
      if (!(err instanceof BinXmlError)) {
        this.spend(size);
        return this.failedTemplate(info, String(err));
      }
      const failure = { reason: err.reason, at: err.offset - info.bodyStart };
      this.spend(failure.at + 1);
      rememberShapeBytes(this.buf, info.defOffset, info.bodyStart, info.bodyEnd, parser.nameFields, failure);
      return this.failedTemplate(info, err.message);
    }
  }

  /** A definition that does not parse (partly overwritten): a template with the same id seen before will do. */
  private failedTemplate(info: InstanceInfo, message: string): Shape | string {
    const reason = `template at ${info.defOffset}: ${message}`;
    const known = this.templateIds.get(info.templateId);
    if (known !== undefined) {
      if (this.carving) this.borrowedWhileCarving++;
      else this.problems.push(`${reason}; used the template with the same id read earlier`);
    }
    return known ?? reason;
  }
}

const scratch: InstanceInfo = {
  defOffset: 0,
  templateId: 0,
  stale: false,
  bodyStart: 0,
  bodyEnd: 0,
  descStart: 0,
  count: 0,
  dataStart: 0,
  end: 0,
};

/** Where a parsed fragment's shape and values are; filled by resolveFragment. */
export interface FragmentInfo {
  shape: Shape | null;
  descStart: number;
  count: number;
  dataStart: number;
}

/**
 * Resolves a BinXML fragment in [start, end): a template instance (the usual case) or raw elements.
 * Fills `out` and returns null, or returns the reason it failed. Raw elements inside nested BinXML values
 * may lack the dependency id, so both spellings are tried.
 */
export function resolveFragment(
  ctx: ChunkContext,
  start: number,
  end: number,
  nested: boolean,
  out: FragmentInfo,
): string | null {
  const buf = ctx.buf;
  let p = start;
  while (p < end && (buf[p] & 0x1f) === TOKEN.FRAGMENT_HEADER) p += 4;
  if (p >= end) return 'empty BinXML fragment';
  if (buf[p] === TOKEN.TEMPLATE_INSTANCE) {
    const err = readInstance(buf, p, end, scratch);
    if (err !== null) return err;
    const shape = ctx.templateAt(scratch);
    if (typeof shape === 'string') return shape;
    out.shape = shape;
    out.descStart = scratch.descStart;
    out.count = scratch.count;
    out.dataStart = scratch.dataStart;
    return null;
  }
  let firstError = '';
  for (const dependencyId of nested ? [false, true] : [true, false]) {
    const refused = ctx.parseRefused();
    if (refused !== null) return firstError || refused;
    const parser = new BinXmlParser(buf, p, end, ctx.names, dependencyId, false);
    try {
      const nodes = parser.fragment();
      ctx.spend(parser.pos - p);
      out.shape = compileShape(nodes);
      out.descStart = 0;
      out.count = 0;
      out.dataStart = 0;
      return null;
    } catch (err) {
      ctx.spend(parser.pos - p);
      if (!firstError) firstError = err instanceof Error ? err.message : String(err);
    }
  }
  return firstError;
}

const nestedInfo: FragmentInfo = { shape: null, descStart: 0, count: 0, dataStart: 0 };

/** The values of one template instance; a record is one of these plus its header facts. */
export class TemplateValues {
  // A plain array: an Int32Array per record cost more to create than the prefix sums themselves.
  private offsets: number[] | null = null;
  private filled = 0;
  private nestedValues: (TemplateValues | null | undefined)[] | null = null;

  constructor(
    readonly ctx: ChunkContext,
    readonly shape: Shape,
    readonly descStart: number,
    readonly count: number,
    readonly dataStart: number,
    readonly depth: number,
  ) {}

  /** Value type of slot i (NULL for slots the instance does not have). */
  slotType(i: number): number {
    return i < this.count ? this.ctx.buf[this.descStart + 4 * i + 2] : VALUE.NULL;
  }

  /** Byte size of slot i. */
  slotSize(i: number): number {
    return i < this.count ? u16At(this.ctx.buf, this.descStart + 4 * i) : 0;
  }

  /** Chunk offset of slot i's data (prefix sums of the sizes, filled only as far as asked). */
  slotOffset(i: number): number {
    if (i >= this.count) return 0;
    let offs = this.offsets;
    if (offs === null) {
      offs = this.offsets = [this.dataStart];
      this.filled = 1;
    }
    if (i >= this.filled) {
      const buf = this.ctx.buf;
      let k = this.filled - 1;
      let p = offs[k]!;
      while (k < i) {
        p += u16At(buf, this.descStart + 4 * k);
        offs.push(p); // k + 1 === offs.length
        k++;
      }
      this.filled = i + 1;
    }
    return offs[i]!;
  }

  /** The typed value of slot i (evtx_dump semantics; `braces` for XML-style GUIDs and times). */
  slotValue(i: number, braces: boolean): FieldValue {
    const type = this.slotType(i);
    if (type === VALUE.NULL || type === VALUE.BINXML) return null;
    return decodeValue(this.ctx.buf, this.slotOffset(i), this.slotSize(i), type, braces);
  }

  /** The nested BinXML held by slot i, parsed on first use (null when it is not BinXML or is broken). */
  nested(i: number): TemplateValues | null {
    if (i >= this.count || this.slotType(i) !== VALUE.BINXML || this.depth >= MAX_NESTING) return null;
    const cache = (this.nestedValues ??= new Array(this.count));
    let v = cache[i];
    if (v === undefined) {
      const off = this.slotOffset(i);
      const err = resolveFragment(this.ctx, off, off + this.slotSize(i), true, nestedInfo);
      v =
        err === null && nestedInfo.shape !== null
          ? new TemplateValues(
              this.ctx,
              nestedInfo.shape,
              nestedInfo.descStart,
              nestedInfo.count,
              nestedInfo.dataStart,
              this.depth + 1,
            )
          : null;
      cache[i] = v;
    }
    return v;
  }

  /** Concatenated text of content parts (literal text, substitutions, references). */
  partsText(parts: readonly ContentNode[], braces: boolean): string {
    let s = '';
    for (const p of parts) {
      switch (p.kind) {
        case NODE_TEXT:
        case NODE_CDATA:
          s += p.text;
          break;
        case NODE_SUBST: {
          const t = this.slotType(p.slot);
          if (t !== VALUE.NULL && t !== VALUE.BINXML)
            s += valueText(this.ctx.buf, this.slotOffset(p.slot), this.slotSize(p.slot), t, braces);
          break;
        }
        case NODE_CHARREF:
          s += charRefText(p.code);
          break;
        case NODE_ENTITYREF:
          s += entityText(p.name);
          break;
      }
    }
    return s;
  }

  private refValue(ref: FieldRef): FieldValue | undefined {
    if (ref.slot >= 0) {
      const v = this.slotValue(ref.slot, false);
      return v === null && ref.attr ? undefined : v;
    }
    if (ref.parts.length === 0) return ref.attr ? '' : null;
    return this.partsText(ref.parts, false);
  }

  /** A field's value by reference (arrays for repeated unnamed Data). */
  fieldValue(ref: FieldRef): FieldValue | undefined {
    const v = this.refValue(ref);
    if (ref.more === null) return v;
    const all: FieldValue[] = [v ?? null];
    for (const m of ref.more) all.push(this.refValue(m) ?? null);
    return all;
  }

  /** A field by name, looking into nested BinXML values when the template itself does not have it. */
  lookup(name: string): FieldValue | undefined {
    const ref = this.shape.fields.get(name);
    if (ref !== undefined) return this.fieldValue(ref);
    const named = this.shape.namedBySlot;
    for (let k = 0; k < named.length; k++) {
      if (textOf(this.slotValue(named[k].nameSlot, false)) === name) return this.fieldValue(named[k].ref);
    }
    const dyn = this.shape.dynamicSlots;
    for (let k = 0; k < dyn.length; k++) {
      const n = this.nested(dyn[k]);
      if (n !== null) {
        const v = n.lookup(name);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  }

  /** Appends every field (this template's, then nested ones) not already seen. */
  collect(out: [string, FieldValue][], seen: Set<string>): void {
    for (const [name, ref] of this.shape.fields) {
      if (seen.has(name)) continue;
      const v = this.fieldValue(ref);
      if (v === undefined) continue;
      seen.add(name);
      out.push([name, v]);
    }
    for (const { nameSlot, ref } of this.shape.namedBySlot) {
      const name = textOf(this.slotValue(nameSlot, false));
      if (seen.has(name)) continue;
      const v = this.fieldValue(ref);
      if (v === undefined) continue;
      seen.add(name);
      out.push([name, v]);
    }
    for (const slot of this.shape.dynamicSlots) this.nested(slot)?.collect(out, seen);
  }
}
