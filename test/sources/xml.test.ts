import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeEntities, parseXmlElement } from '../../src/sources/index.js';
import { readAll, tempDir } from './helpers.js';

const EVENT = (
  id: number,
  cmd: string,
) => `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System>
    <Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-A5BA-3E3B0328C30D}"/>
    <EventID Qualifiers="0">4688</EventID>
    <TimeCreated SystemTime="2024-03-04T05:06:07.890Z"/>
    <EventRecordID>${id}</EventRecordID>
    <Correlation/>
    <Execution ProcessID="4" ThreadID="8"/>
    <Channel>Security</Channel>
    <Computer>ws1.corp</Computer>
    <Security UserID="S-1-5-18"/>
  </System>
  <EventData>
    <Data Name="NewProcessName">C:\\Windows\\cmd.exe</Data>
    <Data Name="CommandLine">${cmd}</Data>
    <Data Name="Empty"/>
  </EventData>
</Event>`;

test('entities and CDATA decode; malformed elements throw with a reason', () => {
  assert.equal(decodeEntities('a &lt;b&gt; &amp; &#65;&#x42; &bogus; &'), 'a <b> & AB &bogus; &');
  const n = parseXmlElement('<E a="1 &quot;x&quot;"><![CDATA[<raw>]]><!-- c --><F/></E>');
  assert.equal(n.attrs.a, '1 "x"');
  assert.equal(n.text, '<raw>');
  assert.equal(n.children[0]!.name, 'F');
  assert.throws(() => parseXmlElement('<E><F></E>'), /unexpected <\/E>/);
  assert.throws(() => parseXmlElement('<E>'), /not closed/);
  assert.throws(() => parseXmlElement('<a>'.repeat(100) + '</a>'.repeat(100)), /nesting/);
});

test('reads wevtutil-style XML in UTF-8, UTF-16 and gzip, with System and EventData fields', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const doc = `<?xml version="1.0" encoding="UTF-8"?>\n<Events>${EVENT(10, 'whoami &amp;&amp; net user')}${EVENT(11, 'x')}</Events>`;
    writeFileSync(join(dir, 'a.xml'), doc);
    writeFileSync(
      join(dir, 'b.txt'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]),
    );
    writeFileSync(join(dir, 'c.xml.gz'), gzipSync(doc));
    for (const name of ['a.xml', 'b.txt', 'c.xml.gz']) {
      const { records, warnings } = await readAll(join(dir, name), 't1');
      assert.deepEqual(warnings, [], name);
      assert.deepEqual(
        records.map((r) => r.recordId),
        [10, 11],
        name,
      );
      const r = records[0]!;
      assert.equal(r.eventId, 4688);
      assert.equal(r.channel, 'Security');
      assert.equal(r.computer, 'ws1.corp');
      assert.equal(r.provider, 'Microsoft-Windows-Security-Auditing');
      assert.equal(r.timestamp, Date.parse('2024-03-04T05:06:07.890Z'));
      assert.equal(r.get('CommandLine'), 'whoami && net user');
      assert.equal(r.get('NewProcessName'), 'C:\\Windows\\cmd.exe');
      assert.equal(r.get('Empty'), '');
      assert.equal(r.get('UserID'), 'S-1-5-18');
      assert.equal(r.get('ProcessID'), '4');
      assert.equal(r.source.tenant, 't1');
    }
  } finally {
    cleanup();
  }
});

test('a cut XML file and a malformed element are reported, the good events still read', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const doc = `<Events>${EVENT(1, 'a')}<Event><System><EventID>1</Foo></System></Event>${EVENT(3, 'c')}`;
    writeFileSync(join(dir, 'cut.xml'), doc + EVENT(4, 'd').slice(0, 200));
    const { records, warnings } = await readAll(join(dir, 'cut.xml'));
    assert.deepEqual(
      records.map((r) => r.recordId),
      [1, 3],
    );
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!.reason, /malformed <Event> element/);
    assert.equal(warnings[0]!.record, 2);
    assert.match(warnings[1]!.reason, /ends inside an <Event>/);
  } finally {
    cleanup();
  }
});

test('UserData leaves are exposed by element name', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ev = `<Event><System><EventID>1102</EventID><Channel>Security</Channel><Computer>h</Computer></System><UserData><LogFileCleared xmlns="x"><SubjectUserName>eve</SubjectUserName></LogFileCleared></UserData></Event>`;
    writeFileSync(join(dir, 'u.xml'), ev);
    const { records } = await readAll(join(dir, 'u.xml'));
    assert.equal(records[0]!.get('SubjectUserName'), 'eve');
    assert.equal(records[0]!.eventId, 1102);
  } finally {
    cleanup();
  }
});

test('an oversized or never-closed element is skipped in linear time and reading resumes after it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const big = `<Event><System><EventID>1</EventID></System><EventData><Data Name="x">${'A'.repeat(9 * 1024 * 1024)}</Data></EventData></Event>`;
    writeFileSync(join(dir, 'big.xml'), `<Events>${EVENT(1, 'a')}${big}${EVENT(3, 'c')}</Events>`);
    const t = Date.now();
    const { records, warnings } = await readAll(join(dir, 'big.xml'));
    assert.deepEqual(
      records.map((r) => r.recordId),
      [1, 3],
    );
    assert.match(warnings[0]!.reason, /larger than/);
    writeFileSync(join(dir, 'open.xml'), `<Events>${EVENT(1, 'a')}<Event>${'<x>'.repeat(3 * 1024 * 1024)}`);
    const open = await readAll(join(dir, 'open.xml'));
    assert.deepEqual(
      open.records.map((r) => r.recordId),
      [1],
    );
    assert.ok(open.warnings.length >= 1);
    assert.ok(Date.now() - t < 10_000);
  } finally {
    cleanup();
  }
});

test('XML fields and elements named like Object.prototype members stay fields', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'proto.xml');
    writeFileSync(
      path,
      '<Events><Event><System><EventID>1</EventID><Channel>Security</Channel></System><EventData>' +
        '<Data Name="__proto__">x</Data><Data Name="constructor">y</Data><Data Name="CommandLine">c</Data>' +
        '</EventData></Event><Event><System><EventID>2</EventID></System>' +
        '<UserData><Op><constructor>q</constructor><toString>t</toString></Op></UserData></Event></Events>',
    );
    const got = await readAll(path);
    assert.deepEqual(got.warnings, []);
    const [a, b] = got.records;
    assert.deepEqual([a!.get('__proto__'), a!.get('constructor'), a!.get('CommandLine')], ['x', 'y', 'c']);
    assert.deepEqual([b!.get('constructor'), b!.get('toString')], ['q', 't']);
  } finally {
    cleanup();
  }
});
