// Regex facts: minimum length and required literals are necessary conditions of a match (checked against a
// regex engine on random patterns and texts), and useful on the patterns SigmaHQ rules actually use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regexFacts, type RegexFacts } from '../../src/engine/prefilter/index.js';
import { lcg, pickFrom, randomRegex } from '../helpers/random.js';

function allowed(facts: RegexFacts, text: string): boolean {
  if (text.length < facts.minLength) return false;
  for (const ch of facts.requiredChars) if (!text.includes(ch)) return false;
  if (!facts.needles) return true;
  const lower = text.toLowerCase();
  return facts.needles.some((alt) => alt.every((n) => lower.includes(n)));
}

test('facts of patterns from SigmaHQ rules', () => {
  assert.deepEqual(regexFacts('.{1000,}'), { minLength: 1000, needles: undefined, requiredChars: '' });
  assert.deepEqual(regexFacts('mimi(katz|lib)\\.dll'), {
    minLength: 11,
    needles: [['mimikatz.dll'], ['mimilib.dll']],
    requiredChars: '.',
  });
  // PowerShell token obfuscation: no literal of two characters, but every match has a backtick.
  assert.equal(regexFacts('\\w+`(\\w+|-|.)`[\\w+|\\s]').requiredChars, '`');
  assert.equal(regexFacts('a-b|c-d').requiredChars, '-');
  assert.equal(regexFacts('(x:)?y').requiredChars, '');
  assert.deepEqual(regexFacts('[Ss]ekurlsa::').needles, [['sekurlsa::']]);
  assert.deepEqual(regexFacts('\\\\AppData\\\\Local\\\\Temp\\\\[a-z]{8}\\.exe'), {
    minLength: 32,
    needles: [['\\appdata\\local\\temp\\', '.exe']],
    requiredChars: '.\\',
  });
  const stdin = regexFacts('(?i)(set).*&&\\s?set.*(environment|invoke|\\$\\{?input).*&&.*"');
  assert.equal(stdin.minLength, 17);
  // Case-insensitive: no needle may contain 's' (RE2 folds 'ſ' to s; lower-casing does not).
  assert.ok(stdin.needles && stdin.needles.every((alt) => alt.every((n) => !n.includes('s'))));
  assert.ok(stdin.needles!.every((alt) => alt.includes('&&')));
  assert.deepEqual(regexFacts('a{3}bc').needles, [['aaabc']]);
  // A quantifier after \E binds to its last character: no facts claimed (RE2 reads \Qab\E{2} as abb).
  assert.deepEqual(regexFacts('\\Qab\\E{2}').needles, undefined);
  assert.equal(regexFacts('\\Qa.b\\E').needles?.[0]?.[0], 'a.b');
});

test('inline flags are scoped like RE2', () => {
  assert.deepEqual(regexFacts('(?i:SET)xyz').needles, [['et', 'xyz']]);
  const scoped = regexFacts('(?i:s)set');
  // Outside the scoped group, 's' is case-sensitive again and can be a needle.
  assert.ok(scoped.needles?.some((alt) => alt.some((n) => n.includes('set'))));
  assert.equal(regexFacts('(?i)s').needles, undefined);
  assert.deepEqual(regexFacts('(?i)kelvin').needles, [['kelvin']]);
});

test('gives up (no facts) on syntax it does not follow, never throws', () => {
  for (const p of ['(', ')', '[abc', 'a**', '\\', '(?<', '(?x)a', '\\q', '*a', 'a{2,1}', 'x'.repeat(5000)]) {
    assert.deepEqual(regexFacts(p), { minLength: 0, needles: undefined, requiredChars: '' }, p);
  }
  // Optional and alternated pieces impose nothing.
  assert.equal(regexFacts('(abc)?').needles, undefined);
  assert.equal(regexFacts('abc|.').needles, undefined);
  assert.equal(regexFacts('(abc)*d').minLength, 1);
  assert.deepEqual(regexFacts('(abc)+d').needles, [['abc']]);
});

test('property: every text a regex matches passes the facts (random patterns, JS regex as oracle)', () => {
  const rand = lcg(99);
  const pick = <T>(xs: readonly T[]): T => pickFrom(rand, xs);
  const atoms = [
    'a',
    'b',
    's',
    'S',
    'k',
    'K',
    '-',
    ':',
    '\\.',
    '.',
    '[ab]',
    '[Ss]',
    '[^a]',
    '\\w',
    '\\d',
    '^',
    '$',
    '\\b',
  ];
  const alphabet = ['a', 'b', 's', 'S', 'k', 'K', '-', ':', '.', 'ſ', '\u212a', 'İ', '1', ' '];
  let positives = 0;
  let constrained = 0;
  for (let round = 0; round < 400; round++) {
    const pattern = randomRegex(rand, {
      atoms,
      quantifiers: ['', '*', '+', '?', '{2}', '{1,3}', '{0,2}', '{2,}'],
      group: '(?:',
    });
    const ci = rand() < 0.5;
    let oracle: RegExp;
    try {
      oracle = new RegExp(pattern, ci ? 'iu' : 'u');
    } catch {
      continue;
    }
    const facts = regexFacts(pattern, { caseInsensitive: ci });
    if (facts.needles || facts.minLength > 1) constrained++;
    for (let t = 0; t < 150; t++) {
      let text = '';
      const n = Math.floor(rand() * 10);
      for (let i = 0; i < n; i++) text += pick(alphabet);
      if (oracle.test(text)) {
        positives++;
        assert.ok(
          allowed(facts, text),
          `pattern /${pattern}/${ci ? 'i' : ''} matches ${JSON.stringify(text)} but facts ${JSON.stringify(facts)} reject it`,
        );
      }
    }
  }
  assert.ok(positives > 2000, `too few matching samples (${positives})`);
  assert.ok(constrained > 100, `too few constrained patterns (${constrained})`);
});
