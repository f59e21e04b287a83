// Finds the input files under the paths a user gave: files as given, folders walked recursively (symlink
// loops are cut by remembering each folder's real path), in a stable, sorted order.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/** A file to read and the input root it was found under (for tenant-from-dir). */
export interface FoundFile {
  readonly path: string;
  readonly root: string;
  readonly size: number;
  /** True when the user named this file directly (an unknown format is then an error, not noise). */
  readonly explicit: boolean;
  /** Index in the given paths of the path it was found under (the first, for a file found twice). */
  readonly given: number;
}

/** A path that could not be listed or read. */
export interface DiscoverProblem {
  readonly file: string;
  readonly reason: string;
}

/** Extensions that name a log format (gz wraps any of them); other files in folders are sniffed quietly. */
export const LOG_EXTENSIONS = new Set(['evtx', 'json', 'jsonl', 'ndjson', 'xml', 'gz']);

/** True when a file's extension says it should be a log (used to decide whether a non-log is worth a warning). */
export function hasLogExtension(path: string): boolean {
  return LOG_EXTENSIONS.has(extname(path).slice(1).toLowerCase());
}

/** Lists every file under the given paths. */
export function discoverFiles(
  paths: readonly string[],
  onProblem: (p: DiscoverProblem) => void,
): FoundFile[] {
  const out: FoundFile[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  let given = 0;
  const walk = (dir: string, root: string, depth: number) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (err) {
      onProblem({ file: dir, reason: `cannot resolve: ${(err as Error).message}` });
      return;
    }
    if (seenDirs.has(real) || depth > 64) return;
    seenDirs.add(real);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      onProblem({ file: dir, reason: `cannot list folder: ${(err as Error).message}` });
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch (err) {
        // A dangling link or a file gone since the listing: worth a problem when its name says it is a log;
        // any other entry of a walked folder would have been sniffed quietly (a collection also holds other files).
        if (hasLogExtension(name))
          onProblem({ file: full, reason: `cannot stat: ${(err as Error).message}` });
        continue;
      }
      if (st.isDirectory()) walk(full, root, depth + 1);
      else if (st.isFile()) add(full, root, st.size, false);
    }
  };
  const add = (file: string, root: string, size: number, explicit: boolean) => {
    let key = file;
    try {
      key = realpathSync(file);
    } catch {
      // keep the given path as its identity
    }
    if (seenFiles.has(key)) return;
    seenFiles.add(key);
    out.push({ path: file, root, size, explicit, given });
  };
  for (; given < paths.length; given++) {
    const path = paths[given]!;
    const abs = resolve(path);
    let st;
    try {
      st = statSync(abs);
    } catch (err) {
      onProblem({ file: path, reason: `cannot read: ${(err as Error).message}` });
      continue;
    }
    if (st.isDirectory()) walk(abs, abs, 0);
    else if (st.isFile()) add(abs, resolve(abs, '..'), st.size, true);
    else onProblem({ file: path, reason: 'not a file or folder' });
  }
  return out;
}
