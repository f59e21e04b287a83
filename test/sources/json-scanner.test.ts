// The JSON value scanner's element mode: the elements of the array under a key of a top-level object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonValueScanner, type JsonValueText } from '../../src/sources/json-scanner.js';

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
