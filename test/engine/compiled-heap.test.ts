// What a compiled rule keeps alive: its tests and needles, not the parsed rule it came from, nor the patterns,
// value lists and plans its tests were built from (V8 keeps every variable some closure of a scope captures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine, compileRuleSources, readRuleSources } from '../../src/engine/index.js';
import type { Detection } from '../../src/engine/index.js';
import { proc, rule } from './rule-fixtures.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap used after full collections. */
function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A rule with the shapes SigmaHQ uses most: endswith / contains lists, a wildcard value, a filter, a regex. */
function typicalRule(i: number): string {
  const ends = Array.from({ length: 12 }, (_, k) => `'\\\\tool${i}-${k}.exe'`).join(', ');
  const has = Array.from({ length: 3 }, (_, k) => `' -arg${i}x${k} '`).join(', ');
  return rule(
    [
      '    selection_img:',
      `        Image|endswith: [${ends}]`,
      `        CommandLine|contains: [${has}]`,
      `        ParentImage: 'C:\\\\Program*\\\\app${i}*\\\\x?.exe'`,
      '    selection_re:',
      `        CommandLine|re: 'mark${i}[0-9]{2,4}z'`,
      '    filter_main:',
      `        User|startswith: ['NT AUTHORITY', 'svc${i}']`,
      '    condition: 1 of selection_* and not filter_main',
    ].join('\n'),
  );
}

/** Writes the rule texts into a fresh folder. */
function ruleFolder(texts: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-heap-'));
  texts.forEach((t, i) => writeFileSync(join(dir, `r${i}.yml`), t));
  return dir;
}

async function sourcesOf(texts: string[]): Promise<Awaited<ReturnType<typeof readRuleSources>>> {
  return readRuleSources([ruleFolder(texts)]);
}

/** Weak references to every parsed rule, raw document, selection and value list (made in a frame of their own:
 * a suspended async frame would keep its last loop variables alive). */
function parsedObjects(sources: Awaited<ReturnType<typeof readRuleSources>>): WeakRef<object>[] {
  const refs: WeakRef<object>[] = [];
  for (const r of sources.parsed) {
    refs.push(new WeakRef(r), new WeakRef(r.raw));
    for (const sel of r.selections.values()) {
      refs.push(new WeakRef(sel));
      for (const alt of sel.alternatives) for (const item of alt) refs.push(new WeakRef(item.values));
    }
  }
  return refs;
}

test('a compiled rule set keeps none of the parsed rules it was compiled from', async () => {
  const texts = Array.from({ length: 20 }, (_, i) => typicalRule(i));
  const titleOf = (i: number): string => /^title: (.*)$/m.exec(texts[i]!)![1]!;
  for (const lean of [true, false]) {
    let sources: Awaited<ReturnType<typeof readRuleSources>> | undefined = await sourcesOf(texts);
    const refs = parsedObjects(sources);
    const engine = new Engine(compileRuleSources(sources, { lean }));
    sources = undefined;
    // WeakRef targets made or read in this job stay alive until it ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    gc();
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    assert.equal(alive, 0, `lean ${lean}: ${alive} of ${refs.length} parsed objects are still reachable`);
    // The engine still matches (and so still holds what it needs).
    const out: Detection[] = [];
    const parent = 'C:\\Program Files\\App3\\sub\\xy.exe';
    const image = 'C:\\x\\TOOL3-7.exe';
    engine.match(proc({ Image: image, CommandLine: 'run -arg3x1 now', ParentImage: parent }), (d) =>
      out.push(d),
    );
    engine.match(proc({ CommandLine: 'mark412z', User: 'svc4' }), (d) => out.push(d));
    engine.match(proc({ CommandLine: 'mark512z', User: 'svc4' }), (d) => out.push(d));
    // Rule 3 by its endswith and contains lists; rule 4's regex hit is filtered (svc4), rule 5's is not.
    assert.deepEqual(
      out.map((d) => d.rule.title),
      [titleOf(3), titleOf(5)],
    );
  }
});

test('a compiled rule costs a bounded heap (its tests keep only what they test; RE2 compiles on first need)', async () => {
  const n = 300;
  const sources = await sourcesOf(Array.from({ length: n }, (_, i) => typicalRule(1000 + i)));
  const before = heapUsed();
  const rs = compileRuleSources(sources, { lean: true });
  const perRule = (heapUsed() - before) / n;
  assert.equal(rs.rules.length, 2 * n, 'process_creation: a Sysmon and a Security variant');
  // Measured (two variants a rule): 18 KB with tests from factories and RE2 programs built on first need; 29 KB
  // with RE2 compiled at load; 41 KB (55 KB without the regex) when each closure's Context kept its siblings'
  // patterns, value specs and plans.
  assert.ok(perRule < 23_000, `${Math.round(perRule)} bytes of heap per compiled rule`);
});

test('compiled rules keep no rule file text alive (parsed values are slices of it)', async () => {
  const n = 40;
  // Each file carries ~200 KB of comment: a kept slice of any of its values would keep all of it.
  const padding = `# ${'x'.repeat(199_000)}\n`;
  const texts = Array.from({ length: n }, (_, i) =>
    rule(
      [
        '    selection:',
        `        ParentCommandLine|contains: 'some-rather-long-value-${i}'`,
        `        Image|endswith: '\\\\a-long-image-name-${i}.exe'`,
        '    condition: selection',
      ].join('\n'),
      undefined,
      `description: 'A description long enough to be a slice ${i}'\nreferences:\n    - https://example.com/a/long/reference/${i}\ntags:\n    - attack.execution.t1059.${i}\n${padding}`,
    ),
  );
  const dir = ruleFolder(texts);
  const before = heapUsed();
  const engine = await workerEngine(dir);
  await new Promise((resolve) => setImmediate(resolve));
  const perRule = (heapUsed() - before) / n;
  assert.equal(engine.ruleCount, n);
  // The sources (8 MB of text) are gone: what is left is the compiled rules (a few KB each), not their files.
  assert.ok(perRule < 50_000, `${Math.round(perRule)} bytes of heap per compiled rule`);
});

/**
 * An engine as a hunt worker holds it (without the rule set's problems and outcomes), built in a frame of its
 * own so that no register of the test's suspended frame keeps the sources.
 */
async function workerEngine(dir: string): Promise<Engine> {
  return new Engine(compileRuleSources(await readRuleSources([dir]), { lean: true }));
}
