import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  killChainRank,
  parentTechnique,
  sortTactics,
  tacticsOf,
  techniquesOf,
} from '../../src/intel/index.js';

test('techniquesOf maps Sigma technique tags to ATT&CK ids and ignores the rest', () => {
  assert.deepEqual(
    techniquesOf([
      'attack.t1003.003',
      'attack.credential-access',
      'ATTACK.T1059',
      'attack.t1003.003',
      'car.2013-05-004',
      'attack.t10',
      'attack.s0002',
      'attack.g0045',
      'cve.2021-44228',
    ]),
    ['T1003.003', 'T1059'],
  );
});

test('tacticsOf accepts both spellings and TA ids, in kill-chain order', () => {
  assert.deepEqual(
    tacticsOf([
      'attack.lateral_movement',
      'attack.credential-access',
      'attack.credential_access',
      'attack.ta0001',
      'attack.command_and_control',
      'attack.t1003',
      'tlp.white',
    ]),
    ['initial-access', 'credential-access', 'lateral-movement', 'command-and-control'],
  );
});

test('kill-chain helpers order tactics and find parents', () => {
  assert.ok(killChainRank('reconnaissance') < killChainRank('impact'));
  assert.equal(killChainRank('nonsense'), 14);
  assert.deepEqual(sortTactics(['impact', 'execution', 'nonsense', 'execution']), [
    'execution',
    'impact',
    'nonsense',
  ]);
  assert.equal(parentTechnique('T1003.003'), 'T1003');
  assert.equal(parentTechnique('T1003'), 'T1003');
});
