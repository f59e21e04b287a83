import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSV_COLUMNS, CsvTimelineWriter, csvCell, csvLine, isoTime } from '../../src/outputs/csv.js';
import { detection } from './csv-fixtures.js';

test('cells starting with = + - @ tab or CR are neutralised; quotes doubled; no line breaks survive', () => {
  assert.equal(csvCell('=1+1'), `"'=1+1"`);
  assert.equal(csvCell('+SUM(A1)'), `"'+SUM(A1)"`);
  assert.equal(csvCell('-2'), `"'-2"`);
  assert.equal(csvCell('@cmd'), `"'@cmd"`);
  assert.equal(csvCell('\tx'), `"'\tx"`);
  assert.equal(csvCell('\rx'), '" ⏎ x"');
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a "b"'), '"a ""b"""');
  assert.equal(csvCell(''), '""');
  for (const s of ['a\nb', 'a\r\nb', 'a\rb', 'a\u2028b', 'a\u0085b', 'x\u0000y']) {
    const cell = csvCell(s);
    assert.ok(!/[\r\n\u2028\u0085\u0000]/.test(cell), JSON.stringify(cell));
  }
});

test('one CRLF line per detection with the documented columns; file starts with a UTF-8 BOM', () => {
  const line = csvLine(detection());
  assert.ok(line.endsWith('\r\n'));
  assert.equal(line.slice(0, -2).includes('\n'), false);
  assert.ok(
    line.startsWith(
      '2024-01-02T03:04:05.678Z,high,"Suspicious, ""quoted"" rule",r-1,credential-access,T1003.001,acme,dc1.corp,Security,4688,42,',
    ),
  );
  assert.ok(line.includes(`Image: =HYPERLINK(""http://x"")`), 'formula inside Details is not at cell start');
  const dir = mkdtempSync(join(tmpdir(), 'dwell-csv-'));
  try {
    const path = join(dir, 't.csv');
    const w = new CsvTimelineWriter(path);
    w.write(detection());
    w.write(detection({ timestamp: NaN, recordId: NaN, tenant: undefined, fields: {} }));
    w.close();
    const text = readFileSync(path, 'utf8');
    assert.ok(text.startsWith('\uFEFF' + CSV_COLUMNS.join(',') + '\r\n'));
    const rows = text.slice(1).split('\r\n');
    assert.equal(rows.length, 4); // header, 2 rows, trailing empty
    assert.equal(rows[3], '');
    assert.ok(rows[2]!.startsWith('"",high,'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bidi controls are shown as visible escapes, so a viewer cannot reorder a cell', () => {
  assert.equal(csvCell('C:\\Users\\Public\\\u202egnp.exe'), 'C:\\Users\\Public\\\\u202egnp.exe');
  assert.equal(csvCell('\u2066=1+1\u2069'), '\\u2066=1+1\\u2069');
  assert.doesNotMatch(
    csvCell('a\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068b'),
    /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
  );
});

test('times outside the Date range are empty cells', () => {
  assert.equal(isoTime(1e16), '');
  assert.equal(isoTime(-1e16), '');
  assert.equal(isoTime(Number.NaN), '');
  assert.equal(isoTime(0), '1970-01-01T00:00:00.000Z');
  assert.doesNotThrow(() => csvLine(detection({ timestamp: 8.64e15 + 1 })));
});
