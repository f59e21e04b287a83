// Keeps docs/architecture.md true: folders of src/ depend on each other without cycles, and the library never
// imports the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { PROJECT_ROOT } from './helpers/corpus.js';

const SRC = join(PROJECT_ROOT, 'src');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Folder-level import graph of src/: folder → folders it imports from. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const importRe = /(?:from|import)\s*\(?\s*'(\.[^']+)'/g;
  for (const file of sources(SRC)) {
    const from = relative(SRC, file).split(sep)[0]!;
    const deps = graph.get(from) ?? new Set<string>();
    graph.set(from, deps);
    for (const m of readFileSync(file, 'utf8').matchAll(importRe)) {
      const target = relative(SRC, resolve(dirname(file), m[1]!)).split(sep)[0]!;
      if (target !== from && !target.startsWith('..')) deps.add(target);
    }
  }
  return graph;
}

test('src/ folders import each other without cycles', () => {
  const graph = folderGraph();
  assert.ok(graph.size >= 8, 'expected the stage folders under src/');
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    assert.notEqual(state.get(node), 'visiting', `import cycle: ${[...path, node].join(' → ')}`);
    state.set(node, 'visiting');
    for (const dep of graph.get(node) ?? []) visit(dep, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
});

test('only the CLI imports the CLI, and the record model imports nothing', () => {
  const graph = folderGraph();
  for (const [folder, deps] of graph) {
    if (folder !== 'cli') assert.ok(!deps.has('cli'), `${folder} imports the CLI`);
  }
  assert.deepEqual([...(graph.get('event') ?? [])], []);
});
