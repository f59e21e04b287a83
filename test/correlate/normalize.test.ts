import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hostKey,
  machineAccountHost,
  normalizeAccount,
  normalizeAddress,
  normalizeLogonId,
  shortHostName,
} from '../../src/correlate/index.js';
import { archiveNames, hashValues, normalizeCommand } from '../../src/correlate/artifacts.js';
import { nameOfHostKey, tenantOfHostKey } from '../../src/correlate/normalize.js';

test('accounts meet across domain\\user, user@domain, separate domain field and case', () => {
  const key = 'corp\\alice';
  assert.equal(normalizeAccount('CORP\\Alice'), key);
  assert.equal(normalizeAccount('alice@corp.example.com'), key);
  assert.equal(normalizeAccount('ALICE', 'CORP'), key);
  assert.equal(normalizeAccount('alice', 'corp.example.com'), key);
  assert.equal(normalizeAccount('alice'), 'alice');
});

test('generic, machine and empty accounts are not entities', () => {
  for (const u of [
    'SYSTEM',
    'NT AUTHORITY\\SYSTEM',
    'ANONYMOUS LOGON',
    '-',
    '',
    'DWM-1',
    'LOCAL SERVICE',
    'WS01$',
  ]) {
    assert.equal(normalizeAccount(u, 'CORP'), '', u);
  }
  assert.equal(machineAccountHost('CORP\\WS01$'), 'ws01');
  assert.equal(machineAccountHost('ws01$@corp.example.com'), 'ws01');
  assert.equal(machineAccountHost('alice'), '');
});

test('hosts are keyed by tenant and short name', () => {
  assert.equal(shortHostName('WS01.corp.example.com'), 'ws01');
  assert.equal(shortHostName('\\\\FS01'), 'fs01');
  assert.equal(shortHostName('10.0.0.5'), '');
  assert.equal(shortHostName('-'), '');
  assert.equal(hostKey('acme', 'DC01.acme.local'), 'acme|dc01');
  assert.equal(hostKey(undefined, 'DC01'), '|dc01');
  assert.equal(hostKey('acme', ''), '');
});

test('a host key splits back into its tenant and short name whatever the tenant holds', () => {
  // Tenants come from folder names and tenant maps: a `|` (or `%`) in one must not move the key's separator.
  for (const tenant of ['acme', 'a|b', '|', 'x%7Cy', '100%', '%|%', '']) {
    for (const name of ['WS01.corp', 'odd|name']) {
      const key = hostKey(tenant, name);
      assert.equal(tenantOfHostKey(key), tenant, `${tenant} ${name}`);
      assert.equal(nameOfHostKey(key), shortHostName(name));
    }
  }
  assert.notEqual(hostKey('a|b', 'c'), hostKey('a', 'b|c'));
});

test('addresses and logon ids are normalised; loopback and placeholders dropped', () => {
  assert.equal(normalizeAddress('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(normalizeAddress('127.0.0.1'), '');
  assert.equal(normalizeAddress('-'), '');
  assert.equal(normalizeAddress('fe80::1'), '');
  assert.equal(normalizeAddress('not an ip'), '');
  assert.equal(normalizeLogonId('0x3E7'), '');
  assert.equal(normalizeLogonId('0x1A2B'), '0x1a2b');
  assert.equal(normalizeLogonId('6699'), '0x1a2b');
  assert.equal(normalizeLogonId('zz'), '');
});

test('artifacts: commands, archives, hashes', () => {
  assert.equal(normalizeCommand('  R.EXE   a\t-hpX  ss.rar '), 'r.exe a -hpx ss.rar');
  assert.deepEqual(archiveNames('r.exe a -hpQ "C:\\$Recycle.Bin\\ss.rar" C:\\data\\*'), ['ss.rar']);
  assert.deepEqual(hashValues(`SHA256=${'A'.repeat(64)},MD5=${'b'.repeat(32)},IMPHASH=zz`), [
    'a'.repeat(64),
    'b'.repeat(32),
  ]);
  // Hostile input stays bounded and linear.
  const long = 'a'.repeat(1_000_000);
  assert.ok(normalizeCommand(long).length <= 300);
  assert.deepEqual(archiveNames(long), []);
});
