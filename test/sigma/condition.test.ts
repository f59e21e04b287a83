import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConditionError,
  namePatternMatches,
  parseCondition,
  referencedNames,
} from '../../src/sigma/condition.js';

test('precedence: not binds tighter than and, and tighter than or', () => {
  assert.deepEqual(parseCondition('a or b and not c'), {
    type: 'or',
    children: [
      { type: 'ref', name: 'a' },
      {
        type: 'and',
        children: [
          { type: 'ref', name: 'b' },
          { type: 'not', child: { type: 'ref', name: 'c' } },
        ],
      },
    ],
  });
});

test('parentheses, 1 of / all of with patterns and them', () => {
  assert.deepEqual(parseCondition('(a or b) and all of sel_*'), {
    type: 'and',
    children: [
      {
        type: 'or',
        children: [
          { type: 'ref', name: 'a' },
          { type: 'ref', name: 'b' },
        ],
      },
      { type: 'quantified', quantifier: 'all', pattern: 'sel_*' },
    ],
  });
  assert.deepEqual(parseCondition('1 of them'), { type: 'quantified', quantifier: 'one', pattern: 'them' });
  assert.deepEqual(parseCondition('not 1 of filter_*'), {
    type: 'not',
    child: { type: 'quantified', quantifier: 'one', pattern: 'filter_*' },
  });
});

test('syntax errors carry the offset of the offending token', () => {
  const cases: [string, number][] = [
    ['a and', 5],
    ['a b', 2],
    ['(a or b', 7],
    ['2 of x', 0],
    ['a | count() > 5', 2],
    ['sel*', 0],
    ['', 0],
  ];
  for (const [text, offset] of cases) {
    assert.throws(
      () => parseCondition(text),
      (e: unknown) => e instanceof ConditionError && e.offset === offset,
      text,
    );
  }
});

test('deep nesting is refused instead of overflowing the stack', () => {
  assert.throws(() => parseCondition('('.repeat(5000) + 'a' + ')'.repeat(5000)), ConditionError);
  assert.throws(() => parseCondition('not '.repeat(5000) + 'a'), ConditionError);
});

test('name patterns: wildcards anywhere; them skips underscore names', () => {
  assert.ok(namePatternMatches('sel_*', 'sel_a'));
  assert.ok(namePatternMatches('*_img', 'proc_img'));
  assert.ok(namePatternMatches('a*b*c', 'axxbyyc'));
  assert.ok(!namePatternMatches('sel_*', 'filter_a'));
  assert.ok(!namePatternMatches('a*b*c', 'acb'));
  assert.ok(namePatternMatches('them', 'selection'));
  assert.ok(!namePatternMatches('them', '_internal'));
  assert.deepEqual([...referencedNames(parseCondition('x and 1 of f_*'), ['x', 'f_1', 'f_2', 'g'])].sort(), [
    'f_1',
    'f_2',
    'x',
  ]);
});
