// Limits on one JSON value. Nested too deeply (100,000 arrays on one line), it overflowed the stack of whatever
// walked the record, which ended the reading of the whole file: the records after it were lost. With hundreds of
// thousands of object members, turning it into a record cost V8 superlinear time (~4 s for one 15 MB line). The
// scanner now skips such values with a warning naming their line, and reading goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvtxBuffer, renderJson, writeEvtx } from '../../src/evtx/index.js';
import { readAll, tempDir } from './helpers.js';

function eventLines(): string[] {
  const evtx = writeEvtx(
    [1, 2, 3].map((i) => ({
      provider: 'Microsoft-Windows-Sysmon',
      eventId: 1,
      channel: 'Microsoft-Windows-Sysmon/Operational',
      computer: `ws${i}.example`,
      time: Date.UTC(2024, 0, 1) + i,
      data: { CommandLine: `cmd /c echo ${i}` },
    })),
  );
  return [...parseEvtxBuffer(evtx, 'lines.evtx')].map((r) => JSON.stringify(renderJson(r)));
}

/** An event whose CommandLine is `depth` nested arrays (or objects). */
function nested(depth: number, open: string, close: string): string {
  return `{"Event":{"EventData":{"CommandLine":${open.repeat(depth)}${close.repeat(depth)}}}}`;
}

test('a deeply nested JSON value is skipped with a warning and the records after it are read', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const [a, b, c] = eventLines();
    const path = join(dir, 'deep.jsonl');
    const lines = [a, nested(100_000, '[', ']'), b, nested(100_000, '{"a":', '}'), c, nested(60, '[', ']')];
    writeFileSync(path, lines.join('\n') + '\n');
    const got = await readAll(path);
    assert.equal(got.unreadable, false);
    // Three events and the one nested 60 levels deep (within the limit) come out.
    assert.equal(got.records.length, 4);
    assert.deepEqual(
      got.records.slice(0, 3).map((r) => r.get('CommandLine')),
      ['cmd /c echo 1', 'cmd /c echo 2', 'cmd /c echo 3'],
    );
    assert.ok(Array.isArray(got.records[3]!.get('CommandLine')));
    for (const r of got.records) for (const [name] of r.fields()) r.get(name);
    assert.deepEqual(
      got.warnings.map((w) => [w.file, w.line, w.reason]),
      [
        [path, 2, 'value nested deeper than 64 levels skipped'],
        [path, 4, 'value nested deeper than 64 levels skipped'],
      ],
    );
  } finally {
    cleanup();
  }
});

test('a value with more object members than an event can have is skipped with a warning', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const [a, b] = eventLines();
    const members = (n: number): string =>
      `{"EventID":1,${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    const path = join(dir, 'wide.jsonl');
    // 65,536 members in all is the limit: one EventID plus 65,535 keys passes, one more key does not.
    writeFileSync(path, [a, members(65_536), members(65_535), b].join('\n') + '\n');
    const got = await readAll(path);
    assert.equal(got.records.length, 3);
    assert.equal(got.records[1]!.get('k65534'), 65534);
    assert.deepEqual(
      got.warnings.map((w) => [w.file, w.line, w.reason]),
      [[path, 2, 'value with more than 65536 object members skipped']],
    );
  } finally {
    cleanup();
  }
});
