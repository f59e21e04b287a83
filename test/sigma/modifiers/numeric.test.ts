import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNumber, parseNumber } from '../../../src/sigma/modifiers/numeric.js';
import { parseTimestamp, timePart } from '../../../src/sigma/modifiers/time.js';

test('numbers: decimal and hex field values; non-numbers are not numbers', () => {
  assert.equal(parseNumber('42'), 42);
  assert.equal(parseNumber(' 0x10 '), 16);
  assert.equal(parseNumber(''), undefined);
  assert.equal(parseNumber('12abc'), undefined);
  assert.equal(parseNumber('Infinity'), undefined);
});

test('lt, lte, gt, gte at their boundaries', () => {
  assert.ok(compareNumber(4, 'lt', 5));
  assert.ok(!compareNumber(5, 'lt', 5));
  assert.ok(compareNumber(5, 'lte', 5));
  assert.ok(compareNumber(6, 'gt', 5));
  assert.ok(!compareNumber(5, 'gt', 5));
  assert.ok(compareNumber(5, 'gte', 5));
});

test('date parts of ISO and Sysmon timestamps, in UTC', () => {
  const iso = '2024-12-30T23:59:10.123Z';
  assert.equal(timePart(iso, 'minute'), 59);
  assert.equal(timePart(iso, 'hour'), 23);
  assert.equal(timePart(iso, 'day'), 30);
  assert.equal(timePart(iso, 'month'), 12);
  assert.equal(timePart(iso, 'year'), 2024);
  assert.equal(timePart(iso, 'week'), 1, '2024-12-30 is in ISO week 1 of 2025');
  assert.equal(timePart('2025-01-09 03:04:05.000', 'hour'), 3);
  assert.equal(timePart('2025-01-09 03:04:05.000', 'week'), 2);
  assert.equal(timePart('not a date', 'hour'), undefined);
  assert.ok(Number.isNaN(parseTimestamp('x'.repeat(100))));
});
