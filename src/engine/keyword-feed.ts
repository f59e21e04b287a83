// The prefilter's view of an EVTX record: every field value handed to the automaton where it lies in
// the chunk buffer. String values are scanned as UTF-16LE bytes (no JS string, no decoding of the other
// fields); values of other types are decoded only when some keyword needle could occur in their text. The
// exact keyword values (RecordView.keywordRaw) are built only for the rules that survive the prefilter.
//
// feedField does the same for one named field the prefilter scans, when it is a plain string of the record's
// template or a nested one (what EventRecord.get would decode); anything else is left to the caller.
//
// The feed may hand over more text than EventRecord.fields() yields (a field name repeated in a nested
// template, trailing spaces), never less: the prefilter stays a superset test.
//
// Value spans: a template instance's values lie one after the other in the chunk. When each field of its
// shape is one substitution or literal text, the string values are handed over as a few spans of UTF-16LE
// bytes instead of value by value: each run of values between nested BinXML values, cut where a string value
// starts at the other byte alignment than the run. Every string value the walk would feed is then scanned at
// its own alignment inside some span (matching is per character, so its needles are found); the extra bytes
// (other values, slot names, text across two values) can only add candidates. Values of other types are fed
// as text slot by slot when the walk would feed them; literal-text fields (a Computer name written into the
// template) are the same in every instance, so their texts are kept per shape. This saves the walk (a scan
// call per value, slot offsets, field maps) on nearly every record.
import { fieldText } from '../event/types.js';
import type { EventRecord } from '../event/types.js';
import { EvtxRecord } from '../evtx/index.js';
import { VALUE } from '../evtx/constants.js';
import { NODE_SUBST } from '../evtx/nodes.js';
import type { KeywordSink } from './prefilter/index.js';

/** The parts of an EVTX template instance (a record or a nested BinXML value) the feed reads. */
type InstanceValues = Pick<
  EvtxRecord,
  | 'ctx'
  | 'shape'
  | 'descStart'
  | 'count'
  | 'dataStart'
  | 'slotType'
  | 'slotOffset'
  | 'slotSize'
  | 'slotValue'
  | 'nested'
  | 'fieldValue'
>;

type FieldRef = InstanceValues['shape']['fields'] extends Map<string, infer R> ? R : never;

/** Value types whose text is a number, time, GUID, SID, hex or boolean (NON_STRING_VALUE_CHARS), arrays too. */
function nonStringType(type: number): boolean {
  const t = type & 0x7f;
  return t >= VALUE.INT8 && t <= VALUE.HEX64;
}

function feedRef(values: InstanceValues, ref: FieldRef, sink: KeywordSink): void {
  if (ref.slot >= 0 && ref.more === null) {
    const type = values.slotType(ref.slot);
    if (type === VALUE.NULL || type === VALUE.BINXML) return;
    if (type === VALUE.STRING) {
      const start = values.slotOffset(ref.slot);
      sink.utf16(values.ctx.buf, start, start + values.slotSize(ref.slot));
      return;
    }
    if (!sink.nonStringValues && nonStringType(type)) return;
  }
  // Text built from parts, repeated fields (an array joined by ", ") and other types: as fields() has them.
  const text = fieldText(values.fieldValue(ref));
  if (text !== undefined && text !== '') sink.text(text);
}

type Shape = InstanceValues['shape'];

/** How an instance of a shape is handed over as spans: its fields of literal text are fed as text. */
interface SpanPlan {
  /** Fields whose value is literal text of the template (no substitution): the same in every instance. */
  readonly literalRefs: readonly FieldRef[];
  /** Their texts, taken from the first instance fed. */
  literalTexts: string[] | null;
}

/** Per shape: its span plan, or null when some field is built from parts or repeated (then walked). */
const spanPlans = new WeakMap<Shape, SpanPlan | null>();

function spanPlan(shape: Shape): SpanPlan | null {
  let plan = spanPlans.get(shape);
  if (plan === undefined) {
    const literalRefs: FieldRef[] = [];
    let ok = true;
    const consider = (ref: FieldRef): void => {
      if (ref.more !== null) ok = false;
      else if (ref.slot < 0) {
        if (ref.parts.some((part) => part.kind === NODE_SUBST)) ok = false;
        else literalRefs.push(ref);
      }
    };
    for (const ref of shape.fields.values()) consider(ref);
    for (const named of shape.namedBySlot) consider(named.ref);
    plan = ok ? { literalRefs, literalTexts: null } : null;
    spanPlans.set(shape, plan);
  }
  return plan;
}

/**
 * Hands over an instance's values as spans (see the header) and returns true, or returns false having handed
 * over nothing when some field is built from parts or repeated (the caller then walks the fields).
 */
function feedSpans(values: InstanceValues, sink: KeywordSink): boolean {
  const plan = spanPlan(values.shape);
  if (plan === null) return false;
  const buf = values.ctx.buf;
  const { descStart, count } = values;
  if (descStart + 4 * count > buf.length) return false;
  const skipNonString = !sink.nonStringValues;
  let runStart = values.dataStart;
  let p = runStart;
  for (let i = 0; i < count; i++) {
    const d = descStart + 4 * i;
    const size = buf[d] | (buf[d + 1] << 8);
    const type = buf[d + 2];
    if (type === VALUE.BINXML) {
      if (p > runStart) sink.utf16(buf, runStart, p);
      runStart = p + size;
    } else if (type === VALUE.STRING) {
      if (((p - runStart) & 1) !== 0) {
        sink.utf16(buf, runStart, p);
        runStart = p;
      }
    } else if (type !== VALUE.NULL && !(skipNonString && nonStringType(type))) {
      // Text that is not UTF-16 bytes here (ANSI, string arrays, numbers when needles can occur in them): as
      // a one-slot field has it (the walk feeds the slots that fields reference; any other is extra).
      const text = fieldText(values.slotValue(i, false));
      if (text !== undefined && text !== '') sink.text(text);
    }
    p += size;
  }
  if (p > runStart) sink.utf16(buf, runStart, p);
  let texts = plan.literalTexts;
  if (texts === null) {
    texts = [];
    for (const ref of plan.literalRefs) {
      const text = fieldText(values.fieldValue(ref));
      if (text !== undefined && text !== '') texts.push(text);
    }
    plan.literalTexts = texts;
  }
  for (const text of texts) sink.text(text);
  return true;
}

/** Feeds an instance and its nested ones: as spans where the shape allows it (`spans`), else field by field. */
function feedInstance(values: InstanceValues, sink: KeywordSink, spans: boolean): void {
  const shape = values.shape;
  if (!spans || !feedSpans(values, sink)) {
    for (const ref of shape.fields.values()) feedRef(values, ref, sink);
    for (const named of shape.namedBySlot) feedRef(values, named.ref, sink);
  }
  for (const slot of shape.dynamicSlots) {
    const nested = values.nested(slot);
    if (nested !== null) feedInstance(nested, sink, spans);
  }
}

function feedRecord(record: EventRecord, sink: KeywordSink, spans: boolean): boolean {
  if (!(record instanceof EvtxRecord)) return false;
  try {
    feedInstance(record, sink, spans);
  } catch {
    return false; // odd bytes: let the caller take the values fields() can read
  }
  return true;
}

/** feedKeywords value by value, never as spans (the reference the span feed is tested against). */
export function feedKeywordsByValue(record: EventRecord, sink: KeywordSink): boolean {
  return feedRecord(record, sink, false);
}

/**
 * Feeds every field value of an EVTX record to the sink and returns true; returns false for other records
 * (the caller then passes their values as strings).
 */
export function feedKeywords(record: EventRecord, sink: KeywordSink): boolean {
  return feedRecord(record, sink, true);
}

const FED = 1;
const DECLINED = 0;
const ABSENT = -1;

/** feedField in one template instance, in EvtxRecord.get's order: own fields, named slots, nested instances. */
function feedFieldIn(values: InstanceValues, field: string, sink: KeywordSink): number {
  const shape = values.shape;
  const ref = shape.fields.get(field);
  if (ref !== undefined) {
    if (ref.slot < 0 || ref.more !== null || values.slotType(ref.slot) !== VALUE.STRING) return DECLINED;
    const start = values.slotOffset(ref.slot);
    const end = start + values.slotSize(ref.slot);
    if (end > values.ctx.buf.length) return DECLINED;
    sink.utf16(values.ctx.buf, start, end);
    return FED;
  }
  if (shape.namedBySlot.length > 0) return DECLINED; // names held in values: left to get()
  for (const slot of shape.dynamicSlots) {
    const nested = values.nested(slot);
    if (nested === null) continue;
    const r = feedFieldIn(nested, field, sink);
    if (r !== ABSENT) return r;
  }
  return ABSENT;
}

/**
 * Hands the sink one field's string value as UTF-16LE bytes where it lies and returns true, when the field is a
 * single string value of an EVTX record's template or of a nested one (exactly the string EvtxRecord.get would
 * decode, plus at most trailing NULs); returns false otherwise (absent, other types, named slots, other
 * sources, odd bytes), and the caller asks get().
 */
export function feedField(record: EventRecord, field: string, sink: KeywordSink): boolean {
  if (!(record instanceof EvtxRecord)) return false;
  try {
    return feedFieldIn(record, field, sink) === FED;
  } catch {
    return false;
  }
}
