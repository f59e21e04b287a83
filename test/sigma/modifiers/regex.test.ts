import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRegex } from '../../../src/sigma/modifiers/regex.js';

function re(pattern: string, flags = {}): (s: string) => boolean {
  const r = compileRegex(pattern, flags);
  assert.ok(r.ok, `compiles: ${pattern}`);
  return r.test;
}

test('re is case-sensitive and unanchored by default; i, m, s flags', () => {
  assert.ok(re('cmd\\.exe')('C:\\cmd.exe /c'));
  assert.ok(!re('CMD')('cmd'));
  assert.ok(re('CMD', { i: true })('cmd'));
  assert.ok(!re('^b$')('a\nb\nc'));
  assert.ok(re('^b$', { m: true })('a\nb\nc'));
  assert.ok(!re('a.c')('a\nc'));
  assert.ok(re('a.c', { s: true })('a\nc'));
});

test('look-around and back-references are reported, not silently wrong', () => {
  const r = compileRegex('foo(?!bar)', {});
  assert.ok(!r.ok);
  assert.match(r.reason, /look-around/);
  const b = compileRegex('(a)\\1', {});
  assert.ok(!b.ok);
});

test('pathological patterns run in linear time on hostile input', () => {
  const hostile = 'a'.repeat(50_000) + '!';
  const start = performance.now();
  assert.equal(re('(a+)+$')(hostile), false);
  assert.equal(re('^(a+)+$')(hostile), false);
  assert.equal(re('(a|aa)*b')(hostile), false);
  assert.equal(re('(.*a){12}x')(hostile), false);
  const ms = performance.now() - start;
  assert.ok(ms < 5_000, `took ${ms} ms`);
});

test('the .{N,} fast path agrees with RE2 on lines, newlines and astral characters', () => {
  const fast = re('.{5,}');
  const dotAll = re('.{5,}', { s: true });
  const cases = [
    'abcd',
    'abcde',
    'ab\ncde',
    'abcd\nefghi',
    '\u{1F600}\u{1F600}ab',
    '\u{1F600}\u{1F600}abc',
    '',
  ];
  for (const s of cases) {
    const slow = compileRegex('(?:.){5,}', {});
    const slowS = compileRegex('(?:.){5,}', { s: true });
    assert.ok(slow.ok && slowS.ok);
    assert.equal(fast(s), slow.test(s), JSON.stringify(s));
    assert.equal(dotAll(s), slowS.test(s), JSON.stringify(s));
  }
});
