// Indicator files read in chunks, attacked: valid JSON written every way the grammar allows must load as a
// whole-file JSON.parse reads it, and hostile layouts must stay bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iocFolder, readIocs as read } from './ioc-files.js';
import { parseStixIndicators, type IocProblem } from '../../src/intel/iocs.js';
import { lcg, pickFrom } from '../helpers/random.js';
import { randomJsonText } from '../helpers/random-json.js';

const { fileWith } = iocFolder('dwell-iocs-hostile-');

/** The problems of a whole-file parse as the chunked reader names them (its file; no line numbers). */
function asRead(problems: readonly IocProblem[], file: string): IocProblem[] {
  return problems.map((p) => ({ ...p, file }));
}

function withoutLines(problems: readonly IocProblem[]): IocProblem[] {
  return problems.map(({ line: _line, ...rest }) => rest);
}

test('a bundle whose "objects" key is written with escapes loads as JSON.parse reads it', () => {
  const indicator = {
    type: 'indicator',
    id: 'indicator--1',
    pattern: "[domain-name:value = 'c2.example.net']",
  };
  const text = `{"type": "bundle", "obj\\u0065cts": [${JSON.stringify(indicator)}]}`;
  const whole = parseStixIndicators(text, 'x');
  assert.deepEqual(
    whole.indicators.map((i) => i.value),
    ['c2.example.net'],
  );
  const path = fileWith(text);
  for (const chunkBytes of [1, 5, 1 << 20]) {
    const got = read(path, { chunkBytes });
    assert.deepEqual(got.indicators, whole.indicators, `chunk ${chunkBytes}`);
    assert.deepEqual(got.problems, [], `chunk ${chunkBytes}`);
  }
});

test('random valid bundles (escapes anywhere, any whitespace, any chunk size) load as JSON.parse reads them', () => {
  const rand = lcg(4242);
  const word = (): string => pickFrom(rand, ['objects', 'indicator', '"', '\\', '}]', 'é☃𝄞', '\n', '']);
  const patterns = [
    (n: number) => `[domain-name:value = 'h${n}.example.org']`,
    (n: number) => `[file:hashes.MD5 = '${'0123456789abcdef'.repeat(2)}'] OR [file:name = 'f${n}.exe']`,
    (n: number) => `[ipv4-addr:value = '10.1.${n % 250}.2']`,
    (n: number) => `[file:hashes.'SHA-256' = 'bad${n}']`,
    (n: number) => `[process:pid = ${n}]`,
  ];
  let indicators = 0;
  for (let round = 0; round < 120; round++) {
    const objects: unknown[] = [];
    for (let n = Math.floor(rand() * 12); n > 0; n--) {
      const r = rand();
      if (r < 0.45)
        objects.push({
          type: 'indicator',
          id: `indicator--${round}-${n}`,
          name: word(),
          pattern: pickFrom(rand, patterns)(n),
          ...(rand() < 0.2 ? { pattern_type: pickFrom(rand, ['stix', 'yara', 5]) } : {}),
        });
      else if (r < 0.6)
        objects.push(pickFrom(rand, [null, 3, 'indicator', true, [], [{ type: 'indicator' }]]));
      else objects.push({ type: pickFrom(rand, ['relationship', 'report']), objects: [word()], x: word() });
    }
    const doc = rand() < 0.8 ? { type: 'bundle', id: word(), objects, spec: { objects: word() } } : objects;
    const text = randomJsonText(rand, doc);
    const whole = parseStixIndicators(text, 'x');
    assert.deepEqual(
      whole.problems.filter((p) => /^not (JSON|a STIX bundle)/.test(p.reason)),
      [],
      `round ${round}`,
    );
    indicators += whole.indicators.length;
    const path = fileWith(text);
    for (const chunkBytes of [1 + Math.floor(rand() * 9), 1 << 20]) {
      const got = read(path, { chunkBytes });
      assert.deepEqual(got.indicators, whole.indicators, `round ${round}, chunk ${chunkBytes}`);
      assert.deepEqual(withoutLines(got.problems), asRead(whole.problems, path), `round ${round}`);
    }
  }
  assert.ok(indicators > 150, `${indicators} indicators`);
});
