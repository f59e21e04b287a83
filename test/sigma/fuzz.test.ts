// Hostile rule files: seeded random mutations of valid rules must never throw out of parsing or compiling, and
// whatever compiles must evaluate records without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRuleVariant, ruleInfoOf } from '../../src/engine/compile-rule.js';
import { RecordView } from '../../src/engine/record-view.js';
import { ObjectRecord } from '../../src/event/object-record.js';
import { parseDocument } from '../../src/sigma/rule.js';
import { parseYamlDocuments } from '../../src/sigma/yaml-source.js';
import type { RuleProblem } from '../../src/sigma/types.js';

const SEEDS = [
  `title: A
id: 11111111-1111-4111-8111-111111111111
logsource:
    product: windows
    category: process_creation
detection:
    sel_img:
        Image|endswith: ['\\\\cmd.exe', '\\\\powershell.exe']
        CommandLine|contains|all: [' -enc ', 'bypass']
    sel_re:
        CommandLine|re|i: '^(a+)+$'
    filter:
        - User|startswith: 'NT AUTHORITY'
        - IntegrityLevel: null
    condition: (1 of sel_* and not filter) or all of them
level: high
`,
  `title: B
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: [4624, 0x10]
        IpAddress|cidr: ['10.0.0.0/8', 'fe80::/10']
        LogonType|gte: 3
        TimeCreated|hour: 3
        TargetUserName|fieldref: SubjectUserName
        CommandLine|wide|base64offset|contains: 'IEX'
    keywords:
        - 'mimi?atz'
        - '*\\\\*sekurlsa*'
    condition: selection or keywords
`,
];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 0x100000000;
  };
}

const ALPHABET = [
  '*',
  '?',
  '\\\\',
  '|',
  ':',
  '-',
  ' ',
  '\n',
  "'",
  '"',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  'of',
  'not',
  '%',
  '&',
  '\u0000',
  'é',
];

function mutate(text: string, rand: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rand() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (out.length + 1));
    const r = rand();
    if (r < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 8));
    else if (r < 0.75)
      out = out.slice(0, at) + ALPHABET[Math.floor(rand() * ALPHABET.length)]! + out.slice(at);
    else {
      const lines = out.split('\n');
      const i = Math.floor(rand() * lines.length);
      const j = Math.floor(rand() * lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      out = lines.join('\n');
    }
  }
  return out;
}

test('mutated rules never throw out of parsing, compiling or matching', () => {
  const rand = prng(20261126);
  const records = [
    { CommandLine: 'powershell -enc bypass', Image: 'C:\\cmd.exe', User: 'x' },
    {
      IpAddress: '10.1.1.1',
      LogonType: '10',
      TimeCreated: '2024-01-01T03:00:00Z',
      TargetUserName: 'a',
      SubjectUserName: 'a',
    },
    { CommandLine: 'a'.repeat(20_000) + '!' },
  ].map(
    (data, i) =>
      new ObjectRecord(
        { Event: { System: { EventID: 4624, Channel: 'Security' }, EventData: data } },
        { file: `r${i}` },
      ),
  );
  const view = new RecordView();
  let compiled = 0;
  let rejected = 0;
  const start = performance.now();
  for (let i = 0; i < 1500; i++) {
    const text = mutate(SEEDS[i % SEEDS.length]!, rand);
    const problems: RuleProblem[] = [];
    const docs = parseYamlDocuments(text, 'fuzz.yml', problems);
    for (const doc of docs) {
      const result = parseDocument(doc, problems);
      if (result.kind !== 'rule') {
        rejected++;
        continue;
      }
      const c = compileRuleVariant(result.rule, ruleInfoOf(result.rule), undefined, [], new Map());
      if (c === 'never' || 'severity' in c) {
        rejected++;
        continue;
      }
      compiled++;
      for (const r of records) {
        view.reset(r);
        c.match(view);
      }
    }
    for (const p of problems) {
      assert.equal(p.file, 'fuzz.yml');
      assert.ok(p.reason.length > 0);
    }
  }
  assert.ok(compiled > 50 && rejected > 50, `compiled ${compiled}, rejected ${rejected}`);
  assert.ok(performance.now() - start < 30_000);
});
