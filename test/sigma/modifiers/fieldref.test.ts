import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldrefMatches } from '../../../src/sigma/modifiers/fieldref.js';
import { expandValue, loadExpandConfig, placeholdersOf } from '../../../src/sigma/modifiers/expand.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('fieldref compares with another field in every mode', () => {
  assert.ok(fieldrefMatches('c:\\a.exe', 'c:\\a.exe', 'equals'));
  assert.ok(!fieldrefMatches('c:\\a.exe', 'c:\\b.exe', 'equals'));
  assert.ok(fieldrefMatches('c:\\dir\\a.exe', 'c:\\dir', 'startswith'));
  assert.ok(fieldrefMatches('c:\\dir\\a.exe', 'a.exe', 'endswith'));
  assert.ok(fieldrefMatches('x a.exe y', 'a.exe', 'contains'));
  assert.ok(!fieldrefMatches('x', 'a.exe', 'contains'));
});

test('expand: placeholders from .txt and .yml files, every combination', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-expand-'));
  writeFileSync(join(dir, 'Admins.txt'), '# admins\nalice\n\nbob\n');
  writeFileSync(join(dir, 'more.yml'), 'Hosts: [ws1, ws2]\nSingle: one\n');
  const config = loadExpandConfig(dir);
  assert.deepEqual(config.get('Admins'), ['alice', 'bob']);
  assert.deepEqual(config.get('Hosts'), ['ws1', 'ws2']);
  assert.deepEqual(placeholdersOf('%Admins%@%Hosts%'), ['Admins', 'Hosts']);
  assert.deepEqual(expandValue('%Admins%@%Hosts%', config).values, [
    'alice@ws1',
    'alice@ws2',
    'bob@ws1',
    'bob@ws2',
  ]);
  assert.deepEqual(expandValue('%Nope%', config).missing, ['Nope']);
  assert.deepEqual(expandValue('100%', config), { values: ['100%'], missing: [] });
  assert.equal(loadExpandConfig(join(dir, 'absent')).size, 0);
});
