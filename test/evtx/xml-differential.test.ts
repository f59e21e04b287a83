// Differential: Dwell's XML equals libevtx's `evtxexport -f xml` record for record (entity escaping aside:
// evtxexport writes event data unescaped, Dwell escapes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, corpusPath } from '../helpers/corpus.js';
import { readEvtxFile } from '../../src/evtx/reader.js';
import { renderXml } from '../../src/evtx/render-xml.js';

function hasEvtxexport(): boolean {
  try {
    execFileSync('evtxexport', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined;
  }
}

const skip = !CORPUS
  ? 'corpus not found'
  : !hasEvtxexport()
    ? 'evtxexport (libevtx-utils) not installed'
    : false;

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Small attack recordings (every 9th by name) plus edge cases with size_t values and nested UserData. */
function picks(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.evtx') && statSync(p).size <= 1_200_000) out.push(p);
    }
  };
  walk(corpusPath('evtx', 'attack-samples'));
  const sample = out.filter((_, i) => i % 9 === 0);
  for (const name of [
    'sysmon.evtx',
    'Security_with_size_t.evtx',
    '2-system-Microsoft-Windows-LiveId%4Operational.evtx',
  ])
    sample.push(corpusPath('evtx', 'edge-cases', name));
  return sample;
}

test('XML matches evtxexport record for record', { skip, timeout: 120_000 }, (t) => {
  let records = 0;
  const files = picks();
  for (const file of files) {
    const theirs = execFileSync('evtxexport', ['-f', 'xml', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const events = theirs.split(/\n(?=<Event[ >])/).slice(1);
    const ours = [...readEvtxFile(file, { recover: false })].map((r) => renderXml(r));
    assert.equal(ours.length, events.length, `${file}: record count`);
    for (let i = 0; i < ours.length; i++) {
      assert.equal(unescape(ours[i]).trimEnd(), unescape(events[i]).trimEnd(), `${file}: record #${i}`);
    }
    records += ours.length;
  }
  t.diagnostic(`${files.length} files, ${records} records identical`);
  assert.ok(records > 1000);
});
