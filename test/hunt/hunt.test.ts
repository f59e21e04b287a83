import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { runHunt, type HuntResult } from '../../src/hunt/index.js';
import type { Detection } from '../../src/engine/types.js';
import { slackWithOverwrittenTemplate } from '../helpers/evtx-slack.js';
import {
  RULE_NETUSE,
  RULE_WHOAMI,
  asEvtxDumpJson,
  asXml,
  evtxOf,
  expectedHits,
  makeCase,
  sysmonEvents,
} from './fixtures.js';

const sig = (d: Detection) => `${d.rule.id}|${d.host}|${d.recordId}|${d.timestamp}|${d.tenant ?? ''}`;

function hunt(paths: string[], rules: string, extra: Record<string, unknown> = {}): Promise<HuntResult> {
  return runHunt({ paths, sigma: [rules], noDwellRules: true, quiet: true, workers: 1, ...extra });
}

test('EVTX, evtx_dump JSON, XML and gzip inputs give the same detections, with tenants from folders', async () => {
  const c = makeCase();
  try {
    const specs = sysmonEvents('ws1.acme.local', 30);
    c.put('logs/acme/ws1/Sysmon.evtx', evtxOf(specs));
    const beta = sysmonEvents('ws2.beta.local', 30);
    c.put('logs/beta/ws2/sysmon.json', asEvtxDumpJson(beta));
    const gamma = sysmonEvents('ws3.gamma.local', 30);
    c.put('logs/gamma/ws3/export.xml', asXml(gamma));
    const delta = sysmonEvents('ws4.delta.local', 30);
    c.put('logs/delta/ws4/Sysmon.evtx.gz', gzipSync(evtxOf(delta)));
    const r = await hunt([join(c.dir, 'logs')], c.rules, { tenantFromDir: true, workers: 2 });
    const exp = expectedHits(30);
    assert.equal(r.summary.records, 120);
    assert.equal(r.summary.filesRead, 4);
    assert.deepEqual(
      r.warnings.filter((w) => w.kind === 'input'),
      [],
    );
    for (const [tenant, host] of [
      ['acme', 'ws1.acme.local'],
      ['beta', 'ws2.beta.local'],
      ['gamma', 'ws3.gamma.local'],
      ['delta', 'ws4.delta.local'],
    ]) {
      const mine = r.detections.filter((d) => d.host === host);
      assert.equal(mine.filter((d) => d.rule.id === RULE_WHOAMI).length, exp.whoami, host);
      assert.equal(mine.filter((d) => d.rule.id === RULE_NETUSE).length, exp.netuse, host);
      assert.ok(
        mine.every((d) => d.tenant === tenant),
        host,
      );
    }
    // Same (rule, record, time) set whatever the format.
    const per = (host: string) =>
      r.detections
        .filter((d) => d.host === host)
        .map((d) => `${d.rule.id}|${d.recordId}|${d.timestamp}|${d.fields.CommandLine ?? ''}`)
        .sort();
    assert.deepEqual(per('ws2.beta.local'), per('ws1.acme.local'));
    assert.deepEqual(per('ws3.gamma.local'), per('ws1.acme.local'));
    assert.deepEqual(per('ws4.delta.local'), per('ws1.acme.local'));
    // Sorted by time, then file, then record.
    for (let i = 1; i < r.detections.length; i++) {
      const a = r.detections[i - 1]!;
      const b = r.detections[i]!;
      assert.ok(
        a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.file <= b.file),
        `order at ${i}`,
      );
    }
    assert.deepEqual(r.summary.tenants.map((t) => t.tenant).sort(), ['acme', 'beta', 'delta', 'gamma']);
    assert.ok(r.summary.tactics.some((t) => t.tactic === 'discovery'));
  } finally {
    c.cleanup();
  }
});

test('a cut file, random bytes and broken JSON lines are named and skipped; other results are unchanged', async () => {
  const c = makeCase();
  try {
    const good = evtxOf(sysmonEvents('ws1', 40));
    c.put('logs/a/Sysmon.evtx', good);
    c.put('logs/b/sysmon.json', asEvtxDumpJson(sysmonEvents('ws2', 20)));
    const clean = await hunt([join(c.dir, 'logs')], c.rules);
    const big = evtxOf(sysmonEvents('ws9', 3000));
    c.put('logs/c/cut.evtx', big.subarray(0, Math.floor(big.length / 2)));
    c.put('logs/c/random.evtx', randomBytes(70_000));
    const lines = sysmonEvents('ws8', 6).map((s) => asEvtxDumpJson([s]).replace(/\n\s*/g, ''));
    lines[2] = lines[2]!.slice(0, 50);
    lines.splice(4, 0, 'not json at all');
    c.put('logs/c/broken.jsonl', lines.join('\n') + '\n');
    const dirty = await hunt([join(c.dir, 'logs')], c.rules);
    const cleanSet = clean.detections.map(sig);
    const dirtyOthers = dirty.detections.filter((d) => !d.file.includes('/logs/c/')).map(sig);
    assert.deepEqual(dirtyOthers, cleanSet);
    const damaged = new Map(dirty.summary.damagedFiles.map((f) => [f.file.split('/').pop(), f]));
    assert.ok(damaged.get('cut.evtx'), 'cut file named');
    assert.ok(damaged.get('random.evtx')?.unreadable, 'random file unreadable');
    assert.ok(damaged.get('broken.jsonl'), 'broken JSON named');
    // The readable parts of the damaged files still count.
    const brokenHits = dirty.detections.filter((d) => d.file.endsWith('broken.jsonl'));
    assert.ok(brokenHits.length > 0);
    assert.ok(
      dirty.detections.some((d) => d.file.endsWith('cut.evtx')),
      'records before the cut are hunted',
    );
    const w = dirty.warnings.find((x) => x.file?.endsWith('broken.jsonl'));
    assert.equal(w?.line, 3);
  } finally {
    c.cleanup();
  }
});

test('the same records seen twice (a backup copy) count once', async () => {
  const c = makeCase();
  try {
    const p = c.put('logs/ws1/Sysmon.evtx', evtxOf(sysmonEvents('ws1', 30)));
    mkdirSync(join(c.dir, 'logs/ws1/shadow'), { recursive: true });
    copyFileSync(p, join(c.dir, 'logs/ws1/shadow/Sysmon-copy.evtx'));
    c.put('logs/ws1/overlap.json', asEvtxDumpJson(sysmonEvents('ws1', 30).slice(0, 10)));
    const r = await hunt([join(c.dir, 'logs')], c.rules, { workers: 2 });
    const exp = expectedHits(30);
    assert.equal(r.summary.records, 70);
    assert.equal(r.detections.length, exp.whoami + exp.netuse);
    assert.equal(new Set(r.detections.map(sig)).size, r.detections.length);
    assert.ok(r.summary.duplicatesDropped >= exp.whoami + exp.netuse);
  } finally {
    c.cleanup();
  }
});

test('rule selection: min level, ids, tags, mute file; outputs written and rule statistics kept', async () => {
  const c = makeCase();
  try {
    c.put('logs/Sysmon.evtx', evtxOf(sysmonEvents('ws1', 30)));
    const logs = [join(c.dir, 'logs')];
    const navigator = join(c.dir, 'nav.json');
    const high = await hunt(logs, c.rules, { minLevel: 'medium', navigator });
    assert.ok(high.detections.length > 0 && high.detections.every((d) => d.rule.id === RULE_WHOAMI));
    const nav = JSON.parse(readFileSync(navigator, 'utf8')) as { techniques: { techniqueID: string }[] };
    assert.ok(nav.techniques.some((t) => t.techniqueID === 'T1033'));
    assert.ok(!nav.techniques.some((t) => t.techniqueID === 'T1021.002'));
    const tag = await hunt(logs, c.rules, { includeTags: ['attack.t1021'] });
    assert.ok(tag.detections.length > 0 && tag.detections.every((d) => d.rule.id === RULE_NETUSE));
    const mute = c.put('mute.txt', `# noisy\n${RULE_WHOAMI}  # whoami\n`);
    const muted = await hunt(logs, c.rules, { mute: [mute] });
    assert.ok(muted.detections.length > 0 && muted.detections.every((d) => d.rule.id === RULE_NETUSE));
    const status = await hunt(logs, c.rules, { status: ['test'], excludeIds: [RULE_NETUSE] });
    assert.ok(status.detections.every((d) => d.rule.id === RULE_WHOAMI));
    const out = {
      csv: join(c.dir, 'out.csv'),
      jsonl: join(c.dir, 'out.jsonl'),
      ruleStats: join(c.dir, 'stats.json'),
    };
    const all = await hunt(logs, c.rules, { ...out, keepDetections: false });
    assert.equal(all.detections.length, 0, 'not kept when asked');
    const csv = readFileSync(out.csv, 'utf8');
    assert.ok(csv.startsWith('\uFEFFTimestamp,'));
    const rows = csv.split('\r\n').filter(Boolean);
    assert.equal(rows.length, all.summary.detections + 1);
    assert.ok(!csv.replace(/\r\n/g, '').includes('\n'), 'no embedded line feeds');
    const jl = readFileSync(out.jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(jl.length, all.summary.detections);
    assert.ok(
      jl.every((o) => typeof o.message === 'string' && typeof o.datetime === 'string' && o.timestamp_desc),
    );
    const stats = JSON.parse(readFileSync(out.ruleStats, 'utf8')) as { ruleId: string; hits: number }[];
    const exp = expectedHits(30);
    assert.equal(stats.find((s) => s.ruleId === RULE_WHOAMI)?.hits, exp.whoami);
    assert.equal(all.ruleStats.find((s) => s.ruleId === RULE_NETUSE)?.hits, exp.netuse);
  } finally {
    c.cleanup();
  }
});

test('tenant mapping file assigns tenants by path glob', async () => {
  const c = makeCase();
  try {
    c.put('logs/provider/jump1/Sysmon.evtx', evtxOf(sysmonEvents('jump1', 6)));
    c.put('logs/x/jp-dc1/Sysmon.evtx', evtxOf(sysmonEvents('jp-dc1', 6)));
    const map = c.put('tenants.csv', 'glob,tenant\nprovider/**,msp\n**/jp-*/**,acme-jp\n');
    const r = await hunt([join(c.dir, 'logs')], c.rules, { tenantMap: map });
    assert.ok(r.detections.filter((d) => d.host === 'jump1').every((d) => d.tenant === 'msp'));
    assert.ok(r.detections.filter((d) => d.host === 'jp-dc1').every((d) => d.tenant === 'acme-jp'));
    await assert.rejects(hunt([join(c.dir, 'logs')], c.rules, { tenantMap: join(c.dir, 'missing.yml') }));
  } finally {
    c.cleanup();
  }
});

test('output files may name folders that do not exist yet: they are created before the hunt runs', async () => {
  const c = makeCase();
  try {
    c.put('logs/ws1/Sysmon.evtx', evtxOf(sysmonEvents('ws1.acme.local', 10)));
    const out = join(c.dir, 'new', 'deeper');
    const r = await hunt([join(c.dir, 'logs')], c.rules, {
      csv: join(out, 'timeline.csv'),
      jsonl: join(out, 'jsonl', 'detections.jsonl'),
      report: join(out, 'html', 'report.html'),
    });
    const exp = expectedHits(10);
    assert.equal(r.detections.length, exp.whoami + exp.netuse);
    const csvLines = readFileSync(join(out, 'timeline.csv'), 'utf8').trim().split(/\r?\n/);
    assert.equal(csvLines.length, r.detections.length + 1);
    assert.equal(
      readFileSync(join(out, 'jsonl', 'detections.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
      r.detections.length,
    );
    assert.match(readFileSync(join(out, 'html', 'report.html'), 'utf8'), /^<!doctype html>/i);
  } finally {
    c.cleanup();
  }
});

test('rules whose logsource is not a Windows log are counted as not run, not silently dropped', async () => {
  const c = makeCase();
  try {
    c.put(
      'rules/linux.yml',
      [
        'title: Linux Shell Test',
        'id: 6f1d4a4e-3333-4333-8333-000000000003',
        'status: test',
        'logsource:',
        '  product: linux',
        '  category: process_creation',
        'detection:',
        '  selection:',
        "    Image|endswith: '/bash'",
        '  condition: selection',
        'level: low',
        '',
      ].join('\n'),
    );
    const logs = c.put('logs/ws1/Sysmon.evtx', evtxOf(sysmonEvents('ws1', 5)));
    for (const workers of [1, 2]) {
      const r = await hunt([logs], join(c.dir, 'rules'), { workers });
      assert.equal(r.summary.rules.unmapped, 1, `workers ${workers}`);
      assert.equal(r.summary.rules.loaded, 2, `workers ${workers}: the two Windows rules run`);
    }
  } finally {
    c.cleanup();
  }
});

test('of a record found twice, the copy of the earlier file in the plan is kept, whichever worker finishes first', async () => {
  const c = makeCase();
  try {
    const shared = sysmonEvents('dup.acme.local', 30);
    // a.evtx (first in the plan) also holds many quiet records, so its job ends after b.evtx's.
    const quiet = sysmonEvents('dup.acme.local', 6000, 3_600_000).map((s) => ({
      ...s,
      recordId: (s.recordId as number) + 30,
      data: { ...s.data, Image: 'C:\\Windows\\notepad.exe', CommandLine: 'notepad.exe' },
    }));
    const a = c.put('logs/a.evtx', evtxOf([...shared, ...quiet]));
    const b = c.put('logs/b.evtx', evtxOf(shared));
    const exp = expectedHits(30);
    const one = await hunt([join(c.dir, 'logs')], c.rules, { workers: 1 });
    const two = await hunt([join(c.dir, 'logs')], c.rules, { workers: 2 });
    for (const r of [one, two]) {
      assert.equal(r.detections.length, exp.whoami + exp.netuse);
      assert.equal(r.summary.duplicatesDropped, exp.whoami + exp.netuse);
      assert.deepEqual(
        [...new Set(r.detections.map((d) => d.file))],
        [a],
        'the copies of b.evtx are dropped',
      );
    }
    assert.deepEqual(two.detections.map(sig), one.detections.map(sig));
    assert.ok(b.endsWith('b.evtx'));
  } finally {
    c.cleanup();
  }
});

test('a file whose slack space holds records with overwritten templates is not listed as damaged', async () => {
  // Slack space keeps old records whose template definitions newer ones overwrote: decoding them with another
  // copy of the template is recovery (a note), not damage (the summary's "damaged or unreadable files").
  const c = makeCase();
  try {
    const { bytes } = slackWithOverwrittenTemplate(sysmonEvents('ws1', 400));
    c.put('logs/slack.evtx', bytes);
    const r = await hunt([join(c.dir, 'logs')], c.rules);
    assert.deepEqual(r.summary.damagedFiles, []);
    const notes = r.warnings.filter((w) => w.kind === 'note').map((w) => w.reason);
    assert.equal(notes.length, 1, JSON.stringify(r.warnings));
    assert.match(
      notes[0]!,
      /^chunk 1: recovered \d+ records from slack space \(1 overwritten template taken/,
    );
    assert.equal(r.warnings.filter((w) => w.kind === 'input').length, 0, JSON.stringify(r.warnings));
    // The carved records are hunted like the others.
    assert.ok(r.detections.some((d) => d.file.endsWith('slack.evtx')));
  } finally {
    c.cleanup();
  }
});
