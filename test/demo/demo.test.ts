// The demo scenario: reproducible per seed, different across seeds, truth.json pointing at real records,
// and the acceptance test: on 5 seeds every malicious stage is detected, and Dwell's own rules raise no high or
// critical detection on benign records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateDemo, generateDemoParallel, scoreDemo, type DemoResult } from '../../src/demo/index.js';
import { Engine, loadRuleSet, type RuleSet } from '../../src/engine/index.js';
import type { Detection } from '../../src/engine/types.js';
import { readEvtxFile } from '../../src/evtx/index.js';
import { CORPUS, PROJECT_ROOT, corpusPath, corpusSkip } from '../helpers/corpus.js';
import { detectionsTable, rulesByRow } from './detections-doc.js';

const SEEDS = [1, 2, 3, 4, 5];
// Three weeks keep the tests quick; stages keep their relative places in the period.
const DAYS = 21;
const root = mkdtempSync(join(tmpdir(), 'dwell-demo-test-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const demos = new Map<number, DemoResult>();
function demo(seed: number): DemoResult {
  let d = demos.get(seed);
  if (!d) {
    d = generateDemo({ out: join(root, `seed-${seed}`), seed, scale: 'small', days: DAYS });
    demos.set(seed, d);
  }
  return d;
}

function evtxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? evtxFiles(p) : p.endsWith('.evtx') ? [p] : [];
  });
}

/** Matches every record of a demo with one engine, tenants from the first folder under logs/. */
function hunt(d: DemoResult, ruleSet: RuleSet): Detection[] {
  const engine = new Engine(ruleSet);
  const out: Detection[] = [];
  for (const file of evtxFiles(d.logsDir)) {
    const tenant = relative(d.logsDir, file).split(/[\\/]/)[0];
    for (const record of readEvtxFile(file)) {
      record.source.tenant = tenant;
      engine.match(record, (x) => out.push(x));
    }
  }
  engine.flush((x) => out.push(x));
  return out;
}

test('the same seed gives the same demo; different seeds differ in hosts, names and times', () => {
  const a = demo(1);
  const again = generateDemo({ out: join(root, 'seed-1-again'), seed: 1, scale: 'small', days: DAYS });
  assert.deepEqual(again.truth, a.truth);
  assert.equal(again.records, a.records);
  const b = demo(2);
  const hostsOf = (d: DemoResult) => d.truth.tenants.flatMap((t) => t.hosts.map((h) => h.name)).join(',');
  assert.notEqual(hostsOf(a), hostsOf(b));
  assert.notEqual(a.truth.start, b.truth.start);
  assert.notDeepEqual(
    a.truth.stages.map((s) => s.firstTime),
    b.truth.stages.map((s) => s.firstTime),
  );
});

test('writing hosts on worker threads gives the same logs and truth as one thread', async () => {
  const one = demo(5);
  const two = await generateDemoParallel({
    out: join(root, 'seed-5-parallel'),
    seed: 5,
    scale: 'small',
    days: DAYS,
    workers: 2,
  });
  assert.deepEqual(two.truth, one.truth);
  assert.deepEqual(
    two.files.map((f) => relative(two.logsDir, f)),
    one.files.map((f) => relative(one.logsDir, f)),
  );
  const dc = one.files.find((f) => f.endsWith('Security.evtx'))!;
  assert.deepEqual(readFileSync(join(two.logsDir, relative(one.logsDir, dc))), readFileSync(dc));
});

test('the world: a provider and three client tenants, one client left clean, hop order from the provider', () => {
  const t = demo(3).truth;
  assert.equal(t.tenants.length, 4);
  assert.equal(t.tenants.filter((x) => x.kind === 'provider').length, 1);
  assert.deepEqual(
    t.tenants.map((x) => x.country),
    ['GB', 'JP', 'MX', 'FR'],
  );
  assert.equal(t.cleanTenants.length, 1);
  assert.equal(t.hopOrder[0], t.tenants[0].id);
  assert.equal(t.hopOrder[1], t.tenants[1].id);
  const clean = t.tenants.find((x) => x.id === t.cleanTenants[0])!;
  assert.equal(clean.compromised, false);
  assert.deepEqual(clean.compromisedHosts, []);
  for (const tenant of t.tenants) {
    assert.ok(tenant.hosts.some((h) => h.role === 'domain_controller'));
    assert.ok(tenant.hosts.some((h) => h.role === 'file_server'));
  }
});

test('truth.json is written beside the logs and every malicious record it names exists', () => {
  const d = demo(2);
  const onDisk = JSON.parse(readFileSync(d.truthPath, 'utf8'));
  assert.deepEqual(onDisk, JSON.parse(JSON.stringify(d.truth)));
  const wanted = new Map<string, Set<number>>();
  for (const s of d.truth.stages) {
    assert.ok(s.records.length > 0, `${s.id} has records`);
    for (const r of s.records) {
      const set = wanted.get(r.file) ?? new Set<number>();
      set.add(r.recordId);
      wanted.set(r.file, set);
    }
  }
  let found = 0;
  for (const [file, ids] of wanted) {
    for (const record of readEvtxFile(join(d.logsDir, '..', file))) if (ids.has(record.recordId)) found++;
  }
  assert.equal(found, d.truth.maliciousRecords);
  assert.ok(
    d.truth.records > 10 * d.truth.maliciousRecords,
    'malicious records are a small part of the logs',
  );
});

test('stages cover every behaviour row of campaign.md, with quiet weeks between the first and last', () => {
  const t = demo(4).truth;
  assert.deepEqual(
    [...new Set(t.stages.map((s) => s.row))].sort((a, b) => a - b),
    Array.from({ length: 15 }, (_, i) => i + 1),
  );
  const times = t.stages.map((s) => Date.parse(s.firstTime));
  assert.ok(Math.max(...times) - Math.min(...times) > 10 * 86_400_000);
});

let dwellRules: Promise<RuleSet> | undefined;
test("on 5 seeds Dwell's rules find every stage and raise no high/critical on benign records", async () => {
  const rs = await (dwellRules ??= loadRuleSet([join(PROJECT_ROOT, 'rules')]));
  for (const seed of SEEDS) {
    const d = demo(seed);
    const detections = hunt(d, rs);
    const score = scoreDemo(d.truth, detections, join(d.logsDir, '..'));
    assert.deepEqual(
      score.stages.filter((s) => !s.detected).map((s) => s.id),
      [],
      `seed ${seed}`,
    );
    const loud = score.benignDetections.filter((x) => x.rule.level === 'high' || x.rule.level === 'critical');
    assert.deepEqual(
      loud.map((x) => `${x.rule.title} ${x.file}#${x.recordId}`),
      [],
      `seed ${seed}`,
    );
  }
});

test(
  'on 5 seeds SigmaHQ + Dwell rules find every stage; Dwell rules stay quiet on benign records',
  { skip: corpusSkip },
  async () => {
    assert.ok(CORPUS);
    const rs = await loadRuleSet([join(PROJECT_ROOT, 'rules'), corpusPath('sigma', 'rules')]);
    const dwellDir = join(PROJECT_ROOT, 'rules');
    for (const seed of SEEDS) {
      const d = demo(seed);
      const score = scoreDemo(d.truth, hunt(d, rs), join(d.logsDir, '..'));
      assert.equal(score.detectedStages, score.stages.length, `seed ${seed}`);
      const loud = score.benignDetections.filter(
        (x) => x.rule.path?.startsWith(dwellDir) && (x.rule.level === 'high' || x.rule.level === 'critical'),
      );
      assert.deepEqual(
        loud.map((x) => x.rule.title),
        [],
        `seed ${seed}`,
      );
    }
  },
);

test(
  'docs/detections.md maps every campaign row to rules that fire on the demo (seed 1)',
  { skip: corpusSkip },
  async () => {
    const dwellDir = join(PROJECT_ROOT, 'rules');
    const rs = await loadRuleSet([dwellDir, corpusPath('sigma', 'rules')]);
    const d = demo(1);
    const rows = rulesByRow(
      d.truth,
      hunt(d, rs),
      join(d.logsDir, '..'),
      (x) => x.rule.path?.startsWith(dwellDir) === true,
    );
    for (const [row, r] of rows) assert.ok(r.dwell.size + r.other.size > 0, `row ${row} has no rule firing`);
    const table = detectionsTable(rows);
    const docPath = join(PROJECT_ROOT, 'docs', 'detections.md');
    if (process.env.DWELL_WRITE_DOCS) {
      const doc = readFileSync(docPath, 'utf8');
      const start = doc.indexOf('<!-- table:start -->');
      const end = doc.indexOf('<!-- table:end -->');
      writeFileSync(docPath, `${doc.slice(0, start)}<!-- table:start -->\n${table}${doc.slice(end)}`);
    }
    // Every rule the document claims for a row must fire on that row's events (new hits may be added later).
    const doc = readFileSync(docPath, 'utf8');
    let claims = 0;
    for (const line of doc.split('\n')) {
      const cells = /^\| (\d+) \|/.test(line) ? line.split(' | ') : undefined;
      if (!cells) continue;
      const row = rows.get(Number(cells[0].slice(2)))!;
      const claimed = [cells[3], cells[4].replace(/ \|$/, '')].flatMap((c) =>
        c === '—' ? [] : c.split('<br>'),
      );
      for (const title of claimed) {
        claims++;
        assert.ok(
          row.dwell.has(title) || row.other.has(title),
          `docs/detections.md: "${title}" no longer fires for row ${cells[0].slice(2)}`,
        );
      }
    }
    assert.ok(claims >= 15, 'docs/detections.md has its table');
  },
);

const evtxexport = spawnSync('evtxexport', ['-h'], { encoding: 'utf8' });
test(
  'libevtx (evtxexport) reads every record of the demo files',
  { skip: evtxexport.error ? 'evtxexport not installed' : false },
  () => {
    const d = demo(1);
    const sample = d.files.filter((f) => /Security\.evtx$|Sysmon%4Operational\.evtx$/.test(f)).slice(0, 6);
    assert.ok(sample.length > 0);
    for (const file of sample) {
      const ours = [...readEvtxFile(file)].length;
      const out = spawnSync('evtxexport', [file], { encoding: 'utf8', maxBuffer: 256 << 20 });
      assert.equal(out.status, 0, out.stderr);
      const theirs = (out.stdout.match(/^Event number\s*:/gm) ?? []).length;
      assert.equal(theirs, ours, file);
    }
  },
);
