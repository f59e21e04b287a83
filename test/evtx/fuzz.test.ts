// Hostile bytes: seeded mutations of real samples (blind damage and structure-aware damage to headers, template
// instances and definitions, tables, nested BinXML, glued files; see fuzz-mutations.ts) must never throw, hang
// or blow up memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CORPUS, corpusPath } from '../helpers/corpus.js';
import {
  CHUNK_SIZE,
  FILE_HEADER_SIZE,
  parseEvtxBuffer,
  renderJson,
  renderXml,
  stringifyJson,
} from '../../src/evtx/index.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import { prng } from '../helpers/random.js';
import { mutateEvtx } from './fuzz-mutations.js';

function writerSample(): Buffer {
  const events = [];
  for (let i = 0; i < 60; i++) {
    events.push({
      provider: i % 2 ? 'Microsoft-Windows-Sysmon' : 'Microsoft-Windows-Security-Auditing',
      eventId: 1 + (i % 5),
      channel: i % 2 ? 'Microsoft-Windows-Sysmon/Operational' : 'Security',
      computer: 'fuzz.example',
      time: Date.UTC(2024, 1, 1) + i,
      userSid: 'S-1-5-21-1-2-3-500',
      data:
        i % 3 === 0
          ? {
              CommandLine: 'x'.repeat(i * 7),
              Guid: { type: 'guid' as const, value: '01234567-89AB-CDEF-0123-456789ABCDEF' },
              Bin: new Uint8Array([1, 2, 3, i]),
              Big: { type: 'uint64' as const, value: 2n ** 63n + BigInt(i) },
              Hex: { type: 'hex64' as const, value: 0xdeadbeefn },
              When: { type: 'filetime' as const, value: Date.UTC(2023, 0, 1) },
              Sid: { type: 'sid' as const, value: 'S-1-5-18' },
              List: { type: 'array' as const, itemType: 'string' as const, value: ['a', 'b', String(i)] },
            }
          : { TargetUserName: `u${i}`, LogonType: i, Flag: i % 2 === 0 },
    });
  }
  return writeEvtx(events);
}

function samples(): Buffer[] {
  const out = [writerSample()];
  if (CORPUS) {
    for (const rel of [
      ['evtx', 'edge-cases', 'sysmon.evtx'],
      ['evtx', 'edge-cases', 'system.evtx'],
      ['evtx', 'edge-cases', 'E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx'],
      ['evtx', 'deepblue', 'Powershell-Invoke-Obfuscation-many.evtx'],
    ]) {
      const buf = readFileSync(corpusPath(...rel));
      // The header plus the first two chunks keep each run small.
      out.push(buf.subarray(0, Math.min(buf.length, FILE_HEADER_SIZE + 2 * CHUNK_SIZE)));
    }
  }
  return out;
}

test(
  'hostile bytes: no exception escapes, each file finishes within 2 s, memory stays bounded',
  { timeout: 90_000 },
  (t) => {
    const seed = 0x5eed2026;
    const rand = prng(seed);
    const bases = samples();
    const budgetMs = 40_000;
    const start = Date.now();
    let runs = 0;
    let records = 0;
    let slowest = 0;
    let peakHeap = 0;
    let peakRss = 0;
    // A fixed number of runs keeps the seed meaningful; the budget only guards slow machines.
    const total = bases.length > 1 ? 900 : 400;
    for (; runs < total && Date.now() - start < budgetMs; runs++) {
      const input = mutateEvtx(bases[runs % bases.length], rand);
      // CPU time, not wall time: the suite shares the machine with other jobs; a hang burns CPU either way.
      const cpu0 = process.cpuUsage();
      try {
        const reader = parseEvtxBuffer(input, `fuzz-${seed}-${runs}.evtx`);
        for (const r of reader) {
          records++;
          r.get('CommandLine');
          r.get('EventID');
          void r.eventId;
          void r.timestamp;
          void r.channel;
          for (const _ of r.fields()) {
            // Decoding every field is the point.
          }
          stringifyJson(renderJson(r));
          renderXml(r);
        }
        assert.ok(reader.stats.chunks >= 0);
        // The chunk parser's last-resort catch must never be what stopped a chunk: that would hide a bug.
        const aborted = reader.warnings.find((w) => /parse aborted/.test(w.reason));
        assert.equal(aborted, undefined, `run ${runs} (seed ${seed}): ${aborted?.reason}`);
      } catch (err) {
        assert.fail(`run ${runs} (seed ${seed}) threw: ${(err as Error).stack}`);
      }
      const used = process.cpuUsage(cpu0);
      const ms = (used.user + used.system) / 1000;
      slowest = Math.max(slowest, ms);
      assert.ok(ms < 2000, `run ${runs} (seed ${seed}) took ${ms.toFixed(0)} ms of CPU`);
      const mem = process.memoryUsage();
      peakHeap = Math.max(peakHeap, mem.heapUsed);
      peakRss = Math.max(peakRss, mem.rss);
    }
    t.diagnostic(
      `${runs} mutated files, ${records} records, slowest ${slowest.toFixed(0)} ms CPU, peak heap ${(peakHeap / 1e6).toFixed(0)} MB`,
    );
    assert.ok(runs >= 100, `only ${runs} runs in the budget`);
    assert.ok(records > 0);
    assert.ok(peakHeap < 768 * 1024 * 1024, `heap grew to ${(peakHeap / 1e6).toFixed(0)} MB`);
    assert.ok(peakRss < 1024 * 1024 * 1024, `RSS grew to ${(peakRss / 1e6).toFixed(0)} MB`);
  },
);
