import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetectionBatchBuilder, detectionHash } from '../../src/hunt/detection-batch.js';
import { decodeDetection, encodeDetection, LineRun } from '../../src/hunt/line-run.js';
import { compareDetections, DetectionDeduper, DetectionSorter } from '../../src/hunt/index.js';
import type { Detection, RuleInfo } from '../../src/engine/types.js';

const rule = (id: string): RuleInfo => ({ id, title: `title ${id}`, level: 'low', tags: [], kind: 'rule' });
const RULES = new Map(['a', 'b', 'c'].map((id) => [id, rule(id)]));

function det(t: number, file: string, rec: number, ruleId: string, text: string): Detection {
  return {
    rule: RULES.get(ruleId)!,
    timestamp: t,
    host: 'hôst',
    channel: 'Security',
    eventId: 4688,
    recordId: rec,
    file,
    fields: { CommandLine: text },
  };
}

function randomDetections(n: number, seed = 7, uniqueRecords = false): Detection[] {
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const out: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const t = rand() < 0.05 ? NaN : Math.floor(rand() * 30);
    // Runs merged from disk order equal keys by run, not by insertion: the sorter test uses distinct keys.
    const rec = uniqueRecords ? i : rand() < 0.05 ? NaN : Math.floor(rand() * 40);
    const text = `${i} ${'é✓'.repeat(Math.floor(rand() * 5))}`;
    out.push(det(t, `f${Math.floor(rand() * 3)}`, rec, 'abc'[Math.floor(rand() * 3)]!, text));
  }
  return out;
}

const view = (d: Detection) => [d.timestamp, d.file, d.recordId, d.rule.id, d.fields.CommandLine, d.host];

test('a detection survives its JSON line (non-finite numbers come back as NaN)', () => {
  const d = { ...det(NaN, 'x.evtx', 3, 'a', 'cmd "q" \n'), tenant: 'acme' };
  const back = decodeDetection(encodeDetection(d), RULES);
  assert.deepEqual(back, d);
  assert.equal(back.rule, RULES.get('a'));
  assert.ok(encodeDetection(d).endsWith('}\n'));
});

test('a line run hands detections back in the order of compareDetections, ties in insertion order', () => {
  const input = randomDetections(300);
  const run = new LineRun(1024);
  for (const d of input) run.add(d);
  assert.equal(run.count, 300);
  const expected = [...input].sort(compareDetections).map(view);
  assert.deepEqual([...run.drain(RULES)].map(view), expected);
  assert.equal(run.count, 0);
  assert.equal(run.bytes, 0);
  // Drained to bytes: the same lines in the same order.
  for (const d of input) run.add(d);
  const parts: Buffer[] = [];
  run.drainTo((b) => parts.push(Buffer.from(b)));
  const lines = Buffer.concat(parts).toString('utf8').split('\n').filter(Boolean);
  assert.deepEqual(
    lines.map((l) => view(decodeDetection(l, RULES))),
    expected,
  );
});

test('a batch carries lines, keys and dedup hashes; the sorter stores them without decoding', () => {
  const input = randomDetections(500, 11, true);
  const builder = new DetectionBatchBuilder();
  input.forEach((d, i) => builder.add(d, `key${i % 400}`));
  const batch = builder.take();
  assert.equal(batch.count, 500);
  assert.equal(builder.count, 0, 'the builder starts again');
  assert.equal(batch.hashes[3], detectionHash(input[3]!.rule.id, 'key3'));
  assert.equal(batch.names[batch.fileOf[3]!], input[3]!.file);
  // A small byte bound spills several runs; the merged output is the objects' order.
  const sorter = new DetectionSorter(100_000, 4 * 1024);
  const dedup = new DetectionDeduper();
  const kept: Detection[] = [];
  for (let i = 0; i < batch.count; i++) {
    if (!dedup.firstHash(batch.hashes[i]!)) continue;
    kept.push(input[i]!);
    sorter.addFromBatch(batch, i, RULES.get(batch.names[batch.ruleOf[i]!]!)!);
  }
  assert.ok(dedup.dropped > 0 && dedup.dropped < 100, 'repeated (rule, key) pairs are dropped');
  assert.ok(sorter.spilled);
  assert.equal(sorter.count, kept.length);
  assert.deepEqual([...sorter.sorted()].map(view), [...kept].sort(compareDetections).map(view));
  // Without a byte bound the sorter keeps objects; batches are decoded into them.
  const objects = new DetectionSorter(Infinity);
  for (let i = 0; i < batch.count; i++)
    objects.addFromBatch(batch, i, RULES.get(batch.names[batch.ruleOf[i]!]!)!);
  assert.deepEqual([...objects.sorted()].map(view), [...input].sort(compareDetections).map(view));
});
