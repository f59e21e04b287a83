import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CORPUS, corpusPath, corpusSkip } from './corpus.js';

test('corpus helper finds the corpus or says why it is absent', () => {
  if (CORPUS) {
    assert.equal(corpusSkip, false);
    assert.ok(existsSync(corpusPath('sigma-regression')));
  } else {
    assert.match(String(corpusSkip), /corpus not found/);
    assert.throws(() => corpusPath('x'), /corpus not found/);
  }
});
