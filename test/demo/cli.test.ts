// `dwell demo` end to end, as a user runs it: generate, hunt, print the stages found and the outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../helpers/corpus.js';

const run = promisify(execFile);
const bin = join(PROJECT_ROOT, 'bin', 'dwell.js');

test('dwell demo writes logs, truth and outputs, and reports every stage found', async () => {
  const out = mkdtempSync(join(tmpdir(), 'dwell-demo-cli-'));
  try {
    const { stdout } = await run(process.execPath, [bin, 'demo', '--out', out, '--seed', '11', '--quiet'], {
      maxBuffer: 16 << 20,
    });
    const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8'));
    assert.equal(truth.seed, 11);
    const m = /(\d+)\/(\d+) malicious stages detected/.exec(stdout);
    assert.ok(m, stdout);
    assert.equal(m[1], m[2]);
    assert.equal(Number(m[2]), truth.stages.length);
    for (const file of ['timeline.csv', 'detections.jsonl'])
      assert.ok(existsSync(join(out, 'results', file)), file);
    assert.match(stdout, /timeline\.csv/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('dwell demo rejects a bad scale with the usage exit code', async () => {
  await assert.rejects(
    run(process.execPath, [bin, 'demo', '--scale', 'huge', '--no-hunt']),
    (err: { code?: number }) => {
      assert.equal(err.code, 2);
      return true;
    },
  );
});
