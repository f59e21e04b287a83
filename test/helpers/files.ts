// Small helpers shared by tests: a recursive file listing and a seeded random generator.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of the files below `dir` (recursively, in name order) whose name passes `accept`. */
export function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (accept(e.name)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

/** `.evtx` files below `dir`, in name order. */
export function evtxFilesUnder(dir: string): string[] {
  return filesUnder(dir, (name) => name.endsWith('.evtx'));
}

/** mulberry32: a small seeded generator of numbers in [0, 1), so a failing case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
