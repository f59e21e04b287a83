// Hostile JSON, JSONL and XML inputs: real-looking event files (rendered from our own EVTX writer's events, in
// evtx_dump, JSONL and Windows XML layouts, plus Winlogbeat/ECS lines) are mutated — truncated, bit-flipped,
// spliced, deeply nested, given huge strings, broken escapes and lone surrogates — and read. Every file must
// be read without the reader failing (readSource would report "reader failed"), in bounded time and memory,
// and every record that comes out must answer fields() and get() without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvtxBuffer, renderJson, renderXml, stringifyJson, writeEvtx } from '../../src/evtx/index.js';
import type { EventDataValue, EventSpec } from '../../src/evtx/writer-types.js';
import { prng } from '../helpers/random.js';
import { readAll, tempDir } from './helpers.js';

const T0 = Date.UTC(2024, 2, 3, 4, 5, 6);

function specs(n: number): EventSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    provider: i % 2 ? 'Microsoft-Windows-Sysmon' : 'Microsoft-Windows-Security-Auditing',
    eventId: i % 2 ? 1 : 4624,
    channel: i % 2 ? 'Microsoft-Windows-Sysmon/Operational' : 'Security',
    computer: `ws${i}.corp.example`,
    time: T0 + i * 1000,
    data:
      i % 2
        ? ({
            Image: 'C:\\Windows\\System32\\cmd.exe',
            CommandLine: `cmd /c "echo ${i} & whoami"`,
            ProcessId: i,
          } as Record<string, EventDataValue>)
        : { TargetUserName: `user${i}`, IpAddress: '198.51.100.7', LogonType: 3 },
  }));
}

/** The same events in the text layouts the JSON and XML readers take. */
function baseTexts(): { name: string; text: string }[] {
  const records = [...parseEvtxBuffer(writeEvtx(specs(12)), 'base.evtx')];
  const json = records.map((r) => stringifyJson(renderJson(r)));
  const ecs = records.map((r, i) =>
    JSON.stringify({
      '@timestamp': new Date(T0 + i * 1000).toISOString(),
      winlog: {
        channel: r.channel,
        event_id: r.eventId,
        computer_name: r.computer,
        provider_name: r.provider,
        record_id: r.recordId,
        event_data: Object.fromEntries([...r.fields()].map(([k, v]) => [k, String(v)])),
      },
    }),
  );
  return [
    { name: 'array.json', text: `[${json.join(',\n')}]` },
    { name: 'pretty.json', text: json.join('\n') },
    { name: 'lines.jsonl', text: records.map((r) => JSON.stringify(renderJson(r))).join('\n') },
    { name: 'ecs.jsonl', text: ecs.join('\n') },
    { name: 'events.xml', text: `<Events>\n${records.map((r) => renderXml(r)).join('\n')}\n</Events>` },
  ];
}

type Mutation = (s: string, rand: () => number) => string;

const at = (s: string, rand: () => number): number => Math.floor(rand() * (s.length + 1));

const MUTATIONS: Mutation[] = [
  (s, rand) => s.slice(0, at(s, rand)),
  (s, rand) => {
    const chars = [...s];
    for (let k = 0; k < 1 + Math.floor(rand() * 20); k++) {
      const i = Math.floor(rand() * chars.length);
      chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) ^ (1 << Math.floor(rand() * 7)));
    }
    return chars.join('');
  },
  (s, rand) => {
    const i = at(s, rand);
    const j = at(s, rand);
    return s.slice(0, i) + s.slice(Math.min(i, j), Math.max(i, j)) + s.slice(i);
  },
  (s, rand) => {
    const i = at(s, rand);
    const open = rand() < 0.5 ? '[' : '{"a":';
    return s.slice(0, i) + open.repeat(20_000 + Math.floor(rand() * 80_000)) + s.slice(i);
  },
  (s, rand) => {
    const i = at(s, rand);
    return s.slice(0, i) + '<a>'.repeat(50_000) + s.slice(i);
  },
  (s, rand) => {
    const i = at(s, rand);
    return s.slice(0, i) + '"' + 'A'.repeat(1 + Math.floor(rand() * 3_000_000)) + s.slice(i);
  },
  (s, rand) => {
    const bad = [
      '\\u12',
      '\\uD800',
      '\\x41',
      '\\',
      '\ud800',
      '\u0000',
      '\ufeff',
      '&#xD800;',
      '&bogus;',
      ']]>',
    ];
    let out = s;
    for (let k = 0; k < 1 + Math.floor(rand() * 10); k++) {
      const i = at(out, rand);
      out = out.slice(0, i) + bad[Math.floor(rand() * bad.length)]! + out.slice(i);
    }
    return out;
  },
  (s, rand) => {
    const i = at(s, rand);
    return s.slice(0, i) + '1'.repeat(5000) + 'e99999' + s.slice(i);
  },
  (s) => s.replace(/\n/g, '\r\n'),
  // Closed deep nesting (arrays or objects) in a value of its own: skipped, the values after it still read.
  (s, rand) => {
    const depth = 50 + Math.floor(rand() * 5000);
    const [open, close] = rand() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
    return `${s}\n{"Event":{"EventData":{"x":${open.repeat(depth)}1${close.repeat(depth)}}}}\n`;
  },
];

test('mutated JSON, JSONL and XML event files never fail the readers, stay in time and memory', async () => {
  const { dir, cleanup } = tempDir();
  const rand = prng(20261126);
  const bases = baseTexts();
  const heapStart = process.memoryUsage().heapUsed;
  let files = 0;
  let records = 0;
  let warned = 0;
  let slowest = 0;
  try {
    for (let round = 0; round < 150; round++) {
      for (const base of bases) {
        // One to three mutations on top of one another.
        let text = base.text;
        for (let k = 0; k < 1 + Math.floor(rand() * 3); k++)
          text = MUTATIONS[Math.floor(rand() * MUTATIONS.length)]!(text, rand);
        const path = join(dir, `${round}-${base.name}`);
        writeFileSync(path, text);
        const started = performance.now();
        const got = await readAll(path);
        for (const r of got.records) {
          for (const [name] of r.fields()) r.get(name);
          r.get('CommandLine');
          void r.timestamp;
          void r.eventId;
        }
        const ms = performance.now() - started;
        slowest = Math.max(slowest, ms);
        files++;
        records += got.records.length;
        if (got.warnings.length > 0) warned++;
        const failed = got.warnings.find((w) => /reader failed/.test(w.reason));
        assert.equal(failed, undefined, `${path}: ${failed?.reason}`);
        for (const w of got.warnings) assert.equal(w.file, path, 'every warning names its file');
        assert.ok(ms < 2000, `${path}: ${ms.toFixed(0)} ms`);
      }
    }
  } finally {
    cleanup();
  }
  // The mutations keep many records readable and make many files warn: both sides were exercised.
  assert.ok(
    files === 750 && records > 1500 && warned > 150,
    `${files} files, ${records} records, ${warned} warned`,
  );
  global.gc?.();
  const grown = process.memoryUsage().heapUsed - heapStart;
  assert.ok(grown < 200 * 1024 * 1024, `heap grew ${Math.round(grown / 1048576)} MB`);
  assert.ok(slowest < 2000);
});
