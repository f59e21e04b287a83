// What the EVTX writer accepts: one plain object per event. Tests, fixtures and the demo build these.

/** A typed value for cases where the JS type alone does not say which EVTX value type to write. */
export type TypedValue =
  | { type: 'guid'; value: string }
  | { type: 'sid'; value: string }
  | { type: 'filetime'; value: Date | number }
  | { type: 'systemtime'; value: Date | number }
  | { type: 'hex32'; value: number }
  | { type: 'hex64'; value: bigint }
  | { type: 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32'; value: number }
  | { type: 'uint64' | 'int64'; value: bigint | number }
  | { type: 'float' | 'double'; value: number }
  | { type: 'ansi'; value: string }
  | { type: 'binary'; value: Uint8Array }
  | { type: 'sizet'; value: bigint | number }
  | {
      type: 'array';
      itemType: 'string' | 'uint16' | 'uint32' | 'uint64' | 'guid' | 'sid';
      value: readonly unknown[];
    };

/** A value inside EventData/UserData: strings are UTF-16 strings, numbers uint32 (or int64 if they need it). */
export type EventDataValue = string | number | boolean | bigint | null | Uint8Array | TypedValue;

/** One event to write. Only provider, eventId, channel, computer and time are required. */
export interface EventSpec {
  provider: string;
  providerGuid?: string;
  /** Classic event source name (`<Provider EventSourceName=...>`), used by some Security/System events. */
  eventSourceName?: string;
  eventId: number;
  /** `<EventID Qualifiers=...>` for classic providers. */
  qualifiers?: number;
  version?: number;
  level?: number;
  task?: number;
  opcode?: number;
  keywords?: bigint;
  /** TimeCreated: a Date or milliseconds since the Unix epoch. */
  time: Date | number;
  /** Defaults to 1 + the previous record's id in the same file. */
  recordId?: number;
  activityId?: string;
  relatedActivityId?: string;
  processId?: number;
  threadId?: number;
  channel: string;
  computer: string;
  /** Security/@UserID SID, e.g. S-1-5-18. */
  userSid?: string;
  /** `<EventData><Data Name=k>v</Data>...`; an array keeps order and allows repeated or unnamed (`''`) data. */
  data?: Record<string, EventDataValue> | ReadonlyArray<readonly [string, EventDataValue]>;
  /** `<UserData><element xmlns=...><k>v</k>...</element></UserData>` instead of EventData. */
  userData?: { element: string; xmlns?: string; fields: Record<string, EventDataValue> };
}
