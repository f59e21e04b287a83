import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { loadAttackTable } from '../../src/intel/index.js';
import { buildStixBundle, type StixBundle } from '../../src/outputs/stix.js';
import { stixTime, uuidV5 } from '../../src/outputs/stix-ids.js';
import { PROJECT_ROOT } from '../helpers/corpus.js';
import { RULES, detection, scenario } from './html-fixtures.js';

const addFormats = addFormatsModule.default;
const schemaDir = join(PROJECT_ROOT, 'test/outputs/stix-schemas');
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
for (const f of readdirSync(schemaDir).filter((n) => n.endsWith('.json'))) {
  ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, f), 'utf8')));
}
const validateBundle = ajv.getSchema('https://dwell.local/stix/bundle.json');
const table = loadAttackTable();
const CREATED = new Date(Date.UTC(2024, 5, 1, 12, 0, 0, 123));

function build(): StixBundle {
  const { detections, intrusions } = scenario();
  return buildStixBundle({
    detections,
    intrusions,
    tenants: ['msp', 'acme', 'clean-co'],
    table,
    created: CREATED,
  });
}

function schemaErrors(bundle: unknown): string {
  assert.ok(validateBundle);
  return validateBundle(bundle) ? '' : JSON.stringify(validateBundle.errors?.slice(0, 5), null, 1);
}

/** Rules JSON Schema cannot say: unique ids, references resolve, time order. */
function semanticProblems(bundle: StixBundle): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const o of bundle.objects) {
    if (ids.has(o.id)) problems.push(`duplicate id ${o.id}`);
    ids.add(o.id);
  }
  for (const o of bundle.objects) {
    if (String(o.modified) < String(o.created)) problems.push(`${o.id}: modified before created`);
    for (const [k, v] of Object.entries(o)) {
      const refs = k.endsWith('_ref') ? [v] : k.endsWith('_refs') ? (v as unknown[]) : [];
      for (const r of refs)
        if (!ids.has(String(r))) problems.push(`${o.id}: ${k} → ${String(r)} not in bundle`);
    }
    if (o.type === 'sighting' && o.first_seen && String(o.last_seen) < String(o.first_seen)) {
      problems.push(`${o.id}: last_seen before first_seen`);
    }
  }
  return problems;
}

test('uuidV5 follows RFC 9562 (known vector) and STIX timestamps reject impossible times', () => {
  assert.equal(
    uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
    '2ed6657d-e927-568b-95e1-2665a8aea6a2',
  );
  assert.equal(stixTime(NaN), undefined);
  assert.equal(stixTime(8.64e15), undefined);
  assert.equal(stixTime(0), '1970-01-01T00:00:00.000Z');
});

test('the bundle validates against the STIX 2.1 schemas and its references resolve', () => {
  const bundle = build();
  assert.equal(schemaErrors(bundle), '');
  assert.deepEqual(semanticProblems(bundle), []);
  const count = (type: string) => bundle.objects.filter((o) => o.type === type).length;
  assert.equal(count('identity'), 4, 'Dwell + 3 tenants');
  assert.equal(count('incident'), 1);
  assert.equal(count('indicator'), 5, 'one per rule that fired');
  assert.ok(count('sighting') >= 5);
  assert.equal(count('attack-pattern'), 5, 'the revoked T1086 has no attack pattern');
  const ntds = bundle.objects.find((o) => o.type === 'indicator' && o.name === RULES.ntds.title);
  assert.equal(ntds?.pattern_type, 'sigma');
  assert.match(String(ntds?.pattern), /^title: "NTDS/);
  const sighting = bundle.objects.find((o) => o.type === 'sighting' && o.sighting_of_ref === ntds?.id);
  assert.equal(sighting?.count, 2);
  const acme = bundle.objects.find((o) => o.type === 'identity' && o.name === 'acme');
  assert.deepEqual(sighting?.where_sighted_refs, [acme?.id]);
  const ap = bundle.objects.find(
    (o) => o.type === 'attack-pattern' && JSON.stringify(o.external_references).includes('"T1003.003"'),
  );
  assert.equal(ap?.name, 'NTDS');
  assert.deepEqual(ap?.external_references, [
    {
      source_name: 'mitre-attack',
      external_id: 'T1003.003',
      url: 'https://attack.mitre.org/techniques/T1003/003',
    },
  ]);
  const rel = (type: string, src?: string, dst?: string) =>
    bundle.objects.some((o) => o.relationship_type === type && o.source_ref === src && o.target_ref === dst);
  const incident = bundle.objects.find((o) => o.type === 'incident');
  assert.ok(rel('indicates', ntds?.id, ap?.id));
  assert.ok(rel('uses', incident?.id, ap?.id));
  assert.ok(rel('targets', incident?.id, acme?.id));
  assert.ok(rel('related-to', incident?.id, ntds?.id));
  assert.match(String(incident?.description), /Domain controller reached: acme-dc01/);
  assert.match(String(incident?.description), /menuPass \(G0045/);
  const group = bundle.objects.find((o) => o.type === 'intrusion-set');
  assert.equal(group?.name, 'menuPass');
  const resemblance = bundle.objects.find((o) => o.source_ref === incident?.id && o.target_ref === group?.id);
  assert.equal(resemblance?.relationship_type, 'related-to');
  assert.equal(resemblance?.confidence, 35);
  assert.equal(count('intrusion-set'), 1, 'only the best match');
});

test('ids are deterministic: the same input gives the same bundle', () => {
  assert.deepEqual(build(), build());
  const other = buildStixBundle({
    detections: [detection(RULES.rdp, 'h', 1, 'acme')],
    table,
    created: CREATED,
  });
  const acme = (b: StixBundle) => b.objects.find((o) => o.type === 'identity' && o.name === 'acme')?.id;
  assert.equal(acme(other), acme(build()), 'a tenant has one id across bundles');
});

test('the schemas reject what STIX 2.1 forbids', () => {
  const bundle = build();
  const broken = (mutate: (o: Record<string, unknown>) => void, type: string) => {
    const copy = structuredClone(bundle);
    mutate(copy.objects.find((o) => o.type === type) as Record<string, unknown>);
    return schemaErrors(copy) !== '';
  };
  assert.ok(broken((o) => delete o.spec_version, 'incident'));
  assert.ok(broken((o) => (o.id = 'incident--not-a-uuid'), 'incident'));
  assert.ok(broken((o) => (o.id = o.id?.toString().replace('incident', 'indicator')), 'incident'));
  assert.ok(broken((o) => (o.created = '2024-06-01 12:00:00'), 'identity'));
  assert.ok(
    broken((o) => (o.created = '2024-06-01T12:00:00Z'), 'identity'),
    'created needs milliseconds',
  );
  assert.ok(broken((o) => delete o.pattern_type, 'indicator'));
  assert.ok(broken((o) => delete o.valid_from, 'indicator'));
  assert.ok(broken((o) => (o.count = -1), 'sighting'));
  assert.ok(broken((o) => (o.relationship_type = 'Uses Badly'), 'relationship'));
  assert.ok(broken((o) => (o.unknown_property = 1), 'attack-pattern'));
  assert.ok(broken((o) => delete o.name, 'identity'));
});

test('hostile and odd input still makes a valid bundle', () => {
  const evil = '<script>alert(1)</script>'.repeat(500);
  const d = { ...detection(RULES.ntds, evil, 1, evil), timestamp: NaN };
  const bundle = buildStixBundle({ detections: [d, detection(RULES.rdp, 'h', 2)], table, created: CREATED });
  assert.equal(schemaErrors(bundle), '');
  assert.deepEqual(semanticProblems(bundle), []);
  const empty = buildStixBundle({ detections: [], table, created: CREATED });
  assert.equal(schemaErrors(empty), '');
  assert.equal(empty.objects.length, 1);
});
