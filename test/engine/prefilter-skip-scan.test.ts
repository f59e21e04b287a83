// Skipping search: same answers as brute force on the lower-cased text, through AhoCorasick.collect too, and a
// bounded amount of work on hostile text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AhoCorasick, SkipScanner, skipScanEligible } from '../../src/engine/prefilter/index.js';
import { lcg, randomWord } from '../helpers/random.js';

function bruteForce(needles: readonly string[], text: string): number[] {
  const lower = text.toLowerCase();
  return needles.flatMap((n, i) => (lower.includes(n.toLowerCase()) ? [i] : []));
}

function collected(
  scanner: { collect(t: string, out: Int32Array): number },
  text: string,
  size: number,
): number[] {
  const out = new Int32Array(size);
  const n = scanner.collect(text, out);
  assert.ok(n >= 0, 'budget should suffice for ordinary text');
  return [...out.subarray(0, n)].sort((a, b) => a - b);
}

test('eligibility: ASCII needles of 4+ characters, not too many', () => {
  assert.ok(skipScanEligible(['sekurlsa::', 'lsadump::', 'kerberos::golden']));
  assert.ok(!skipScanEligible(['abc']));
  assert.ok(!skipScanEligible(['überwachung']));
  assert.ok(!skipScanEligible([]));
  assert.ok(!skipScanEligible(Array.from({ length: 300 }, (_, i) => `needle${i}`)));
});

test('finds keywords ignoring case, at text edges and overlapping', () => {
  const needles = ['sekurlsa::', 'lsadump::', 'Kiwi Legit Printer', 'dump::sam'];
  const s = new SkipScanner(needles);
  assert.deepEqual(collected(s, 'mimikatz # SEKURLSA::logonpasswords', 4), [0]);
  assert.deepEqual(collected(s, 'lsadump::sam', 4), [1, 3]);
  assert.deepEqual(collected(s, 'kiwi legit printer', 4), [2]);
  assert.deepEqual(collected(s, 'sekurlsa:', 4), []);
  assert.deepEqual(collected(s, '', 4), []);
});

test('property: equals brute force on random needles and texts; AhoCorasick.collect agrees', () => {
  const rand = lcg(5);
  const alphabet = 'abAB:.-\\ xX';
  const word = (min: number, max: number) => randomWord(rand, alphabet, min, max);
  for (let round = 0; round < 80; round++) {
    const needles = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => word(4, 9));
    const scanner = new SkipScanner(needles);
    const ac = new AhoCorasick(needles);
    for (let t = 0; t < 60; t++) {
      // Texts often contain a needle (mutated in case) so that positives are exercised.
      let text = word(0, 40);
      if (rand() < 0.5) {
        const n = needles[Math.floor(rand() * needles.length)]!;
        const cut = Math.floor(rand() * text.length);
        text = text.slice(0, cut) + (rand() < 0.5 ? n.toUpperCase() : n) + text.slice(cut);
      }
      const expected = bruteForce(needles, text);
      assert.deepEqual(collected(scanner, text, needles.length), expected, JSON.stringify({ needles, text }));
      const n = ac.collect(text);
      assert.deepEqual(
        [...ac.found.subarray(0, n)].sort((a, b) => a - b),
        expected,
      );
      const m = ac.collectAll([text.slice(0, 7), text.slice(7), text]);
      assert.deepEqual(
        [...ac.found.subarray(0, m)].sort((a, b) => a - b),
        expected,
      );
    }
  }
});

test('characters that lower-case to ASCII (Kelvin sign, dotted I) are found', () => {
  const s = new SkipScanner(['kerberos::golden', 'sekurlsa::', 'lsadump::sam']);
  assert.deepEqual(collected(s, '\u212aERBEROS::GOLDEN', 3), [0]);
  // 'İ' lower-cases to i + combining dot: an ASCII needle can end with that i.
  assert.deepEqual(collected(s, 'LSADUMP::SAMİ', 3), [2]);
  assert.equal('LSADUMP::SAMİ'.toLowerCase().includes('lsadump::sam'), true);
  const ac = new AhoCorasick(['kerberos::golden', 'mimikatz']);
  let n = ac.collect('\u212aERBEROS::GOLDEN');
  assert.deepEqual([...ac.found.subarray(0, n)], [0]);
  n = ac.collect('MİMİKATZ'.replace(/İ/g, 'I'));
  assert.deepEqual([...ac.found.subarray(0, n)], [1]);
});

test('hostile text exhausts the verification budget and is handed back, never slow', () => {
  // A short needle makes the window 4 long; every window of a's is then a candidate for the long needles,
  // whose verification fails only at their last character.
  const needles = ['zzzz', ...['b', 'c', 'd', 'e'].map((last) => 'a'.repeat(60) + last)];
  const scanner = new SkipScanner(needles);
  const out = new Int32Array(needles.length);
  const text = 'a'.repeat(200_000);
  assert.equal(scanner.collect(text, out), -1);
  // The automaton answers instead (and finds nothing).
  const ac = new AhoCorasick(needles);
  assert.equal(ac.collect(text), 0);
  assert.equal(ac.collect(text + 'c'), 1);
  assert.equal(ac.found[0], 2);
  // Budget exhausted half-way through a list: what was verified stays, the automaton finishes, no duplicates.
  const n = ac.collectAll(['zzzz', text + 'c', 'zzzz']);
  assert.deepEqual([...ac.found.subarray(0, n)].sort(), [0, 2]);
});

test('blocks that share a hash slot neither hide a needle nor invent one', () => {
  // ('a','b') and ('c','"') fall in one slot: (0x61 << 5) ^ 0x62 === (0x63 << 5) ^ 0x22.
  assert.equal((0x61 << 5) ^ 0x62, (0x63 << 5) ^ 0x22);
  const scanner = new SkipScanner(['x1ab', 'q2c"']);
  assert.deepEqual(collected(scanner, 'zz X1AB zz', 2), [0]);
  assert.deepEqual(collected(scanner, 'zz x1c" q2ab zz', 2), []);
  assert.deepEqual(collected(scanner, 'q2c"x1ab', 2), [0, 1]);
  const rand = lcg(9);
  const alphabet = 'abc"!`ABx1';
  const word = (min: number, max: number) => randomWord(rand, alphabet, min, max);
  for (let round = 0; round < 60; round++) {
    const needles = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => word(4, 7));
    const s = new SkipScanner(needles);
    for (let t = 0; t < 40; t++) {
      const text = word(0, 50);
      assert.deepEqual(
        collected(s, text, needles.length),
        bruteForce(needles, text),
        JSON.stringify({ needles, text }),
      );
    }
  }
});
