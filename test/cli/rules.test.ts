import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/corpus.js';

const BIN = join(PROJECT_ROOT, 'bin', 'dwell.js');

function dwell(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const RULE = (modifier: string): string =>
  `title: T\nid: 6b3f1a52-1111-4c1d-9e8f-0123456789ab\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        CommandLine${modifier}: 'x'\n    condition: sel\nlevel: low\n`;

test('dwell rules check exits 0 on valid rules and 1 on invalid ones, with --json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-cli-rules-'));
  writeFileSync(join(dir, 'ok.yml'), RULE('|contains'));
  const ok = dwell('rules', 'check', dir);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /total\s+1\s+1\s+0\s+0\s+0/);
  writeFileSync(join(dir, 'bad.yml'), RULE('|contain'));
  const bad = dwell('rules', 'check', dir, '--json');
  assert.equal(bad.code, 1);
  const report = JSON.parse(bad.out) as { total: { invalid: number }; problems: { line: number }[] };
  assert.equal(report.total.invalid, 1);
  assert.equal(report.problems[0]!.line, 8);
});

test('dwell rules explain prints the compiled form, or says the rule is missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-cli-explain-'));
  writeFileSync(join(dir, 'ok.yml'), RULE('|contains'));
  const r = dwell('rules', 'explain', '6b3f1a52-1111-4c1d-9e8f-0123456789ab', '--rules', dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /index keys channel=\[microsoft-windows-sysmon\/operational\] event_id=\[1\]/);
  const missing = dwell('rules', 'explain', 'nope', '--rules', dir);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no rule 'nope'/);
});

test('output piped into a reader that stops early (`| head`) ends quietly, without an EPIPE trace', () => {
  // `true` exits without reading, so the help text is written into a closed pipe.
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" hunt --help | true; echo done`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.stdout.trim(), 'done');
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/, r.stderr);
});
