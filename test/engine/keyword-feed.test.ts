// The keyword feed: the prefilter's keyword texts straight from an EVTX record's buffer must cover every value
// fields() yields (superset), skip non-string values only when no needle can occur in them, and decline
// non-EVTX records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { feedField, feedKeywords } from '../../src/engine/keyword-feed.js';
import { AhoCorasick, NON_STRING_VALUE_CHARS, type KeywordSink } from '../../src/engine/prefilter/index.js';
import { ObjectRecord } from '../../src/event/object-record.js';
import { fieldText, type EventRecord } from '../../src/event/types.js';
import { parseEvtxBuffer, readEvtxFile, type EvtxRecord } from '../../src/evtx/index.js';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { corpusPath, corpusSkip } from '../helpers/corpus.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';

const SPEC: EventSpec = {
  provider: 'Microsoft-Windows-Sysmon',
  eventId: 1,
  channel: 'Microsoft-Windows-Sysmon/Operational',
  computer: 'WS01.corp.example',
  time: Date.UTC(2024, 4, 1, 12, 0, 0),
  userSid: 'S-1-5-18',
  data: [
    ['Image', 'C:\\Tools\\MIMIKATZ.exe'],
    ['CommandLine', 'mimikatz "sekurlsa::logonpasswords" Grüße ÉCOLE'],
    ['ProcessId', 4242],
    ['LogonGuid', { type: 'guid', value: '{12345678-ABCD-4EF0-9123-456789ABCDEF}' }],
    ['Hashes', { type: 'array', itemType: 'string', value: ['MD5=AA', 'SHA1=BB'] }],
    ['Flags', { type: 'hex64', value: 0x8020000000000000n }],
    ['Empty', ''],
  ],
};

function record(spec: EventSpec = SPEC): EventRecord {
  const records = [...parseEvtxBuffer(writeEvtx([spec]), 'feed.evtx')];
  assert.equal(records.length, 1);
  return records[0]!;
}

/** The texts a feed hands over (UTF-16 spans decoded), and whether it accepted the record. */
function fed(r: EventRecord, nonStringValues: boolean): { ok: boolean; texts: string[] } {
  const texts: string[] = [];
  const sink: KeywordSink = {
    nonStringValues,
    text: (s) => texts.push(s),
    utf16: (buf, start, end) => texts.push(buf.toString('utf16le', start, end - ((end - start) & 1))),
  };
  return { ok: feedKeywords(r, sink), texts };
}

test('every value fields() yields is handed to the sink when non-string values matter', () => {
  const r = record();
  const { ok, texts } = fed(r, true);
  assert.equal(ok, true);
  const values = [...r.fields()].map(([, v]) => fieldText(v)).filter((t) => t !== undefined && t !== '');
  assert.ok(values.length >= 15, `${values.length} values`);
  for (const v of values)
    assert.ok(
      texts.some((t) => t.includes(v!)),
      `value ${JSON.stringify(v)} not fed`,
    );
  // Arrays arrive as fields() joins them, so a needle spanning two items is found as before.
  assert.ok(texts.includes('MD5=AA, SHA1=BB'));
});

test('non-string values are left out only when the sink says no needle can occur in them', () => {
  const r = record();
  const { texts } = fed(r, false);
  const values = [...r.fields()].map(([, v]) => v);
  for (const v of values) {
    const t = fieldText(v);
    if (typeof v === 'string' || t === undefined || t === '') continue;
    if (Array.isArray(v)) continue; // string arrays stay
    assert.ok(!texts.includes(t), `non-string value ${t} was fed`);
    // ...and such a value's text is made of NON_STRING_VALUE_CHARS only, which is what makes leaving it out sound.
    for (const c of t.toLowerCase()) assert.ok(NON_STRING_VALUE_CHARS.includes(c), `${t}: '${c}'`);
  }
  assert.ok(texts.some((t) => t.includes('sekurlsa::logonpasswords')));
});

test('the feed declines records that are not EVTX records', () => {
  const r = new ObjectRecord({ EventID: 1, Channel: 'x', CommandLine: 'sekurlsa::' }, { file: 'x.json' });
  assert.deepEqual(fed(r, true), { ok: false, texts: [] });
});

test('an automaton fed by the record finds what collectAll finds on the decoded values', () => {
  const r = record();
  const needles = [
    'sekurlsa::',
    'mimikatz.exe',
    'grüße',
    'école',
    's-1-5-18',
    '4242',
    'md5=aa, sha1',
    'absent',
  ];
  const ac = new AhoCorasick(needles);
  const values = [...r.fields()].map(([, v]) => fieldText(v)).filter((t): t is string => !!t);
  const want = [...ac.found.subarray(0, ac.collectAll(values))].sort();
  ac.beginCollect();
  const sink: KeywordSink = {
    nonStringValues: true,
    text: (s) => ac.addText(s),
    utf16: (buf, start, end) => ac.addUtf16(buf, start, end),
  };
  assert.equal(feedKeywords(r, sink), true);
  const got = [...ac.found.subarray(0, ac.collected())].sort();
  assert.deepEqual(got, want);
  assert.equal(want.length, needles.length - 1);
});

test('feedField hands over exactly the string get() decodes, and declines everything else', () => {
  const r = record();
  const spans: string[] = [];
  const sink: KeywordSink = {
    nonStringValues: true,
    text: () => assert.fail('feedField hands bytes only'),
    utf16: (buf, start, end) => spans.push(buf.toString('utf16le', start, end - ((end - start) & 1))),
  };
  for (const field of ['Image', 'CommandLine', 'Empty']) {
    spans.length = 0;
    assert.equal(feedField(r, field, sink), true, field);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.replace(/\u0000+$/, ''), r.get(field), field);
  }
  // Not plain strings of the record's template, or absent: the prefilter asks get() instead.
  for (const field of ['ProcessId', 'LogonGuid', 'Hashes', 'Flags', 'NoSuchField']) {
    spans.length = 0;
    assert.equal(feedField(r, field, sink), false, field);
    assert.equal(spans.length, 0);
  }
  const plain = new ObjectRecord({ Image: 'x.exe' }, { file: 'x.json' });
  assert.equal(feedField(plain, 'Image', sink), false);
});

test('the engine finds the same candidates with field bytes as with decoded values', () => {
  const automaton = new AhoCorasick(['mimikatz', 'sekurlsa::', 'grüße', 'école']);
  const r = record();
  automaton.beginCollect();
  assert.equal(
    feedField(r, 'CommandLine', {
      nonStringValues: false,
      text: (t) => automaton.addText(t),
      utf16: (buf, start, end) => automaton.addUtf16(buf, start, end),
    }),
    true,
  );
  const fromBytes = [...automaton.found.subarray(0, automaton.collected())].sort();
  const n = automaton.collect(String(r.get('CommandLine')));
  assert.deepEqual(fromBytes, [...automaton.found.subarray(0, n)].sort());
  assert.equal(fromBytes.length, 4);
});

test(
  'feedField on corpus records: every span fed is the value get() decodes plus trailing white space',
  { skip: corpusSkip },
  () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.evtx')) files.push(path);
      }
    };
    walk(corpusPath('evtx'));
    let fedCount = 0;
    let nestedCount = 0;
    for (const file of files.slice(0, 120)) {
      let records: EventRecord[];
      try {
        records = [...readEvtxFile(file)];
      } catch {
        continue; // unreadable files are the reader's tests' business
      }
      for (const r of records.slice(0, 200)) {
        for (const [name, value] of r.fields()) {
          if (typeof value !== 'string') continue;
          const spans: string[] = [];
          const ok = feedField(r, name, {
            nonStringValues: true,
            text: () => assert.fail('bytes only'),
            utf16: (buf, start, end) => spans.push(buf.toString('utf16le', start, end - ((end - start) & 1))),
          });
          if (!ok) continue;
          fedCount++;
          if (!(r as EvtxRecord).shape.fields.has(name)) nestedCount++;
          const got = r.get(name) as string;
          assert.equal(spans.length, 1);
          assert.ok(
            spans[0]!.startsWith(got) && !/[^\s\u0000]/.test(spans[0]!.slice(got.length)),
            `${file} ${name}: ${JSON.stringify(spans[0]!.slice(0, 80))} vs ${JSON.stringify(got.slice(0, 80))}`,
          );
        }
      }
    }
    assert.ok(fedCount > 1000 && nestedCount > 100, `${fedCount} fed, ${nestedCount} nested`);
  },
);
