// The keyword feed: the prefilter's keyword texts straight from an EVTX record's buffer must cover every value
// fields() yields (superset), skip non-string values only when no needle can occur in them, and decline
// non-EVTX records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { feedField, feedKeywords, feedKeywordsByValue } from '../../src/engine/keyword-feed.js';
import { RecordView } from '../../src/engine/record-view.js';
import { AhoCorasick, NON_STRING_VALUE_CHARS, type KeywordSink } from '../../src/engine/prefilter/index.js';
import { ObjectRecord } from '../../src/event/object-record.js';
import { fieldText, type EventRecord } from '../../src/event/types.js';
import { parseEvtxBuffer, readEvtxFile, type EvtxRecord } from '../../src/evtx/index.js';
import { corpusPath, corpusSkip } from '../helpers/corpus.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';
import { evtxFilesUnder } from '../helpers/files.js';
import { prng } from '../helpers/random.js';

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

/** The records of the first `count` corpus EVTX files (the reader never throws; damage becomes warnings). */
function* corpusRecords(count: number): Generator<[string, EventRecord[]]> {
  for (const file of evtxFilesUnder(corpusPath('evtx')).slice(0, count))
    yield [file, [...readEvtxFile(file)]];
}

test(
  'feedField on corpus records: every span fed is the value get() decodes plus trailing white space',
  { skip: corpusSkip },
  () => {
    let fedCount = 0;
    let nestedCount = 0;
    for (const [file, records] of corpusRecords(120)) {
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

// Value spans (feedKeywords hands a template instance's string values over as a few byte spans): for random
// records written by our EVTX writer, with keyword needles planted in values of several types and positions,
// the needles the automaton finds in the fed spans must include every needle the exact keyword test
// (RecordView.keywordLower) finds; and records without needles must be rejected (no needle found).

const SPAN_NEEDLES = ['sekurlsa::', 'lsadump::', 'mimikatz', 'kerberos::golden', 'grüße', 'école', 'σοφία'];
/** Needles made of characters a number's text can hold too: values of other types must then be fed. */
const NUMERIC_NEEDLES = ['424242', 'c0ffee'];

/** Needles (lower-cased) found by the span feed and by the exact keyword test for one record. */
function spanFinds(r: EventRecord, needles: readonly string[]): { fed: Set<string>; exact: Set<string> } {
  const ac = new AhoCorasick(needles);
  ac.beginCollect();
  const sink: KeywordSink = {
    nonStringValues: needles.some((n) => [...n].every((c) => NON_STRING_VALUE_CHARS.includes(c))),
    text: (s) => ac.addText(s),
    utf16: (buf, start, end) => ac.addUtf16(buf, start, end),
  };
  assert.equal(feedKeywords(r, sink), true);
  const fed = new Set([...ac.found.subarray(0, ac.collected())].map((id) => needles[id]!));
  const view = new RecordView();
  view.reset(r);
  const lower = view.keywordLower();
  const exact = new Set(needles.filter((n) => lower.some((v) => v.includes(n))));
  return { fed, exact };
}

/** Mixed case, as attackers and tools write it. */
function randomCase(s: string, rand: () => number): string {
  return [...s].map((c) => (rand() < 0.5 ? c.toUpperCase() : c)).join('');
}

function randomText(rand: () => number, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 \\/.-_=ÉéßΣσ€';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/** A random event; with `plant`, needles are written into some string, ANSI or array values. */
function randomSpec(rand: () => number, i: number, plant: boolean): EventSpec {
  const withNeedle = (): string => {
    const needle = randomCase(SPAN_NEEDLES[Math.floor(rand() * SPAN_NEEDLES.length)]!, rand);
    const before = randomText(rand, Math.floor(rand() * 12));
    return rand() < 0.3 ? needle : before + needle + randomText(rand, Math.floor(rand() * 12));
  };
  const data: [string, unknown][] = [];
  const fields = 2 + Math.floor(rand() * 10);
  for (let k = 0; k < fields; k++) {
    const kind = Math.floor(rand() * 10);
    const text = plant && rand() < 0.35 ? withNeedle() : randomText(rand, Math.floor(rand() * 40));
    let value: unknown;
    // Odd-sized values (uint8, binary, ANSI) put the string values after them at odd offsets.
    if (kind <= 3) value = text;
    else if (kind === 4) value = { type: 'uint8', value: Math.floor(rand() * 256) };
    else if (kind === 5) value = { type: 'binary', value: new Uint8Array(Math.floor(rand() * 5)) };
    else if (kind === 6) value = { type: 'ansi', value: text.replace(/[^\x20-\x7e]/g, 'x') };
    else if (kind === 7) value = { type: 'array', itemType: 'string', value: [text, randomText(rand, 5)] };
    else if (kind === 8) value = { type: 'hex64', value: plant && rand() < 0.5 ? 0xc0ffeen : BigInt(k) };
    else value = plant && rand() < 0.5 ? 424242 : Math.floor(rand() * 1e6);
    data.push([`F${k}`, value]);
  }
  return {
    provider: 'Microsoft-Windows-Sysmon',
    eventId: 1 + (i % 3),
    channel: 'Microsoft-Windows-Sysmon/Operational',
    computer: rand() < 0.5 ? 'WS01' : 'MIMIKATZ-HOST',
    time: Date.UTC(2024, 4, 1) + i * 1000,
    data: data as EventSpec['data'],
  };
}

test('span feed: every needle the exact keyword test finds is found, and needle-free records are rejected', () => {
  const rand = prng(0x5eed);
  const specs: EventSpec[] = [];
  const planted: boolean[] = [];
  for (let i = 0; i < 600; i++) {
    const plant = rand() < 0.5;
    planted.push(plant);
    specs.push(randomSpec(rand, i, plant));
  }
  const records = [...parseEvtxBuffer(writeEvtx(specs), 'spans.evtx')];
  assert.equal(records.length, specs.length);
  let positives = 0;
  let rejected = 0;
  let clean = 0;
  for (const needles of [SPAN_NEEDLES, [...SPAN_NEEDLES, ...NUMERIC_NEEDLES]]) {
    records.forEach((r, i) => {
      const { fed, exact } = spanFinds(r, needles);
      for (const n of exact) assert.ok(fed.has(n), `record ${i}: needle ${n} missed`);
      positives += exact.size;
      if (!planted[i] && r.computer === 'WS01') {
        clean++;
        if (fed.size === 0) rejected++;
      }
    });
  }
  assert.ok(positives > 300, `${positives} needles planted and found`);
  // Random text cannot form these needles, but text across two values could (an allowed extra): nearly all go.
  assert.ok(clean > 100 && rejected >= clean * 0.95, `${rejected} of ${clean} needle-free records rejected`);
});

test('span feed hands a record over in fewer scans than the value-by-value walk, finding the same needles', () => {
  const rand = prng(7);
  const records = [
    ...parseEvtxBuffer(
      writeEvtx([SPEC, ...Array.from({ length: 50 }, (_, i) => randomSpec(rand, i, true))]),
      'x.evtx',
    ),
  ];
  let spanCalls = 0;
  let walkCalls = 0;
  for (const r of records) {
    const sets: string[][] = [];
    for (const [feed, count] of [
      [feedKeywords, (): number => spanCalls++],
      [feedKeywordsByValue, (): number => walkCalls++],
    ] as const) {
      const ac = new AhoCorasick(SPAN_NEEDLES);
      ac.beginCollect();
      assert.equal(
        feed(r, {
          nonStringValues: false,
          text: (s) => ac.addText(s),
          utf16: (buf, start, end) => {
            count();
            ac.addUtf16(buf, start, end);
          },
        }),
        true,
      );
      sets.push([...ac.found.subarray(0, ac.collected())].map((id) => SPAN_NEEDLES[id]!).sort());
    }
    // (Spans may add a needle across two values; none of these random values ends or starts one.)
    assert.deepEqual(sets[0], sets[1]);
  }
  assert.ok(spanCalls * 2 < walkCalls, `${spanCalls} span scans vs ${walkCalls} value scans`);
});

test(
  'span feed on corpus records: every needle of the exact keyword test is found',
  { skip: corpusSkip },
  () => {
    const rand = prng(42);
    let checked = 0;
    let found = 0;
    for (const [file, records] of corpusRecords(150)) {
      // Needles: the Mimikatz keywords plus pieces of this file's own values (so that many are present).
      const needles = new Set([
        'sekurlsa::',
        'lsadump::',
        'privilege::debug',
        'gentilkiwi.com',
        '\\mimilib.dll',
      ]);
      for (const r of records.slice(0, 20)) {
        for (const [, v] of r.fields()) {
          const t = fieldText(v)?.toLowerCase();
          if (t !== undefined && t.length > 8 && rand() < 0.2) {
            const at = Math.floor(rand() * (t.length - 6));
            needles.add(t.slice(at, at + 4 + Math.floor(rand() * 8)));
          }
        }
      }
      const list = [...needles];
      for (const r of records.slice(0, 300)) {
        const { fed, exact } = spanFinds(r, list);
        for (const n of exact)
          assert.ok(fed.has(n), `${file} record ${r.recordId}: needle ${JSON.stringify(n)} missed`);
        checked++;
        found += exact.size;
      }
    }
    assert.ok(checked > 5000 && found > 5000, `${checked} records, ${found} needles`);
  },
);
