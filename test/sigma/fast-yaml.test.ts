import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastParseYaml } from '../../src/sigma/fast-yaml.js';
import { parseYamlDocuments, parseYamlWithLibrary } from '../../src/sigma/yaml-source.js';
import type { RuleProblem } from '../../src/sigma/types.js';
import { corpusPath, corpusSkip, PROJECT_ROOT } from '../helpers/corpus.js';
import { filesUnder } from '../helpers/files.js';

/** Every key path and item index of a value (and the value itself). */
function paths(
  v: unknown,
  p: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...p, i], out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) paths(x, [...p, k], out);
  return out;
}

/**
 * When the fast reader accepts `text`, it must agree with the library: no library problem, same documents
 * (index, data) and the same position for every path. Returns whether the fast reader accepted it.
 */
function agrees(text: string, label: string): boolean {
  if (!fastParseYaml(text)) return false;
  const mine: RuleProblem[] = [];
  const lib: RuleProblem[] = [];
  const a = parseYamlDocuments(text, 'f.yml', mine);
  const b = parseYamlWithLibrary(text, 'f.yml', lib);
  assert.deepEqual(mine, [], label);
  assert.deepEqual(lib, [], `${label}: the fast reader accepted what the library rejects`);
  assert.equal(a.length, b.length, label);
  a.forEach((doc, d) => {
    const other = b[d]!;
    assert.equal(doc.index, other.index, label);
    assert.deepEqual(doc.data, other.data, label);
    for (const p of [...paths(other.data), ['missing'], ['detection', 'missing', 2]]) {
      assert.deepEqual(doc.locate(p), other.locate(p), `${label} locate ${JSON.stringify(p)}`);
      for (const k of [0, 3])
        assert.deepEqual(
          doc.locateInValue(p, k),
          other.locateInValue(p, k),
          `${label} in ${JSON.stringify(p)}`,
        );
    }
  });
  return true;
}

const RULE = `title: Suspicious  Encoded PowerShell # a comment
id: 11111111-1111-4111-8111-111111111111
status: test
description: |
    Line one
      indented line

    after an empty line
references:
    - https://example.com/a?b=c#frag
tags: [attack.execution, 'attack.t1059.001', "attack.g0045"]
date: 2024-01-02
modified: 2024/01/03
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith:
            - '\\powershell.exe'
            - "\\\\pwsh.exe\\t"
        CommandLine|contains|all:
        - ' -enc '
        - -EncodedCommand
        IntegrityLevel: ~
        EventID: 4688
        Ratio: 1.5e3
        Hex: 0x1F
        Flag: TRUE
    filter:
        - User|startswith: 'NT AUTHORITY''s'
          LogonId: 0x3e7
        -   ParentImage: C:\\Windows\\explorer.exe
    empty:
    condition: selection and not filter
fields: []
falsepositives: >-
    Admins
    doing admin things

    really
level: high
---
title: second document
logsource: {product: windows}
`;

test('the fast reader gives the library data and positions on a rule with the common constructs', () => {
  const docs = fastParseYaml(RULE.split('---\n')[0]!);
  assert.ok(docs, 'accepted');
  assert.ok(agrees(RULE.split('---\n')[0]!, 'rule'));
  const data = docs[0]!.data as Record<string, unknown>;
  assert.equal(data.description, 'Line one\n  indented line\n\nafter an empty line\n');
  assert.equal(data.falsepositives, 'Admins doing admin things\nreally');
  assert.deepEqual(data.tags, ['attack.execution', 'attack.t1059.001', 'attack.g0045']);
  const sel = (data.detection as Record<string, Record<string, unknown>>).selection!;
  assert.deepEqual(sel['Image|endswith'], ['\\powershell.exe', '\\pwsh.exe\t']);
  assert.equal(sel.IntegrityLevel, null);
  assert.equal(sel.Hex, 31);
  assert.equal(sel.Ratio, 1500);
  assert.equal(sel.Flag, true);
  assert.equal(data.date, '2024-01-02', 'YAML 1.2: dates stay strings');
});

test('anything outside the subset is left to the library, which reports problems with positions', () => {
  const outside = [
    'a: &x 1\nb: *x\n', // anchors and aliases
    'a: !tag 1\n', // tags
    'a: {b: 1}\n', // flow maps
    'a: one\n  two\n', // multi-line plain scalar
    'a: "one\n  two"\n', // multi-line quoted scalar
    'a: 1\na: 2\n', // duplicate keys
    'a:\n\t- 1\n', // tabs
    'a: 1\r\nb: 2\r\n', // CR
    'a: |+\n  kept\n\n', // keep chomping
    'a: |2\n   x\n', // indentation indicator
    '? a\n: 1\n', // complex keys
    'a: b: c\n', // nested compact map
    '%YAML 1.2\n---\na: 1\n', // directives
  ];
  for (const text of outside) assert.equal(fastParseYaml(text), undefined, JSON.stringify(text));
  const problems: RuleProblem[] = [];
  parseYamlDocuments('title: x\ntitle: y\n', 'dup.yml', problems);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.line, 2);
  assert.match(problems[0]!.reason, /YAML syntax/);
});

test('documents are counted as the library counts them (empty ones keep their index)', () => {
  for (const text of [
    'a: 1\n---\n',
    '# c\n---\na: 1\n',
    '---\na: 1\n---\n# only\n---\nb: 2\n',
    '# only\n',
    '',
  ]) {
    assert.ok(agrees(text, JSON.stringify(text)), JSON.stringify(text));
  }
  const docs = parseYamlDocuments('---\na: 1\n---\n# only\n---\nb: 2\n', 'f.yml', []);
  assert.deepEqual(
    docs.map((d) => d.index),
    [0, 2],
  );
});

/** Seeded mutations of a text: characters dropped, doubled or replaced by YAML-significant ones. */
function mutate(text: string, seed: number): string {
  let s = seed;
  const rand = (n: number) => (s = (s * 48271) % 2147483647) % n;
  const pieces = [
    ' ',
    '  ',
    '\n',
    '-',
    ':',
    '#',
    "'",
    '"',
    '[',
    ']',
    ',',
    '|',
    '>',
    '- ',
    ': ',
    '\n  ',
    '~',
    '0',
  ];
  let out = text;
  for (let k = 1 + rand(3); k > 0; k--) {
    const at = rand(out.length + 1);
    const op = rand(3);
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1 + rand(3));
    else if (op === 1) out = out.slice(0, at) + pieces[rand(pieces.length)] + out.slice(at);
    else out = out.slice(0, at) + out.slice(at, at + 1 + rand(8)) + out.slice(at);
  }
  return out;
}

test('fuzz: whatever the fast reader accepts, the library reads the same way', () => {
  const seeds = [RULE, ...ownRules().slice(0, 20)];
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    const text = mutate(seeds[i % seeds.length]!, i + 1);
    if (agrees(text, `mutation ${i}`)) accepted++;
  }
  assert.ok(accepted > 1000, `enough mutations stay in the subset to mean something (${accepted})`);
});

function ownRules(): string[] {
  return filesUnder(join(PROJECT_ROOT, 'rules'), (name) => /\.ya?ml$/.test(name))
    .map((p) => readFileSync(p, 'utf8'))
    .sort();
}

test("Dwell's own rules: the fast reader agrees with the library on every file", () => {
  const rules = ownRules();
  assert.ok(rules.length > 10);
  for (const [i, text] of rules.entries()) agrees(text, `own rule ${i}`);
});

test(
  'SigmaHQ Windows rules: almost all are read fast, all agree with the library',
  { skip: corpusSkip },
  () => {
    const files = filesUnder(corpusPath('sigma', 'rules', 'windows'), (name) => name.endsWith('.yml'));
    let fast = 0;
    for (const f of files) if (agrees(readFileSync(f, 'utf8'), f)) fast++;
    assert.ok(fast >= files.length * 0.95, `${fast} of ${files.length} read fast`);
  },
);
