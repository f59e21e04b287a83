import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeCommand } from '../../src/correlate/artifacts.js';

/** The reference: the character loop normalizeCommand is defined by. */
function reference(command: string): string {
  let out = '';
  let space = false;
  const n = Math.min(command.length, 600);
  for (let i = 0; i < n && out.length < 300; i++) {
    const c = command[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c.toLowerCase();
  }
  return out;
}

test('normalizeCommand: the fast ASCII path spells every command line as the character loop does', () => {
  let seed = 12345;
  const rand = (k: number) => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed % k;
  };
  const alphabet = [
    'a',
    'B',
    'z',
    'Q',
    '\\',
    '"',
    '-',
    ' ',
    ' ',
    ' ',
    '\t',
    '\r',
    '\n',
    '\f',
    '\v',
    '.',
    '9',
  ];
  for (let i = 0; i < 5000; i++) {
    const length = [0, 1, 5, 299, 300, 301, 302, 599, 600, 601, 900][rand(11)] + rand(3);
    let text = '';
    for (let j = 0; j < length; j++) text += alphabet[rand(alphabet.length)];
    assert.equal(normalizeCommand(text), reference(text), JSON.stringify(text));
  }
  // Non-ASCII text takes the loop itself.
  for (const text of ['ΣΑΣ  X', 'İstanbul\tDOSYA', 'a\u00a0b', 'x'.repeat(299) + ' ΣΣ']) {
    assert.equal(normalizeCommand(text), reference(text));
  }
  assert.equal(normalizeCommand('  CMD.EXE   /c  \t whoami  '), 'cmd.exe /c whoami');
});
