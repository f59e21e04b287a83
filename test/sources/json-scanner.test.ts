// The JSON value scanner's element mode: the elements of the array under a key of a top-level object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonValueScanner, type JsonValueText } from '../../src/sources/json-scanner.js';
import { lcg } from '../helpers/random.js';
import { randomJsonText } from '../helpers/random-json.js';

function scanElements(
  text: string,
  chunk: number,
  maxValueBytes = 1 << 20,
): { values: JsonValueText[]; problems: string[] } {
  const values: JsonValueText[] = [];
  const problems: string[] = [];
  const s = new JsonValueScanner(
    (v) => values.push(v),
    (p) => problems.push(`${p.line}: ${p.reason}`),
    maxValueBytes,
    64,
    65536,
    { arrayKey: 'objects' },
  );
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
  s.end();
  return { values, problems };
}

test('element mode yields the elements under the key, one value each, with their lines', () => {
  const text =
    '{"type": "bundle", "id": "objects", "x": {"objects": [{"no": 1}]}, "list": ["objects", "}"],\n' +
    ' "objects": [\n  {"a": "}]\\"["},\n  null, -1.5e3, "s\\"]", true, [1, [2]],\n  {"b": {"c": [3]}}\n ],\n' +
    ' "after": [{"no": 2}]}\n';
  for (const chunk of [1, 2, 5, 1000]) {
    const { values, problems } = scanElements(text, chunk);
    assert.deepEqual(problems, [], `chunk ${chunk}`);
    assert.deepEqual(
      values.map((v) => [JSON.parse(v.text), v.line, v.whole]),
      [
        [{ a: '}]"[' }, 3, undefined],
        [[1, [2]], 4, undefined],
        [{ b: { c: [3] } }, 5, undefined],
      ],
      `chunk ${chunk}`,
    );
  }
});

test('element mode yields a top-level object without the key whole, and bounds it', () => {
  const text =
    '{"type": "indicator", "objects": 5, "p": "[a]"}\n[{"x": 1}, 2]\n{"big": "' +
    'y'.repeat(300) +
    '"}\n{"z": [';
  const { values, problems } = scanElements(text, 3, 200);
  assert.deepEqual(
    values.map((v) => [JSON.parse(v.text), v.line, v.whole]),
    [[{ type: 'indicator', objects: 5, p: '[a]' }, 1, true]],
  );
  // An array is a top-level value only as the first one, as in the other modes.
  assert.deepEqual(problems, [
    "2: unexpected character '[' between values",
    '3: value larger than 200 bytes skipped',
    '4: input ends inside a value (file cut short?)',
  ]);
});

test('element mode keeps no envelope bytes once the array is found, whatever comes before it', () => {
  // The array is far over the value bound, but only its elements are values.
  const elements = Array.from({ length: 50 }, (_, i) => `{"n": ${i}, "pad": "${'p'.repeat(20)}"}`).join(',');
  // A member before the array past the size and depth bounds is no problem either: it is never a value.
  const deep = `${'['.repeat(70)}${']'.repeat(70)}`;
  const { values, problems } = scanElements(`{"id": "b", "deep": ${deep}, "objects": [${elements}]}`, 7, 100);
  assert.deepEqual(problems, []);
  assert.equal(values.length, 50);
  assert.deepEqual(JSON.parse(values[49]!.text), { n: 49, pad: 'p'.repeat(20) });
});

test('element mode finds the key however JSON spells it (escapes), and only where JSON.parse would', () => {
  const inner = '[{"n": 1}, 7, {"n": 2}]';
  for (const key of [
    '"obj\\u0065cts"',
    '"\\u006fbjects"',
    '"objec\\u0074\\u0073"',
    '"obj\\u0065\\u0063ts"',
  ]) {
    const text = `{"type": "bundle", ${key}: ${inner}}`;
    for (const chunk of [1, 3, 1000]) {
      const { values, problems } = scanElements(text, chunk);
      assert.deepEqual(problems, [], `${key} chunk ${chunk}`);
      assert.deepEqual(
        values.map((v) => [JSON.parse(v.text), v.whole]),
        [
          [{ n: 1 }, undefined],
          [{ n: 2 }, undefined],
        ],
        `${key} chunk ${chunk}`,
      );
    }
  }
  // Escapes that spell something else, a cut escape, an escaped quote: not the key, so the object comes out whole.
  for (const key of ['"obj\\u0066cts"', '"objects\\u0000"', '"\\"objects"', '"objects\\\\"', '"obj\\u00"']) {
    const text = `{"type": "bundle", ${key}: ${inner}}`;
    const { values } = scanElements(text, 2);
    assert.deepEqual(
      values.map((v) => v.whole),
      [true],
      key,
    );
  }
});

test('element mode on random valid JSON gives what JSON.parse gives (the array under the key, else the object)', () => {
  const keys = ['objects', 'type', 'obj', 'objectss', 'Objects', 'é', '}', '"objects"', 'x:'];
  const strings = ['objects', '{', '}', '[', ']', '"', '\\', '\n', 'é☃𝄞', '', '\\u0041'];
  const rand = lcg(2026);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const value = (depth: number): unknown => {
    const r = rand();
    if (depth > 3 || r < 0.3) return pick([null, true, false, 0, -1.5e3, pick(strings)]);
    if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rand() * 4); i > 0; i--) o[pick(keys)] = value(depth + 1);
    return o;
  };
  const composite = (x: unknown): boolean => x !== null && typeof x === 'object';
  let keyed = 0;
  for (let round = 0; round < 1500; round++) {
    const doc: Record<string, unknown> = {};
    for (let i = Math.floor(rand() * 4); i > 0; i--) doc[pick(keys)] = value(1);
    if (rand() < 0.7) doc.objects = Array.from({ length: Math.floor(rand() * 5) }, () => value(1));
    const text = randomJsonText(rand, doc);
    const expected = Array.isArray(doc.objects) ? doc.objects.filter(composite) : [doc];
    if (Array.isArray(doc.objects)) keyed++;
    for (const chunk of [1 + Math.floor(rand() * 8), 1 << 20]) {
      const { values, problems } = scanElements(text, chunk);
      assert.deepEqual(problems, [], `round ${round}`);
      assert.deepEqual(
        values.map((v) => JSON.parse(v.text) as unknown),
        expected,
        `round ${round}: ${text.slice(0, 200)}`,
      );
    }
  }
  assert.ok(keyed > 900, `${keyed} documents held the array`);
});

test('a value of exactly the size bound comes out, one byte more is reported, inside one chunk or across chunks', () => {
  const value = (bytes: number): string => `{"p":"${'é'.repeat((bytes - 8) / 2)}"}`;
  for (const chunk of [1, 7, 1000]) {
    for (const mode of [{}, { arrayKey: 'objects' }]) {
      const values: string[] = [];
      const problems: string[] = [];
      const s = new JsonValueScanner(
        (v) => values.push(v.text),
        (p) => problems.push(p.reason),
        100,
        64,
        65536,
        mode,
      );
      const text = `[${value(100)},${value(102)},${value(100)}]`;
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
      s.end();
      assert.deepEqual(values, [value(100), value(100)], `chunk ${chunk}`);
      assert.deepEqual(problems, ['value larger than 100 bytes skipped'], `chunk ${chunk}`);
    }
  }
});

test('a value over the size bound gives the same problems wherever the chunks are cut, one problem a value', () => {
  // Over the bound, then broken by a line break in a string: only the break is reported (its bytes were never
  // kept; element mode reads a top-level object through such a break). Over the bound and too deep: one problem.
  const broken = `{"a": "${'x'.repeat(150)}\n", "b": 1}\n{"ok": 1}\n`;
  const deep = `${'['.repeat(70)}"${'y'.repeat(150)}"${']'.repeat(70)}\n{"ok": 2}\n`;
  const larger = '1: value larger than 100 bytes skipped';
  const cases: [string, object, string[]][] = [
    [
      broken,
      {},
      [
        '1: line break inside a string (value starting at line 1 is cut)',
        "2: unexpected character '\"' between values",
      ],
    ],
    [broken, { arrayKey: 'objects' }, [larger]],
    [deep, {}, [larger]],
    [deep, { arrayKey: 'objects' }, [larger]],
  ];
  for (const [text, mode, expected] of cases) {
    for (const chunk of [1, 2, 7, 64, 100, 1 << 20]) {
      const values: string[] = [];
      const problems: string[] = [];
      const s = new JsonValueScanner(
        (v) => values.push(v.text),
        (p) => problems.push(`${p.line}: ${p.reason}`),
        100,
        64,
        65536,
        mode,
      );
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
      s.end();
      assert.deepEqual(problems, expected, `chunk ${chunk}`);
      assert.ok(values.at(-1)?.startsWith('{"ok"'), `chunk ${chunk}: ${values.join(' ')}`);
    }
  }
});
