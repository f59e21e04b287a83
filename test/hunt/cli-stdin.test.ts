import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/corpus.js';
import { asEvtxDumpJson, evtxOf, makeCase, sysmonEvents } from './fixtures.js';

const BIN = join(PROJECT_ROOT, 'bin', 'dwell.js');

/** Runs `dwell` with `input` piped to its standard input (written in pieces, then closed). */
function dwell(args: string[], input: Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    // dwell may stop reading early (an unrecognised stream): a closed pipe is not the test's failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** The --json summary without what differs from run to run (timing, output names). */
function summaryOf(stdout: string): Record<string, unknown> {
  const s = JSON.parse(stdout) as Record<string, unknown>;
  for (const key of ['elapsedMs', 'seconds', 'recordsPerSecond', 'outputs', 'elapsed']) delete s[key];
  return s;
}

for (const format of ['jsonl', 'evtx'] as const) {
  test(`hunt - on the ${format} stream of a file finds what hunt <file> finds (--json summary and --csv)`, async () => {
    const c = makeCase();
    try {
      const specs = sysmonEvents('ws1', 400);
      const data = format === 'evtx' ? evtxOf(specs) : Buffer.from(asEvtxDumpJson(specs));
      const file = c.put(`in/events.${format}`, data);
      const base = ['hunt', '--sigma', c.rules, '--no-dwell-rules', '--json'];
      const fromFile = await dwell(
        [...base, file, '--csv', join(c.dir, 'file.csv'), '--workers', '1'],
        Buffer.alloc(0),
      );
      const fromStdin = await dwell([...base, '-', '--csv', join(c.dir, 'stdin.csv')], data);
      assert.equal(fromFile.code, 0, fromFile.stderr);
      assert.equal(fromStdin.code, 0, fromStdin.stderr);
      const expected = summaryOf(fromFile.stdout);
      assert.equal(expected.records, 400);
      assert.ok((expected.detections as number) > 0);
      assert.deepEqual(summaryOf(fromStdin.stdout), expected);
      const csvFile = readFileSync(join(c.dir, 'file.csv'), 'utf8');
      const csvStdin = readFileSync(join(c.dir, 'stdin.csv'), 'utf8');
      assert.ok(csvStdin.includes('<stdin>'));
      assert.equal(csvStdin, csvFile.split(file).join('<stdin>'));
    } finally {
      c.cleanup();
    }
  });
}

test('hunt - with a file path reads both; empty and garbage stdin exit 3 with a warning naming <stdin>', async () => {
  const c = makeCase();
  try {
    const file = c.put('in/Sysmon.evtx', evtxOf(sysmonEvents('ws1', 30)));
    const stream = Buffer.from(asEvtxDumpJson(sysmonEvents('ws2', 30)));
    const base = ['hunt', '--sigma', c.rules, '--no-dwell-rules'];
    const both = await dwell([...base, file, '-', '--json'], stream);
    assert.equal(both.code, 0, both.stderr);
    const s = JSON.parse(both.stdout) as {
      files: number;
      filesRead: number;
      records: number;
      workers: number;
    };
    assert.deepEqual([s.files, s.filesRead, s.records, s.workers], [2, 2, 60, 1]);

    const empty = await dwell([...base, '-'], Buffer.alloc(0));
    assert.equal(empty.code, 3);
    assert.match(empty.stderr, /<stdin>: empty input/);
    const garbage = await dwell([...base, '-'], Buffer.alloc(20_000, 0x41));
    assert.equal(garbage.code, 3);
    assert.match(garbage.stderr, /<stdin>: not a recognised log format/);
    // Beside a readable file, a bad stream is a warning, not a failed hunt.
    const mixed = await dwell([...base, file, '-', '--fail-on', 'high'], Buffer.from('garbage'));
    assert.equal(mixed.code, 1, mixed.stderr);
    assert.match(mixed.stderr, /<stdin>: not a recognised log format/);
  } finally {
    c.cleanup();
  }
});

test('dump - and info - stay refused (EVTX tools that need a file), exit 2, pointing to hunt -', async () => {
  const evtx = evtxOf(sysmonEvents('ws1', 3));
  for (const command of ['dump', 'info']) {
    const r = await dwell([command, '-'], evtx);
    assert.equal(r.code, 2, command);
    assert.match(
      r.stderr,
      new RegExp(`^dwell ${command}: '-' \\(standard input\\) is not read: .*dwell hunt - reads a stream`),
    );
    assert.equal(r.stdout, '');
  }
});

test('Ctrl-C (SIGINT) ends a stream that does not end, and the hunt still finishes and writes its outputs', async () => {
  const c = makeCase();
  try {
    const line = (i: number) =>
      JSON.stringify({
        EventID: 1,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: 'ws1',
        EventRecordID: i,
        Image: 'C:\\Windows\\System32\\whoami.exe',
      }) + '\n';
    const csv = join(c.dir, 'out.csv');
    const child = spawn(
      process.execPath,
      [BIN, 'hunt', '-', '--sigma', c.rules, '--no-dwell-rules', '--json', '--csv', csv],
      { env: { ...process.env, NO_COLOR: '1' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // A dwell that does not end after the interrupt fails the test instead of hanging the suite.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    // More than a pipe holds: the pipe drains only once dwell reads standard input, by which time it listens
    // for SIGINT. The stream is then left open, as tail -f leaves it.
    let written = 0;
    let text = '';
    while (text.length < 256 * 1024) text += line(++written);
    if (!child.stdin.write(text)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const code = await closed;
    clearTimeout(guard);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /interrupted: finishing with what was read/);
    const summary = JSON.parse(stdout) as { records: number; detections: number };
    assert.ok(summary.records > 0 && summary.records <= written, `${summary.records} of ${written}`);
    assert.equal(summary.detections, summary.records);
    assert.equal(readFileSync(csv, 'utf8').trim().split('\n').length, summary.detections + 1);
  } finally {
    c.cleanup();
  }
});
