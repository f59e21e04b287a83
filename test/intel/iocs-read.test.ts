// Indicator files read in chunks: the same indicators and problems as parsing the whole text, bounded objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { iocFolder, readIocs as read } from './ioc-files.js';
import { loadIocs, parseIocCsv, parseStixIndicators, type IocProblem } from '../../src/intel/iocs.js';
import { parseCsvRows, readCsvRows, type CsvRow, type CsvRowProblem } from '../../src/intel/iocs-parse.js';
import { pickFrom, prng, randomWord } from '../helpers/random.js';

const { dir, fileWith } = iocFolder('dwell-iocs-read-');

const HEX = '0123456789abcdef';
const TRICKY = ['"quoted"', '{brace}', '[bracket]', '}]', '\\', 'é ☃ 𝄞', '\n\t', ':', ',', 'objects'];

/** A bundle of mixed STIX objects with hostile strings; ids first, so `"id"` sits on the line after `{`. */
function randomBundle(seed: number, count: number): object {
  const rand = prng(seed);
  const text = (): string => `${randomWord(rand, 'abc xyz', 0, 8)}${pickFrom(rand, TRICKY)}`;
  const objects: unknown[] = [];
  for (let n = 0; n < count; n++) {
    const r = rand();
    const id = `x--${n}`;
    if (r < 0.35) {
      const k = Math.floor(rand() * 6);
      const pattern =
        k === 0
          ? `[file:hashes.'SHA-256' = '${randomWord(rand, HEX, 64, 64)}']`
          : k === 1
            ? `[domain-name:value = 'c2-${n}.example.net'] OR [file:name = 'x${n}.exe']`
            : k === 2
              ? `[file:hashes.MD5 = 'nothex${n}']`
              : k === 3
                ? `[url:value = 'http://h${n}.test/p?q={a}[b]']`
                : k === 4
                  ? `[process:pid = ${n}]`
                  : `[ipv4-addr:value = '10.0.${n % 250}.1']`;
      objects.push({
        id: `indicator--${n}`,
        type: 'indicator',
        name: text(),
        ...(rand() < 0.5 ? { description: text() } : {}),
        pattern,
        pattern_type: rand() < 0.9 ? 'stix' : 'yara',
        external_references: [null, { url: rand() < 0.5 ? `https://ref/${n}` : 5 }],
      });
    } else if (r < 0.4) objects.push({ id: `indicator--${n}`, type: 'indicator', pattern: [1, [2]] });
    else if (r < 0.45)
      objects.push(pickFrom(rand, [null, 7, 'indicator', true, [], [[{ type: 'indicator' }]]]));
    else if (r < 0.7)
      objects.push({ id, type: 'relationship', description: text(), refs: [[text()], { a: [] }] });
    else
      objects.push({
        id,
        type: pickFrom(rand, ['report', 'malware', 'identity']),
        name: text(),
        x: { y: [text()] },
      });
  }
  return { type: 'bundle', id: 'bundle--1', x_meta: { objects: [{ type: 'indicator' }] }, objects };
}

function withoutLines(problems: readonly IocProblem[]): IocProblem[] {
  return problems.map(({ line: _line, ...rest }) => rest);
}

test('a STIX bundle read in small chunks gives the indicators and problems of parsing it whole', () => {
  for (const seed of [1, 2, 3]) {
    const text = JSON.stringify(randomBundle(seed, 160), null, seed === 3 ? undefined : 2);
    const whole = parseStixIndicators(text, 'b.json');
    assert.ok(
      whole.indicators.length > 25 && whole.problems.length > 5,
      `${whole.indicators.length} ${whole.problems.length}`,
    );
    const path = fileWith(text);
    for (const chunkBytes of [1, 7, 64, 4096, 1 << 20]) {
      const got = read(path, { chunkBytes });
      assert.deepEqual(got.indicators, whole.indicators, `seed ${seed}, chunk ${chunkBytes}`);
      assert.deepEqual(
        withoutLines(got.problems),
        whole.problems.map((p) => ({ ...p, file: path })),
        `seed ${seed}, chunk ${chunkBytes}`,
      );
    }
    // Every problem names the line its object starts on.
    if (seed !== 3) {
      const lines = text.split('\n');
      for (const p of read(path, { chunkBytes: 13 }).problems) {
        assert.ok(p.line !== undefined && p.id !== undefined);
        assert.match(lines[p.line - 1]!, /\{$/);
        assert.ok(lines[p.line]!.includes(`"id": "${p.id}"`), `${p.id} at line ${p.line}`);
      }
    }
  }
});

const SHA = (c: string): string => c.repeat(64);
const ind = (n: number, extra = ''): string =>
  `{"type": "indicator", "id": "indicator--${n}", "pattern": "[file:hashes.'SHA-256' = '${SHA(HEX[n]!)}']"${extra}}`;

test('a broken object in the middle is reported by line and the objects after it still load', () => {
  const text = [
    '{"type": "bundle", "objects": [',
    `  ${ind(1)},`,
    '  {"type": "indicator", "pattern": oops},',
    `  ${ind(2)},`,
    `  {"type": "indicator", "name": "x", "refs": [1, 2,]},`,
    // Objects that cannot be indicators are skipped unparsed: this one's breakage goes unnoticed.
    `  {"type": "malware", "refs": [1, 2,]},`,
    `  ${ind(3)}`,
    ']}',
  ].join('\n');
  for (const chunkBytes of [5, 1 << 20]) {
    const got = read(fileWith(text), { chunkBytes });
    assert.deepEqual(
      got.indicators.map((i) => i.value),
      [SHA('1'), SHA('2'), SHA('3')],
    );
    assert.deepEqual(
      got.problems.map((p) => [p.line, p.reason.replace(/:.*/, '')]),
      [
        [3, 'not JSON'],
        [5, 'not JSON'],
      ],
    );
  }
  // A file cut short keeps what came before the cut.
  const cut = read(fileWith(text.slice(0, text.indexOf('indicator--3'))), { chunkBytes: 9 });
  assert.deepEqual(cut.indicators.length, 2);
  assert.deepEqual(
    cut.problems.map((p) => [p.line, p.reason]),
    [
      [3, cut.problems[0]!.reason],
      [5, cut.problems[1]!.reason],
      [7, 'input ends inside a value (file cut short?)'],
    ],
  );
});

test('an object over the size bound is reported and skipped; the bound holds for any chunk size', () => {
  const big = ind(5, `, "description": "${'x'.repeat(2000)}"`);
  const text = `{"type": "bundle", "objects": [\n${ind(1)},\n${big},\n${ind(2)}\n]}`;
  for (const chunkBytes of [1, 64, 1 << 20]) {
    const got = read(fileWith(text), { chunkBytes, maxObjectBytes: 1000 });
    assert.deepEqual(
      got.indicators.map((i) => i.value),
      [SHA('1'), SHA('2')],
    );
    assert.deepEqual(got.problems, [
      { file: got.problems[0]?.file, line: 3, reason: 'value larger than 1000 bytes skipped' },
    ]);
  }
});

test('lone indicators, arrays of objects, JSON Lines and a byte-order mark are read; other objects reported', () => {
  const cases: [string | Buffer, string[], string[]][] = [
    [ind(1), [SHA('1')], []],
    [`[${ind(1)}, null, 3, "x", [], ${ind(2)}]`, [SHA('1'), SHA('2')], []],
    [`${ind(1)}\n${ind(2)}\n`, [SHA('1'), SHA('2')], []],
    [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{"objects": [${ind(3)}]}`)]),
      [SHA('3')],
      [],
    ],
    ['{"type": "bundle", "objects": 5}', [], ['not a STIX bundle: no "objects" array']],
    ['{"foo": "objects", "x": ["objects"], "objects" : \n [' + ind(4) + ']}', [SHA('4')], []],
    [`{"objects": [${ind(1)}], "objects2": [${ind(2)}]}`, [SHA('1')], []],
    ['[]', [], []],
    // The type spelled through an escape is still an indicator (the unparsed skip must not miss it).
    [`{"objects": [{"type": "\\u0069ndicator", "pattern": "[file:name = 'e.exe']"}]}`, ['e.exe'], []],
  ];
  for (const [content, values, reasons] of cases) {
    for (const chunkBytes of [2, 1 << 20]) {
      const got = read(fileWith(content), { chunkBytes });
      const label = String(content).slice(0, 60);
      assert.deepEqual(
        got.indicators.map((i) => i.value),
        values,
        label,
      );
      assert.deepEqual(
        got.problems.map((p) => p.reason),
        reasons,
        label,
      );
    }
  }
});

test('a CSV list behind one or two byte-order marks reads its header', () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const csv = Buffer.from(`type,value\nmd5,${'c'.repeat(32)}\n`);
  for (const content of [csv, Buffer.concat([bom, csv]), Buffer.concat([bom, bom, csv])]) {
    const got = read(fileWith(content, 'csv'), { chunkBytes: 2 });
    assert.deepEqual(got, parseIocCsv(content.toString('utf8').replace(/^\uFEFF/, ''), 'x'));
    assert.deepEqual(got.problems, []);
    assert.deepEqual(
      got.indicators.map((i) => i.value),
      ['c'.repeat(32)],
    );
  }
});

test('problems are kept up to the cap per file and the rest counted', () => {
  const rows = Array.from({ length: 10 }, (_, i) => `md5,bad${i}`).join('\n');
  const path = fileWith(`${rows}\nmd5,${'a'.repeat(32)}\n`, 'csv');
  const set = loadIocs([path], { maxProblems: 3 });
  assert.equal(set.size, 1);
  assert.deepEqual(
    set.problems.map((p) => p.line ?? p.reason),
    [1, 2, 3, '7 more problems in this file not listed'],
  );
});

test('unreadable paths are problems naming the file', () => {
  const sub = join(dir, 'a-folder');
  mkdirSync(sub);
  const set = loadIocs([sub, join(dir, 'missing.csv')]);
  assert.equal(set.size, 0);
  assert.deepEqual(
    set.problems.map((p) => [p.file, p.reason.replace(/:.*/, '')]),
    [
      [sub, 'cannot read'],
      [join(dir, 'missing.csv'), 'cannot read'],
    ],
  );
});

test(
  'a pipe is read too (it cannot seek: read whole, as before)',
  { skip: process.platform === 'win32' },
  async () => {
    for (const [content, ext] of [
      [`md5,"open\nmd5,${'a'.repeat(32)}\n`, 'csv'],
      [`{"objects": [${ind(1)}]}`, 'json'],
    ] as const) {
      const source = fileWith(content, ext);
      const fifo = `${source}.pipe`;
      if (spawnSync('mkfifo', [fifo]).status !== 0) return;
      const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', source, fifo]);
      const done = new Promise((resolve) => writer.on('exit', resolve));
      const got = read(fifo, { chunkBytes: 5 });
      await done;
      const fromFile = read(source, { chunkBytes: 5 });
      assert.deepEqual(got.indicators, fromFile.indicators);
      assert.deepEqual(
        got.problems,
        fromFile.problems.map((p) => ({ ...p, file: fifo })),
      );
      assert.equal(got.indicators.length, 1);
    }
  },
);

/**
 * CSV text with quoted fields over lines, doubled quotes, CRLF and multi-byte characters; on even seeds a
 * quote opened halfway never closes (no quote follows it), so the rows after it are read in a second pass;
 * lines end in CRLF on seeds divisible by 3.
 */
function randomCsv(seed: number, rows: number): string {
  const rand = prng(seed);
  const cell = (quotes: boolean): string => {
    const r = rand();
    if (r < 0.3) return `${randomWord(rand, 'ab, é☃', 0, 6)}𝄞`;
    if (r < 0.6 && quotes) return `"${randomWord(rand, 'a,\n"\r', 0, 6).replace(/"/g, '""')}"`;
    if (r < 0.7 && quotes) return `x"${randomWord(rand, 'ab"', 0, 3)}`;
    return pickFrom(rand, ['md5', 'domain', 'c2.example.com', `${'f'.repeat(32)}`, '#note', '']);
  };
  const open = seed % 2 === 0;
  const lines: string[] = ['type,value,description,source'];
  for (let i = 0; i < rows; i++) {
    const quotes = !open || i < rows / 2;
    lines.push(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => cell(quotes)).join(','));
    if (open && i === Math.floor(rows / 2)) lines.push('md5,"open');
  }
  return lines.join(seed % 3 === 0 ? '\r\n' : '\n');
}

test('a CSV file read in small chunks gives the rows and problems of parsing it whole', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const text = randomCsv(seed, 80);
    const whole = parseIocCsv(text, 'f.csv');
    const rows = parseCsvRows(text);
    assert.ok(
      rows.rows.some((r) => r.fields.some((f) => f.includes('\n'))),
      'quoted newlines present',
    );
    if (seed % 2 === 0) assert.ok(rows.problems.length > 0, 'an open quote present');
    const path = fileWith(text, 'csv');
    for (const chunkBytes of [1, 2, 3, 5, 17, 1 << 20]) {
      const got = read(path, { chunkBytes });
      assert.deepEqual(got.indicators, whole.indicators, `seed ${seed}, chunk ${chunkBytes}`);
      assert.deepEqual(
        got.problems,
        whole.problems.map((p) => ({ ...p, file: path })),
        `seed ${seed}, chunk ${chunkBytes}`,
      );
    }
    // The row splitter itself, fed in pieces of any size.
    for (const size of [1, 2, 7]) {
      const pieces: CsvRow[] = [];
      const problems: CsvRowProblem[] = [];
      readCsvRows(
        (emit) => {
          for (let i = 0; i < text.length; i += size) emit(text.slice(i, i + size));
        },
        (r) => pieces.push(r),
        (p) => problems.push(p),
      );
      assert.deepEqual({ rows: pieces, problems }, rows, `seed ${seed}, piece ${size}`);
    }
  }
});

test('a CSV row longer than the bound is reported and skipped, even inside an open quote', () => {
  const text = `md5,${'a'.repeat(32)}\nmd5,"${'x\n'.repeat(300)}",desc\nmd5,${'b'.repeat(32)}\n`;
  for (const chunkBytes of [7, 1 << 20]) {
    const got = read(fileWith(text, 'csv'), { chunkBytes, maxRowChars: 100 });
    assert.deepEqual(
      got.indicators.map((i) => i.value),
      ['a'.repeat(32), 'b'.repeat(32)],
    );
    assert.deepEqual(
      got.problems.map((p) => [p.line, p.reason]),
      [[2, 'row longer than 100 characters: the row is skipped']],
    );
  }
});

test('fuzz: mutated bundles and CSV lists never throw and read the same whatever the chunk size', () => {
  const rand = prng(2026);
  const bundle = Buffer.from(JSON.stringify(randomBundle(5, 40), null, 2));
  const csv = Buffer.from(randomCsv(6, 40));
  const specials = Buffer.from('{}[]",:\\\n\r u0123456789abcdef');
  let broken = 0;
  for (let round = 0; round < 60; round++) {
    const base = round % 2 === 0 ? bundle : csv;
    const bytes = Buffer.from(base);
    for (let m = 0; m < 1 + Math.floor(rand() * 8); m++) {
      const at = Math.floor(rand() * bytes.length);
      bytes[at] = rand() < 0.8 ? specials[Math.floor(rand() * specials.length)]! : Math.floor(rand() * 256);
    }
    const path = fileWith(bytes, round % 2 === 0 ? 'json' : 'csv');
    const reference = read(path, { chunkBytes: 1 << 20 });
    if (
      reference.problems.some((p) =>
        /not JSON|between values|ends inside|unterminated|line break/.test(p.reason),
      )
    )
      broken++;
    for (const chunkBytes of [1, 3, 64]) {
      assert.deepEqual(read(path, { chunkBytes }), reference, `round ${round}, chunk ${chunkBytes}`);
    }
  }
  assert.ok(broken > 15, `${broken} rounds broke the file's structure`);
});
