import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectRecord } from '../../src/event/object-record.js';

test('ObjectRecord flattens System and EventData of an evtx_dump event', () => {
  const r = new ObjectRecord(
    {
      Event: {
        '#attributes': { xmlns: 'x' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '{5770385F}' } },
          EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 7045 },
          TimeCreated: { '#attributes': { SystemTime: '2025-11-27T07:40:10.165324Z' } },
          EventRecordID: 42,
          Channel: 'System',
          Computer: 'dc01.corp',
          Security: { '#attributes': { UserID: 'S-1-5-18' } },
        },
        EventData: { ServiceName: 'evil', ImagePath: 'c:\\x.exe', Empty: null },
      },
    },
    { file: 'a.json' },
  );
  assert.equal(r.eventId, 7045);
  assert.equal(r.channel, 'System');
  assert.equal(r.computer, 'dc01.corp');
  assert.equal(r.recordId, 42);
  assert.equal(r.timestamp, Date.parse('2025-11-27T07:40:10.165Z'));
  assert.equal(r.get('Provider_Name'), 'Microsoft-Windows-Sysmon');
  assert.equal(r.get('UserID'), 'S-1-5-18');
  assert.equal(r.get('ServiceName'), 'evil');
  assert.equal(r.get('Empty'), null);
  assert.equal(r.get('Missing'), undefined);
});

test('ObjectRecord flattens UserData leaves', () => {
  const r = new ObjectRecord(
    {
      System: { EventID: 1102 },
      UserData: { LogFileCleared: { '#attributes': { xmlns: 'y' }, SubjectUserName: 'bob' } },
    },
    { file: 'b.json' },
  );
  assert.equal(r.eventId, 1102);
  assert.equal(r.get('SubjectUserName'), 'bob');
  assert.ok(Number.isNaN(r.timestamp));
});

test('ObjectRecord reads a value nested 200,000 levels deep without overflowing the stack', () => {
  // Built by hand, as a library caller could: the record sources already stop at 64 levels.
  let deep: unknown = 'leaf';
  for (let i = 0; i < 200_000; i++) deep = [deep];
  let text: unknown = 'x';
  for (let i = 0; i < 200_000; i++) text = { '#text': text };
  const r = new ObjectRecord(
    { System: { EventID: 1 }, EventData: { Deep: deep, Text: text, Ok: 'fine' } },
    {
      file: 'deep.json',
    },
  );
  assert.equal(r.get('Ok'), 'fine');
  // Nesting past the limit reads as null inside the arrays that are kept.
  let v = r.get('Deep');
  let levels = 0;
  while (Array.isArray(v)) {
    v = v[0];
    levels++;
  }
  assert.equal(v, null);
  assert.ok(levels > 0 && levels <= 65, `${levels} levels kept`);
  assert.equal(r.get('Text'), null);
});
