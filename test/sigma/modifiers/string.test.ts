import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  anchorGlob,
  globMatches,
  literalText,
  parseGlob,
  requiredLiterals,
  windashVariants,
} from '../../../src/sigma/modifiers/string.js';

const m = (pattern: string, s: string): boolean => globMatches(s, parseGlob(pattern));

test('plain values are exact; * and ? are wildcards', () => {
  assert.ok(m('cmd.exe', 'cmd.exe'));
  assert.ok(!m('cmd.exe', 'xcmd.exe'));
  assert.ok(m('*\\cmd.exe', 'C:\\Windows\\cmd.exe'));
  // A backslash before a wildcard must itself be escaped (`\\*`), as the specification says.
  assert.ok(m('C:\\\\*\\cmd.exe', 'C:\\Windows\\System32\\cmd.exe'));
  assert.ok(!m('C:\\\\*\\cmd.exe', 'D:\\Windows\\cmd.exe'));
  assert.ok(m('a?c', 'abc'));
  assert.ok(!m('a?c', 'ac'));
  assert.ok(!m('a?c', 'abbc'));
  assert.ok(m('*a?c*', 'xxabcxx'));
  assert.ok(m('a*b*c', 'abc'));
  assert.ok(!m('a*b*c', 'acb'));
  assert.ok(m('*', ''));
  assert.ok(!m('ab*ba', 'aba'), 'prefix and suffix must not overlap');
});

test('escapes: \\* and \\? are literal, \\\\ is one backslash, other backslashes stay', () => {
  assert.ok(m('a\\*b', 'a*b'));
  assert.ok(!m('a\\*b', 'axxb'));
  assert.ok(m('what\\?', 'what?'));
  assert.ok(!m('what\\?', 'whatx'));
  assert.ok(m('C:\\\\*', 'C:\\anything'));
  assert.ok(m('\\\\server\\share', '\\server\\share'));
  assert.ok(m('C:\\Windows\\', 'C:\\Windows\\'));
  assert.equal(literalText(parseGlob('a\\*b')), 'a*b');
  assert.equal(literalText(parseGlob('a*b')), undefined);
});

test('contains / startswith / endswith anchor a pattern', () => {
  const c = anchorGlob(parseGlob('powershell'), 'contains');
  assert.ok(globMatches('c:\\windows\\powershell.exe -nop', c));
  assert.ok(!globMatches('pwsh', c));
  assert.ok(globMatches('adm-user', anchorGlob(parseGlob('adm'), 'startswith')));
  assert.ok(!globMatches('user-adm-x', anchorGlob(parseGlob('adm'), 'startswith')));
  assert.ok(globMatches('x\\cmd.exe', anchorGlob(parseGlob('\\cmd.exe'), 'endswith')));
  assert.ok(!globMatches('x\\cmd.exe.bak', anchorGlob(parseGlob('\\cmd.exe'), 'endswith')));
  // Wildcards inside a contains value still work.
  assert.ok(globMatches('net  user /add', anchorGlob(parseGlob('user*/add'), 'contains')));
});

test('required literals are what the prefilter may demand', () => {
  assert.deepEqual(requiredLiterals(parseGlob('*\\temp\\\\*.ps1')), ['\\temp\\', '.ps1']);
  assert.deepEqual(requiredLiterals(parseGlob('*')), []);
});

test('windash: every dash-or-slash at a word start, in all five forms', () => {
  const v = windashVariants(' -enc ');
  assert.equal(v.length, 5);
  assert.ok(v.includes(' /enc '));
  assert.ok(v.includes(' \u2013enc '));
  assert.ok(v.includes(' \u2014enc '));
  assert.ok(v.includes(' \u2015enc '));
  assert.equal(windashVariants('-a -b').length, 25);
  assert.deepEqual(windashVariants('a-b'), ['a-b'], 'a dash inside a word is not a flag');
  assert.deepEqual(windashVariants('nothing'), ['nothing']);
});
