// Every Dwell rule against its positive and negative events: the events are written as EVTX by our writer,
// read back by our reader and matched by the engine, as SigmaHQ's regression data is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Engine, loadRuleSet, type RuleSet } from '../../src/engine/index.js';
import type { Detection } from '../../src/engine/types.js';
import { parseEvtxBuffer } from '../../src/evtx/index.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import { PROJECT_ROOT } from '../helpers/corpus.js';
import { BUILDING_BLOCKS, CASES, type CaseEvent } from './cases.js';

const RULES_DIR = join(PROJECT_ROOT, 'rules');

function ruleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? ruleFiles(p) : p.endsWith('.yml') ? [p] : [];
  });
}

interface RuleDoc {
  file: string;
  id: string;
  name: string;
  level: string;
  tags: string[];
  correlation?: unknown;
}
const DOCS: RuleDoc[] = ruleFiles(RULES_DIR).map((file) => ({
  file,
  ...(parse(readFileSync(file, 'utf8')) as Omit<RuleDoc, 'file'>),
}));
const ID_OF = new Map(DOCS.map((d) => [d.name, d.id]));

let ruleSetPromise: Promise<RuleSet> | undefined;
const ruleSet = () => (ruleSetPromise ??= loadRuleSet([RULES_DIR]));

/** Writes each event to its own EVTX buffer, reads it back, and runs all events through one fresh engine. */
async function detect(events: readonly CaseEvent[]): Promise<Detection[]> {
  const engine = new Engine(await ruleSet());
  const out: Detection[] = [];
  events.forEach((e, i) => {
    const buf = writeEvtx([e.spec]);
    let n = 0;
    for (const record of parseEvtxBuffer(buf, `case-${i}.evtx`)) {
      n++;
      if (e.tenant) record.source.tenant = e.tenant;
      engine.match(record, (d) => out.push(d));
    }
    assert.equal(n, 1, 'each written event reads back as one record');
  });
  engine.flush((d) => out.push(d));
  return out;
}

test('every rule file loads without problems and follows our conventions', async () => {
  const rs = await ruleSet();
  assert.deepEqual(rs.problems, []);
  for (const doc of DOCS) {
    assert.match(doc.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, doc.file);
    assert.match(doc.name, /^dwell_[a-z0-9_]+$/, doc.file);
    assert.ok(
      doc.tags.some((t) => /^attack\.t\d{4}/.test(t)),
      `${doc.file}: needs an ATT&CK technique tag`,
    );
    assert.ok(
      doc.tags.some((t) => /^attack\.[a-z-]+$/.test(t)),
      `${doc.file}: needs an ATT&CK tactic tag`,
    );
  }
  assert.equal(new Set(DOCS.map((d) => d.id)).size, DOCS.length, 'rule ids are unique');
});

test('every rule ships positive and negative test events', () => {
  for (const doc of DOCS) {
    if (BUILDING_BLOCKS[doc.name]) {
      assert.ok(CASES[BUILDING_BLOCKS[doc.name]], `${doc.name}: its correlation has a case`);
      continue;
    }
    const c = CASES[doc.name];
    assert.ok(c, `${doc.name} (${doc.file}) has no test case`);
    assert.ok(c.positive.length > 0 && c.negative.length > 0, `${doc.name}: needs positives and negatives`);
  }
  for (const name of Object.keys(CASES)) assert.ok(ID_OF.has(name), `case ${name} names no rule`);
});

for (const doc of DOCS.filter((d) => CASES[d.name])) {
  const c = CASES[doc.name];
  if (doc.correlation) {
    test(`correlation ${doc.name}: fires on its sequence, not on the near miss`, async () => {
      const hits = (await detect(c.positive)).filter((d) => d.rule.id === doc.id);
      assert.ok(hits.length > 0, `${doc.name} did not fire`);
      assert.ok(hits[0].correlation, 'a correlation detection carries its group');
      const misses = (await detect(c.negative)).filter((d) => d.rule.id === doc.id);
      assert.deepEqual(
        misses.map((d) => d.correlation?.groupBy),
        [],
      );
    });
  } else {
    test(`rule ${doc.name}: fires on positives, silent on negatives`, async () => {
      for (const [i, e] of c.positive.entries()) {
        const hits = (await detect([e])).filter((d) => d.rule.id === doc.id);
        assert.equal(hits.length, 1, `positive #${i} did not fire`);
        assert.equal(hits[0].rule.level, doc.level);
      }
      for (const [i, e] of c.negative.entries()) {
        const hits = (await detect([e])).filter((d) => d.rule.id === doc.id);
        assert.equal(hits.length, 0, `negative #${i} fired`);
      }
    });
  }
}
