import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedRuleSources, openSharedRuleSources } from '../../src/hunt/shared-sources.js';
import { createMatcher } from '../../src/hunt/matcher.js';
import { ObjectRecord } from '../../src/event/object-record.js';
import type { Detection } from '../../src/engine/types.js';

const RULE = `title: Whoami
id: 5b1c3f7e-0000-4000-8000-000000000001
status: test
level: high
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    Image|endswith: '\\\\whoami.exe'
  condition: sel
`;

test('rules parsed on the loading thread come back through shared memory and match like rules read directly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-shared-'));
  try {
    writeFileSync(join(dir, 'whoami.yml'), RULE);
    writeFileSync(join(dir, 'broken.yml'), 'title: [unclosed\n');
    const shared = await loadSharedRuleSources({ rulePaths: [dir] });
    assert.ok(shared instanceof SharedArrayBuffer && shared.byteLength > 0);
    const sources = openSharedRuleSources(shared);
    assert.equal(sources.parsed.length, 1);
    assert.equal(sources.parsed[0]!.title, 'Whoami');
    assert.deepEqual(sources.parsed[0]!.raw, {}, 'the raw document stays behind');
    assert.equal(sources.parsed[0]!.selections.size, 1);
    assert.ok(
      sources.problems.some((p) => p.file.endsWith('broken.yml')),
      'the broken file is a problem',
    );

    const filter = {};
    const fromShared = await createMatcher({ rulePaths: [], filter, timing: false, sharedSources: shared });
    const direct = await createMatcher({ rulePaths: [dir], filter, timing: false });
    assert.equal(fromShared.selected, 1);
    assert.equal(fromShared.problems.length, direct.problems.length);
    const record = (image: string) =>
      new ObjectRecord(
        {
          Event: {
            System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'h' },
            EventData: { Image: image },
          },
        },
        { file: 'x' },
      );
    for (const m of [fromShared, direct]) {
      const hits: Detection[] = [];
      m.match(record('C:\\Windows\\System32\\whoami.exe'), (d) => hits.push(d));
      m.match(record('C:\\Windows\\notepad.exe'), (d) => hits.push(d));
      assert.deepEqual(
        hits.map((d) => d.rule.title),
        ['Whoami'],
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a rule path that does not exist is a problem, not a failure of the loading thread', async () => {
  const shared = await loadSharedRuleSources({ rulePaths: ['/nonexistent/dwell-rules'] });
  const sources = openSharedRuleSources(shared);
  assert.equal(sources.parsed.length, 0);
  assert.ok(sources.problems.length > 0);
});
