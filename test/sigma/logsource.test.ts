import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMappingFile, loadLogsourceMapping, resolveLogsource } from '../../src/sigma/logsource.js';
import type { RuleProblem } from '../../src/sigma/types.js';
import { PROJECT_ROOT } from '../helpers/corpus.js';

const problems: RuleProblem[] = [];
const shipped = loadLogsourceMapping([defaultMappingFile()], problems);

test('the shipped mapping loads cleanly and covers the Sysmon categories', () => {
  assert.deepEqual(problems, []);
  const cases: [string, number[]][] = [
    ['process_creation', [1]],
    ['network_connection', [3]],
    ['image_load', [7]],
    ['create_remote_thread', [8]],
    ['process_access', [10]],
    ['file_event', [11]],
    ['registry_set', [13]],
    ['registry_event', [12, 13, 14]],
    ['pipe_created', [17, 18]],
    ['wmi_event', [19, 20, 21]],
    ['dns_query', [22]],
    ['driver_load', [6]],
  ];
  for (const [category, ids] of cases) {
    const r = resolveLogsource({ product: 'windows', category }, shipped);
    assert.equal(r.kind, 'mapped', category);
    if (r.kind !== 'mapped') continue;
    const sysmon = r.targets.find((t) => t.channels.includes('microsoft-windows-sysmon/operational'));
    assert.deepEqual(sysmon?.eventIds, ids, category);
  }
});

test('process_creation also maps Security 4688 with its field names', () => {
  const r = resolveLogsource({ product: 'windows', category: 'process_creation' }, shipped);
  assert.equal(r.kind, 'mapped');
  if (r.kind !== 'mapped') return;
  const sec = r.targets.find((t) => t.channels.includes('security'))!;
  assert.deepEqual(sec.eventIds, [4688]);
  assert.equal(sec.fields?.Image, 'NewProcessName');
  assert.equal(sec.fields?.ParentImage, 'ParentProcessName');
});

test('services, PowerShell categories, product-only and unmapped logsources', () => {
  const ps = resolveLogsource({ product: 'windows', category: 'ps_script' }, shipped);
  assert.ok(ps.kind === 'mapped' && ps.targets.some((t) => t.eventIds?.includes(4104)));
  const sec = resolveLogsource({ product: 'windows', service: 'security' }, shipped);
  assert.ok(sec.kind === 'mapped' && sec.targets[0]!.channels[0] === 'security' && !sec.targets[0]!.eventIds);
  assert.equal(resolveLogsource({ product: 'windows' }, shipped).kind, 'any');
  const linux = resolveLogsource({ product: 'linux', category: 'process_creation' }, shipped);
  assert.equal(linux.kind, 'unmapped');
  if (linux.kind === 'unmapped') assert.match(linux.reason, /product=linux category=process_creation/);
});

test('user mapping files extend and override the shipped one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-map-'));
  const file = join(dir, 'mine.yaml');
  writeFileSync(
    file,
    'logsources:\n  - product: linux\n    category: process_creation\n    sources:\n      - channel: auditd\n        event_ids: [59]\n        fields: { Image: exe }\n',
  );
  const mapping = [...shipped, ...loadLogsourceMapping([file], [])];
  const r = resolveLogsource({ product: 'linux', category: 'process_creation' }, mapping);
  assert.ok(r.kind === 'mapped' && r.targets[0]!.fields?.Image === 'exe');
  const bad: RuleProblem[] = [];
  writeFileSync(file, 'nope: 1\n');
  loadLogsourceMapping([file], bad);
  assert.match(bad[0]!.reason, /'logsources:'/);
});

test('the shipped mapping is found from a build folder of any name inside the package', async () => {
  // A build placed elsewhere than dist/ once found no mapping, and the hunt then left almost every rule out.
  const { cpSync, mkdirSync, rmSync } = await import('node:fs');
  const { fileURLToPath, pathToFileURL } = await import('node:url');
  const compiled = fileURLToPath(new URL('../../src/sigma/logsource.js', import.meta.url));
  const build = join(PROJECT_ROOT, `.build-test-${process.pid}`);
  try {
    mkdirSync(join(build, 'lib', 'sigma'), { recursive: true });
    cpSync(compiled, join(build, 'lib', 'sigma', 'logsource.js'));
    const moved = (await import(pathToFileURL(join(build, 'lib', 'sigma', 'logsource.js')).href)) as {
      defaultMappingFile: () => string;
    };
    assert.equal(moved.defaultMappingFile(), join(PROJECT_ROOT, 'config', 'logsources.yaml'));
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
});

test('hostile mapping values become problems naming the entry, and field maps have no prototype', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-ls-'));
  const file = join(dir, 'hostile.yaml');
  writeFileSync(
    file,
    [
      'logsources:',
      '- category: x',
      '  sources:',
      '  - channel: [{toString: 1}, Security]',
      '    providers: [[a]]',
      '    event_ids: [{valueOf: 1}, 4688]',
      '    fields: {Image: {toString: 1}, CommandLine: ProcessCommandLine}',
    ].join('\n'),
  );
  const found: RuleProblem[] = [];
  const [entry] = loadLogsourceMapping([file], found);
  assert.deepEqual(
    found.map((p) => [p.file, p.reason]),
    [
      [file, 'logsources[0].sources[0].fields.Image: a map instead of a field name'],
      [file, 'logsources[0].sources[0].channel: a map instead of a name'],
      [file, 'logsources[0].sources[0].providers: a list instead of a name'],
    ],
  );
  const target = entry!.targets[0]!;
  assert.deepEqual(target.channels, ['security']);
  assert.deepEqual(target.eventIds, [4688]);
  assert.equal(target.fields!.CommandLine, 'ProcessCommandLine');
  // Rule fields named like Object.prototype members find no mapping.
  assert.equal(target.fields!['constructor'], undefined);
  assert.equal(target.fields!['__proto__'], undefined);
});
