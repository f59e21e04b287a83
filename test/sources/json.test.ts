import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { JsonValueScanner, readStream } from '../../src/sources/index.js';
import type { EventRecord } from '../../src/event/types.js';
import { readAll, tempDir } from './helpers.js';

const EV = (id: number, cmd = 'x') => ({
  Event: {
    System: {
      Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
      EventID: 1,
      EventRecordID: id,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Computer: 'ws1',
      TimeCreated: { '#attributes': { SystemTime: '2024-01-02T03:04:05.000Z' } },
    },
    EventData: { CommandLine: cmd, Image: 'C:\\a.exe' },
  },
});

function scan(chunks: string[]): { values: string[]; problems: string[] } {
  const values: string[] = [];
  const problems: string[] = [];
  const s = new JsonValueScanner(
    (v) => values.push(v.text),
    (p) => problems.push(`${p.line}: ${p.reason}`),
  );
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return { values, problems };
}

test('scanner splits arrays, concatenated pretty objects and JSONL, across chunk boundaries', () => {
  const arr = JSON.stringify([{ a: 1 }, { b: '}{' }, { c: [1, { d: 2 }] }], null, 2);
  for (const size of [1, 3, 7, 1000]) {
    const chunks: string[] = [];
    for (let i = 0; i < arr.length; i += size) chunks.push(arr.slice(i, i + size));
    const { values, problems } = scan(chunks);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      values.map((v) => JSON.parse(v)),
      [{ a: 1 }, { b: '}{' }, { c: [1, { d: 2 }] }],
    );
  }
  const pretty = JSON.stringify({ a: '\\"{' }, null, 2) + '\n' + JSON.stringify({ b: 2 }, null, 2);
  assert.deepEqual(
    scan([pretty]).values.map((v) => JSON.parse(v)),
    [{ a: '\\"{' }, { b: 2 }],
  );
});

test('scanner resynchronises after broken JSONL lines and reports each with its line', () => {
  const text = '{"a":1}\n{"b":"cut\n{"c":3}\n{"d":4,\n{"e":5}\ngarbage here\n{"f":6}\n{"g":';
  const { values, problems } = scan([text]);
  assert.deepEqual(
    values.map((v) => JSON.parse(v)),
    [{ a: 1 }, { c: 3 }, { e: 5 }, { f: 6 }],
  );
  assert.equal(problems.length, 4);
  assert.match(problems[0]!, /^2: line break inside a string/);
  assert.match(problems[1]!, /^4: .*ends at the line break/);
  assert.match(problems[2]!, /^6: unexpected character 'g'/);
  assert.match(problems[3]!, /^8: input ends inside a value/);
});

test('scanner bounds value size', () => {
  const values: string[] = [];
  const problems: string[] = [];
  const s = new JsonValueScanner(
    (v) => values.push(v.text),
    (p) => problems.push(p.reason),
    100,
  );
  s.push(Buffer.from(`{"big":"${'x'.repeat(500)}"}\n{"ok":1}\n`));
  s.end();
  assert.deepEqual(values, ['{"ok":1}']);
  assert.match(problems[0]!, /larger than 100 bytes/);
});

test('reads evtx_dump JSON, JSONL and gzip JSON into records with tenant and fields', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify(EV(1), null, 2) + '\n' + JSON.stringify(EV(2), null, 2),
    );
    writeFileSync(join(dir, 'b.log'), [EV(3), EV(4)].map((e) => JSON.stringify(e)).join('\n'));
    writeFileSync(join(dir, 'c.json.gz'), gzipSync(JSON.stringify([EV(5), EV(6), EV(7)])));
    const a = await readAll(join(dir, 'a.json'), 'acme');
    assert.deepEqual(
      a.records.map((r) => r.recordId),
      [1, 2],
    );
    assert.equal(a.records[0]!.source.tenant, 'acme');
    assert.equal(a.records[0]!.get('CommandLine'), 'x');
    assert.equal(a.records[0]!.channel, 'Microsoft-Windows-Sysmon/Operational');
    assert.equal(a.records[0]!.timestamp, Date.parse('2024-01-02T03:04:05Z'));
    const b = await readAll(join(dir, 'b.log'));
    assert.deepEqual(
      b.records.map((r) => r.recordId),
      [3, 4],
    );
    const c = await readAll(join(dir, 'c.json.gz'));
    assert.deepEqual(
      c.records.map((r) => r.recordId),
      [5, 6, 7],
    );
    assert.deepEqual(c.warnings, []);
  } finally {
    cleanup();
  }
});

test('maps Winlogbeat/ECS and flat layouts onto Windows field names', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ecs = {
      '@timestamp': '2024-05-06T07:08:09.123Z',
      winlog: {
        channel: 'Security',
        event_id: 4624,
        computer_name: 'dc1.corp',
        provider_name: 'Microsoft-Windows-Security-Auditing',
        record_id: 77,
        event_data: { TargetUserName: 'bob', LogonType: '3' },
      },
    };
    const flat = {
      EventID: 4688,
      Channel: 'Security',
      Computer: 'ws2',
      UtcTime: '2024-05-06 07:08:09.500',
      NewProcessName: 'C:\\w.exe',
    };
    writeFileSync(join(dir, 'e.jsonl'), JSON.stringify(ecs) + '\n' + JSON.stringify(flat) + '\n');
    const { records, warnings } = await readAll(join(dir, 'e.jsonl'));
    assert.deepEqual(warnings, []);
    const [r1, r2] = records;
    assert.equal(r1!.eventId, 4624);
    assert.equal(r1!.channel, 'Security');
    assert.equal(r1!.computer, 'dc1.corp');
    assert.equal(r1!.provider, 'Microsoft-Windows-Security-Auditing');
    assert.equal(r1!.recordId, 77);
    assert.equal(r1!.timestamp, Date.parse('2024-05-06T07:08:09.123Z'));
    assert.equal(r1!.get('TargetUserName'), 'bob');
    assert.equal(r2!.eventId, 4688);
    assert.equal(r2!.computer, 'ws2');
    assert.equal(r2!.get('NewProcessName'), 'C:\\w.exe');
    assert.equal(r2!.timestamp, Date.parse('2024-05-06T07:08:09.500Z'));
  } finally {
    cleanup();
  }
});

test('a JSON file with broken lines keeps its good records and names the bad ones', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const good = JSON.stringify(EV(1));
    writeFileSync(
      join(dir, 'broken.jsonl'),
      `${good}\n${good.slice(0, 40)}\n[1,2]\n${JSON.stringify(EV(2))}\n`,
    );
    const { records, warnings } = await readAll(join(dir, 'broken.jsonl'));
    assert.deepEqual(
      records.map((r) => r.recordId),
      [1, 2],
    );
    assert.ok(warnings.length >= 1);
    assert.ok(warnings.every((w) => w.file.endsWith('broken.jsonl')));
    assert.equal(warnings[0]!.line, 2);
  } finally {
    cleanup();
  }
});

test('PowerShell Get-WinEvent | ConvertTo-Json objects: system fields mapped, Properties as unnamed data', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const base = {
      Id: 1102,
      Version: 1,
      Level: 4,
      RecordId: 9001,
      ProviderName: 'Microsoft-Windows-Eventlog',
      ProviderId: 'fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148',
      LogName: 'Security',
      ProcessId: 1064,
      ThreadId: 5000,
      MachineName: 'DC01.corp.example',
      UserId: { BinaryLength: 12, Value: 'S-1-5-18' },
      Properties: [{ Value: 'S-1-5-21-1-2-3-500' }, { Value: 'Administrator' }, { Value: 'CORP' }],
      Message: 'The audit log was cleared.',
    };
    // Windows PowerShell 5 writes dates as "/Date(ms)/"; PowerShell 7 as ISO text.
    const ps5 = { ...base, TimeCreated: '/Date(1700000000123)/' };
    const ps7 = { ...base, RecordId: 9002, TimeCreated: '2023-11-14T23:13:20.123+01:00' };
    writeFileSync(join(dir, 'ps.json'), JSON.stringify([ps5, ps7], null, 2));
    const { records, warnings } = await readAll(join(dir, 'ps.json'));
    assert.deepEqual(warnings, []);
    assert.equal(records.length, 2);
    for (const r of records) {
      assert.equal(r.eventId, 1102);
      assert.equal(r.channel, 'Security');
      assert.equal(r.computer, 'DC01.corp.example');
      assert.equal(r.provider, 'Microsoft-Windows-Eventlog');
      assert.equal(r.timestamp, Date.parse('2023-11-14T22:13:20.123Z'));
      assert.deepEqual(r.get('Data'), ['S-1-5-21-1-2-3-500', 'Administrator', 'CORP']);
      assert.equal(r.get('UserID'), 'S-1-5-18');
    }
    assert.deepEqual(
      records.map((r) => r.recordId),
      [9001, 9002],
    );
  } finally {
    cleanup();
  }
});

test('flat-layout keys named like Object.prototype members stay fields', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'flat.jsonl');
    writeFileSync(
      path,
      '{"EventID":4688,"Channel":"Security","constructor":"a","__proto__":"b","toString":"c","CommandLine":"d"}\n',
    );
    const got = await readAll(path);
    assert.deepEqual(got.warnings, []);
    const r = got.records[0]!;
    assert.equal(r.eventId, 4688);
    assert.equal(r.get('constructor'), 'a');
    assert.equal(r.get('__proto__'), 'b');
    assert.deepEqual(
      [...r.fields()].map(([k]) => k),
      ['EventID', 'Channel', 'constructor', '__proto__', 'toString', 'CommandLine'],
    );
  } finally {
    cleanup();
  }
});

/** UTF-16 bytes of a text, little or big endian, with or without a byte-order mark. */
function utf16(text: string, bigEndian: boolean, bom: boolean): Buffer {
  const le = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
  return bigEndian ? le.swap16() : le;
}

test('UTF-16 JSON (PowerShell 5 redirections) reads as the same records as UTF-8, from files and streams', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const events = [EV(1, 'cmd /c "é ☃ 𝄞"'), EV(2, 'whoami'), EV(3)];
    const texts = {
      array: JSON.stringify(events, null, 2),
      jsonl: events.map((e) => JSON.stringify(e)).join('\r\n') + '\r\n',
    };
    const fields = (records: EventRecord[]) => records.map((r) => JSON.stringify([...r.fields()]));
    for (const [kind, text] of Object.entries(texts)) {
      const plain = join(dir, `${kind}-utf8.json`);
      writeFileSync(plain, text);
      const want = await readAll(plain);
      assert.equal(want.records.length, 3);
      for (const bigEndian of [false, true]) {
        for (const bom of [true, false]) {
          const bytes = utf16(text, bigEndian, bom);
          const label = `${kind} ${bigEndian ? 'BE' : 'LE'}${bom ? ' BOM' : ''}`;
          const file = join(dir, `${kind}-${bigEndian}-${bom}.json`);
          writeFileSync(file, bytes);
          const got = await readAll(file);
          assert.deepEqual(got.warnings, [], label);
          assert.deepEqual(fields(got.records), fields(want.records), label);
          // The same bytes on a stream, one byte at a time (a character split across pieces).
          const records: EventRecord[] = [];
          const pieces = async function* () {
            for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
          };
          const stats = await readStream(
            pieces(),
            { name: '<stdin>' },
            {
              record: (r) => records.push(r),
              warning: (w) => assert.fail(`${label}: ${w.reason}`),
            },
          );
          assert.equal(stats.format, 'json', label);
          assert.deepEqual(fields(records), fields(want.records), `${label} (stream)`);
        }
      }
    }
  } finally {
    cleanup();
  }
});
