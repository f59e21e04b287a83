import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordView } from '../../src/engine/record-view.js';
import { KEYWORD_FIELD, KEYWORD_SEPARATOR } from '../../src/engine/prefilter/index.js';
import { proc } from './rule-fixtures.js';

test('field text is read once per record and forgotten at the next record', () => {
  const view = new RecordView();
  const first = proc({ Image: 'C:\\A.EXE', Empty: '', Number: 42 });
  let reads = 0;
  const counting = Object.create(first) as typeof first;
  Object.defineProperty(counting, 'get', {
    value: (name: string) => {
      reads++;
      return first.get(name);
    },
  });
  view.reset(counting);
  assert.equal(view.raw('Image'), 'C:\\A.EXE');
  assert.equal(view.lower('Image'), 'c:\\a.exe');
  assert.equal(view.raw('Image'), 'C:\\A.EXE');
  assert.equal(reads, 1);
  assert.equal(view.raw('Number'), '42');
  assert.equal(view.raw('Empty'), '');
  assert.ok(view.has('Empty'));
  assert.equal(view.raw('Missing'), undefined);
  assert.ok(!view.has('Missing'));
  view.reset(proc({ Image: 'D:\\b.exe' }));
  assert.equal(view.raw('Image'), 'D:\\b.exe');
  assert.equal(view.raw('Number'), undefined, 'no value leaks from the previous record');
  assert.equal(view.lower('Image'), 'd:\\b.exe');
});

test('keyword text joins every lower-cased value with the prefilter separator', () => {
  const view = new RecordView();
  view.reset(proc({ A: 'MiMiKaTz', B: 'x' }));
  view.lower('A');
  const text = view.keywordText();
  assert.ok(text.includes(`mimikatz${KEYWORD_SEPARATOR}x`));
  assert.equal(view.lower(KEYWORD_FIELD), text);
  assert.ok(view.keywordRaw().includes('MiMiKaTz'));
  assert.ok(view.keywordLower().includes('mimikatz'));
});
