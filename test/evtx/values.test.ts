// Low-level decoding: CRC32, FILETIME without BigInt, GUIDs, SIDs, hex and value arrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, crc32Tables } from '../../src/evtx/crc32.js';
import { decodeValue, filetimeToMs, formatFiletime, formatGuid, formatSid } from '../../src/evtx/values.js';
import { stringifyJson } from '../../src/evtx/render-json.js';

test('crc32: the standard check value, chaining over ranges, native and table versions agree', () => {
  const check = Buffer.from('123456789', 'latin1');
  assert.equal(crc32(check), 0xcbf43926);
  assert.equal(crc32Tables(check), 0xcbf43926);
  const data = Buffer.alloc(70001);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + (i >> 3)) & 0xff;
  const whole = crc32Tables(data);
  assert.equal(crc32(data), whole);
  assert.equal(crc32Tables(data, 1000, data.length, crc32Tables(data, 0, 1000)), whole);
  assert.equal(crc32(data, 17, 70000), crc32Tables(data, 17, 70000));
  assert.equal(crc32(data, 5, 5), 0);
});

function filetime(ms: number, extraTicks = 0): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(ms) + 11644473600000n) * 10000n + BigInt(extraTicks));
  return b;
}

test('FILETIME: exact milliseconds and 100 ns digits, as evtx_dump (6) and evtxexport (9) print them', () => {
  const ms = Date.UTC(2025, 10, 27, 7, 40, 10, 165);
  const b = filetime(ms, 3245);
  assert.equal(filetimeToMs(b, 0), ms);
  assert.equal(formatFiletime(b, 0, 6), '2025-11-27T07:40:10.165324Z');
  assert.equal(formatFiletime(b, 0, 9), '2025-11-27T07:40:10.165324500Z');
  const max = Buffer.alloc(8, 0xff);
  assert.equal(typeof formatFiletime(max, 0, 6), 'string');
  assert.ok(Number.isNaN(filetimeToMs(b, 4)));
});

test('GUID, SID and hex formatting', () => {
  const g = Buffer.from('5f3870572ac2e043bf4c06f5698ffbd9', 'hex');
  assert.equal(formatGuid(g, 0, false), '5770385F-C22A-43E0-BF4C-06F5698FFBD9');
  assert.equal(formatGuid(g, 0, true), '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}');
  const sid = Buffer.from('010500000000000515000000a065cf7e784b9b5fe77c87705b040000', 'hex');
  assert.equal(formatSid(sid, 0, sid.length), 'S-1-5-21-2127521184-1604012920-1887927527-1115');
  assert.equal(formatSid(sid, 0, 10), null, 'a SID longer than its value is rejected');
  const h = Buffer.from('e703000000000000', 'hex');
  assert.equal(decodeValue(h, 0, 8, 0x15), '0x3e7');
  assert.equal(decodeValue(h, 0, 8, 0x15, true), '0x00000000000003e7');
  assert.equal(decodeValue(h, 0, 4, 0x14), '0x3e7');
});

test('numbers: 64-bit values beyond 2^53 become bigints, floats print like f32, short data is null', () => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(2n ** 63n + 5n);
  assert.equal(decodeValue(b, 0, 8, 0x0a), 2n ** 63n + 5n);
  b.writeBigUInt64LE(123456789n);
  assert.equal(decodeValue(b, 0, 8, 0x0a), 123456789);
  b.writeBigInt64LE(-5n);
  assert.equal(decodeValue(b, 0, 8, 0x09), -5);
  b.writeFloatLE(0.1);
  assert.equal(decodeValue(b, 0, 4, 0x0b), 0.1);
  assert.equal(decodeValue(b, 0, 2, 0x08), null);
  assert.equal(decodeValue(b, 6, 4, 0x08), null, 'reads never go past the buffer');
  assert.equal(decodeValue(Buffer.from([1]), 0, 1, 0x0d), true, 'short booleans');
});

test('arrays: NUL-separated strings, fixed-width items, GUIDs', () => {
  const s = Buffer.from('a\0bc\0\0d\0', 'utf16le');
  assert.deepEqual(decodeValue(s, 0, s.length, 0x81), ['a', 'bc', '', 'd']);
  const u = Buffer.from([1, 0, 2, 0, 3, 0]);
  assert.deepEqual(decodeValue(u, 0, 6, 0x86), [1, 2, 3]);
  assert.deepEqual(decodeValue(u, 0, 5, 0x86), [1, 2], 'a partial trailing item is dropped');
  const g = Buffer.concat([Buffer.alloc(16, 0x11), Buffer.alloc(16, 0x22)]);
  assert.deepEqual(decodeValue(g, 0, 32, 0x8f), [
    '11111111-1111-1111-1111-111111111111',
    '22222222-2222-2222-2222-222222222222',
  ]);
});

test('ANSI strings use Windows-1252 (euro sign, smart quotes), without trailing NULs', () => {
  const b = Buffer.from([0x80, 0x20, 0x93, 0x41, 0x94, 0xe9, 0, 0]);
  assert.equal(decodeValue(b, 0, b.length, 0x02), '\u20ac \u201cA\u201d\u00e9');
  assert.equal(decodeValue(Buffer.from('plain', 'latin1'), 0, 5, 0x02), 'plain');
});

test('stringifyJson escapes what JSON needs, keeps bigints exact, and matches JSON.parse round trips', () => {
  const obj = Object.assign(Object.create(null) as Record<string, unknown>, {
    plain: 'C:\\Windows',
    tricky: 'q"b\\n\n\t\u0001\ud800end',
    big: 2n ** 64n - 1n,
    list: [1, null, true, 'x'],
    empty: {},
  });
  const text = stringifyJson(obj as never, '');
  assert.equal(text.includes('18446744073709551615'), true);
  const back = JSON.parse(text.replace('18446744073709551615', '0')) as Record<string, unknown>;
  assert.equal(back.plain, 'C:\\Windows');
  assert.equal(back.tricky, 'q"b\\n\n\t\u0001\ud800end');
  assert.deepEqual(back.list, [1, null, true, 'x']);
  assert.deepEqual(back.empty, {});
  assert.match(stringifyJson(obj as never), /^\{\n {2}"plain": "C:\\\\Windows",\n/);
});
