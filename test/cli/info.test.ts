// `dwell info`: header facts, chunk and record counts, recovered records, damage and warnings, --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerInfo, type EvtxInfo } from '../../src/cli/commands/info.js';
import { EXIT, type CliContext } from '../../src/cli/context.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';

const T0 = Date.UTC(2024, 6, 1, 12);

function specs(n: number): EventSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    provider: 'Microsoft-Windows-Security-Auditing',
    eventId: 4625,
    channel: 'Security',
    computer: 'DC01',
    time: T0 + i * 60_000,
    data: { TargetUserName: `user${i}`, IpAddress: '203.0.113.9', Padding: 'p'.repeat(200) },
  }));
}

async function run(args: string[]): Promise<{ out: string; exit: number }> {
  let out = '';
  let exit = 0;
  const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  const ctx: CliContext = { stdout: sink, stderr: sink, setExit: (c) => (exit = Math.max(exit, c)) };
  const program = new Command().exitOverride();
  registerInfo(program, ctx);
  await program.parseAsync(['node', 'dwell', 'info', ...args]);
  return { out, exit };
}

test('dwell info reports header, chunks, records, ids and time range', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-info-'));
  try {
    const file = join(dir, 'security.evtx');
    writeFileSync(file, writeEvtx(specs(700)));
    const { out, exit } = await run([file, '--json']);
    assert.equal(exit, EXIT.OK);
    const info = JSON.parse(out) as EvtxInfo;
    assert.equal(info.records, 700);
    assert.equal(info.recovered, 0);
    assert.ok(info.chunks >= 3);
    assert.equal(info.damagedChunks, 0);
    assert.equal(info.header?.chunkCount, info.chunks);
    assert.equal(info.header?.nextRecordId, 701);
    assert.equal(info.header?.checksumOk, true);
    assert.equal(info.header?.dirty, false);
    assert.equal(info.firstRecordId, 1);
    assert.equal(info.lastRecordId, 700);
    assert.equal(info.firstTime, new Date(T0).toISOString());
    assert.equal(info.lastTime, new Date(T0 + 699 * 60_000).toISOString());
    assert.deepEqual(info.warnings, []);
    const text = await run([file]);
    assert.match(text.out, /records\s+700\n/);
    assert.match(text.out, /version\s+3\.2/);
    assert.match(text.out, /CRC ok/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dwell info shows a dirty header, a damaged chunk and its warnings', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-info-'));
  try {
    const buf = writeEvtx(specs(700));
    buf.writeUInt32LE(1, 120); // dirty flag (outside the CRC'd first 120 bytes)
    buf[60] = 1; // inside them: the header CRC no longer matches
    buf.write('XXXXXXXX', 4096 + 65536, 'latin1'); // chunk 1 loses its magic
    const file = join(dir, 'damaged.evtx');
    writeFileSync(file, buf);
    const { out } = await run([file, '--json']);
    const info = JSON.parse(out) as EvtxInfo;
    assert.equal(info.header?.dirty, true);
    assert.equal(info.header?.checksumOk, false);
    assert.equal(info.damagedChunks, 1);
    assert.ok(info.recovered > 0, 'records of the chunk without magic are carved');
    assert.equal(info.records + info.recovered, 700);
    assert.ok(info.warnings.some((w) => w.chunk === 1));
    const text = await run([file, '--max-warnings', '1']);
    assert.match(text.out, /dirty yes/);
    assert.match(text.out, /CRC MISMATCH/);
    assert.match(text.out, /chunks\s+\d+ \(1 damaged\)/);
    assert.match(text.out, /\.\.\. and \d+ more/);
    for (const bad of ['-1', 'some']) {
      await assert.rejects(run([file, '--max-warnings', bad]), { code: 'commander.invalidArgument' }, bad);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dwell info on files that are not EVTX: exit code 3, several files as a JSON array', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-info-'));
  try {
    const junk = join(dir, 'junk.evtx');
    writeFileSync(junk, 'not an event log');
    const { out, exit } = await run([junk, join(dir, 'missing.evtx'), '--json']);
    assert.equal(exit, EXIT.UNREADABLE);
    const infos = JSON.parse(out) as EvtxInfo[];
    assert.equal(infos.length, 2);
    assert.equal(infos[0].header, null);
    assert.ok(infos[1].warnings.some((w) => /cannot open/.test(w.reason)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dwell info on a folder reports the .evtx files under it; a folder without any exits 3', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-info-dir-'));
  try {
    mkdirSync(join(dir, 'dc01'));
    writeFileSync(join(dir, 'dc01', 'Security.evtx'), writeEvtx(specs(3)));
    writeFileSync(join(dir, 'System.EVTX'), writeEvtx(specs(2)));
    writeFileSync(join(dir, 'notes.txt'), 'not a log');
    const both = await run(['--json', dir]);
    assert.equal(both.exit, EXIT.OK);
    const infos = JSON.parse(both.out) as EvtxInfo[];
    assert.deepEqual(
      infos.map((i) => [i.file, i.records]),
      [
        [join(dir, 'System.EVTX'), 2],
        [join(dir, 'dc01', 'Security.evtx'), 3],
      ],
    );
    // A folder holding one file still gives an array (scripts iterate folders).
    const one = await run(['--json', join(dir, 'dc01')]);
    assert.ok(Array.isArray(JSON.parse(one.out)), one.out.slice(0, 80));
    const empty = mkdtempSync(join(tmpdir(), 'dwell-info-empty-'));
    const none = await run([empty]);
    assert.equal(none.exit, EXIT.UNREADABLE);
    assert.match(none.out, /no \.evtx files in this folder/);
    rmSync(empty, { recursive: true, force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
