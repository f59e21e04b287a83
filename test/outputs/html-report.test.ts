import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAttackTable } from '../../src/intel/index.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  escapeHtml,
  jsonForScript,
  renderHtmlReport,
  writeHtmlReport,
} from '../../src/outputs/html-report.js';
import { REPORT_SCRIPT } from '../../src/outputs/report/client-script.js';
import { VALUE_CAP, buildReportPayload, flattenSummary } from '../../src/outputs/report/payload.js';
import { REPORT_CSS } from '../../src/outputs/report/style.js';
import { RULES, detection, scenario } from './html-fixtures.js';

const table = loadAttackTable();
const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>\u2028\u2029&amp;';

test('jsonForScript leaves no character that could end the script element, and round-trips', () => {
  const text = jsonForScript({ v: HOSTILE, lone: '\ud800' });
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(text), { v: HOSTILE, lone: '\ud800' });
  assert.equal(escapeHtml(`<a href="x">'&`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
});

test('the report is one offline file with a strict CSP, and data never appears as markup', () => {
  const { detections, intrusions } = scenario();
  detections.push(detection(RULES.ntds, HOSTILE, 99, HOSTILE, { CommandLine: HOSTILE }));
  const html = renderHtmlReport({ detections, intrusions, title: 'T <b>', summary: { note: HOSTILE } });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  assert.ok(nonce);
  assert.match(csp, /img-src data:/);
  assert.equal(html.match(/<script/g)?.length, 2, 'one data block and one nonce script');
  assert.ok(html.includes(`<script nonce="${nonce}">`));
  assert.ok(!html.includes('<img'), 'no data reaches the markup');
  assert.ok(!html.includes('alert(1)</script>'));
  // Markup (outside the page script, whose only links are ATT&CK pages built from checked ids) loads nothing.
  const markup = html.replace(/<script nonce="[^"]+">[\s\S]*?<\/script>/, '');
  assert.doesNotMatch(markup, /(src|href)\s*=\s*["']?(https?:|\/\/)/i, 'no external resources');
  assert.ok(html.includes('<title>T &#60;b&#62;</title>'));
  // the embedded data holds the values intact
  const json = /<script type="application\/json" id="dwell-data">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
  const data = JSON.parse(json);
  assert.ok(data.rows.some((r: unknown[]) => r[2] === HOSTILE));
  assert.equal(data.intrusions.length, 1);
});

test('the page script parses, never builds HTML from strings, and cannot end its element early', () => {
  assert.doesNotThrow(() => new Function(REPORT_SCRIPT));
  for (const banned of [
    'innerHTML',
    'outerHTML',
    'insertAdjacentHTML',
    'document.write',
    'eval(',
    'new Function',
  ]) {
    assert.ok(!REPORT_SCRIPT.includes(banned), banned);
  }
  assert.ok(!/<\/script/i.test(REPORT_SCRIPT));
  assert.ok(!/<\/style/i.test(REPORT_CSS));
  assert.ok(!/url\(|@import/i.test(REPORT_CSS), 'no external resources from CSS');
});

test('payload: row limit, intrusion detections always kept, values capped, rules shared', () => {
  const { detections, intrusions } = scenario();
  const big = detection(RULES.rdp, 'h', 1, 't', { CommandLine: 'y'.repeat(VALUE_CAP + 500) });
  const payload = buildReportPayload({
    detections: [big, ...detections.slice(5)],
    intrusions,
    table,
    title: 't',
    generated: new Date(0),
    maxRows: 1,
  });
  assert.equal(payload.omitted, 1);
  assert.equal(payload.rows[0][8][0][1].length, VALUE_CAP);
  // the 5 intrusion detections are added although the limit is 1
  assert.equal(payload.rows.length, 6);
  assert.equal(payload.intrusions[0].rows.length, 5);
  assert.equal(new Set(payload.rules.map((r) => r.id)).size, payload.rules.length);
  assert.deepEqual(payload.techniques['T1003.003'], ['NTDS', ['credential-access']]);
  assert.equal(payload.tactics.length, 14);
});

test('payload: a time outside the Date range is embedded as no time (the page would throw on it)', () => {
  const odd = { ...detection(RULES.rdp, 'h', 1), timestamp: 1e16 };
  const payload = buildReportPayload({
    detections: [odd, detection(RULES.rdp, 'h', 2)],
    table,
    title: 't',
    generated: new Date(0),
    maxRows: 10,
  });
  assert.deepEqual(
    payload.rows.map((r) => r[0] === null),
    [true, false],
  );
});

test('payload: detections the hunt left out before the table count as omitted ("showing X of Y")', () => {
  const { detections, intrusions } = scenario();
  const payload = buildReportPayload({
    detections,
    intrusions,
    table,
    title: 't',
    generated: new Date(0),
    maxRows: 100,
    omitted: 12_345,
  });
  assert.equal(payload.rows.length, detections.length);
  assert.equal(payload.omitted, 12_345);
  const html = renderHtmlReport({ detections, intrusions, table, omittedDetections: 7 });
  const json = /<script type="application\/json" id="dwell-data">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
  assert.equal((JSON.parse(json) as { omitted: number }).omitted, 7);
});

test('payload: intrusion detections that are copies (from worker threads) map to the same rows', () => {
  const { detections, intrusions } = scenario();
  const copied = intrusions.map((i) => ({ ...i, detections: structuredClone(i.detections) }));
  const payload = buildReportPayload({
    detections,
    intrusions: copied,
    table,
    title: 't',
    generated: new Date(0),
    maxRows: 1000,
  });
  assert.equal(payload.rows.length, detections.length);
  assert.deepEqual(payload.intrusions[0].rows, [0, 1, 2, 3, 4]);
});

test('flattenSummary lists scalars and flat objects, tolerates anything else', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.deepEqual(flattenSummary({ records: 5, byLevel: { high: 1, low: 2 }, nested: cyclic, skip: null }), [
    ['records', '5'],
    ['byLevel', 'high=1, low=2'],
    ['nested', '[unprintable]'],
  ]);
  assert.deepEqual(
    flattenSummary({
      topRules: [{ id: 'x', title: 'Rule A', level: 'high', hits: 3 }],
      damagedFiles: [{ file: 'a.evtx', reason: 'cut' }],
      tenants: [],
    }),
    [
      ['topRules', 'Rule A (3)'],
      ['damagedFiles', 'a.evtx \u00b7 cut'],
      ['tenants', 'none'],
    ],
  );
  assert.deepEqual(flattenSummary(undefined), []);
  assert.deepEqual(flattenSummary('text'), []);
});

test('property: any string survives the JSON embedding intact and inert', () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  const alphabet = [
    '<',
    '>',
    '&',
    '"',
    "'",
    '/',
    '\\',
    '\u2028',
    '\u2029',
    '\u0000',
    '\ud83d',
    '\ude00',
    'a',
    ' ',
    '\n',
  ];
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const len = next() % 40;
    for (let j = 0; j < len; j++)
      s += next() % 3 ? alphabet[next() % alphabet.length] : String.fromCharCode(next() % 0x10000);
    const text = jsonForScript({ s });
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.equal(JSON.parse(text).s, s);
  }
});

test('writeHtmlReport writes exactly the page renderHtmlReport returns', () => {
  const { detections, intrusions } = scenario();
  const dir = mkdtempSync(join(tmpdir(), 'dwell-report-'));
  try {
    const file = join(dir, 'r.html');
    const generated = new Date(0);
    writeHtmlReport(file, { detections, intrusions, table, generated });
    const written = readFileSync(file, 'utf8');
    const rendered = renderHtmlReport({ detections, intrusions, table, generated });
    // The CSP nonce is random per page: compare with it masked.
    const mask = (html: string) => html.replace(/nonce-[A-Za-z0-9+/=]+|nonce="[^"]+"/g, 'NONCE');
    assert.equal(mask(written), mask(rendered));
    assert.ok(written.endsWith('</html>\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
