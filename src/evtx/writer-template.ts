// Template shapes for the EVTX writer: one BinXML template per distinct event shape (EventData names and
// value types, or the UserData element and its fields), laid out like Windows' own templates: the System
// block uses substitutions for every value (optional ones where Windows has them), so one template serves
// every provider, host and channel that logs events of that shape.
import { createHash } from 'node:crypto';
import { VALUE } from './constants.js';

/** A template element: name, attributes and content, compiled once per shape. */
export interface TemplateElement {
  readonly name: string;
  readonly attrs: readonly TemplateAttribute[];
  readonly content: readonly TemplateContent[];
}
/** An attribute: its value is literal text or a substitution. */
export interface TemplateAttribute {
  readonly name: string;
  readonly value: TemplateContent;
}
/** Element content: a child element, literal text, or a (normal or optional) substitution slot. */
export type TemplateContent =
  | TemplateElement
  | { readonly text: string }
  | { readonly sub: number; readonly type: number; readonly optional: boolean };

/** A compiled template: its tree, identity and the largest definition it can need in a chunk. */
export interface TemplateShape {
  readonly root: TemplateElement;
  /** 16-byte template GUID (derived from the shape key, so stable across runs and files). */
  readonly guid: Buffer;
  /** The template identifier written in template instances: the GUID's first 4 bytes. */
  readonly id: number;
  /** Number of substitution slots (System slots + data slots). */
  readonly slots: number;
}

/** Substitution slots of the System block, numbered as Windows numbers them (EventSourceName and Computer added). */
export const SYS = {
  LEVEL: 0,
  OPCODE: 1,
  TASK: 2,
  EVENT_ID: 3,
  QUALIFIERS: 4,
  KEYWORDS: 5,
  TIME_CREATED: 6,
  ACTIVITY_ID: 7,
  PROCESS_ID: 8,
  THREAD_ID: 9,
  RECORD_ID: 10,
  VERSION: 11,
  USER_ID: 12,
  RELATED_ACTIVITY_ID: 13,
  PROVIDER_NAME: 14,
  PROVIDER_GUID: 15,
  CHANNEL: 16,
  COMPUTER: 17,
  EVENT_SOURCE_NAME: 18,
} as const;

/** Number of System slots; data slots follow. */
export const SYSTEM_SLOTS = 19;

/** Value types of the System slots (what the template declares and what the writer normally writes). */
export const SYSTEM_TYPES: readonly number[] = [
  VALUE.UINT8, // Level
  VALUE.UINT8, // Opcode
  VALUE.UINT16, // Task
  VALUE.UINT16, // EventID
  VALUE.UINT16, // Qualifiers
  VALUE.HEX64, // Keywords
  VALUE.FILETIME, // TimeCreated
  VALUE.GUID, // ActivityID
  VALUE.UINT32, // ProcessID
  VALUE.UINT32, // ThreadID
  VALUE.UINT64, // EventRecordID
  VALUE.UINT8, // Version
  VALUE.SID, // UserID
  VALUE.GUID, // RelatedActivityID
  VALUE.STRING, // Provider Name
  VALUE.GUID, // Provider Guid
  VALUE.STRING, // Channel
  VALUE.STRING, // Computer
  VALUE.STRING, // EventSourceName
];

const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

const el = (name: string, attrs: TemplateAttribute[], content: TemplateContent[]): TemplateElement => ({
  name,
  attrs,
  content,
});
const opt = (sub: number): TemplateContent => ({ sub, type: SYSTEM_TYPES[sub], optional: true });
const req = (sub: number): TemplateContent => ({ sub, type: SYSTEM_TYPES[sub], optional: false });

/**
 * The System element, one object shared by every template: the chunk writer recognises it and, once a chunk
 * knows all its names, copies its encoded bytes instead of encoding it again for each new template.
 */
export const SYSTEM_ELEMENT: TemplateElement = systemElement();

function systemElement(): TemplateElement {
  return el(
    'System',
    [],
    [
      el(
        'Provider',
        [
          { name: 'Name', value: opt(SYS.PROVIDER_NAME) },
          { name: 'Guid', value: opt(SYS.PROVIDER_GUID) },
          { name: 'EventSourceName', value: opt(SYS.EVENT_SOURCE_NAME) },
        ],
        [],
      ),
      el('EventID', [{ name: 'Qualifiers', value: opt(SYS.QUALIFIERS) }], [opt(SYS.EVENT_ID)]),
      el('Version', [], [opt(SYS.VERSION)]),
      el('Level', [], [opt(SYS.LEVEL)]),
      el('Task', [], [opt(SYS.TASK)]),
      el('Opcode', [], [opt(SYS.OPCODE)]),
      el('Keywords', [], [opt(SYS.KEYWORDS)]),
      el('TimeCreated', [{ name: 'SystemTime', value: opt(SYS.TIME_CREATED) }], []),
      el('EventRecordID', [], [opt(SYS.RECORD_ID)]),
      el(
        'Correlation',
        [
          { name: 'ActivityID', value: opt(SYS.ACTIVITY_ID) },
          { name: 'RelatedActivityID', value: opt(SYS.RELATED_ACTIVITY_ID) },
        ],
        [],
      ),
      el(
        'Execution',
        [
          { name: 'ProcessID', value: opt(SYS.PROCESS_ID) },
          { name: 'ThreadID', value: opt(SYS.THREAD_ID) },
        ],
        [],
      ),
      el('Channel', [], [req(SYS.CHANNEL)]),
      el('Computer', [], [req(SYS.COMPUTER)]),
      el('Security', [{ name: 'UserID', value: opt(SYS.USER_ID) }], []),
    ],
  );
}

/** What varies between templates: the event payload's layout. */
export interface ShapeSpec {
  /** EventData `Data` names ('' for an unnamed `<Data>`), or undefined when the event has no EventData. */
  readonly dataNames?: readonly string[];
  /** UserData wrapper element and its namespace, plus its field names. */
  readonly userData?: {
    readonly element: string;
    readonly xmlns?: string;
    readonly names: readonly string[];
  };
  /** Value type of each data slot, in order (EventData first, then UserData fields). */
  readonly types: readonly number[];
}

/** Builds the template for one event shape. `key` identifies the shape and seeds its GUID. */
export function compileTemplate(shape: ShapeSpec, key: string): TemplateShape {
  let slot = SYSTEM_SLOTS;
  const dataSub = (): TemplateContent => {
    const type = shape.types[slot - SYSTEM_SLOTS];
    return { sub: slot++, type, optional: true };
  };
  const children: TemplateContent[] = [SYSTEM_ELEMENT];
  if (shape.dataNames) {
    const data = shape.dataNames.map((name) =>
      el('Data', name === '' ? [] : [{ name: 'Name', value: { text: name } }], [dataSub()]),
    );
    children.push(el('EventData', [], data));
  }
  if (shape.userData) {
    const u = shape.userData;
    const fields = u.names.map((name) => el(name, [], [dataSub()]));
    const attrs = u.xmlns !== undefined ? [{ name: 'xmlns', value: { text: u.xmlns } }] : [];
    children.push(el('UserData', [], [el(u.element, attrs, fields)]));
  }
  const root = el('Event', [{ name: 'xmlns', value: { text: EVENT_NS } }], children);
  const guid = createHash('md5').update(key).digest();
  return { root, guid, id: guid.readUInt32LE(0), slots: slot };
}

/** The 16-bit name hash EVTX stores with every name (hash = hash * 65599 + code unit, low 16 bits kept). */
export function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 65599) + name.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}
