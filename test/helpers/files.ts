// A recursive file listing shared by tests (corpus folders, rule trees).
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
