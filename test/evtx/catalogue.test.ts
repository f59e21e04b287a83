// The template catalogue of a hunt's inputs: templates from each file's first chunk, first file first, which a
// reading whose own definition is unusable may borrow by id — the same way whatever worker reads the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogueTemplateIds, readTemplateCatalogue } from '../../src/evtx/catalogue.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE } from '../../src/evtx/constants.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';
import type { EventRecord } from '../../src/event/types.js';
import { readSource, type SourceInput } from '../../src/sources/index.js';

function specs(n: number, host: string): EventSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    provider: 'Microsoft-Windows-Security-Auditing',
    eventId: 4624,
    channel: 'Security',
    computer: host,
    time: Date.UTC(2024, 5, 1) + i * 1000,
    data: { TargetUserName: `user${i}`, LogonType: 3, IpAddress: '192.0.2.4' },
  }));
}

async function read(input: SourceInput): Promise<{ records: EventRecord[]; warnings: string[] }> {
  const records: EventRecord[] = [];
  const warnings: string[] = [];
  await readSource(input, { record: (r) => records.push(r), warning: (w) => warnings.push(w.reason) });
  return { records, warnings };
}

test('a file whose template definition is damaged decodes with the catalogue of the inputs, not without', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-catalogue-'));
  try {
    const intact = join(dir, 'a-intact.evtx');
    const damaged = join(dir, 'b-damaged.evtx');
    writeFileSync(intact, writeEvtx(specs(20, 'dc01.corp.example')));
    const buf = Buffer.from(writeEvtx(specs(20, 'dc02.corp.example')));
    // Corrupt one character of the first element name in the definition: its name hash no longer matches.
    const at = buf.indexOf(Buffer.from('Event', 'utf16le'), FILE_HEADER_SIZE + 512);
    assert.ok(at > 0 && at < FILE_HEADER_SIZE + CHUNK_SIZE);
    buf[at] ^= 0x20;
    writeFileSync(damaged, buf);

    const catalogue = readTemplateCatalogue([join(dir, 'missing.evtx'), intact, damaged]);
    assert.ok(catalogue.size >= 1, 'the intact file defines the template');
    const input: SourceInput = { path: damaged, format: 'evtx', gzip: false, recover: false };
    // Alone, nothing in the reading has the template: the records are skipped with the reason.
    const alone = await read(input);
    assert.equal(alone.records.length, 0);
    assert.ok(alone.warnings.some((w) => /fails its hash check/.test(w)));
    // With the catalogue, every record decodes, with its own values.
    const withCatalogue = await read({ ...input, templateIds: catalogueTemplateIds(catalogue) });
    assert.equal(withCatalogue.records.length, 20);
    assert.deepEqual(withCatalogue.records.map((r) => [r.computer, r.get('TargetUserName')]).slice(0, 2), [
      ['dc02.corp.example', 'user0'],
      ['dc02.corp.example', 'user1'],
    ]);
    // The same catalogue from the same inputs, whatever else was read in between.
    const again = readTemplateCatalogue([intact, damaged]);
    assert.deepEqual([...again.keys()], [...catalogue.keys()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
