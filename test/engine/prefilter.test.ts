// Prefilter: never drops a rule that can match (checked against brute force), and drops rules that cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AhoCorasick,
  KEYWORD_FIELD,
  KEYWORD_SEPARATOR,
  Prefilter,
  PREFIX_MIN_LENGTH,
  shortenNeedles,
  needlePrefixes,
  type PrefilterEntry,
  type PrefilterNeedle,
} from '../../src/engine/prefilter/index.js';
import { lcg, randomWord } from '../helpers/random.js';

type Mode = 'lower' | 'raw' | 'array';

/** Field text as an engine would hand it over: lower-cased, as written, or (keywords) a list of values. */
function lookup(values: Record<string, string>, mode: Mode = 'lower') {
  return (field: string): string | string[] | undefined => {
    if (field === KEYWORD_FIELD) {
      const all = Object.values(values);
      if (mode === 'array') return all;
      const joined = all.join(KEYWORD_SEPARATOR);
      return mode === 'raw' ? joined : joined.toLowerCase();
    }
    const v = values[field];
    return v === undefined ? undefined : mode === 'lower' ? v.toLowerCase() : v;
  };
}

test('keeps rules whose needles occur and drops the rest', () => {
  const pf = new Prefilter([
    { rule: 0, alternatives: [[{ field: 'Image', needle: '\\mimikatz.exe' }]] },
    {
      rule: 1,
      alternatives: [
        [
          { field: 'CommandLine', needle: 'sekurlsa' },
          { field: 'CommandLine', needle: 'logonpasswords' },
        ],
      ],
    },
    { rule: 2, alternatives: undefined },
    {
      rule: 3,
      alternatives: [
        [{ field: 'Image', needle: 'psexec' }],
        [{ field: 'CommandLine', needle: 'accepteula' }],
      ],
    },
    { rule: 4, alternatives: [] },
  ]);
  const c1 = pf.candidates(
    lookup({ Image: 'C:\\Tools\\Mimikatz.exe', CommandLine: 'mimikatz sekurlsa::minidump' }),
  );
  assert.deepEqual([...c1.rules], [0, 2]);
  assert.ok(c1.has(0) && c1.has(2) && !c1.has(1) && !c1.has(3) && !c1.has(4));
  const c2 = pf.candidates(lookup({ Image: 'x.exe', CommandLine: 'sekurlsa::logonpasswords /accepteula' }));
  assert.deepEqual([...c2.rules], [1, 2, 3]);
  assert.equal(c2.count, 3);
  // A missing field contributes no needles.
  const c3 = pf.candidates(lookup({}));
  assert.deepEqual([...c3.rules], [2]);
  assert.deepEqual(pf.alwaysRules, [2]);
});

test('needles in different fields do not stand in for each other', () => {
  const pf = new Prefilter([{ rule: 0, alternatives: [[{ field: 'ParentImage', needle: 'winword' }]] }]);
  assert.equal(pf.candidates(lookup({ Image: 'winword.exe' })).count, 0);
  assert.equal(pf.candidates(lookup({ ParentImage: 'WINWORD.EXE' })).count, 1);
});

test('keyword needles scan every value of the record', () => {
  const pf = new Prefilter([
    { rule: 5, alternatives: [[{ field: KEYWORD_FIELD, needle: 'Invoke-Mimikatz' }]] },
  ]);
  assert.deepEqual([...pf.candidates(lookup({ A: 'x', B: 'powershell invoke-mimikatz' })).rules], [5]);
  assert.deepEqual([...pf.candidates(lookup({ A: 'x', B: 'y' })).rules], []);
  assert.deepEqual(pf.fields, [KEYWORD_FIELD]);
});

test('the same needle counts once per alternative even when repeated', () => {
  const pf = new Prefilter([
    {
      rule: 0,
      alternatives: [
        [
          { field: 'F', needle: 'ab' },
          { field: 'F', needle: 'AB' },
          { field: 'F', needle: 'cd' },
        ],
      ],
    },
  ]);
  assert.equal(pf.candidates(lookup({ F: 'ab ab ab' })).count, 0);
  assert.equal(pf.candidates(lookup({ F: 'xabcdx' })).count, 1);
});

test('results do not leak between records', () => {
  const pf = new Prefilter([{ rule: 0, alternatives: [[{ field: 'F', needle: 'evil' }]] }]);
  assert.equal(pf.candidates(lookup({ F: 'evil' })).count, 1);
  assert.equal(pf.candidates(lookup({ F: 'good' })).count, 0);
  assert.equal(pf.candidates(lookup({ F: 'good' })).has(0), false);
});

test('rejects bad rule numbers', () => {
  assert.throws(() => new Prefilter([{ rule: -1, alternatives: undefined }]), RangeError);
});

test('property: equals brute force on random rules and records (never drops a possible match)', () => {
  const rand = lcg(42);
  const fields = ['Image', 'CommandLine', 'User', KEYWORD_FIELD];
  const alphabet = 'abcdeXY\\.-';
  const word = (min: number, max: number) => randomWord(rand, alphabet, min, max);
  for (let round = 0; round < 30; round++) {
    const entries: PrefilterEntry[] = [];
    const ruleCount = 1 + Math.floor(rand() * 60);
    for (let rule = 0; rule < ruleCount; rule++) {
      if (rand() < 0.1) {
        entries.push({ rule, alternatives: undefined });
        continue;
      }
      const alternatives: PrefilterNeedle[][] = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
        Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({
          field: fields[Math.floor(rand() * fields.length)],
          needle: word(1, 3),
        })),
      );
      entries.push({ rule, alternatives });
    }
    const pf = new Prefilter(entries);
    for (let rec = 0; rec < 40; rec++) {
      const values: Record<string, string> = {};
      for (const f of fields.slice(0, 3)) if (rand() < 0.8) values[f] = word(0, 30);
      const lowerLookup = lookup(values);
      const lower = (f: string) => lowerLookup(f) as string | undefined;
      const expected = entries
        .filter(
          (e) =>
            e.alternatives === undefined ||
            e.alternatives.some((alt) =>
              alt.every(
                ({ field, needle }) =>
                  (lower(field) ?? '\u0001').includes(needle.toLowerCase()) && lower(field) !== undefined,
              ),
            ),
        )
        .map((e) => e.rule);
      for (const mode of ['lower', 'raw', 'array'] as const) {
        const got = pf.candidates(lookup(values, mode));
        assert.deepEqual([...got.rules], expected, JSON.stringify({ values, round, rec, mode }));
        for (let r = 0; r < ruleCount; r++) assert.equal(got.has(r), expected.includes(r));
      }
    }
  }
});

test('prefilters given one automata cache build a field needle list once and still answer for their own rules', () => {
  const automata = new Map<string, AhoCorasick>();
  const shared = [{ field: 'CommandLine', needle: 'mimikatz' }];
  const a = new Prefilter(
    [
      { rule: 0, alternatives: [shared] },
      { rule: 1, alternatives: [[{ field: 'Image', needle: 'cmd.exe' }]] },
    ],
    { automata },
  );
  const b = new Prefilter(
    [
      { rule: 0, alternatives: undefined },
      { rule: 1, alternatives: [shared] },
    ],
    {
      automata,
    },
  );
  assert.equal(automata.size, 0); // built on first use
  const rec: Record<string, string> = { CommandLine: 'x MIMIKATZ y', Image: 'c:\\x.exe' };
  assert.deepEqual([...a.candidates((f) => rec[f]).rules], [0]);
  assert.deepEqual([...b.candidates((f) => rec[f]).rules], [0, 1]);
  assert.equal(automata.size, 2); // CommandLine once, Image once
  rec.CommandLine = 'benign';
  assert.deepEqual([...a.candidates((f) => rec[f]).rules], []);
  assert.deepEqual([...b.candidates((f) => rec[f]).rules], [0]);
});

test('a field no record has never gets its automaton built', () => {
  const automata = new Map<string, AhoCorasick>();
  const p = new Prefilter(
    [
      { rule: 0, alternatives: [[{ field: 'CommandLine', needle: 'mimikatz' }]] },
      { rule: 1, alternatives: [[{ field: 'ServiceFileName', needle: 'psexesvc' }]] },
    ],
    { automata },
  );
  const rec: Record<string, string> = { CommandLine: 'mimikatz.exe' };
  assert.deepEqual([...p.candidates((f) => rec[f]).rules], [0]);
  assert.deepEqual(
    [...automata.keys()].map((k) => JSON.parse(k) as string[]),
    [['mimikatz']],
  );
  rec.ServiceFileName = 'C:\\Windows\\PSEXESVC.exe';
  assert.deepEqual([...p.candidates((f) => rec[f]).rules], [0, 1]);
  assert.equal(automata.size, 2);
});

test('shortenNeedles: long needles become their shortest prefix (>= the minimum) that no other needle shares', () => {
  const m = shortenNeedles(
    ['md5=0123456789abcdef', 'md5=0123fff', 'short', 'c:\\windows\\system32\\a.exe'],
    6,
  );
  assert.equal(m.get('md5=0123456789abcdef'), 'md5=01234');
  assert.equal(m.get('md5=0123fff'), 'md5=0123f');
  assert.equal(m.get('short'), 'short');
  assert.equal(m.get('c:\\windows\\system32\\a.exe'), 'c:\\win');
  // A needle that is a prefix of another stays whole; the longer one keeps one more character.
  const n = shortenNeedles(['abcdefgh', 'abcdefghij'], 4);
  assert.equal(n.get('abcdefgh'), 'abcdefgh');
  assert.equal(n.get('abcdefghij'), 'abcdefghi');
  const defaults = shortenNeedles(['x'.repeat(40)]);
  assert.equal(defaults.get('x'.repeat(40))!.length, PREFIX_MIN_LENGTH);
});

test('property: with shortened needles the prefilter never drops a rule that whole needles (or brute force) keep', () => {
  const rand = lcg(1234);
  const fields = ['Hashes', 'CommandLine', KEYWORD_FIELD];
  const alphabet = 'abcAB01\\.';
  const word = (min: number, max: number) => randomWord(rand, alphabet, min, max);
  let dropped = 0; // rules the exact set keeps minus rules the shortened one keeps
  for (let round = 0; round < 40; round++) {
    const pool = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => word(1, 12));
    const entries: PrefilterEntry[] = [];
    const ruleCount = 1 + Math.floor(rand() * 40);
    for (let rule = 0; rule < ruleCount; rule++) {
      const alternatives: PrefilterNeedle[][] = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
        Array.from({ length: 1 + Math.floor(rand() * 2) }, () => ({
          field: fields[Math.floor(rand() * fields.length)]!,
          needle: pool[Math.floor(rand() * pool.length)]!,
        })),
      );
      entries.push({ rule, alternatives });
    }
    const whole = new Prefilter(entries, { prefixLength: Infinity });
    const short = new Prefilter(entries, { prefixLength: 1 + Math.floor(rand() * 4) });
    for (let rec = 0; rec < 50; rec++) {
      const values: Record<string, string> = {};
      for (const f of fields.slice(0, 2)) {
        if (rand() < 0.9) {
          // Often plant a pool needle (or a cut-off piece of one) so both outcomes occur.
          const planted = pool[Math.floor(rand() * pool.length)]!;
          const piece = rand() < 0.5 ? planted : planted.slice(0, 1 + Math.floor(rand() * planted.length));
          values[f] = word(0, 8) + (rand() < 0.7 ? piece.toUpperCase() : '') + word(0, 8);
        }
      }
      const lower = (f: string): string | undefined => lookup(values)(f) as string | undefined;
      const brute = entries
        .filter((e) =>
          e.alternatives!.some((alt) =>
            alt.every(({ field, needle }) => lower(field)?.includes(needle.toLowerCase())),
          ),
        )
        .map((e) => e.rule);
      const exact = [...whole.candidates(lookup(values, 'raw')).rules];
      assert.deepEqual(exact, brute);
      const kept = new Set(short.candidates(lookup(values, 'array')).rules);
      for (const r of brute) assert.ok(kept.has(r), JSON.stringify({ round, rec, values, rule: entries[r] }));
      dropped += brute.length - kept.size;
    }
  }
  // Shortening only ever adds candidates (a found prefix whose whole needle is absent): the sample has some.
  assert.ok(dropped < 0, `${dropped}`);
});

test('prefixes computed once over many rules serve every prefilter; a needle they lack is looked for whole', () => {
  const hashA = 'md5=' + 'a'.repeat(32);
  const hashB = 'md5=' + 'a'.repeat(20) + 'b'.repeat(12);
  const rules = [[[{ field: 'Hashes', needle: hashA }]], [[{ field: 'Hashes', needle: hashB }]]];
  const prefixes = needlePrefixes(rules, 8);
  // The two share 24 characters: each is cut just past them, and they stay apart.
  assert.equal(prefixes.get('Hashes')!.get(hashA), hashA.slice(0, 25));
  assert.equal(prefixes.get('Hashes')!.get(hashB), hashB.slice(0, 25));
  const pf = new Prefilter(
    [
      { rule: 0, alternatives: rules[0] },
      { rule: 1, alternatives: [[{ field: 'Hashes', needle: 'sha1=' + 'c'.repeat(40) }]] },
    ],
    { prefixes },
  );
  assert.deepEqual(
    [...pf.candidates((f) => (f === 'Hashes' ? `x,${hashA.toUpperCase()},y` : undefined)).rules],
    [0],
  );
  // Rule 1's needle is not in the prefixes: only the whole needle keeps it.
  assert.deepEqual([...pf.candidates(() => 'sha1=' + 'c'.repeat(39)).rules], []);
  assert.deepEqual([...pf.candidates(() => 'sha1=' + 'c'.repeat(40)).rules], [1]);
});
