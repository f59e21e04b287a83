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
