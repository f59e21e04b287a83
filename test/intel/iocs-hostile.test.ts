// Hostile indicator files: CSV quoting that never closes, long STIX patterns, values of the wrong JSON type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvRows, parseIocCsv, parseStixIndicators } from '../../src/intel/iocs-parse.js';
import { stixPatternComparisons } from '../../src/intel/stix-pattern.js';
import { buildIocSet } from '../../src/intel/iocs.js';
import { ObjectRecord } from '../../src/event/object-record.js';

function recordWith(commandLine: string): ObjectRecord {
  return new ObjectRecord(
    {
      Event: {
        System: {
          EventID: 1,
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          Computer: 'ws01',
          TimeCreated: { '#attributes': { SystemTime: '2020-05-01T10:00:00.000Z' } },
        },
        EventData: { CommandLine: commandLine },
      },
    },
    { file: 'sysmon.evtx' },
  );
}

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

test('an unterminated quoted field is reported by line and the rows after it are still read', () => {
  const parsed = parseIocCsv(`md5,"abc\nmd5,${MD5}\nfile_name,evil.exe\n`, 'feed.csv');
  assert.deepEqual(parsed.problems, [
    { file: 'feed.csv', line: 1, reason: 'unterminated quoted field: the row is skipped' },
  ]);
  assert.deepEqual(
    parsed.indicators.map((i) => i.value),
    [MD5, 'evil.exe'],
  );
});

test('quotes pair across lines as in RFC 4180; only the quote left open at the end is reported', () => {
  const { rows, problems } = parseCsvRows('a,"x\nb,"y\nc,"ok"\nd,"z\ne,f');
  assert.deepEqual(rows, [
    { line: 1, fields: ['a', 'x\nb,y'] },
    { line: 3, fields: ['c', 'ok'] },
    { line: 5, fields: ['e', 'f'] },
  ]);
  assert.deepEqual(problems, [{ line: 4, reason: 'unterminated quoted field: the row is skipped' }]);
});

test('a quote inside a field is text, quoted fields still span lines', () => {
  const { rows, problems } = parseCsvRows(`file_name,evil.exe,5" floppy,src\nmd5,${MD5},"two\nlines"\n`);
  assert.deepEqual(problems, []);
  assert.deepEqual(rows, [
    { line: 1, fields: ['file_name', 'evil.exe', '5" floppy', 'src'] },
    { line: 2, fields: ['md5', MD5, 'two\nlines'] },
  ]);
});

test(
  'STIX patterns: comparisons are read once, and long hostile patterns finish',
  { timeout: 30_000 },
  () => {
    assert.deepEqual(stixPatternComparisons(`[file:hashes.'SHA-256' = 'ab\\'c' OR file:name='x.exe']`), [
      { objectType: 'file', path: "hashes.'SHA-256'", value: "ab'c" },
      { objectType: 'file', path: 'name', value: 'x.exe' },
    ]);
    // Text inside a string and `!=` are not comparisons.
    assert.deepEqual(
      stixPatternComparisons(`[file:name MATCHES 'file:name = \\'y\\'' AND url:value != 'z']`),
      [],
    );
    // Quadratic under the former regex (each start position re-read the rest): ~1 hour at these sizes.
    const n = 2_000_000;
    assert.deepEqual(stixPatternComparisons('a'.repeat(n)), []);
    assert.deepEqual(stixPatternComparisons(`[file:name = '${'b'.repeat(n)}`), []);
    assert.deepEqual(stixPatternComparisons(`[file:${'x.'.repeat(n / 2)}'`), []);
  },
);

test('STIX values of the wrong type become problems, not exceptions', () => {
  const deep = '['.repeat(50_000) + ']'.repeat(50_000);
  const text =
    `{"objects":[null,1,"x",[],{"type":"indicator","pattern_type":${deep},"pattern":"x","id":"indicator--1"},` +
    `{"type":"indicator","pattern_type":{"toString":1},"pattern":"x","id":"indicator--2"},` +
    `{"type":"indicator","pattern":5,"id":7},` +
    `{"type":"indicator","pattern":"[file:name = 'a.exe']","external_references":[null,5,{"url":{}}],"name":{}}]}`;
  const parsed = parseStixIndicators(text, 'feed.json');
  assert.deepEqual(parsed.problems, [
    { file: 'feed.json', id: 'indicator--1', reason: 'pattern_type array is not supported' },
    { file: 'feed.json', id: 'indicator--2', reason: 'pattern_type object is not supported' },
    { file: 'feed.json', id: undefined, reason: 'indicator without a pattern' },
  ]);
  assert.deepEqual(parsed.indicators, [{ type: 'file_name', value: 'a.exe' }]);
});

test('domains deep inside many-label host names are found (lookups start at the longest indicator)', () => {
  const set = buildIocSet([
    { type: 'domain', value: 'evil.example.com' },
    { type: 'domain', value: 'c2.net' },
  ]);
  const hitsFor = (text: string): string[] =>
    set.match(recordWith(text)).map((d) => d.fields?.IocValue ?? '');
  assert.deepEqual(hitsFor(`x ${'a.'.repeat(100)}evil.example.com y`), ['evil.example.com']);
  assert.deepEqual(hitsFor(`${'a.'.repeat(120)}c2.net`), ['c2.net']);
  assert.deepEqual(hitsFor('evil.example.com'), ['evil.example.com']);
  assert.deepEqual(hitsFor('www.evil.example.com.au notevil.example.com c2.net.evil'), []);
  assert.deepEqual(hitsFor(`${'a.'.repeat(130)}c2.net`), [], 'tokens over 253 characters are not host names');
});
