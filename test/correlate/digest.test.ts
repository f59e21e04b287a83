import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIGEST_LIMITS, DetectionDigest, buildIntrusions } from '../../src/correlate/index.js';
import type { Detection } from '../../src/engine/types.js';
import { detection } from './fixtures.js';
import { scenario } from './scenario.js';

const MINUTE = 60_000;
const PER_PAIR_SAMPLES =
  DIGEST_LIMITS.head + DIGEST_LIMITS.tail + DIGEST_LIMITS.novel + 2 * DIGEST_LIMITS.evidence + 1;

test('one million detections of one (rule, host) keep the digest within its bounds', () => {
  const digest = new DetectionDigest();
  const base = detection({
    rule: 'noisy',
    level: 'high',
    host: 'WS01.acme.local',
    tenant: 'acme',
    time: '2026-01-01T00:00:00Z',
  });
  const start = base.timestamp;
  const repeated = { CommandLine: 'tool.exe --run job', SubjectUserName: 'user', SubjectDomainName: 'ACME' };
  const n = 1_000_000;
  for (let i = 0; i < n; i++) {
    // Every 10th detection names a new command and account, and every 1,000th starts a burst two days after
    // the last: the worst case for artifacts, accounts and spans.
    const burst = Math.floor(i / 1000);
    const fresh = {
      CommandLine: `tool.exe --run job-${i}`,
      SubjectUserName: `user${i}`,
      SubjectDomainName: 'ACME',
    };
    digest.add({
      ...base,
      recordId: i,
      timestamp: start + burst * 2 * 86_400_000 + (i % 1000) * MINUTE,
      fields: i % 10 === 0 ? fresh : repeated,
    });
  }
  const size = digest.size();
  assert.equal(size.pairs, 1);
  assert.ok(size.samples <= PER_PAIR_SAMPLES, `samples ${size.samples}`);
  assert.ok(size.spans <= DIGEST_LIMITS.spans, `spans ${size.spans}`);
  assert.ok(size.artifacts <= DIGEST_LIMITS.artifacts, `artifacts ${size.artifacts}`);
  assert.ok(size.accounts <= DIGEST_LIMITS.accounts, `accounts ${size.accounts}`);
  const [pair] = digest.pairList();
  assert.equal(pair.count, n, 'every detection is counted');
  assert.equal(pair.spans[0], start, 'the first time is kept exactly');
  assert.equal(pair.spans.at(-1), start + 999 * 2 * 86_400_000 + 999 * MINUTE, 'the last time too');
  const samples = digest.samples();
  assert.equal(samples[0].recordId, 0, 'the first detection is sampled');
  assert.equal(samples.at(-1)?.recordId, n - 1, 'the last detection is sampled');
});

test('pairs and samples are capped in all; the rest is counted', () => {
  const digest = new DetectionDigest();
  const extra = 5_000;
  for (let i = 0; i < DIGEST_LIMITS.pairs + extra; i++) {
    digest.add(detection({ rule: 'r', level: 'medium', host: `h${i}`, time: '2026-01-01T00:00:00Z' }));
  }
  // Informational detections never take part in intrusions: counted only.
  digest.add(detection({ rule: 'info', level: 'informational', host: 'h0', time: '2026-01-01T00:00:00Z' }));
  const size = digest.size();
  assert.equal(size.pairs, DIGEST_LIMITS.pairs);
  assert.equal(digest.dropped, extra);
  assert.equal(digest.total, DIGEST_LIMITS.pairs + extra + 1);
  assert.ok(size.samples <= Math.max(DIGEST_LIMITS.samples, size.pairs), `samples ${size.samples}`);
});

test('an intrusion counts every detection but lists a bounded sample; its story does not change', () => {
  const { graph, detections } = scenario();
  const before = buildIntrusions({ graph, detections });
  const sideload = detections.find((d) => d.rule.id === 'sideload') as Detection;
  assert.ok(sideload, 'the scenario has a sideload detection');
  const repeats = 3_000;
  const more: Detection[] = [];
  for (let i = 1; i <= repeats; i++) {
    more.push({ ...sideload, recordId: 1_000_000 + i, timestamp: sideload.timestamp + i * MINUTE });
  }
  const after = buildIntrusions({ graph, detections: [...detections, ...more] });
  assert.equal(after.length, before.length);
  const [b, a] = [before[0], after[0]];
  assert.equal(a.detectionCount, (b.detectionCount ?? 0) + repeats);
  const host = (i: typeof a) => i.hosts.find((h) => h.name === sideload.host);
  assert.equal(host(a)?.detections, (host(b)?.detections ?? 0) + repeats);
  assert.ok(a.detections.length <= b.detections.length + 25, `${a.detections.length} listed`);
  assert.ok(a.detections.filter((d) => d.rule.id === 'sideload' && d.host === sideload.host).length <= 25);
  assert.deepEqual(a.tenants, b.tenants);
  assert.deepEqual(a.hosts.map((h) => h.name).sort(), b.hosts.map((h) => h.name).sort());
  assert.equal(a.firstMalicious, b.firstMalicious);
  assert.equal(a.lastMalicious, b.lastMalicious);
  assert.deepEqual(a.tactics, b.tactics);
  assert.deepEqual(a.accounts, b.accounts);
});

test('a digest fed in any order samples the same detections as one fed in time order', () => {
  const { detections } = scenario();
  const sorted = DetectionDigest.of(detections).samples();
  const reversed = DetectionDigest.of([...detections].reverse()).samples();
  assert.deepEqual(
    reversed.map((d) => d.recordId),
    sorted.map((d) => d.recordId),
  );
  assert.ok(sorted.length > 0);
});

test('staging and exfiltration evidence are sampled each up to its own quota', () => {
  const digest = new DetectionDigest();
  const at = (i: number) =>
    `2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`;
  const command = 'r.exe a -hpX c:\\temp\\out.rar d:\\share';
  let i = 0;
  const add = (fields: Record<string, string>) =>
    digest.add(detection({ rule: 'r', level: 'high', host: 'h', time: at(i++), fields }));
  for (let k = 0; k < 100; k++) add({ CommandLine: command });
  // Same command (nothing novel), but the binary is a transfer tool: exfiltration evidence only.
  for (let k = 0; k < 10; k++) add({ CommandLine: command, OriginalFileName: 'rclone.exe' });
  for (let k = 0; k < 100; k++) add({ CommandLine: command });
  const exfil = digest.samples().filter((d) => d.fields.OriginalFileName === 'rclone.exe');
  assert.equal(exfil.length, 10, 'every exfiltration detection is kept, past the staging quota');
});
