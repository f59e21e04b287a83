import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, parseCidr, parseIp } from '../../../src/sigma/modifiers/cidr.js';

const inNet = (net: string, ip: string): boolean => {
  const n = parseCidr(net);
  const a = parseIp(ip);
  assert.ok(n, net);
  return a !== undefined && cidrContains(n, a);
};

test('IPv4 networks, including non-byte prefixes', () => {
  assert.ok(inNet('10.0.0.0/8', '10.200.1.1'));
  assert.ok(!inNet('10.0.0.0/8', '11.0.0.1'));
  assert.ok(inNet('192.168.0.0/22', '192.168.3.255'));
  assert.ok(!inNet('192.168.0.0/22', '192.168.4.0'));
  assert.ok(inNet('0.0.0.0/0', '8.8.8.8'));
  assert.ok(inNet('1.2.3.4', '1.2.3.4'));
  assert.ok(!inNet('1.2.3.4', '1.2.3.5'));
});

test('IPv6 networks: compressed forms, zone ids, brackets, embedded IPv4', () => {
  assert.ok(inNet('fe80::/10', 'fe80::1%eth0'));
  assert.ok(inNet('fe80::/10', 'febf:ffff::1'));
  assert.ok(!inNet('fe80::/10', 'fec0::1'));
  assert.ok(inNet('2001:db8::/32', '[2001:db8:0:0:1:0:0:1]'));
  assert.ok(inNet('::1/128', '0:0:0:0:0:0:0:1'));
  assert.ok(inNet('64:ff9b::/96', '64:ff9b::192.0.2.1'));
  assert.ok(inNet('10.0.0.0/8', '::ffff:10.1.2.3'), 'IPv4-mapped IPv6 matches IPv4 networks');
  assert.ok(!inNet('10.0.0.0/8', '::10.1.2.3'));
});

test('malformed networks and addresses are rejected', () => {
  for (const bad of ['10.0.0.0/33', '10.0.0/8', '1.2.3.256/32', 'fe80::/129', 'x/8', '1::2::3/64', '']) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
  for (const bad of ['-', '1.2.3', '1.2.3.4.5', '01234::', ':::', 'a'.repeat(100)]) {
    assert.equal(parseIp(bad), undefined, bad);
  }
  // Dotted-quad edge cases: empty parts, a trailing or leading dot, four digits, a part over 255, signs, spaces.
  for (const bad of [
    '1..2.3',
    '1.2.3.4.',
    '.1.2.3',
    '1.2.3.0004',
    '1.2.3.256',
    '1.2.+3.4',
    '1.2. 3.4',
    '1.2.3.4x',
  ]) {
    assert.equal(parseIp(bad), undefined, bad);
  }
  assert.deepEqual([...parseIp('001.02.255.0')!], [1, 2, 255, 0], 'leading zeros are decimal');
  assert.deepEqual([...parseIp(' 10.0.0.1 ')!], [10, 0, 0, 1], 'surrounding spaces are trimmed');
});
