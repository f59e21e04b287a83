// Aho-Corasick automaton: every occurrence found, nothing invented, also with tiny dense budgets and unicode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AhoCorasick } from '../../src/engine/prefilter/index.js';

/** The needles that occur in the lower-cased text (σ and ς alike), found the slow obvious way. */
function bruteForce(needles: readonly string[], text: string): number[] {
  const fold = (s: string) => s.toLowerCase().replaceAll('ς', 'σ');
  const lower = fold(text);
  return needles.flatMap((n, i) => (lower.includes(fold(n)) ? [i] : []));
}

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('finds overlapping and nested needles', () => {
  const needles = ['he', 'she', 'his', 'hers', 'e'];
  const ac = new AhoCorasick(needles);
  assert.deepEqual(ac.findAll('ushers'), [0, 1, 3, 4]);
  assert.deepEqual(ac.findAll('his'), [2]);
  assert.deepEqual(ac.findAll('xyz'), []);
});

test('reports every occurrence, including repeated ones', () => {
  const ac = new AhoCorasick(['aa']);
  let hits = 0;
  ac.scan('aaaa', () => hits++);
  assert.equal(hits, 3);
});

test('empty input and empty needle set', () => {
  assert.deepEqual(new AhoCorasick(['abc']).findAll(''), []);
  assert.deepEqual(new AhoCorasick([]).findAll('anything'), []);
  // An empty needle occurs in every scanned text, even an empty one.
  assert.deepEqual(new AhoCorasick(['', 'x']).findAll(''), [0]);
});

test('unicode needles and text (non-ASCII code units, surrogate pairs)', () => {
  const needles = ['überwachung', 'пароль', '😀x', 'ß'];
  const ac = new AhoCorasick(needles);
  assert.deepEqual(ac.findAll('die überwachung läuft'), [0]);
  assert.deepEqual(ac.findAll('мой пароль'), [1]);
  assert.deepEqual(ac.findAll('a😀xb straße'), [2, 3]);
  assert.deepEqual(ac.findAll('😀 x'), []);
});

test('matching ignores case: ASCII as written, non-ASCII text lower-cased from its first non-ASCII char', () => {
  const ac = new AhoCorasick(['Mimikatz', 'überwachung', 'οδος', 'kelvin']);
  assert.deepEqual(ac.findAll('C:\\Tools\\MIMIKATZ.exe'), [0]);
  assert.deepEqual(ac.findAll('DIE ÜBERWACHUNG'), [1]);
  // ΟΔΟΣ lower-cases to οδος with a final sigma; ς and σ are one character for matching.
  assert.deepEqual(ac.findAll('ΟΔΟΣ'), [2]);
  assert.deepEqual(ac.findAll('ΟΔΟΣΟ'), [2]);
  // The Kelvin sign lower-cases to ASCII k.
  assert.deepEqual(ac.findAll('\u212aELVIN'), [3]);
  assert.equal(ac.containsAny('MIMI KATZ'), false);
  const n = ac.collect('xx MiMiKaTz ÜberWachung');
  assert.deepEqual([...ac.found.subarray(0, n)].sort(), [0, 1]);
});

test('duplicate needles are each reported', () => {
  const ac = new AhoCorasick(['abc', 'abc', 'bc']);
  assert.deepEqual(ac.findAll('xabcx'), [0, 1, 2]);
});

test('matches brute force on random needles and texts, with and without dense rows', () => {
  const rand = rng(7);
  const alphabet = 'abcABCéÉ\\/.-_😀ΣσςK';
  const word = (max: number) => {
    let s = '';
    const len = Math.floor(rand() * max);
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    return s;
  };
  for (let round = 0; round < 60; round++) {
    const needles = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => word(6) || 'a');
    const full = new AhoCorasick(needles);
    // A budget of one row leaves all states but the root sparse: exercises the failure-link path.
    const sparse = new AhoCorasick(needles, { denseCellBudget: 1 });
    assert.ok(sparse.denseStates <= 1);
    for (let t = 0; t < 20; t++) {
      const text = word(60);
      const expected = bruteForce(needles, text);
      assert.deepEqual(full.findAll(text), expected, `needles ${JSON.stringify(needles)} text ${text}`);
      assert.deepEqual(
        sparse.findAll(text),
        expected,
        `sparse: needles ${JSON.stringify(needles)} text ${text}`,
      );
      assert.equal(full.containsAny(text), expected.length > 0);
      const n = sparse.collect(text);
      assert.deepEqual(
        [...sparse.found.subarray(0, n)].sort((a, b) => a - b),
        expected,
      );
      // Split into pieces, collectAll reports each needle once, and exactly the needles of the pieces.
      const cut = Math.floor(text.length / 2);
      const pieces = [text.slice(0, cut), text.slice(cut)];
      const m = full.collectAll(pieces);
      const all = [...full.found.subarray(0, m)].sort((a, b) => a - b);
      assert.equal(new Set(all).size, all.length);
      assert.deepEqual(
        all,
        [...new Set(pieces.flatMap((p) => bruteForce(needles, p)))].sort((a, b) => a - b),
      );
      assert.equal(sparse.containsAny(text), expected.length > 0);
    }
  }
});

test('memory stays within the dense budget for many needles', () => {
  const needles = Array.from({ length: 5000 }, (_, i) => `needle-${i}-${(i * 7919).toString(36)}`);
  const ac = new AhoCorasick(needles, { denseCellBudget: 1 << 16 });
  assert.ok(ac.stateCount > ac.denseStates, 'some states must be sparse under a small budget');
  assert.ok(ac.memoryBytes() < 4 * (1 << 16) + 40 * ac.stateCount + 64 * 1024);
  assert.deepEqual(ac.findAll('xx needle-4999-' + (4999 * 7919).toString(36) + ' yy'), [4999]);
});

test('pathological text is scanned in linear time (no blow-up)', () => {
  const ac = new AhoCorasick(['a'.repeat(50) + 'b', 'a'.repeat(49), 'aab']);
  const text = 'a'.repeat(200_000);
  let hits = 0;
  ac.scan(text, () => hits++);
  assert.equal(hits, 200_000 - 48);
});

test('addUtf16 finds exactly what collect finds in the decoded text (ASCII, non-ASCII, odd byte, skip scanner)', () => {
  const random = rng(7);
  const alphabet = 'abcAB:\\.-sσςÉé ';
  const pick = (n: number): string =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  for (const needles of [
    ['sekurlsa::', 'lsadump::', 'mimidrv.sys'], // long ASCII needles: the skipping scanner runs
    ['ab', 'b:', 'σa', 'é', 'ca\\'], // short and non-ASCII needles: the automaton runs
  ]) {
    const ac = new AhoCorasick(needles);
    for (let round = 0; round < 300; round++) {
      const text =
        round % 3 === 0 ? `x${needles[round % needles.length]!.toUpperCase()}y${pick(5)}` : pick(12);
      const want = [...ac.found.subarray(0, ac.collect(text))].sort();
      const buf = Buffer.concat([Buffer.from('zz'), Buffer.from(text, 'utf16le'), Buffer.from([0x41])]);
      ac.beginCollect();
      ac.addUtf16(buf, 2, buf.length); // the trailing odd byte is ignored
      assert.deepEqual([...ac.found.subarray(0, ac.collected())].sort(), want, JSON.stringify(text));
    }
  }
});

test('a collection over several texts and byte spans reports each needle once', () => {
  const ac = new AhoCorasick(['kiwi', 'printer', 'zz']);
  ac.beginCollect();
  ac.addText('Kiwi Legit');
  ac.addUtf16(Buffer.from('a kiwi printer', 'utf16le'), 0, 28);
  ac.addUtf16(Buffer.from('PRINTER', 'utf16le'), 0, 1000); // an end past the buffer is clamped
  assert.deepEqual([...ac.found.subarray(0, ac.collected())].sort(), [0, 1]);
});

test('an automaton of more than 65,536 states (32-bit tables) finds exactly what brute force finds', () => {
  const rand = rng(11);
  const hex = '0123456789abcdef';
  const needles = Array.from({ length: 2200 }, () =>
    Array.from({ length: 32 }, () => hex[Math.floor(rand() * 16)]).join(''),
  );
  const ac = new AhoCorasick(needles, { denseCellBudget: 1 << 12 });
  assert.ok(ac.stateCount > 65_536, `${ac.stateCount} states`);
  for (let t = 0; t < 30; t++) {
    const planted = needles.filter(() => rand() < 0.002);
    const text = `md5=${planted.join(',').toUpperCase()},x${needles[t]!.slice(0, 31)}`;
    const n = ac.collect(text);
    assert.deepEqual(
      [...ac.found.subarray(0, n)].sort((a, b) => a - b),
      bruteForce(needles, text),
    );
    assert.equal(ac.containsAny(text), planted.length > 0);
  }
});

test('16-bit tables: a few thousand needles cost well under 16 bytes per state beyond the dense rows', () => {
  const needles = Array.from(
    { length: 3000 },
    (_, i) => `c:\\windows\\tool-${i}-${(i * 7919).toString(36)}.exe`,
  );
  const ac = new AhoCorasick(needles, { denseCellBudget: 1 << 10 });
  assert.ok(ac.stateCount < 65_536);
  // childStart, childClass (8-bit), fail, matchAt, outStart: 9 bytes a state, plus outputs and the dense rows.
  assert.ok(ac.memoryBytes() < 2 * (1 << 10) + 12 * ac.stateCount + 8 * needles.length + 1024);
  assert.deepEqual(
    ac.findAll('run C:\\Windows\\TOOL-2999-' + (2999 * 7919).toString(36) + '.exe now'),
    [2999],
  );
});

test('automata scanned in turn (one shared stamp array) each report their own needles', () => {
  const small = new AhoCorasick(['ab', 'b']);
  const large = new AhoCorasick(Array.from({ length: 400 }, (_, i) => `k${i}x`).concat(['ab']));
  for (let round = 0; round < 3; round++) {
    assert.deepEqual([...small.found.subarray(0, small.collect('xxabab'))].sort(), [0, 1]);
    assert.deepEqual(
      [...large.found.subarray(0, large.collect('k7x ab k7x k399x'))].sort((a, b) => a - b),
      [7, 399, 400],
    );
    large.beginCollect();
    large.addText('k1x');
    assert.deepEqual([...small.found.subarray(0, small.collect('b'))], [1]);
    large.addText('ab k1x');
    assert.deepEqual(
      [...large.found.subarray(0, large.collected())].sort((a, b) => a - b),
      [1, 400],
    );
  }
});
