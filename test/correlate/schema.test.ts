import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { buildIntrusions, intrusionsDocument } from '../../src/correlate/index.js';
import { loadAttackTable } from '../../src/intel/index.js';
import { PROJECT_ROOT } from '../helpers/corpus.js';
import { detection } from './fixtures.js';
import { scenario } from './scenario.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs/intrusions.schema.json'), 'utf8')),
);

function check(doc: unknown): void {
  const parsed: unknown = JSON.parse(JSON.stringify(doc));
  assert.ok(validate(parsed), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
}

test('the intrusions document validates against docs/intrusions.schema.json', () => {
  const { graph, detections } = scenario();
  const intrusions = buildIntrusions({ graph, detections, attack: loadAttackTable() });
  assert.ok(intrusions.length > 0);
  const doc = intrusionsDocument(intrusions, new Date('2026-03-01T00:00:00Z'));
  assert.equal(doc.count, intrusions.length);
  check(doc);
  check(intrusionsDocument([]));
});

test('the schema rejects what it should (it is not vacuous)', () => {
  const { graph, detections } = scenario();
  const [i] = buildIntrusions({ graph, detections });
  const doc = JSON.parse(JSON.stringify(intrusionsDocument([i])));
  doc.intrusions[0].hosts[0].roles = ['mainframe'];
  assert.equal(validate(doc), false);
  const doc2 = JSON.parse(JSON.stringify(intrusionsDocument([i])));
  delete doc2.intrusions[0].dwellDays;
  assert.equal(validate(doc2), false);
});

test('hostile field values survive into valid JSON', () => {
  const { graph, detections } = scenario();
  const evil = '<script>alert(1)</script>\u2028"\\'.repeat(500);
  detections.push(
    detection({
      rule: 'evil',
      level: 'high',
      tags: ['attack.execution', 'attack.t1059.001'],
      host: 'SRV01.acme.local',
      tenant: 'acme',
      time: '2026-01-22T10:00:00Z',
      fields: { CommandLine: evil, SubjectUserName: evil, Image: evil },
    }),
  );
  check(intrusionsDocument(buildIntrusions({ graph, detections })));
});
