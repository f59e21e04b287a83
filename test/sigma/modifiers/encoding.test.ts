import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64Of, base64OffsetVariants, encodeText } from '../../../src/sigma/modifiers/encoding.js';

test('utf16le / utf16be / utf16 byte forms (specification examples)', () => {
  assert.deepEqual([...encodeText('cmd', 'utf16le')], [0x63, 0, 0x6d, 0, 0x64, 0]);
  assert.deepEqual([...encodeText('cmd', 'utf16be')], [0, 0x63, 0, 0x6d, 0, 0x64]);
  assert.deepEqual([...encodeText('cmd', 'utf16')], [0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]);
});

test('base64 of a value', () => {
  assert.equal(base64Of(encodeText('sigma rules!', 'utf8')), 'c2lnbWEgcnVsZXMh');
  assert.equal(base64Of(encodeText('IEX', 'utf16le')), 'SQBFAFgA');
});

test('base64offset: the value is found at every byte offset inside a longer encoded text', () => {
  const value = 'http://';
  const variants = base64OffsetVariants(encodeText(value, 'utf8'));
  assert.equal(variants.length, 3);
  assert.deepEqual(variants, ['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']);
  for (const prefix of ['', 'a', 'ab', 'abc', 'abcd', 'abcde']) {
    for (const suffix of ['', 'x', 'xy', 'xyz']) {
      const encoded = Buffer.from(prefix + value + suffix).toString('base64');
      assert.ok(
        variants.some((v) => encoded.includes(v)),
        `offset ${prefix.length}, tail ${suffix.length}: ${encoded}`,
      );
    }
  }
  // A text that does not contain the value does not match any variant.
  const other = Buffer.from('abc https:/ xyz').toString('base64');
  assert.ok(!variants.some((v) => other.includes(v)));
});

test('base64offset with utf16le (PowerShell -EncodedCommand)', () => {
  const variants = base64OffsetVariants(encodeText('Invoke-Mimikatz', 'utf16le'));
  for (const prefix of ['', 'x', 'xx']) {
    const encoded = Buffer.from(`${prefix}Invoke-Mimikatz -DumpCreds`, 'utf16le').toString('base64');
    assert.ok(variants.some((v) => encoded.includes(v)));
  }
});
