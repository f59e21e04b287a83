// `dwell dump`: streams records as pretty JSON, JSON lines or XML; bad formats and unreadable files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerDump } from '../../src/cli/commands/dump.js';
import { EXIT, type CliContext } from '../../src/cli/context.js';
import { writeEvtx } from '../../src/evtx/writer.js';

async function run(args: string[]): Promise<{ out: string; err: string; exit: number }> {
  let out = '';
  let err = '';
  let exit = 0;
  const stdout = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  const stderr = { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream;
  const ctx: CliContext = { stdout, stderr, setExit: (c) => (exit = Math.max(exit, c)) };
  const program = new Command().exitOverride().configureOutput({ writeErr: (s) => (err += s) });
  registerDump(program, ctx);
  try {
    await program.parseAsync(['node', 'dwell', 'dump', ...args]);
  } catch {
    exit = Math.max(exit, EXIT.USAGE);
  }
  return { out, err, exit };
}

function withFile(fn: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-dump-'));
  const file = join(dir, 'sysmon.evtx');
  writeFileSync(
    file,
    writeEvtx(
      Array.from({ length: 3 }, (_, i) => ({
        provider: 'Microsoft-Windows-Sysmon',
        eventId: 1,
        channel: 'Microsoft-Windows-Sysmon/Operational',
        computer: 'ws01',
        time: Date.UTC(2024, 0, 1) + i,
        data: { CommandLine: `whoami /${i} "quoted" <b>`, ProcessId: 100 + i },
      })),
    ),
  );
  return fn(file).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('jsonl: one evtx_dump object per line, in record order', () =>
  withFile(async (file) => {
    const { out, exit } = await run([file, '--format', 'jsonl']);
    assert.equal(exit, EXIT.OK);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 3);
    const objs = lines.map((l) => JSON.parse(l) as { Event: { EventData: Record<string, unknown> } });
    assert.deepEqual(
      objs.map((o) => o.Event.EventData.ProcessId),
      [100, 101, 102],
    );
    assert.equal(objs[0].Event.EventData.CommandLine, 'whoami /0 "quoted" <b>');
  }));

test('json (default): pretty objects one after another', () =>
  withFile(async (file) => {
    const { out } = await run([file]);
    assert.match(out, /^\{\n {2}"Event": \{\n/);
    assert.equal(out.match(/^\{$/gm)?.length, 3);
  }));

test('xml: escaped event data, one Event per record', () =>
  withFile(async (file) => {
    const { out } = await run([file, '-f', 'xml']);
    assert.equal(out.match(/<Event xmlns=/g)?.length, 3);
    assert.match(out, /<Data Name="CommandLine">whoami \/2 "quoted" &lt;b&gt;<\/Data>/);
  }));

test('an unknown format is a usage error; an unreadable file exits 3 with the reason on stderr', async () => {
  const bad = await run(['x.evtx', '--format', 'csv']);
  assert.equal(bad.exit, EXIT.USAGE);
  const missing = await run(['/nonexistent/x.evtx']);
  assert.equal(missing.exit, EXIT.UNREADABLE);
  assert.match(missing.err, /cannot open/);
  assert.equal(missing.out, '');
  // Not an EVTX file at all (no header, nothing read): exit 3 too, not a silent success.
  const dir = mkdtempSync(join(tmpdir(), 'dwell-dump-'));
  try {
    const json = join(dir, 'events.json');
    writeFileSync(json, '{"Event":{"System":{"EventID":1}}}\n');
    const notEvtx = await run([json]);
    assert.equal(notEvtx.exit, EXIT.UNREADABLE);
    assert.match(notEvtx.err, /no EVTX file header/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("'-' (standard input) is refused with what to do instead, exit 2", async () => {
  const r = await run(['-']);
  assert.equal(r.exit, EXIT.USAGE);
  assert.equal(r.out, '');
  assert.match(r.err, /^dwell dump: '-' \(standard input\) is not read: Dwell reads files/);
  assert.match(r.err, /> Security\.evtx && dwell dump Security\.evtx/);
  assert.doesNotMatch(r.err, /ENOENT/);
});
