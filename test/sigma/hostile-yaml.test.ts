// Hostile rule files found by the detection-side fuzz campaign: nesting that overflowed the fast reader's
// stack, alias bombs reported without a position, and a map of many keys read in quadratic time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastParseYaml } from '../../src/sigma/fast-yaml.js';
import { parseYamlDocuments } from '../../src/sigma/yaml-source.js';
import type { RuleProblem } from '../../src/sigma/types.js';

/** A block map nested `depth` levels deep, each level one space further in. */
function nestedMaps(depth: number): string {
  let text = '';
  for (let i = 0; i < depth; i++) text += `${' '.repeat(i)}k${i}:\n`;
  return `${text}${' '.repeat(depth)}leaf: 1\n`;
}

test('the fast reader leaves deep nesting to the library instead of recursing without bound', () => {
  // 64 levels are read; one more is outside the subset (it used to recurse until the stack overflowed).
  assert.ok(fastParseYaml(nestedMaps(63)));
  assert.equal(fastParseYaml(nestedMaps(65)), undefined);
  // Nesting the library cannot read either (its parser recursion overflows) is a problem, not an exception.
  const problems: RuleProblem[] = [];
  const deep = `title: deep\ndetection:\n    sel:\n        ${'- '.repeat(10_000)}x\n`;
  assert.doesNotThrow(() => parseYamlDocuments(deep, 'deep.yml', problems));
  assert.ok(problems.length > 0);
  for (const p of problems) {
    assert.ok(p.line !== undefined && p.column !== undefined, JSON.stringify(p));
    assert.match(p.reason, /nested too deeply/);
  }
});

test('an alias bomb is a problem placed at its first alias, with a reason to act on', () => {
  let text = 'title: bomb\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < 9; i++)
    text += `a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const problems: RuleProblem[] = [];
  assert.deepEqual(parseYamlDocuments(text, 'bomb.yml', problems), []);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.line, 3);
  assert.equal(problems[0]!.column, 10);
  assert.match(problems[0]!.reason, /write the values out instead of YAML aliases/);
});

test('an alias used before its anchor is placed at the alias', () => {
  const problems: RuleProblem[] = [];
  parseYamlDocuments('title: x\ndetection:\n    sel: *nowhere\n', 'alias.yml', problems);
  assert.equal(problems.length, 1);
  assert.deepEqual([problems[0]!.line, problems[0]!.column], [3, 10]);
});

test('a map of many keys keeps every key and its position', () => {
  const keys = 5_000;
  let text = 'detection:\n';
  for (let i = 0; i < keys; i++) text += `    sel${i}: ${i}\n`;
  const problems: RuleProblem[] = [];
  const [doc] = parseYamlDocuments(text, 'many.yml', problems);
  assert.deepEqual(problems, []);
  assert.equal(Object.keys((doc!.data as { detection: object }).detection).length, keys);
  assert.deepEqual(doc!.locate(['detection', `sel${keys - 1}`]), { line: keys + 1, column: 5 });
  // A repeated key still leaves the file to the library, which names the duplicate.
  const dup: RuleProblem[] = [];
  parseYamlDocuments(`${text}    sel7: 1\n`, 'dup.yml', dup);
  assert.equal(dup.length, 1);
  assert.equal(dup[0]!.line, keys + 2);
});
