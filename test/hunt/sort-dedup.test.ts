import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DetectionDeduper,
  DetectionSorter,
  compareDetections,
  recordKey,
  ruleSelector,
} from '../../src/hunt/index.js';
import type { Detection, RuleInfo } from '../../src/engine/types.js';
import { ObjectRecord } from '../../src/event/object-record.js';

const rule = (id: string): RuleInfo => ({ id, title: id, level: 'low', tags: [], kind: 'rule' });

function det(t: number, file: string, rec: number, ruleId = 'a'): Detection {
  return {
    rule: rule(ruleId),
    timestamp: t,
    host: 'h',
    channel: 'c',
    eventId: 1,
    recordId: rec,
    file,
    fields: { x: `${t}` },
  };
}

test('sorter spills runs to disk and merges them in time, file, record order', () => {
  const s = new DetectionSorter(7);
  const input: Detection[] = [];
  let seed = 1;
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < 100; i++)
    input.push(
      det(
        Math.floor(rand() * 20),
        `f${Math.floor(rand() * 3)}`,
        Math.floor(rand() * 50),
        rand() < 0.5 ? 'a' : 'b',
      ),
    );
  input.push(det(NaN, 'f0', NaN));
  for (const d of input) s.add(d);
  assert.ok(s.spilled);
  const out = [...s.sorted()];
  assert.equal(out.length, input.length);
  const expected = [...input].sort(compareDetections);
  assert.deepEqual(
    out.map((d) => [d.timestamp, d.file, d.recordId, d.rule.id, d.fields.x]),
    expected.map((d) => [d.timestamp, d.file, d.recordId, d.rule.id, d.fields.x]),
  );
  assert.ok(Number.isNaN(out[out.length - 1]!.timestamp), 'records without time last');
});

test('sorter bounds its runs by bytes too: long field text spills before the count is reached', () => {
  const s = new DetectionSorter(1_000_000, 64 * 1024);
  const input: Detection[] = [];
  for (let i = 0; i < 40; i++) {
    const d = det(40 - i, 'f', i);
    input.push({ ...d, fields: { ScriptBlockText: 'x'.repeat(8_000) } });
  }
  for (const d of input.slice(0, 3)) s.add(d);
  assert.ok(!s.spilled, 'three 16 KB detections fit in 64 KB');
  for (const d of input.slice(3)) s.add(d);
  assert.ok(s.spilled, '40 of them do not');
  const out = [...s.sorted()];
  assert.deepEqual(
    out.map((d) => d.timestamp),
    input.map((d) => d.timestamp).sort((a, b) => a - b),
  );
  assert.equal(out[0]!.fields.ScriptBlockText!.length, 8_000);
});

test('record keys ignore System field formatting but not event data; the deduper counts repeats', () => {
  const ev = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    new ObjectRecord(
      {
        Event: {
          System: {
            EventID: 1,
            EventRecordID: 5,
            Channel: 'c',
            Computer: 'h',
            TimeCreated: { '#attributes': { SystemTime: '2024-01-01T00:00:00Z' } },
            ...extra,
          },
          EventData: data,
        },
      },
      { file: 'x' },
    );
  const a = recordKey(ev({ ProcessId: 10, Image: 'a.exe' }));
  assert.equal(recordKey(ev({ ProcessId: '10', Image: 'a.exe' }, { Keywords: '0x8000' })), a);
  assert.notEqual(recordKey(ev({ ProcessId: 10, Image: 'b.exe' })), a);
  const d = new DetectionDeduper();
  assert.ok(d.firstTime('r', a));
  assert.ok(!d.firstTime('r', a));
  assert.ok(d.firstTime('r2', a));
  assert.equal(d.dropped, 1);
  assert.equal(d.size, 2);
});

test('rule selector: level, status, ids, tags with sub-ids, paths', () => {
  const r: RuleInfo = {
    id: 'ID-1',
    title: 'T',
    level: 'medium',
    status: 'test',
    tags: ['attack.t1003.001', 'attack.credential-access'],
    path: 'C:\\rules\\windows\\x.yml',
    kind: 'rule',
  };
  assert.ok(ruleSelector({})(r));
  assert.ok(!ruleSelector({ minLevel: 'high' })(r));
  assert.ok(ruleSelector({ minLevel: 'medium' })(r));
  assert.ok(!ruleSelector({ status: ['stable'] })(r));
  assert.ok(ruleSelector({ includeIds: ['id-1'] })(r));
  assert.ok(!ruleSelector({ excludeIds: ['id-1'] })(r));
  assert.ok(ruleSelector({ includeTags: ['attack.t1003'] })(r));
  assert.ok(!ruleSelector({ includeTags: ['attack.t100'] })(r));
  assert.ok(!ruleSelector({ excludeTags: ['attack.credential-access'] })(r));
  assert.ok(ruleSelector({ includePaths: ['rules/windows'] })(r));
  assert.ok(!ruleSelector({ excludePaths: ['/windows/'] })(r));
});

test('the deduper keeps every distinct pair across its growth and drops every repeat', () => {
  const d = new DetectionDeduper();
  const n = 50_000;
  for (let i = 0; i < n; i++) assert.ok(d.firstTime(`r${i % 7}`, `key-${i}`));
  assert.equal(d.size, n);
  for (let i = 0; i < n; i += 3) assert.ok(!d.firstTime(`r${i % 7}`, `key-${i}`));
  assert.equal(d.dropped, Math.ceil(n / 3));
  assert.ok(d.firstTime('r0', 'key-1'), 'same key, other rule');
  assert.equal(d.size, n + 1);
});
