// compileItem: identical items share one compiled item through a rule set's cache, and combined value lists (one
// closure per literal shape, `neq` as "none of them", keyword lists in one pass) answer like one test per value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileItem, type CompiledItem, type ItemCache } from '../../src/engine/compile-item.js';
import { RecordView } from '../../src/engine/record-view.js';
import type { DetectionItem, SigmaScalar } from '../../src/sigma/types.js';
import { loadRules, proc, rule, run } from './rule-fixtures.js';

const NO_EXPAND = new Map<string, string[]>();

function item(field: string | undefined, modifiers: string[], values: SigmaScalar[]): DetectionItem {
  return { field, modifiers, values };
}

function compiled(i: DetectionItem, fieldMap?: Record<string, string>, cache?: ItemCache): CompiledItem {
  const c = compileItem(i, fieldMap, NO_EXPAND, cache);
  assert.ok(!('severity' in c), JSON.stringify(c));
  return c;
}

function matches(c: CompiledItem, data: Record<string, unknown>): boolean {
  const view = new RecordView();
  view.reset(proc(data));
  return c.test(view);
}

test('identical items share one compiled item through a cache, and only identical ones', () => {
  const cache: ItemCache = new Map();
  const c = (i: DetectionItem, fieldMap?: Record<string, string>): CompiledItem =>
    compiled(i, fieldMap, cache);
  const a = c(item('Image', ['endswith'], ['\\cmd.exe', '\\powershell.exe']));
  assert.equal(c(item('Image', ['endswith'], ['\\cmd.exe', '\\powershell.exe'])), a);
  // Another mapping of the field, other modifiers or other values: not shared.
  assert.notEqual(c(item('Image', ['endswith'], ['\\cmd.exe', '\\powershell.exe']), { Image: 'New' }), a);
  assert.notEqual(c(item('Image', ['contains'], ['\\cmd.exe', '\\powershell.exe'])), a);
  assert.notEqual(c(item('Image', ['endswith'], ['\\cmd.exe'])), a);
  assert.notEqual(c(item('Image', ['endswith'], [16])), c(item('Image', ['endswith'], ['16'])));
  // fieldref names a field the mapping may rename: never shared.
  const ref = item('TargetUserName', ['fieldref'], ['SubjectUserName']);
  assert.notEqual(c(ref), c(ref));
  // Without a cache, every call compiles.
  assert.notEqual(
    compiled(item('Image', ['endswith'], ['\\cmd.exe'])),
    compiled(item('Image', ['endswith'], ['\\cmd.exe'])),
  );
});

test('a shared bad item is still reported for every rule that has it, at its own place', async () => {
  const det = `    sel:\n        CommandLine|re: '(?<=x)y'\n    condition: sel`;
  const rs = await loadRules([rule(det), rule(det)]);
  const errs = rs.problems.filter((p) => p.severity === 'unsupported');
  assert.equal(errs.length, 2);
  assert.notEqual(errs[0]!.file, errs[1]!.file);
  assert.ok(errs.every((p) => p.line === 9 && p.column === 9 && /look-around/.test(p.reason)));
});

test('value lists of mixed shapes answer like one test per value', () => {
  const c = compiled(item('Image', [], ['C:\\a.exe', '*\\b.exe', 'C:\\tools\\*', '*mid*', 'x?z', '*']));
  assert.ok(matches(c, { Image: 'c:\\A.EXE' }));
  assert.ok(matches(c, { Image: 'D:\\b.exe' }));
  assert.ok(matches(c, { Image: 'C:\\Tools\\q' }));
  assert.ok(matches(c, { Image: 'amidb' }));
  assert.ok(matches(c, { Image: 'xyz' }));
  assert.ok(matches(c, { Image: 'anything' }), "'*' matches any present value");
  assert.ok(!matches(c, {}), 'an absent field matches no value');
  const cased = compiled(item('Image', ['endswith', 'cased'], ['\\CMD.exe', '\\ps.EXE']));
  assert.ok(matches(cased, { Image: 'c:\\CMD.exe' }));
  assert.ok(!matches(cased, { Image: 'c:\\cmd.exe' }));
  assert.ok(matches(cased, { Image: 'c:\\ps.EXE' }));
});

test('neq with several values: present and equal to none of them', () => {
  const c = compiled(item('User', ['neq'], ['SYSTEM', 'LOCAL SERVICE', 5]));
  assert.ok(matches(c, { User: 'bob' }));
  assert.ok(!matches(c, { User: 'system' }), 'neq compares case-insensitively');
  assert.ok(!matches(c, { User: 'Local Service' }));
  assert.ok(!matches(c, { User: '5' }));
  assert.ok(!matches(c, { User: '0x5' }), 'numbers compare as numbers');
  assert.ok(!matches(c, {}), 'an absent field is not "different"');
});

test('null next to values, keyword lists and keyword all', () => {
  const withNull = compiled(item('ParentImage', [], [null, '*\\explorer.exe']));
  assert.ok(matches(withNull, {}));
  assert.ok(matches(withNull, { ParentImage: '' }));
  assert.ok(matches(withNull, { ParentImage: 'C:\\Windows\\Explorer.EXE' }));
  assert.ok(!matches(withNull, { ParentImage: 'C:\\x.exe' }));
  const keywords = compiled(item(undefined, [], ['mimikatz', 'sekurlsa::']));
  assert.ok(matches(keywords, { A: 'x', B: 'run Mimikatz now' }));
  assert.ok(matches(keywords, { A: 'sekurlsa::logonpasswords' }));
  assert.ok(!matches(keywords, { A: 'mimi katz' }));
  const all = compiled(item(undefined, ['all'], ['mimikatz', 'sekurlsa']));
  assert.ok(matches(all, { A: 'mimikatz', B: 'sekurlsa' }), 'each keyword in any field');
  assert.ok(!matches(all, { A: 'mimikatz' }));
});

test('rules sharing items still match on their own', async () => {
  const shared = `        Image|endswith: ['\\\\cmd.exe', '\\\\powershell.exe']`;
  const rs = await loadRules([
    rule(`    sel:\n${shared}\n        CommandLine|contains: 'whoami'\n    condition: sel`),
    rule(`    sel:\n${shared}\n        CommandLine|contains: 'net user'\n    condition: sel`),
    rule(`    sel:\n${shared}\n    filter:\n        User: 'admin'\n    condition: sel and not filter`),
  ]);
  const titles = rs.rules.map((r) => r.info.title);
  const fired = (data: Record<string, unknown>): string[] =>
    [...new Set(run(rs, [proc(data)]).map((d) => d.rule.title))].sort();
  const i = (n: number): string => titles.filter((t, k) => titles.indexOf(t) === k)[n]!;
  assert.deepEqual(fired({ Image: 'C:\\cmd.exe', CommandLine: 'whoami', User: 'admin' }), [i(0)]);
  assert.deepEqual(fired({ Image: 'C:\\powershell.exe', CommandLine: 'net user x', User: 'bob' }), [
    i(1),
    i(2),
  ]);
});
