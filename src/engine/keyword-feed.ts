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
import { fieldText } from '../event/types.js';
import type { EventRecord } from '../event/types.js';
import { EvtxRecord } from '../evtx/index.js';
import { VALUE } from '../evtx/constants.js';
import type { KeywordSink } from './prefilter/index.js';

/** The parts of an EVTX template instance (a record or a nested BinXML value) the feed reads. */
type InstanceValues = Pick<
  EvtxRecord,
  'ctx' | 'shape' | 'slotType' | 'slotOffset' | 'slotSize' | 'slotValue' | 'nested' | 'fieldValue'
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

function feedInstance(values: InstanceValues, sink: KeywordSink): void {
  const shape = values.shape;
  for (const ref of shape.fields.values()) feedRef(values, ref, sink);
  for (const named of shape.namedBySlot) feedRef(values, named.ref, sink);
  for (const slot of shape.dynamicSlots) {
    const nested = values.nested(slot);
    if (nested !== null) feedInstance(nested, sink);
  }
}

/**
 * Feeds every field value of an EVTX record to the sink and returns true; returns false for other records
 * (the caller then passes their values as strings).
 */
export function feedKeywords(record: EventRecord, sink: KeywordSink): boolean {
  if (!(record instanceof EvtxRecord)) return false;
  try {
    feedInstance(record, sink);
  } catch {
    return false; // odd bytes: let the caller take the values fields() can read
  }
  return true;
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
