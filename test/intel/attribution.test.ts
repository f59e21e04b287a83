import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { attribute, loadAttackTable } from '../../src/intel/index.js';
import { corpusPath, corpusSkip } from '../helpers/corpus.js';

const table = loadAttackTable();

/** Techniques a Cicada-style intrusion shows in Windows logs (all in menuPass's ATT&CK entry). */
const CICADA_SEEN = [
  'T1199', // trusted relationship: the service provider hop
  'T1078',
  'T1021.001',
  'T1047',
  'T1053.005',
  'T1003.003',
  'T1560.001',
  'T1074.002',
  'T1039',
  'T1087.002',
  'T1018',
  'T1574.001',
];

test('a menuPass-like technique set ranks G0045 first, with every technique matched', () => {
  const ranked = attribute(CICADA_SEEN, table);
  assert.equal(ranked.length, 5);
  assert.equal(ranked[0].groupId, 'G0045');
  assert.equal(ranked[0].name, 'menuPass');
  assert.deepEqual(ranked[0].unmatched, []);
  assert.equal(ranked[0].matched.length, CICADA_SEEN.length);
  assert.ok(ranked[0].score > ranked[1].score);
  for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1].score >= ranked[i].score);
  // matched + unmatched always partition the observed set
  for (const m of ranked) assert.equal(m.matched.length + m.unmatched.length, CICADA_SEEN.length);
});

test('subsets of menuPass techniques from the corpus still rank G0045 first', { skip: corpusSkip }, () => {
  const rows = readFileSync(corpusPath('cicada', 'menupass_techniques.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const ids = rows.map((r) => r.split(',')[0]);
  assert.ok(ids.length >= 40);
  assert.equal(attribute(ids, table)[0].groupId, 'G0045');
  // every other technique of the list: half the evidence
  assert.equal(
    attribute(
      ids.filter((_, i) => i % 2 === 0),
      table,
    )[0].groupId,
    'G0045',
  );
});

test('generic technique sets do not produce high scores', () => {
  const cicada = attribute(CICADA_SEEN, table)[0].score;
  for (const generic of [
    ['T1059.001', 'T1105', 'T1078', 'T1021.001'],
    ['T1059.001', 'T1059.003', 'T1105', 'T1082', 'T1083', 'T1057'],
    ['T1204.002', 'T1566.001', 'T1059.001', 'T1547.001', 'T1071.001'],
  ]) {
    const top = attribute(generic, table)[0];
    assert.ok(top.score < 0.25, `${generic.join(',')} scored ${top.score} for ${top.name}`);
    assert.ok(top.score < cicada * 0.75);
  }
});

test('sub-technique and parent earn partial credit; junk and empty input are harmless', () => {
  // menuPass uses T1003.002/.003/.004, not T1003.001 directly: the sibling counts as a partial match.
  const ranked = attribute(['T1003.001'], table, 200);
  const menuPass = ranked.find((m) => m.groupId === 'G0045');
  assert.ok(menuPass && menuPass.matched.includes('T1003.001'));
  assert.deepEqual(attribute([], table), []);
  assert.deepEqual(attribute(['not-a-technique', '<script>'], table), []);
  assert.equal(attribute(['t1003.003'], table, 1).length, 1, 'lower-case ids are normalised');
});
