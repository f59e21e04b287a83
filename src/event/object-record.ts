// An EventRecord over an already-parsed event object in the evtx_dump JSON layout
// ({ Event: { System: {...}, EventData: {...} | UserData: {...} } }), used by JSON sources and tests.
import { SYSTEM_TEXT_FIELDS, type EventRecord, type FieldValue, type RecordSource } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The text of an element: a scalar, or the `#text` of an element that also has attributes. */
/**
 * Nesting that textOf follows: the record sources stop at 64 levels already, but records built by other code
 * (a library caller, a future ingest endpoint) must not overflow the stack either; deeper parts read as null.
 */
const MAX_TEXT_DEPTH = 64;

function textOf(v: Json | undefined, depth = 0): FieldValue | undefined {
  if (v === undefined) return undefined;
  if (depth > MAX_TEXT_DEPTH) return null;
  if (isObject(v)) {
    if ('#text' in v) return textOf(v['#text'], depth + 1);
    return undefined;
  }
  if (Array.isArray(v)) return v.map((x) => textOf(x, depth + 1) ?? null);
  return v;
}

function attr(v: Json | undefined, name: string): FieldValue | undefined {
  if (!isObject(v)) return undefined;
  const attrs = v['#attributes'];
  return isObject(attrs) ? textOf(attrs[name]) : undefined;
}

/** Flattens System into the documented System field names. */
function systemFields(system: JsonObject, out: Map<string, FieldValue>): void {
  const put = (name: string, value: FieldValue | undefined) => {
    if (value !== undefined) out.set(name, value);
  };
  put('Provider_Name', attr(system.Provider, 'Name'));
  put('Provider_Guid', attr(system.Provider, 'Guid'));
  put('EventSourceName', attr(system.Provider, 'EventSourceName'));
  for (const name of SYSTEM_TEXT_FIELDS) {
    put(name, textOf(system[name]));
  }
  put('TimeCreated', attr(system.TimeCreated, 'SystemTime'));
  put('ProcessID', attr(system.Execution, 'ProcessID'));
  put('ThreadID', attr(system.Execution, 'ThreadID'));
  put('UserID', attr(system.Security, 'UserID'));
  put('ActivityID', attr(system.Correlation, 'ActivityID'));
  put('RelatedActivityID', attr(system.Correlation, 'RelatedActivityID'));
}

/** Adds leaf elements of a data section under their own names (the first occurrence of a name wins). */
function dataFields(section: Json | undefined, out: Map<string, FieldValue>, depth = 0): void {
  if (!isObject(section) || depth > 8) return;
  for (const [key, value] of Object.entries(section)) {
    if (key === '#attributes') continue;
    if (isObject(value) && !('#text' in value)) {
      dataFields(value, out, depth + 1);
      continue;
    }
    const name = key === '#text' ? 'Data' : key;
    if (!out.has(name)) out.set(name, textOf(value) ?? null);
  }
}

function toNumber(v: FieldValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  if (typeof v === 'bigint') return Number(v);
  return NaN;
}

/** Builds an EventRecord from one evtx_dump-style event object (or its inner `Event`). */
export class ObjectRecord implements EventRecord {
  private readonly map = new Map<string, FieldValue>();
  readonly eventId: number;
  readonly channel: string;
  readonly provider: string;
  readonly computer: string;
  readonly timestamp: number;
  readonly recordId: number;

  constructor(
    event: unknown,
    readonly source: RecordSource,
  ) {
    const root = event as Json;
    const ev = isObject(root) && isObject(root.Event) ? root.Event : root;
    if (isObject(ev)) {
      if (isObject(ev.System)) systemFields(ev.System, this.map);
      dataFields(ev.EventData, this.map);
      dataFields(ev.UserData, this.map);
    }
    this.eventId = toNumber(this.map.get('EventID'));
    this.channel = String(this.map.get('Channel') ?? '');
    this.provider = String(this.map.get('Provider_Name') ?? '');
    this.computer = String(this.map.get('Computer') ?? '');
    const time = this.map.get('TimeCreated');
    this.timestamp = typeof time === 'string' ? Date.parse(time) : NaN;
    this.recordId = toNumber(this.map.get('EventRecordID'));
  }

  get(name: string): FieldValue | undefined {
    return this.map.get(name);
  }

  fields(): Iterable<readonly [string, FieldValue]> {
    return this.map.entries();
  }
}
