import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../helpers/corpus.js';
import { evtxOf, makeCase, sysmonEvents } from './fixtures.js';

const run = promisify(execFile);
const BIN = join(PROJECT_ROOT, 'bin', 'dwell.js');

async function dwell(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('exit codes: 0 done, 1 findings at --fail-on, 2 usage error, 3 nothing readable', async () => {
  const c = makeCase();
  try {
    const logs = join(c.dir, 'logs');
    c.put('logs/Sysmon.evtx', evtxOf(sysmonEvents('ws1', 9)));
    const base = ['hunt', logs, '--sigma', c.rules, '--no-dwell-rules', '--workers', '1'];
    const ok = await dwell([...base, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const summary = JSON.parse(ok.stdout) as { detections: number; byLevel: Record<string, number> };
    assert.equal(summary.byLevel.high, 3);
    assert.equal((await dwell([...base, '--fail-on', 'high'])).code, 1);
    assert.equal((await dwell([...base, '--fail-on', 'critical'])).code, 0);
    assert.equal((await dwell([...base, '--min-level', 'severe'])).code, 2);
    const badWarnings = await dwell([...base, '--warnings', 'lots']);
    assert.equal(badWarnings.code, 2);
    assert.match(
      badWarnings.stderr,
      /--warnings <n>' argument 'lots' is invalid\. expected a number of warnings/,
    );
    assert.equal((await dwell(['hunt'])).code, 2);
    // A mistyped rule, indicator or mapping path is a usage error, not a quiet hunt without it.
    for (const [flag, what] of [
      ['--sigma', 'Sigma rules'],
      ['--iocs', 'indicator file'],
      ['--mapping', 'logsource mapping'],
    ]) {
      const missing = join(c.dir, `missing-${flag.slice(2)}`);
      const r = await dwell([...base, flag, missing]);
      assert.equal(r.code, 2, `${flag}: ${r.stderr}`);
      assert.equal(r.stderr.trim(), `dwell hunt: ${what} not found: ${missing}`);
    }
    const toFolder = await dwell([...base, '--csv', c.dir]);
    assert.equal(toFolder.code, 2, toFolder.stderr);
    assert.equal(
      toFolder.stderr.trim(),
      `dwell hunt: CSV timeline would be written to a folder: ${c.dir} (name a file)`,
    );
    // '-' (standard input): test/hunt/cli-stdin.test.ts.
    c.put('junk/random.evtx', Buffer.alloc(5000, 7));
    const unreadable = await dwell(['hunt', join(c.dir, 'junk'), '--sigma', c.rules, '--no-dwell-rules']);
    assert.equal(unreadable.code, 3);
    assert.match(unreadable.stderr, /random\.evtx: not a recognised log format/);
    assert.equal(
      (await dwell(['hunt', join(c.dir, 'missing'), '--no-dwell-rules', '--sigma', c.rules])).code,
      3,
    );
    const text = await dwell(base);
    assert.match(text.stdout, /Dwell hunt summary/);
    assert.match(text.stdout, /detections 5: critical 0, high 3, medium 0, low 2/);
  } finally {
    c.cleanup();
  }
});

test('file names and reasons reach the terminal inert: control characters are written as \\u escapes', async () => {
  const c = makeCase();
  try {
    // A collected file named to retitle the terminal and clear the screen when printed raw.
    const name = 'ev\u001b]0;pwned\u0007\u001b[2J.evtx';
    c.put(`junk/${name}`, Buffer.alloc(5000, 7));
    const hunt = await dwell(['hunt', join(c.dir, 'junk'), '--sigma', c.rules, '--no-dwell-rules']);
    assert.equal(hunt.code, 3);
    assert.match(hunt.stderr, /ev\\u001b\]0;pwned\\u0007\\u001b\[2J\.evtx: not a recognised log format/);
    const info = await dwell(['info', join(c.dir, 'junk', name)]);
    assert.match(info.stdout + info.stderr, /ev\\u001b\]0;pwned\\u0007/);
    for (const out of [hunt.stdout, hunt.stderr, info.stdout, info.stderr])
      assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f]/, 'a raw control character was printed');
  } finally {
    c.cleanup();
  }
});
