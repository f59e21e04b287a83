// Regex guard: whenever the guard says no, the regex (re2js, the engine rules run on) finds no match, and
// whenever it says match, the regex matches — checked on hand-picked syntax, random patterns, and every `re`
// pattern of the SigmaHQ rules with texts sampled from the pattern and mutated; and the guard does settle the
// texts the costly patterns see in logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GUARD_MATCH, GUARD_MAYBE, GUARD_NO, regexGuard } from '../../src/engine/prefilter/index.js';
import {
  NON_ASCII,
  parseRelaxed,
  SYMBOLS,
  type RelaxedFlags,
  type RelaxedNode,
} from '../../src/engine/prefilter/regex-relaxed.js';
import { compileRegex } from '../../src/sigma/modifiers/index.js';
import { corpusPath, corpusSkip } from '../helpers/corpus.js';
import { lcg, pickFrom, randomRegex } from '../helpers/random.js';

const NON_ASCII_SAMPLES = ['é', 'ſ', '\u212a', 'İ', '😀', '\udc00', '\ud800', 'ß'];

/** A random text from the relaxed pattern's language (a likely match of the real pattern). */
function sample(node: RelaxedNode, rand: () => number, budget = { left: 200 }): string {
  if (--budget.left < 0) return '';
  switch (node.kind) {
    case 'set': {
      const members: number[] = [];
      for (let c = 0; c < SYMBOLS; c++) if (node.set[c]) members.push(c);
      const c = members[Math.floor(rand() * members.length)]!;
      return c === NON_ASCII
        ? NON_ASCII_SAMPLES[Math.floor(rand() * NON_ASCII_SAMPLES.length)]!
        : String.fromCharCode(c);
    }
    case 'assert':
      return '';
    case 'cat':
      return node.items.map((n) => sample(n, rand, budget)).join('');
    case 'alt':
      return sample(node.items[Math.floor(rand() * node.items.length)]!, rand, budget);
    case 'rep': {
      const max = node.max === Infinity ? node.min + 3 : node.max;
      const n = node.min + Math.floor(rand() * (max - node.min + 1));
      let out = '';
      for (let i = 0; i < n; i++) out += sample(node.item, rand, budget);
      return out;
    }
  }
}

const NOISE = [
  'a',
  'Z',
  '0',
  '_',
  ' ',
  '\n',
  '\t',
  '`',
  '-',
  '.',
  '\\',
  '"',
  "'",
  '$',
  '{',
  '}',
  ...NON_ASCII_SAMPLES,
];

/** Random edits: drop, insert, swap case, or repeat a piece. */
function mutate(text: string, rand: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(rand() * 3);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(rand() * (chars.length + 1));
    const r = rand();
    if (r < 0.3 && chars.length > 0) chars.splice(Math.min(i, chars.length - 1), 1);
    else if (r < 0.6) chars.splice(i, 0, NOISE[Math.floor(rand() * NOISE.length)]!);
    else if (r < 0.8 && i < chars.length) {
      const c = chars[i]!;
      chars[i] = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    } else chars.splice(i, 0, ...chars.slice(Math.max(0, i - 3), i));
  }
  return chars.join('');
}

interface Checked {
  /** Texts the regex matched, the guard rejected, the guard settled as matches. */
  matched: number;
  rejected: number;
  settled: number;
  guarded: boolean;
}

function flagText(flags: RelaxedFlags): string {
  return `${flags.i ? 'i' : ''}${flags.m ? 'm' : ''}${flags.s ? 's' : ''}`;
}

/** Asserts that the guard's no and match verdicts agree with re2js on every text; counts what happened. */
function check(pattern: string, flags: RelaxedFlags, texts: readonly string[]): Checked {
  const out: Checked = { matched: 0, rejected: 0, settled: 0, guarded: false };
  const re = compileRegex(pattern, { i: flags.i, m: flags.m, s: flags.s });
  const guard = regexGuard(pattern, flags);
  if (!re.ok || !guard) return out;
  out.guarded = true;
  for (const text of texts) {
    const truth = re.test(text);
    if (truth) out.matched++;
    const verdict: number = guard(text);
    const where: string = `guard of /${pattern}/${flagText(flags)} on ${JSON.stringify(text)}`;
    if (verdict === GUARD_NO) {
      out.rejected++;
      assert.equal(truth, false, `${where} says no`);
    } else if (verdict === GUARD_MATCH) {
      out.settled++;
      assert.equal(truth, true, `${where} says match`);
    } else assert.equal(verdict, GUARD_MAYBE, where);
  }
  return out;
}

test('PowerShell token obfuscation: the guard settles ordinary backtick escapes', () => {
  const pattern = '\\w+`(\\w+|-|.)`[\\w+|\\s]';
  const guard = regexGuard(pattern)!;
  assert.ok(guard);
  const re = compileRegex(pattern, {});
  assert.ok(re.ok);
  for (const yes of ['IN`V`o`Ke-eXp`ResSIOn', 'a`-`b', 'x`y`+', 'p`ath`\n']) {
    assert.equal(re.test(yes), true, yes);
    assert.equal(guard(yes), GUARD_MATCH, yes);
  }
  for (const no of [
    'Write-Host "a`n"',
    '$s = "`t`t"',
    '``',
    'a``b',
    '`a`b',
    'a`b`',
    'a`bc',
    ' `r`n',
    'a`\n`b',
  ])
    assert.equal(guard(no), GUARD_NO, no);
  assert.equal(guard('é`é`é'), GUARD_NO); // \w is ASCII in RE2
  assert.equal(guard('a`é`b'), GUARD_MAYBE); // '.' may be a non-ASCII character: RE2 decides
  const texts = ['x = "`r`n" + "`t"', 'Get-Item `\n  -Path c:\\', 'a`b`c', 'é`é`é', 'a`😀`b', 'a`\n`b'];
  const r = check(pattern, {}, texts);
  assert.ok(r.rejected >= 2 && r.settled >= 1, JSON.stringify(r));
});

test('anchors, line feeds and flags: settled exactly where the pattern needs no relaxation', () => {
  const id = regexGuard('^[A-Za-z0-9]{16}$')!;
  assert.equal(id('abcdefgh12345678'), GUARD_MATCH);
  assert.equal(id('abcdefgh123456789'), GUARD_NO);
  assert.equal(id(' abcdefgh12345678'), GUARD_NO);
  assert.equal(id('abcdefgh1234567'), GUARD_NO);
  const clip = regexGuard('(?i)echo.*clip.*&&.*(Clipboard|i`?n`?v`?o`?k`?e`?)')!;
  assert.equal(clip('echo x\nclip && invoke'), GUARD_NO); // '.' stops at line feeds
  assert.equal(clip('ECHO x | CLIP && I`nvoke'), GUARD_MATCH);
  assert.equal(regexGuard('(?s)a.b')!('a\nb'), GUARD_MATCH);
  assert.equal(regexGuard('a.b', { s: true })!('a\nb'), GUARD_MATCH);
  assert.equal(regexGuard('^ab$', { m: true })!('x\nab\ny'), GUARD_MAYBE); // line anchors are relaxed
  assert.equal(regexGuard('^ab')!('xab'), GUARD_NO);
  assert.equal(regexGuard('ab$')!('abx'), GUARD_NO);
  assert.equal(regexGuard('ab$')!('xxab'), GUARD_MATCH);
  assert.equal(regexGuard('(?i)^ab$')!('AB'), GUARD_MATCH);
  assert.equal(regexGuard('\\bab\\b')!('x ab y'), GUARD_MAYBE);
  assert.equal(regexGuard('\\bab\\b')!('x a b y'), GUARD_NO);
  assert.equal(regexGuard('\\pLx')!('1x'), GUARD_MAYBE);
  assert.equal(regexGuard('\\s')!('\v'), GUARD_NO);
  for (const [pattern, text] of [
    ['^ab$', 'ab'],
    ['ab$', 'xxab'],
    ['(?i)^ab$', 'AB'],
    ['(?i)echo.*clip.*&&.*(Clipboard|i`?n`?v`?o`?k`?e`?)', 'ECHO x | CLIP && I`nvoke'],
  ] as const)
    assert.equal(compileRegex(pattern, {}).ok && check(pattern, {}, [text]).matched, 1, pattern);
});

test('syntax: classes, escapes, flags, Unicode and repetition are read soundly', () => {
  const cases: [string, boolean, string][] = [
    ['\\Qa.b\\E+x', false, 'a.bbx'],
    ['\\Qab\\E{2}', false, 'abb'],
    ['(?i)\\w\\w', false, '\u212a\u017f'],
    ['\\x41\\x{42}', false, 'AB'],
    ['[[:alpha:]]{3}\\d', false, 'abC7'],
    ['[[:^digit:]]x', false, 'éx'],
    ['(?i)kelvin', false, '\u212aelvin'],
    ['(?i)ſet', false, 'SET'],
    ['set', true, 'ſet'],
    ['(?i:A)b', false, 'ab'],
    ['a.b', false, 'a😀b'],
    ['a[^x]b', false, 'a😀b'],
    ['a\\Wb', false, 'aéb'],
    ['^ab$', false, 'ab'],
    ['(?m)^ab$', false, 'x\nab\ny'],
    ['(?s)a.b', false, 'a\nb'],
    ['\\bword\\b', false, 'a word.'],
    ['x{2,4}y', false, 'xxxy'],
    ['(ab){2,}c', false, 'abababc'],
    ['a{0,2}b', false, 'b'],
    ['[a-]z', false, '-z'],
    ['[]a]z', false, ']z'],
    ['[\\]\\-]z', false, '-z'],
    ['[é-ü]', false, 'ö'],
    ['\\pL\\p{Greek}', false, 'aα'],
    ['a{,2}', false, 'a{,2}'],
    ['(?P<n>ab)c', false, 'abc'],
    ['x\\.y|z\\-w', false, 'z-w'],
  ];
  for (const [pattern, ci, text] of cases) {
    const re = compileRegex(pattern, { i: ci });
    assert.ok(re.ok && re.test(text), `re2js matches /${pattern}/ on ${JSON.stringify(text)}`);
    const guard = regexGuard(pattern, { i: ci });
    assert.ok(guard, `a guard for /${pattern}/`);
    assert.notEqual(guard(text), GUARD_NO, `guard of /${pattern}/ on ${JSON.stringify(text)}`);
    check(pattern, { i: ci }, [text]);
  }
  assert.equal(regexGuard('(?i:A)b')!('aB'), GUARD_NO); // the flag ends with its group
  assert.equal(regexGuard('abc', { i: true })!('ABC'), GUARD_MATCH);
});

test('no guard where it cannot help or cannot read the pattern', () => {
  for (const p of [
    'a*',
    '(x)?',
    '',
    '^$',
    '(a)\\1',
    '(?=a)',
    'a**',
    '[abc',
    '\\q',
    '\\1',
    'a{2000}',
    'x'.repeat(300),
  ])
    assert.equal(regexGuard(p), undefined, p);
});

test('state cache starts over when full and stays correct', () => {
  // [ab]*a[ab]{14}c: the DFA has 2^15 states, more than a guard keeps; long random texts walk through many.
  const pattern = '[ab]*a[ab]{14}c';
  const guard = regexGuard(pattern)!;
  const rand = lcg(7);
  const texts: string[] = [];
  for (let t = 0; t < 20; t++) {
    let s = '';
    for (let i = 0; i < 3000; i++) s += rand() < 0.5 ? 'a' : 'b';
    texts.push(s, s + 'c', 'b'.repeat(20) + 'c');
  }
  const r = check(pattern, {}, texts);
  assert.ok(r.matched >= 10 && r.rejected >= 20 && r.settled === r.matched, JSON.stringify(r));
  assert.equal(guard('a' + 'b'.repeat(14) + 'c'), GUARD_MATCH);
});

test('property: the guard agrees with re2js whenever it says no or match (random patterns)', () => {
  const rand = lcg(2026);
  const pick = <T>(xs: readonly T[]): T => pickFrom(rand, xs);
  const atoms = [
    'a',
    'b',
    's',
    'k',
    'K',
    '-',
    '`',
    '\\.',
    '.',
    '[ab]',
    '[^a]',
    '\\w',
    '\\W',
    '\\s',
    '\\d',
    '^',
    '$',
    '\\b',
  ];
  const alphabet = ['a', 'b', 's', 'S', 'k', 'K', '-', '`', '.', ' ', '\n', '1', 'ſ', '\u212a', 'é', '😀'];
  let matched = 0;
  let rejected = 0;
  let settled = 0;
  for (let round = 0; round < 400; round++) {
    const pattern = randomRegex(rand, {
      atoms,
      quantifiers: ['', '*', '+', '?', '{2}', '{1,3}', '{2,}'],
      group: '(?i:',
    });
    const flags = { i: rand() < 0.3, m: rand() < 0.2, s: rand() < 0.2 };
    const node = (() => {
      try {
        return parseRelaxed(pattern, flags).node;
      } catch {
        return undefined;
      }
    })();
    const texts: string[] = [];
    for (let t = 0; t < 60; t++) {
      let text = '';
      const n = Math.floor(rand() * 10);
      for (let i = 0; i < n; i++) text += pick(alphabet);
      texts.push(text);
      if (node) texts.push(mutate(sample(node, rand), rand));
    }
    const r = check(pattern, flags, texts);
    matched += r.matched;
    rejected += r.rejected;
    settled += r.settled;
  }
  assert.ok(matched > 3000, `too few matching samples (${matched})`);
  assert.ok(rejected > 3000, `too few rejections (${rejected})`);
  assert.ok(settled > 1000, `too few settled matches (${settled})`);
});

function ymlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) ymlFiles(path, out);
    else if (name.endsWith('.yml')) out.push(path);
  }
  return out;
}

/** Every pattern (with its flags) of `|re` items in a detection tree. */
function regexItems(node: unknown, out: [string, RelaxedFlags][]): void {
  if (Array.isArray(node)) for (const x of node) regexItems(x, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const mods = key.split('|').slice(1);
      if (mods.includes('re')) {
        for (const v of Array.isArray(value) ? value : [value])
          if (typeof v === 'string')
            out.push([v, { i: mods.includes('i'), m: mods.includes('m'), s: mods.includes('s') }]);
      } else regexItems(value, out);
    }
  }
}

test(
  'every SigmaHQ regex: the guard never rejects a sampled or mutated text the regex matches',
  { skip: corpusSkip },
  () => {
    const patterns: [string, RelaxedFlags][] = [];
    for (const file of ymlFiles(corpusPath('sigma'))) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes('|re')) continue;
      try {
        for (const doc of text.split(/^---$/m))
          regexItems((parse(doc) as { detection?: unknown })?.detection, patterns);
      } catch {
        // not a rule this test can read; the loader's own tests cover odd files
      }
    }
    const unique = [...new Map(patterns.map((p) => [`${flagText(p[1])}/${p[0]}`, p])).values()];
    assert.ok(unique.length > 100, `found ${unique.length} patterns`);
    const rand = lcg(42);
    let guarded = 0;
    let matched = 0;
    let settled = 0;
    for (const [pattern, flags] of unique) {
      let node: RelaxedNode;
      try {
        node = parseRelaxed(pattern, flags).node;
      } catch {
        continue;
      }
      const texts: string[] = [];
      for (let t = 0; t < 40; t++) {
        const s = sample(node, rand);
        texts.push(s, mutate(s, rand), `prefix ${mutate(s, rand)} suffix`);
      }
      const r = check(pattern, flags, texts);
      if (r.guarded) guarded++;
      matched += r.matched;
      settled += r.settled;
    }
    assert.ok(settled > matched / 2, `settled ${settled} of ${matched} matches`);
    assert.ok(guarded > unique.length * 0.8, `guards for ${guarded} of ${unique.length} patterns`);
    assert.ok(matched > unique.length * 20, `too few matching samples (${matched})`);
  },
);

test('long counted repetitions get a looser guard instead of none (RE2 runs one thread per count)', () => {
  const texts = [
    'a'.repeat(5000) + '!',
    'A'.repeat(3000) + 'x',
    'b'.repeat(1200) + 'X',
    'x',
    'a'.repeat(999) + 'b',
  ];
  for (const [pattern, flags] of [
    ['.{1000,}x', { i: true }],
    ['a{300}a{300}b', { i: true }],
    ['^[a-f0-9]{500}$', {}],
  ] as const) {
    const guard = regexGuard(pattern, flags);
    assert.ok(guard, `a guard for ${pattern}`);
    const re = compileRegex(pattern, flags);
    assert.ok(re.ok);
    for (const text of texts) {
      const verdict = guard(text);
      // Looser than the pattern: never a match verdict, and a "no" only where RE2 says no.
      assert.notEqual(verdict, GUARD_MATCH);
      if (verdict === GUARD_NO) assert.equal(re.test(text), false, `${pattern} on ${text.slice(-8)}`);
    }
    assert.equal(guard('z'.repeat(5000) + '!'), GUARD_NO);
  }
  assert.equal(regexGuard('.{1000,}x', { i: true })!('A'.repeat(1000) + 'X'), GUARD_MAYBE);
});
