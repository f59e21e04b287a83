import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionToTimesketch, jsonLine } from '../../src/outputs/jsonl.js';
import { detection } from './csv-fixtures.js';

test('Timesketch lines carry message, datetime, timestamp_desc and the rule/source attributes', () => {
  const o = detectionToTimesketch(detection({ fields: { message: 'collides', User: 'bob' } }));
  assert.equal(o.datetime, '2024-01-02T03:04:05.678Z');
  assert.equal(o.timestamp, Date.parse('2024-01-02T03:04:05.678Z') * 1000);
  assert.equal(o.timestamp_desc, 'Event Time');
  assert.match(String(o.message), /^\[high\] Suspicious, "quoted" rule on dc1\.corp \(acme\)$/);
  assert.equal(o.rule_id, 'r-1');
  assert.deepEqual(o.tactics, ['credential-access']);
  assert.deepEqual(o.techniques, ['T1003.001']);
  assert.equal(o.tenant, 'acme');
  assert.equal(o.record_id, 42);
  assert.equal(o.field_message, 'collides');
  assert.equal(o.User, 'bob');
  const untimed = detectionToTimesketch(detection({ timestamp: NaN }));
  assert.equal(untimed.datetime, '1970-01-01T00:00:00.000Z');
  assert.equal(untimed.timestamp_desc, 'Not a time');
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(o)));
});

test('JSON lines escape Unicode line breaks, so line readers that split on them keep one record a line', () => {
  const value = { User: 'a\u2028b\u2029c\u0085d', [`k\u2028`]: 1 };
  const line = jsonLine(value);
  assert.doesNotMatch(line, /[\u0085\u2028\u2029\r\n]/);
  assert.deepEqual(JSON.parse(line), value);
  assert.equal(line.split(/\r\n|[\n\r\u0085\u2028\u2029\u000b\u000c\u001c-\u001e]/).length, 1);
});

test('a finite time outside the Date range is "not a time", not an exception', () => {
  const o = detectionToTimesketch(detection({ timestamp: 1e16 }));
  assert.equal(o.datetime, '1970-01-01T00:00:00.000Z');
  assert.equal(o.timestamp_desc, 'Not a time');
});
