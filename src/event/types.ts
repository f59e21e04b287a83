// The record model every later stage matches on, whatever the record came from (EVTX, JSON, XML, a stream).

/** A field value as detection sees it; arrays come from multi-valued data and EVTX array types. */
export type FieldValue = string | number | bigint | boolean | null | readonly FieldValue[];

/** Where a record came from: enough to find it again and to name it in a warning. */
export interface RecordSource {
  /** Path of the file the record was read from (or a stream name). */
  readonly file: string;
  /** Byte offset of the record in the file, when known. */
  readonly offset?: number;
  /** Tenant (company) the record belongs to, assigned by the hunt's tenant mapping. */
  tenant?: string;
  /** True when the record was carved from slack space or a damaged chunk rather than read normally. */
  readonly recovered?: boolean;
}

/**
 * One event, looked up field by field. Implementations decode lazily: a field is decoded only when asked.
 *
 * Field names are the Windows/Sigma names:
 * - EventData/UserData fields by their own name (`CommandLine`, `TargetUserName`, ...). UserData leaf elements
 *   are flattened to their element name. Unnamed `<Data>` values are exposed as `Data` (an array if several).
 * - System fields: `EventID`, `Version`, `Level`, `Task`, `Opcode`, `Keywords`, `EventRecordID`, `Channel`,
 *   `Computer`, `Provider_Name`, `Provider_Guid`, `EventSourceName`, `TimeCreated` (ISO string, the
 *   `SystemTime` attribute), `ProcessID`, `ThreadID`, `UserID` (Security/@UserID), `ActivityID`,
 *   `RelatedActivityID`.
 */
export interface EventRecord {
  /** The value of a field by name, or undefined when the record has no such field. */
  get(name: string): FieldValue | undefined;
  /** Every field as name/value pairs (System fields first, then event data), for keyword search and output. */
  fields(): Iterable<readonly [string, FieldValue]>;
  /**
   * Optional: fields() without the fields of the given names, and without decoding them (records that hold their
   * values encoded, such as EVTX, save the work); otherwise equal to filtering fields().
   */
  fieldsExcept?(names: ReadonlySet<string>): Iterable<readonly [string, FieldValue]>;
  readonly eventId: number;
  readonly channel: string;
  readonly provider: string;
  readonly computer: string;
  /** TimeCreated in milliseconds since the Unix epoch (NaN when the record has none). */
  readonly timestamp: number;
  readonly recordId: number;
  readonly source: RecordSource;
}

/** The System elements whose value is the element's own text (the rest come from attributes). */
export const SYSTEM_TEXT_FIELDS: readonly string[] = [
  'EventID',
  'Version',
  'Level',
  'Task',
  'Opcode',
  'Keywords',
  'EventRecordID',
  'Channel',
  'Computer',
];

/** The System fields taken from attributes (`Provider/@Name` → `Provider_Name`, ...). */
export const SYSTEM_ATTRIBUTE_FIELDS: readonly string[] = [
  'Provider_Name',
  'Provider_Guid',
  'EventSourceName',
  'TimeCreated',
  'ProcessID',
  'ThreadID',
  'UserID',
  'ActivityID',
  'RelatedActivityID',
];

/** Every System field name a record exposes. */
export const SYSTEM_FIELD_NAMES: readonly string[] = [...SYSTEM_TEXT_FIELDS, ...SYSTEM_ATTRIBUTE_FIELDS];

/** Converts a field value to the string detection compares against (numbers in decimal, arrays joined). */
export function fieldText(value: FieldValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => fieldText(v as FieldValue) ?? '').join(', ');
  return String(value);
}
