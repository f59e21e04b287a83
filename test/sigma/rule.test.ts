import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../src/sigma/rule.js';
import { parseYamlDocuments } from '../../src/sigma/yaml-source.js';
import type { RuleProblem } from '../../src/sigma/types.js';

function check(text: string): { problems: RuleProblem[]; kinds: string[] } {
  const problems: RuleProblem[] = [];
  const docs = parseYamlDocuments(text, 'r.yml', problems);
  const kinds = docs.map((d) => parseDocument(d, problems).kind);
  return { problems, kinds };
}

const GOOD = `title: Good
id: 5f1abf38-3f9f-4fdc-9ba7-ea2bd6c9b2d5
status: test
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\cmd.exe'
    condition: selection
level: high
tags:
    - attack.execution
`;

test('a valid rule parses without problems', () => {
  const { problems, kinds } = check(GOOD);
  assert.deepEqual(problems, []);
  assert.deepEqual(kinds, ['rule']);
});

test('problems name the line and column of the offending key', () => {
  const { problems, kinds } = check(GOOD.replace('Image|endswith', 'Image|endswit'));
  assert.deepEqual(kinds, ['skipped']);
  assert.equal(problems.length, 1);
  const p = problems[0]!;
  assert.equal(p.severity, 'invalid');
  assert.equal(p.line, 9);
  assert.equal(p.column, 9);
  assert.equal(p.ruleId, '5f1abf38-3f9f-4fdc-9ba7-ea2bd6c9b2d5');
  assert.match(p.reason, /unknown modifier 'endswit'/);
});

test('specification checks: id, status, level, condition references, conflicting modifiers', () => {
  const cases: [string, RegExp][] = [
    [GOOD.replace('id: 5f1abf38-3f9f-4fdc-9ba7-ea2bd6c9b2d5', 'id: 42'), /'id' must be a UUID/],
    [GOOD.replace('status: test', 'status: wip'), /'status' must be one of/],
    [GOOD.replace('level: high', 'level: severe'), /'level' must be one of/],
    [GOOD.replace('condition: selection', 'condition: selection and filter'), /refers to 'filter'/],
    [GOOD.replace('condition: selection', 'condition: 1 of filter_*'), /matches no selection/],
    [GOOD.replace('Image|endswith', 'Image|startswith|endswith'), /cannot be combined/],
    [GOOD.replace('Image|endswith', 'Image|i'), /sub-modifiers of 're'/],
    [GOOD.replace('Image|endswith', 'Image|base64offset'), /must be followed by 'contains'/],
    [GOOD.replace("Image|endswith: '\\cmd.exe'", 'Image:\n            nested: map'), /nested map/],
    [GOOD.replace('    condition: selection\n', ''), /has no 'condition'/],
    [GOOD.replace('title: Good\n', ''), /'title' is required/],
    [
      GOOD.replace('logsource:\n    product: windows\n    category: process_creation\n', ''),
      /'logsource' is required/,
    ],
    [GOOD.replace('condition: selection', 'condition: selection | count() > 5'), /aggregation/],
  ];
  for (const [text, reason] of cases) {
    const { problems, kinds } = check(text);
    assert.deepEqual(kinds, ['skipped'], String(reason));
    assert.ok(
      problems.some((p) => p.severity === 'invalid' && reason.test(p.reason)),
      `${reason}: ${JSON.stringify(problems)}`,
    );
    assert.ok(
      problems.every((p) => p.file === 'r.yml' && typeof p.line === 'number' && typeof p.column === 'number'),
    );
  }
});

test('warnings do not stop a rule', () => {
  const { problems, kinds } = check(GOOD.replace('attack.execution', 'Attack Execution'));
  assert.deepEqual(kinds, ['rule']);
  assert.equal(problems[0]!.severity, 'warning');
  assert.equal(problems[0]!.line, 13);
});

test('schema recommendations are warnings: dates, duplicates, types', () => {
  const cases: [string, RegExp][] = [
    [GOOD + 'date: 2024-13-01\n', /'date' should be a date/],
    [GOOD + '    - attack.execution\n', /'tags' lists the same entry twice/],
    [GOOD + 'author: [a, b]\n', /'author' should be a string/],
  ];
  for (const [text, reason] of cases) {
    const { problems, kinds } = check(text);
    assert.deepEqual(kinds, ['rule']);
    assert.ok(
      problems.some((p) => p.severity === 'warning' && reason.test(p.reason)),
      JSON.stringify(problems),
    );
  }
});

test('YAML syntax errors and multi-document files', () => {
  const broken = check('title: x\ndetection: [unclosed\n');
  assert.equal(broken.problems[0]!.severity, 'invalid');
  assert.match(broken.problems[0]!.reason, /YAML/);
  assert.equal(typeof broken.problems[0]!.line, 'number');
  const multi = check(
    `${GOOD}---\n${GOOD.replace('5f1abf38', '6f1abf38')}---\ntitle: Corr\ncorrelation:\n    type: event_count\n`,
  );
  assert.deepEqual(multi.kinds, ['rule', 'rule', 'correlation']);
});

test('filter documents', () => {
  const { kinds, problems } = check(
    `title: F\nlogsource:\n    product: windows\n    category: process_creation\nfilter:\n    rules: [5f1abf38-3f9f-4fdc-9ba7-ea2bd6c9b2d5]\n    sel:\n        User: x\n    condition: not sel\n`,
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(kinds, ['filter']);
  const noRules = check(
    `title: F\nlogsource:\n    product: windows\nfilter:\n    sel:\n        User: x\n    condition: not sel\n`,
  );
  assert.match(noRules.problems[0]!.reason, /needs 'rules'/);
});

test('condition errors point at the offending character', () => {
  const { problems } = check(GOOD.replace('condition: selection', "condition: 'selection and and x'"));
  const p = problems.find((x) => /unexpected 'and'/.test(x.reason))!;
  assert.ok(p, JSON.stringify(problems));
  assert.equal(p.line, 10);
  assert.equal(p.column, 31, 'the second and, inside the quoted condition');
});
