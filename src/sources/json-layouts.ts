// Turns one parsed JSON object into an EventRecord, whatever its layout: evtx_dump (`Event.System`,
// `Event.EventData`), Winlogbeat/ECS (`winlog.*`, `@timestamp`), or flat key/value objects. Everything is
// mapped onto the evtx_dump layout so that one record class (ObjectRecord) serves all of them.
import { ObjectRecord } from '../event/object-record.js';
import type { EventRecord, RecordSource } from '../event/types.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function attrs(values: Record<string, unknown>): Obj | undefined {
  const out: Obj = {};
  let any = false;
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || isObj(v)) continue;
    out[k] = v;
    any = true;
  }
  return any ? { '#attributes': out } : undefined;
}

function path(obj: Obj, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Winlogbeat / Elastic Common Schema: `winlog.event_data`, `winlog.channel`, `@timestamp`, ... */
function fromEcs(obj: Obj): Obj {
  const w = obj.winlog as Obj;
  const system: Obj = {
    Provider: attrs({
      Name: w.provider_name ?? path(obj, 'event', 'provider'),
      Guid: typeof w.provider_guid === 'string' ? w.provider_guid.replace(/^\{|\}$/g, '') : undefined,
    }),
    EventID: w.event_id ?? path(obj, 'event', 'code'),
    Version: w.version,
    Level: path(obj, 'log', 'level'),
    Task: w.task,
    Opcode: w.opcode,
    Keywords: Array.isArray(w.keywords) ? w.keywords.join(', ') : w.keywords,
    TimeCreated: attrs({ SystemTime: obj['@timestamp'] ?? path(obj, 'event', 'created') }),
    EventRecordID: w.record_id,
    Correlation: attrs({ ActivityID: w.activity_id, RelatedActivityID: w.related_activity_id }),
    Execution: attrs({ ProcessID: path(w, 'process', 'pid'), ThreadID: path(w, 'process', 'thread', 'id') }),
    Channel: w.channel ?? path(obj, 'event', 'provider'),
    Computer: w.computer_name ?? path(obj, 'host', 'name') ?? path(obj, 'agent', 'hostname'),
    Security: attrs({ UserID: path(w, 'user', 'identifier') }),
  };
  const event: Obj = { System: system };
  if (isObj(w.event_data)) event.EventData = w.event_data;
  if (isObj(w.user_data)) event.UserData = w.user_data;
  return { Event: event };
}

// A Map, not an object literal: keys such as "constructor" or "__proto__" must not find Object.prototype members.
const FLAT_SYSTEM = new Map<string, string>(
  Object.entries({
    eventid: 'EventID',
    event_id: 'EventID',
    channel: 'Channel',
    computer: 'Computer',
    computername: 'Computer',
    computer_name: 'Computer',
    hostname: 'Computer',
    eventrecordid: 'EventRecordID',
    record_id: 'EventRecordID',
    recordid: 'EventRecordID',
    provider: 'Provider',
    provider_name: 'Provider',
    providername: 'Provider',
    timecreated: 'TimeCreated',
    systemtime: 'TimeCreated',
    timestamp: 'TimeCreated',
    '@timestamp': 'TimeCreated',
    utctime: 'UtcTime',
    level: 'Level',
    task: 'Task',
    opcode: 'Opcode',
    keywords: 'Keywords',
    version: 'Version',
  }),
);

/** Flat key/value objects (one level or nested `Event`-less objects, e.g. Hayabusa/SIEM exports). */
function fromFlat(obj: Obj): Obj {
  const system: Obj = {};
  // No prototype: a "__proto__" key is a field like any other, not the object's prototype.
  const data: Obj = Object.create(null) as Obj;
  let time: unknown;
  for (const [key, value] of Object.entries(obj)) {
    const sys = FLAT_SYSTEM.get(key.toLowerCase());
    if (sys === 'TimeCreated') time ??= value;
    else if (sys === 'Provider') system.Provider = attrs({ Name: value });
    else if (sys && sys !== 'UtcTime') system[sys] = value;
    else data[key] = value;
    if (sys === 'UtcTime') time ??= value;
  }
  if (time !== undefined) {
    // Sysmon's UtcTime ("2024-01-02 03:04:05.678") has no zone: it is UTC.
    const text = String(time);
    const iso = /^\d{4}-\d\d-\d\d \d/.test(text)
      ? text.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? '' : 'Z')
      : text;
    system.TimeCreated = attrs({ SystemTime: iso });
  }
  return { Event: { System: system, EventData: data } };
}

/** A PowerShell date ("/Date(1700000000000)/" from Windows PowerShell 5; PowerShell 7 writes ISO text) as ISO. */
function powershellTime(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^\/Date\((-?\d{1,15})(?:[+-]\d{4})?\)\/$/.exec(value);
  if (!m) return value;
  const ms = Number(m[1]);
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : value;
}

/** A SecurityIdentifier as PowerShell serialises it (an object with its `Value`), or the value as given. */
function sidText(value: unknown): unknown {
  return isObj(value) && typeof value.Value === 'string' ? value.Value : value;
}

/**
 * PowerShell `Get-WinEvent | ConvertTo-Json` (EventLogRecord objects): `Id`, `LogName`, `MachineName`,
 * `ProviderName`, ... The event data is `Properties`, values without their names, so it becomes unnamed
 * `Data` (keyword rules see it; rules on named fields cannot match it: `.ToXml()` exports keep the names).
 */
function fromPowerShell(obj: Obj): Obj {
  const system: Obj = {
    Provider: attrs({ Name: obj.ProviderName, Guid: obj.ProviderId }),
    EventID: obj.Id,
    Version: obj.Version,
    Level: obj.Level,
    Task: obj.Task,
    Opcode: obj.Opcode,
    Keywords: obj.Keywords,
    TimeCreated: attrs({ SystemTime: powershellTime(obj.TimeCreated) }),
    EventRecordID: obj.RecordId,
    Correlation: attrs({ ActivityID: obj.ActivityId, RelatedActivityID: obj.RelatedActivityId }),
    Execution: attrs({ ProcessID: obj.ProcessId, ThreadID: obj.ThreadId }),
    Channel: obj.LogName,
    Computer: obj.MachineName,
    Security: attrs({ UserID: sidText(obj.UserId) }),
  };
  const values = Array.isArray(obj.Properties)
    ? obj.Properties.map((p: unknown) => (isObj(p) && 'Value' in p ? p.Value : p))
    : [];
  const event: Obj = { System: system };
  if (values.length > 0) event.EventData = { Data: values };
  return { Event: event };
}

/** Layout name of a parsed JSON object, for diagnostics. */
export function jsonLayoutOf(obj: Obj): 'evtx_dump' | 'ecs' | 'powershell' | 'flat' {
  if (isObj(obj.Event) || isObj(obj.System)) return 'evtx_dump';
  if (isObj(obj.winlog)) return 'ecs';
  if (typeof obj.LogName === 'string' && typeof obj.Id === 'number' && 'MachineName' in obj)
    return 'powershell';
  return 'flat';
}

/** An EventRecord over a parsed JSON object of any supported layout (undefined for non-objects). */
export function recordFromJson(value: unknown, source: RecordSource): EventRecord | undefined {
  if (!isObj(value)) return undefined;
  switch (jsonLayoutOf(value)) {
    case 'evtx_dump':
      return new ObjectRecord(value, source);
    case 'ecs':
      return new ObjectRecord(fromEcs(value), source);
    case 'powershell':
      return new ObjectRecord(fromPowerShell(value), source);
    default:
      return new ObjectRecord(fromFlat(value), source);
  }
}
