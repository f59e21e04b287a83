import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { loadAttackTable } from '../../src/intel/index.js';
import { buildNavigatorLayer } from '../../src/outputs/navigator.js';
import { PROJECT_ROOT } from '../helpers/corpus.js';
import { RULES, detection, scenario } from './html-fixtures.js';

const schema = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'test/outputs/navigator-layer-4.5.schema.json'), 'utf8'),
);
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const table = loadAttackTable();

test('the layer validates against the layer format 4.5 schema', () => {
  const layer = buildNavigatorLayer(scenario().detections, table);
  assert.ok(validate(layer), JSON.stringify(validate.errors, null, 1));
  assert.deepEqual(layer.versions, { attack: '18', navigator: '5.1.0', layer: '4.5' });
  assert.equal(layer.domain, 'enterprise-attack');
  // The schema is strict enough to reject a wrong layer version and an unknown property.
  assert.equal(validate({ ...layer, versions: { ...layer.versions, layer: '4.4' } }), false);
  assert.equal(validate({ ...layer, extra: 1 }), false);
});

test('scores count detections per technique and tactic, chosen by the rule tactic tags', () => {
  const layer = buildNavigatorLayer(scenario().detections, table);
  const byKey = new Map(layer.techniques.map((t) => [`${t.techniqueID}|${t.tactic ?? ''}`, t]));
  assert.equal(byKey.get('T1003.003|credential-access')?.score, 2);
  assert.equal(byKey.get('T1021.001|lateral-movement')?.score, 1);
  // T1053.005 belongs to execution, persistence and privilege-escalation: the rule names all three.
  for (const tactic of ['execution', 'persistence', 'privilege-escalation']) {
    assert.equal(byKey.get(`T1053.005|${tactic}`)?.score, 1, tactic);
  }
  assert.equal(layer.gradient.maxValue, 2);
  assert.match(byKey.get('T1003.003|credential-access')?.comment ?? '', /2 detections by 1 rule: NTDS/);
  const hosts = byKey.get('T1003.003|credential-access')?.metadata.find((m) => m.name === 'hosts');
  assert.equal(hosts?.value, 'acme-dc01');
  // The revoked T1086 is not shown but reported.
  assert.ok(!layer.techniques.some((t) => t.techniqueID === 'T1086'));
  assert.ok(layer.metadata.some((m) => m.value.includes('T1086')));
});

test('a rule without tactic tags marks the technique under all its tactics; no detections is still valid', () => {
  const r = { ...RULES.ntds, tags: ['attack.t1003.003'] };
  const layer = buildNavigatorLayer([detection(r, 'h', 1)], table);
  assert.equal(layer.techniques.length, 1);
  assert.equal(layer.techniques[0].tactic, undefined);
  const empty = buildNavigatorLayer([], table);
  assert.ok(validate(empty));
  assert.equal(empty.techniques.length, 0);
  assert.equal(empty.gradient.maxValue, 1, 'maxValue must stay above minValue');
});

test('hostile host names are clipped and carried as plain strings', () => {
  const big = 'x'.repeat(10_000) + '<script>';
  const layer = buildNavigatorLayer([detection(RULES.ntds, big, 1)], table);
  const hosts = layer.techniques[0].metadata.find((m) => m.name === 'hosts')?.value ?? '';
  assert.ok(hosts.length <= 200);
  assert.ok(validate(layer));
});

test('a detection time outside the Date range leaves first/last seen empty instead of throwing', () => {
  const odd = { ...detection(RULES.ntds, 'dc', 0), timestamp: 1e16 };
  const layer = buildNavigatorLayer([odd], table);
  assert.ok(validate(layer), JSON.stringify(validate.errors, null, 1));
  const seen = layer.techniques.flatMap((t) => t.metadata ?? []).filter((m) => m.name === 'first seen');
  assert.ok(seen.length > 0);
  for (const m of seen) assert.equal(m.value, '');
});
