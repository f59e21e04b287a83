import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkReport,
  compileRuleSources,
  explainRule,
  findRule,
  formatCheckReport,
  loadRuleSet,
  readRuleSources,
} from '../../src/engine/index.js';
import { proc, rule, run } from './rule-fixtures.js';

async function tree(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-check-'));
  mkdirSync(join(dir, 'good'));
  mkdirSync(join(dir, 'bad'));
  writeFileSync(
    join(dir, 'good', 'a.yml'),
    rule(
      `    sel:\n        CommandLine|contains: 'whoami'\n    condition: sel`,
      undefined,
      'name: whoami_rule\n',
    ),
  );
  writeFileSync(
    join(dir, 'good', 'b.yml'),
    rule(`    sel:\n        exe: x\n    condition: sel`, 'product: linux\n    category: process_creation'),
  );
  writeFileSync(
    join(dir, 'bad', 'c.yml'),
    rule(`    sel:\n        CommandLine|contains|bogus: 'x'\n    condition: sel`),
  );
  writeFileSync(
    join(dir, 'bad', 'd.yml'),
    rule(`    sel:\n        CommandLine|re: 'a(?=b)'\n    condition: sel`),
  );
  return dir;
}

test('rules check counts per folder and places every problem', async () => {
  const dir = await tree();
  const rs = await loadRuleSet([dir]);
  const report = checkReport(rs, [dir]);
  const row = (name: string) => report.folders.find((f) => f.folder.endsWith(`/${name}`))!;
  assert.deepEqual(
    { ...row('good'), folder: '' },
    { folder: '', rules: 2, compiled: 1, unmapped: 1, unsupported: 0, invalid: 0 },
  );
  assert.deepEqual(
    { ...row('bad'), folder: '' },
    { folder: '', rules: 2, compiled: 0, unmapped: 0, unsupported: 1, invalid: 1 },
  );
  assert.equal(report.total.rules, 4);
  const text = formatCheckReport(report);
  assert.match(text, /c\.yml:9:9 invalid: .*unknown modifier 'bogus'/);
  assert.match(text, /d\.yml:9:9 unsupported: .*look-around/);
  const json = JSON.parse(JSON.stringify(report)) as { total: { invalid: number } };
  assert.equal(json.total.invalid, 1);
});

test('rules explain shows index keys, mapping and needles', async () => {
  const dir = await tree();
  const rs = await loadRuleSet([join(dir, 'good')]);
  const variants = findRule(rs, 'whoami_rule');
  assert.equal(variants.length, 2, 'Sysmon 1 and Security 4688');
  const text = explainRule(variants);
  assert.match(text, /channel=\[microsoft-windows-sysmon\/operational\] event_id=\[1\]/);
  assert.match(text, /channel=\[security\] event_id=\[4688\]/);
  assert.match(text, /CommandLine∋"whoami"/);
  assert.equal(findRule(rs, 'no such rule').length, 0);
});

test('rule sources are plain data: parsed once, cloned, compiled elsewhere with the same result', async () => {
  const dir = await tree();
  const sources = await readRuleSources([dir]);
  const cloned = structuredClone(sources);
  const a = compileRuleSources(sources);
  const b = compileRuleSources(cloned);
  assert.equal(b.rules.length, a.rules.length);
  assert.deepEqual(
    b.outcomes.map((o) => o.status),
    a.outcomes.map((o) => o.status),
  );
  assert.equal(
    compileRuleSources(sources).problems.length,
    a.problems.length,
    'compiling does not change the sources',
  );
  const direct = await loadRuleSet([dir]);
  assert.deepEqual(
    direct.rules.map((r) => r.info.id),
    b.rules.map((r) => r.info.id),
  );
});

test('lean compiling (hunt workers) drops selections, raw documents and explain text but matches the same', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-lean-'));
  writeFileSync(
    join(dir, 'r.yml'),
    rule(`    sel:\n        CommandLine|contains: 'whoami'\n    condition: sel`, undefined, 'name: who\n'),
  );
  const sources = await readRuleSources([dir]);
  const full = compileRuleSources(sources);
  const lean = compileRuleSources(sources, { lean: true });
  assert.deepEqual(
    lean.rules.map((r) => [r.info.id, r.name, r.channels, r.eventIds]),
    full.rules.map((r) => [r.info.id, r.name, r.channels, r.eventIds]),
  );
  assert.ok(full.rules[0]!.explain.length > 0);
  for (const r of lean.rules) {
    assert.equal(r.explain.length, 0);
    assert.equal(r.name, 'who');
    assert.ok(!('parsed' in r), 'a compiled rule keeps no parsed rule');
  }
  assert.ok(sources.parsed[0]!.selections.size > 0, 'the sources are not changed');
  const rec = proc({ CommandLine: 'cmd /c WHOAMI /all' });
  const other = proc({ CommandLine: 'dir' });
  assert.deepEqual(
    run(lean, [rec, other]).map((d) => d.rule.id),
    run(full, [rec, other]).map((d) => d.rule.id),
  );
  assert.equal(run(lean, [rec, other]).length, 1);
});

test('rules check and explain print rule text without terminal escape sequences', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-check-esc-'));
  writeFileSync(
    join(dir, 'e.yml'),
    rule(`    sel:\n        Image: x\n    condition: "sel and \\e]0;pwned\\a"`).replace(
      /^title: .*$/m,
      'title: "Red \\e[31m title"',
    ),
  );
  const rs = await loadRuleSet([dir]);
  const text = formatCheckReport(checkReport(rs, [dir]));
  assert.ok(!text.includes('\u001b') && !text.includes('\u0007'), text);
  assert.match(text, /e\.yml:\d+:\d+ invalid: .*\\u001b\]0;pwned\\u0007/);
  writeFileSync(
    join(dir, 'e.yml'),
    rule(`    sel:\n        Image: x\n    condition: sel`).replace(
      /^title: .*$/m,
      'title: "Red \\e[31m title"',
    ),
  );
  const ok = await loadRuleSet([dir]);
  const explained = explainRule(findRule(ok, 'Red \u001b[31m title'));
  assert.match(explained, /^Red \\u001b\[31m title\n/);
});
