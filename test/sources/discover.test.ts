// Finding input files under folders: dangling links named like logs are problems, other dangling entries are
// passed over quietly like any non-log file; nested folders come out sorted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverFiles, type DiscoverProblem } from '../../src/sources/discover.js';

test(
  'a dangling link is a problem only when its name says it is a log',
  { skip: process.platform === 'win32' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-discover-'));
    try {
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'Security.evtx'), 'x');
      writeFileSync(join(dir, 'notes.txt'), 'x');
      symlinkSync(join(dir, 'gone.conf'), join(dir, 'settings.conf'));
      symlinkSync(join(dir, 'gone.evtx'), join(dir, 'System.evtx'));
      const problems: DiscoverProblem[] = [];
      const found = discoverFiles([dir], (p) => problems.push(p));
      assert.deepEqual(
        found.map((f) => f.path),
        [join(dir, 'notes.txt'), join(dir, 'sub', 'Security.evtx')],
      );
      assert.deepEqual(
        problems.map((p) => p.file),
        [join(dir, 'System.evtx')],
      );
      assert.match(problems[0]!.reason, /^cannot stat: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
