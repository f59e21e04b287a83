// Conformance on the SigmaHQ tree: with every rule folder loaded, each regression case fires the rule its
// info.yml names, on its EVTX file (through our reader) and on its evtx_dump JSON; coverage of `rules check`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Engine, loadRuleSet, RecordView, RuleIndex, type RuleSet } from '../../src/engine/index.js';
import { ObjectRecord } from '../../src/event/object-record.js';
import { readEvtxFile } from '../../src/evtx/index.js';
import { corpusPath, corpusSkip } from '../helpers/corpus.js';
import { evtxFilesUnder } from '../helpers/files.js';

const FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder'];

let cached: Promise<RuleSet> | undefined;
function sigmaTree(): Promise<RuleSet> {
  cached ??= loadRuleSet(FOLDERS.map((f) => corpusPath('sigma', f)));
  return cached;
}

/** Splits evtx_dump output (pretty-printed JSON objects one after another) into objects. */
function splitConcatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

function regressionCases(): { dir: string; ids: string[] }[] {
  const out: { dir: string; ids: string[] }[] = [];
  const walk = (dir: string): void => {
    const names = readdirSync(dir, { withFileTypes: true });
    if (names.some((n) => n.name === 'info.yml')) {
      const info = parse(readFileSync(join(dir, 'info.yml'), 'utf8')) as { rule_metadata: { id: string }[] };
      out.push({ dir, ids: info.rule_metadata.map((m) => m.id) });
    }
    for (const n of names) if (n.isDirectory()) walk(join(dir, n.name));
  };
  walk(corpusPath('sigma-regression'));
  return out;
}

test('every sigma-regression case fires its rule on its EVTX file', { skip: corpusSkip }, async () => {
  const engine = new Engine(await sigmaTree());
  const cases = regressionCases();
  assert.ok(cases.length >= 140, `expected the 140 regression cases, found ${cases.length}`);
  const misses: string[] = [];
  for (const c of cases) {
    const fired = new Set<string>();
    let records = 0;
    for (const f of readdirSync(c.dir).filter((n) => n.endsWith('.evtx'))) {
      for (const record of readEvtxFile(join(c.dir, f))) {
        records++;
        engine.match(record, (d) => fired.add(d.rule.id));
      }
    }
    assert.ok(records > 0, `${c.dir}: no records read`);
    for (const id of c.ids) if (!fired.has(id)) misses.push(`${c.dir}: ${id}`);
  }
  assert.deepEqual(misses, []);
});

test('every sigma-regression case fires its rule on its evtx_dump JSON', { skip: corpusSkip }, async () => {
  const engine = new Engine(await sigmaTree());
  const misses: string[] = [];
  for (const c of regressionCases()) {
    const fired = new Set<string>();
    for (const f of readdirSync(c.dir).filter((n) => n.endsWith('.json'))) {
      for (const event of splitConcatenatedJson(readFileSync(join(c.dir, f), 'utf8'))) {
        engine.match(new ObjectRecord(event, { file: f }), (d) => fired.add(d.rule.id));
      }
    }
    for (const id of c.ids) if (!fired.has(id)) misses.push(`${c.dir}: ${id}`);
  }
  assert.deepEqual(misses, []);
});

test('the SigmaHQ tree loads with every rule compiled or explained', { skip: corpusSkip }, async () => {
  const rs = await sigmaTree();
  assert.ok(rs.files >= 3700);
  // No silent skips: every file yields at least one outcome.
  const withOutcome = new Set(rs.outcomes.map((o) => o.file));
  assert.equal(withOutcome.size, rs.files);
  // rules/: everything compiles (a few map to no Windows channel, which is reported, not hidden).
  const core = rs.outcomes.filter((o) => o.file.includes(`${join('sigma', 'rules')}/`));
  assert.ok(core.length >= 3100);
  assert.deepEqual(
    core.filter((o) => o.status === 'invalid' || o.status === 'unsupported'),
    [],
  );
  // Everything not compiled says why.
  for (const o of rs.outcomes)
    if (o.status !== 'compiled') assert.ok(o.reason && o.reason.length > 10, o.file);
  for (const p of rs.problems) assert.ok(p.file && p.reason, JSON.stringify(p));
  // Windows rules are indexed by channel, and almost all by event id.
  const indexed = rs.rules.filter((r) => r.channels.length > 0 && r.eventIds !== undefined).length;
  assert.ok(indexed / rs.rules.length > 0.8, `only ${indexed} of ${rs.rules.length} rules have index keys`);
});

test(
  'the needle prefilter never drops a rule that matches (corpus records, brute force as oracle)',
  { skip: corpusSkip },
  async () => {
    const rs = await sigmaTree();
    const engine = new Engine(rs);
    const index = new RuleIndex(rs.rules);
    const view = new RecordView();
    const files = [
      ...evtxFilesUnder(corpusPath('sigma-regression')),
      ...evtxFilesUnder(corpusPath('evtx', 'deepblue')),
      ...evtxFilesUnder(corpusPath('evtx', 'attack-samples', 'Credential Access')),
    ];
    let records = 0;
    let detections = 0;
    const differences: string[] = [];
    for (const file of files) {
      for (const record of readEvtxFile(file)) {
        records++;
        const fast = new Set<string>();
        engine.match(record, (d) => fast.add(d.rule.id));
        const slow = new Set<string>();
        view.reset(record);
        const bucket = index.bucket(record.channel.toLowerCase(), record.eventId);
        for (const n of bucket.rules)
          if (rs.rules[n]!.match(view) && !rs.suppressed.has(rs.rules[n]!.info.id))
            slow.add(rs.rules[n]!.info.id);
        detections += slow.size;
        for (const id of slow) if (!fast.has(id)) differences.push(`${file} #${record.recordId}: ${id}`);
      }
    }
    assert.ok(records > 3000 && detections > 100, `${records} records, ${detections} detections`);
    assert.deepEqual(differences, []);
  },
);
