// Write → read: every value type, unicode, empty strings, nulls, UserData, many chunks, and a seeded fuzz of
// random event shapes. What the reader returns must be exactly what the specs said, in the EventRecord
// conventions (evtx_dump renderings for GUIDs, hex types, times and binary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventRecord, FieldValue } from '../../src/event/types.js';
import { parseEvtxBuffer } from '../../src/evtx/index.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventDataValue, EventSpec, TypedValue } from '../../src/evtx/writer-types.js';
import { prng } from '../helpers/random.js';

const SAFE = 2n ** 53n;

function int64Field(v: bigint): FieldValue {
  return v >= -SAFE && v < SAFE ? Number(v) : v;
}

function hex(v: number | bigint): string {
  return '0x' + v.toString(16);
}

function guidField(g: string): string {
  return g.replace(/[{}]/g, '').toUpperCase();
}

/** ISO time with the microsecond precision the reader renders for FILETIME. */
function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/** What the reader should return for a spec value. */
function expected(v: EventDataValue | undefined): FieldValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return int64Field(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex').toUpperCase();
  return expectedTyped(v);
}

function toMs(t: Date | number): number {
  return typeof t === 'number' ? t : t.getTime();
}

function expectedTyped(v: TypedValue): FieldValue {
  switch (v.type) {
    case 'guid':
      return guidField(v.value);
    case 'sid':
    case 'ansi':
      return v.value;
    case 'filetime':
      return isoMicros(toMs(v.value));
    case 'systemtime':
      return new Date(toMs(v.value)).toISOString();
    case 'hex32':
    case 'hex64':
      return hex(v.value);
    case 'sizet':
    case 'uint64':
    case 'int64':
      return int64Field(BigInt(v.value));
    case 'binary':
      return Buffer.from(v.value).toString('hex').toUpperCase();
    case 'array':
      return v.value.map((item) => {
        if (v.itemType === 'guid') return guidField(String(item));
        if (v.itemType === 'uint64') return int64Field(BigInt(item as number | bigint));
        return item as FieldValue;
      });
    default:
      return v.value;
  }
}

function sameValue(
  actual: FieldValue | undefined,
  want: FieldValue,
  spec: EventDataValue | undefined,
  what: string,
) {
  if (typeof spec === 'object' && spec !== null && !(spec instanceof Uint8Array) && spec.type === 'float') {
    assert.equal(Math.fround(Number(actual)), Math.fround(spec.value), what);
    return;
  }
  assert.deepEqual(actual, want, what);
}

function dataPairs(spec: EventSpec): [string, EventDataValue][] {
  if (spec.data === undefined) return [];
  return Array.isArray(spec.data)
    ? spec.data.map(([k, v]) => [k, v] as [string, EventDataValue])
    : Object.entries(spec.data as Record<string, EventDataValue>);
}

/** Checks one record against the spec it was written from. */
function checkRecord(rec: EventRecord, spec: EventSpec, recordId: number): void {
  const at = `record ${recordId}`;
  assert.equal(rec.recordId, recordId, at);
  assert.equal(rec.eventId, spec.eventId, at);
  assert.equal(rec.channel, spec.channel, at);
  assert.equal(rec.computer, spec.computer, at);
  assert.equal(rec.provider, spec.provider, at);
  assert.equal(rec.timestamp, toMs(spec.time), at);
  assert.equal(rec.get('TimeCreated'), isoMicros(toMs(spec.time)), at);
  assert.equal(rec.get('EventRecordID'), recordId, at);
  assert.equal(rec.get('Version'), spec.version ?? 0, at);
  assert.equal(rec.get('Level'), spec.level ?? 0, at);
  assert.equal(rec.get('Task'), spec.task ?? 0, at);
  assert.equal(rec.get('Opcode'), spec.opcode ?? 0, at);
  assert.equal(rec.get('Keywords'), hex(spec.keywords ?? 0n), at);
  assert.equal(rec.get('ProcessID'), spec.processId ?? 0, at);
  assert.equal(rec.get('ThreadID'), spec.threadId ?? 0, at);
  assert.equal(rec.get('Provider_Guid'), spec.providerGuid && guidField(spec.providerGuid), at);
  assert.equal(rec.get('EventSourceName'), spec.eventSourceName, at);
  assert.equal(rec.get('UserID'), spec.userSid, at);
  assert.equal(rec.get('ActivityID'), spec.activityId && guidField(spec.activityId), at);
  assert.equal(rec.get('RelatedActivityID'), spec.relatedActivityId && guidField(spec.relatedActivityId), at);
  const pairs = dataPairs(spec);
  const unnamed = pairs.filter(([k]) => k === '').map(([, v]) => expected(v));
  for (const [name, value] of pairs) {
    if (name !== '') sameValue(rec.get(name), expected(value), value, `${at} ${name}`);
  }
  if (unnamed.length > 0)
    assert.deepEqual(rec.get('Data'), unnamed.length === 1 ? unnamed[0] : unnamed, `${at} Data`);
  for (const [name, value] of Object.entries(spec.userData?.fields ?? {})) {
    sameValue(rec.get(name), expected(value), value, `${at} UserData ${name}`);
  }
}

function readBack(specs: EventSpec[]): EventRecord[] {
  const reader = parseEvtxBuffer(writeEvtx(specs), 'roundtrip.evtx');
  const records = [...reader];
  assert.deepEqual(reader.warnings, []);
  assert.equal(reader.stats.damagedChunks, 0);
  assert.equal(reader.stats.recovered, 0);
  return records;
}

const T0 = Date.UTC(2023, 10, 5, 13, 14, 15, 987);

function allTypes(i: number): EventSpec {
  return {
    provider: 'Dwell-Test',
    providerGuid: '{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}',
    eventSourceName: i % 2 ? 'DwellSource' : undefined,
    eventId: 4000 + (i % 3),
    qualifiers: i % 2 ? 16384 : undefined,
    version: 1,
    level: 4,
    task: 12,
    opcode: 2,
    keywords: 0x8010000000000000n,
    time: T0 + i * 37,
    activityId: i % 3 ? '{11112222-3333-4444-5555-666677778888}' : undefined,
    relatedActivityId: i % 5 ? undefined : '99990000-aaaa-bbbb-cccc-ddddeeeeffff',
    processId: 4242,
    threadId: i,
    channel: 'Dwell/Operational',
    computer: `host-${i % 4}.example`,
    userSid: i % 2 ? 'S-1-5-21-3623811015-3361044348-30300820-1013' : undefined,
    data: {
      Str: `value ${i}`,
      Unicode: 'Grüße – 日本語 – 😀 – \u{10FFFF}',
      Empty: '',
      Nothing: null,
      U32: 4294967295,
      Neg: -123456789012,
      Real: -2.5e-7,
      Yes: true,
      No: false,
      BigU: 18446744073709551615n,
      BigS: -9007199254740993n,
      Small: 42n,
      Blob: new Uint8Array([0, 0x7f, 0x80, 0xff]),
      NoBytes: new Uint8Array(0),
      G: { type: 'guid', value: 'deadbeef-0001-0002-0304-050607080910' },
      S: { type: 'sid', value: 'S-1-5-32-544' },
      FT: { type: 'filetime', value: new Date(Date.UTC(2001, 8, 11, 12, 46, 40, 5)) },
      ST: { type: 'systemtime', value: Date.UTC(1999, 11, 31, 23, 59, 59, 999) },
      H32: { type: 'hex32', value: 0xc0000022 },
      H64: { type: 'hex64', value: 0xfedcba9876543210n },
      U8: { type: 'uint8', value: 255 },
      U16: { type: 'uint16', value: 65535 },
      I8: { type: 'int8', value: -128 },
      I16: { type: 'int16', value: -32768 },
      I32: { type: 'int32', value: -2147483648 },
      U64: { type: 'uint64', value: 12345678901234 },
      I64: { type: 'int64', value: -5n },
      F32: { type: 'float', value: 0.375 },
      F64: { type: 'double', value: Math.PI },
      Ansi: { type: 'ansi', value: 'C:\\Windows\\Temp\\a.bat' },
      Bin: { type: 'binary', value: new Uint8Array([1, 2, 3]) },
      Size: { type: 'sizet', value: 0x7ffe0000 },
      Strings: { type: 'array', itemType: 'string', value: ['alpha', 'ß', ''] },
      Shorts: { type: 'array', itemType: 'uint16', value: [1, 65535] },
      Ints: { type: 'array', itemType: 'uint32', value: [0, 4294967295] },
      Longs: { type: 'array', itemType: 'uint64', value: [1n, 2n ** 60n] },
      Guids: { type: 'array', itemType: 'guid', value: ['{00000000-0000-0000-0000-000000000001}'] },
      Sids: { type: 'array', itemType: 'sid', value: ['S-1-5-18', 'S-1-5-19'] },
    },
  };
}

test('round trip: every value type, unicode, empty strings and nulls, over many chunks', () => {
  const specs = Array.from({ length: 900 }, (_, i) => allTypes(i));
  const records = readBack(specs);
  assert.equal(records.length, specs.length);
  records.forEach((rec, i) => checkRecord(rec, specs[i], i + 1));
  const chunkOffsets = new Set(records.map((r) => Math.floor((r.source.offset ?? 0) / 65536)));
  assert.ok(chunkOffsets.size >= 4, `expected several chunks, got ${chunkOffsets.size}`);
});

test('round trip: UserData, unnamed Data, events without payload, explicit record ids', () => {
  const specs: EventSpec[] = [
    {
      provider: 'Microsoft-Windows-Eventlog',
      eventId: 1102,
      channel: 'Security',
      computer: 'DC01',
      time: T0,
      recordId: 77,
      userData: {
        element: 'LogFileCleared',
        xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog',
        fields: { SubjectUserName: 'mallory', SubjectLogonId: { type: 'hex64', value: 0x3e7n } },
      },
    },
    {
      provider: 'App',
      eventId: 1000,
      channel: 'Application',
      computer: 'WS1',
      time: T0 + 1,
      data: [['', 'only']],
    },
    {
      provider: 'App',
      eventId: 1001,
      channel: 'Application',
      computer: 'WS1',
      time: T0 + 2,
      data: [
        ['', 'first'],
        ['', 'second'],
      ],
    },
    { provider: 'Bare', eventId: 1, channel: 'System', computer: 'WS2', time: new Date(T0 + 3) },
    { provider: 'Bare', eventId: 2, channel: 'System', computer: 'WS2', time: T0 + 4, data: {} },
  ];
  const records = readBack(specs);
  assert.equal(records.length, specs.length);
  const ids = [77, 78, 79, 80, 81];
  records.forEach((rec, i) => checkRecord(rec, specs[i], ids[i]));
  assert.equal(records[3].get('Data'), undefined);
});

// ---- seeded fuzz: random shapes and values ----

const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-_\\/\'"<>&%$#@!?()[]{}=+*|~^`',
  'äöüßéèêçñøåÆŒ€£¥©®±µ¶',
  'Живописьλόγος日本語中文한국어עבריתالعربية',
  '😀🚀🔥💾🧪𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '\t\r\n\u00a0\u2028\u200b',
];

function randomString(r: () => number, max: number): string {
  const len = Math.floor(r() * r() * max);
  let s = '';
  for (let i = 0; i < len; i++) {
    const chars = [...ALPHABETS[Math.floor(r() * r() * ALPHABETS.length)]];
    s += chars[Math.floor(r() * chars.length)];
  }
  // The reader trims trailing whitespace of strings, as evtx_dump does; keep specs free of it.
  return s.trimEnd();
}

function randomGuid(r: () => number): string {
  const h = (n: number): string =>
    Array.from({ length: n }, () => '0123456789abcdefABCDEF'[Math.floor(r() * 22)]).join('');
  const g = `${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}`;
  return r() < 0.5 ? `{${g}}` : g;
}

function randomSid(r: () => number): string {
  const subs = Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * 4294967296));
  return ['S', 1, Math.floor(r() * 2 ** 40), ...subs].join('-');
}

function randomBig(r: () => number, signed: boolean): bigint {
  const v = (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32));
  const small = r() < 0.5 ? v >> BigInt(Math.floor(r() * 64)) : v;
  return signed ? BigInt.asIntN(64, small) : small;
}

function randomValue(r: () => number): EventDataValue {
  const ms = Math.floor(r() * 4102444800000); // 1970..2100
  const pick = Math.floor(r() * 30);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return '';
    case 2:
      return r() < 0.5;
    case 3:
      return Math.floor(r() * 4294967296);
    case 4:
      return -Math.floor(r() * 2 ** 52) - 1;
    case 5:
      return (r() - 0.5) * 10 ** Math.floor(r() * 20 - 10);
    case 6:
      return randomBig(r, false);
    case 7:
      return randomBig(r, true) || -1n;
    case 8:
      return Uint8Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256));
    case 9:
      return { type: 'guid', value: randomGuid(r) };
    case 10:
      return { type: 'sid', value: randomSid(r) };
    case 11:
      return { type: 'filetime', value: ms };
    case 12:
      return { type: 'systemtime', value: new Date(ms) };
    case 13:
      return { type: 'hex32', value: Math.floor(r() * 4294967296) };
    case 14:
      return { type: 'hex64', value: randomBig(r, false) };
    case 15:
      return { type: 'uint8', value: Math.floor(r() * 256) };
    case 16:
      return { type: 'int16', value: Math.floor(r() * 65536) - 32768 };
    case 17:
      return { type: 'int32', value: Math.floor(r() * 4294967296) - 2147483648 };
    case 18:
      return { type: 'uint64', value: randomBig(r, false) };
    case 19:
      return { type: 'int64', value: randomBig(r, true) };
    case 20:
      return { type: 'float', value: Math.fround((r() - 0.5) * 1e6) };
    case 21:
      return { type: 'double', value: (r() - 0.5) * 1e300 };
    case 22:
      return { type: 'ansi', value: randomString(r, 30).replace(/[^\x20-\x7e]/g, 'x') };
    case 23:
      return { type: 'sizet', value: randomBig(r, false) };
    case 24:
      return {
        type: 'array',
        itemType: 'string',
        value: Array.from({ length: 1 + Math.floor(r() * 4) }, () => randomString(r, 12) || 'x'),
      };
    case 25:
      return { type: 'array', itemType: 'uint32', value: [Math.floor(r() * 4294967296), 7] };
    case 26:
      return { type: 'array', itemType: 'guid', value: [randomGuid(r), randomGuid(r)] };
    case 27:
      return randomString(r, 3000);
    default:
      return randomString(r, 80);
  }
}

const NAMES = ['CommandLine', 'Image', 'TargetUserName', 'IpAddress', 'Hashes', 'ServiceName', 'Param', 'X'];

function randomSpec(r: () => number, i: number): EventSpec {
  const fields = Math.floor(r() * 12);
  const data: [string, EventDataValue][] = [];
  const used = new Set<string>();
  for (let k = 0; k < fields; k++) {
    let name = NAMES[Math.floor(r() * NAMES.length)] + (r() < 0.5 ? '' : `_${Math.floor(r() * 20)}`);
    while (used.has(name)) name += `_${k}`;
    used.add(name);
    data.push([name, randomValue(r)]);
  }
  const spec: EventSpec = {
    provider: `Provider-${Math.floor(r() * 5)}`,
    eventId: Math.floor(r() * 65536),
    version: Math.floor(r() * 256),
    level: Math.floor(r() * 6),
    task: Math.floor(r() * 65536),
    opcode: Math.floor(r() * 256),
    keywords: randomBig(r, false),
    time: Math.floor(r() * 4102444800000),
    processId: Math.floor(r() * 4294967296),
    threadId: Math.floor(r() * 4294967296),
    channel: r() < 0.9 ? 'Security' : randomString(r, 40) || 'Chan',
    computer: randomString(r, 30) || 'host',
    userSid: r() < 0.5 ? randomSid(r) : undefined,
    activityId: r() < 0.3 ? randomGuid(r) : undefined,
    providerGuid: r() < 0.5 ? randomGuid(r) : undefined,
    data: r() < 0.8 ? (r() < 0.5 ? data : Object.fromEntries(data)) : undefined,
  };
  if (r() < 0.1) {
    spec.data = undefined;
    spec.userData = {
      element: 'Payload',
      xmlns: r() < 0.5 ? 'urn:dwell:test' : undefined,
      fields: Object.fromEntries(data.map(([k, v]) => [k.replace(/[^A-Za-z0-9_]/g, '_'), v])),
    };
  }
  if (i % 97 === 0) spec.recordId = 1_000_000 + i;
  return spec;
}

test('seeded fuzz: random shapes and values survive write → read', () => {
  for (const seed of [1, 2, 0xd3e11]) {
    const r = prng(seed);
    const specs = Array.from({ length: 1200 }, (_, i) => randomSpec(r, i));
    const records = readBack(specs);
    assert.equal(records.length, specs.length, `seed ${seed}`);
    let id = 1;
    records.forEach((rec, i) => {
      id = specs[i].recordId ?? id;
      checkRecord(rec, specs[i], id);
      id++;
    });
  }
});
