// Reading Sigma YAML: finding rule files under folders and splitting files into documents that remember where
// each of their keys was written, so every problem can name a line and column.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { RuleProblem, SourcePosition } from './types.js';
import { fastNodesAt, fastParseYaml, type FastDocument } from './fast-yaml.js';
import { indexOfKey } from './key-index.js';

/** One YAML document of a rule file, as plain data, with a way to locate any key path inside it. */
export interface YamlDocument {
  readonly file: string;
  /** 0-based index of the document in its file. */
  readonly index: number;
  readonly data: unknown;
  /** Position of the key at `path` (or of the value for sequence indexes); the document start when absent. */
  locate(path: readonly (string | number)[]): SourcePosition;
  /** Position of a character inside the string value at `path` (the key's position when not a one-line string). */
  locateInValue(path: readonly (string | number)[], offset: number): SourcePosition;
}

const RULE_EXTENSIONS = new Set(['.yml', '.yaml']);
const MAX_RULE_FILE = 4 * 1024 * 1024;

/** Lists YAML files under the given files/folders (recursive, sorted); unreadable paths become problems. */
export async function listRuleFiles(paths: readonly string[], problems: RuleProblem[]): Promise<string[]> {
  const out: string[] = [];
  const listFolder = async (dir: string, depth: number): Promise<void> => {
    if (depth > 32) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      problems.push({
        file: dir,
        severity: 'invalid',
        reason: `cannot list folder: ${(err as Error).message}`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      // Directory entries say what they are without a stat per file; symbolic links are followed with one.
      if (e.isDirectory()) await listFolder(path, depth + 1);
      else if (e.isFile()) {
        if (RULE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(path);
      } else if (e.isSymbolicLink()) await walk(path, false, depth + 1);
    }
  };
  const walk = async (path: string, explicit: boolean, depth: number): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      problems.push({ file: path, severity: 'invalid', reason: `cannot read: ${(err as Error).message}` });
      return;
    }
    if (info.isDirectory()) await listFolder(path, depth);
    else if (explicit || RULE_EXTENSIONS.has(extname(path).toLowerCase())) out.push(path);
  };
  for (const p of paths) await walk(p, true, 0);
  return out;
}

/** Key indexes of the maps with many keys (see key-index.ts). */
const pairIndexes = new WeakMap<YAMLMap, Map<string, number>>();

/** The first pair of a map whose scalar key reads `key`. */
function pairOf(map: YAMLMap, key: string): Pair | undefined {
  const items = map.items as Pair[];
  const keyAt = (i: number): string | undefined => {
    const k = items[i]!.key;
    return isScalar(k) ? String(k.value) : undefined;
  };
  const i = indexOfKey(map, items.length, keyAt, key, pairIndexes);
  return i < 0 ? undefined : items[i];
}

/** The key node (for map segments) and the value node at a path; missing segments stop the walk. */
function nodesAt(
  root: Node | null | undefined,
  path: readonly (string | number)[],
): { found: Node | undefined; value: Node | undefined } {
  let node: Node | null | undefined = root;
  let found: Node | undefined = root ?? undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairOf(node, String(seg));
      if (!pair) return { found, value: undefined };
      found = (isScalar(pair.key) ? pair.key : undefined) ?? found;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return { found, value: undefined };
      found = item;
      node = item;
    } else {
      return { found, value: undefined };
    }
  }
  return { found, value: node ?? undefined };
}

/** Splits YAML text into documents; YAML syntax errors become problems with their position. */
export function parseYamlDocuments(text: string, file: string, problems: RuleProblem[]): YamlDocument[] {
  // Most rule files are plain block YAML: read fast; anything else (and every problem) goes to the library.
  const fast = fastParseYaml(text);
  if (fast) return fastDocuments(fast, text, file);
  return parseYamlWithLibrary(text, file, problems);
}

/** Offsets where each line of `text` starts. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** YamlDocuments from the fast reader's documents (empty ones are skipped but keep their index). */
function fastDocuments(docs: FastDocument[], text: string, file: string): YamlDocument[] {
  let lineStarts: number[] | undefined;
  const pos = (offset: number): SourcePosition => {
    lineStarts ??= lineStartsOf(text);
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const out: YamlDocument[] = [];
  docs.forEach(({ data, root }, index) => {
    if (data === null || data === undefined || !root) return;
    out.push({
      file,
      index,
      data,
      locate(path) {
        const at = fastNodesAt(root, path).foundAt;
        return pos(at ?? root.at);
      },
      locateInValue(path, offset) {
        const { foundAt, value } = fastNodesAt(root, path);
        if (value?.kind === 'scalar' && value.style !== 'block')
          return pos(value.at + (value.style === 'quoted' ? 1 : 0) + offset);
        return pos(foundAt ?? root.at);
      },
    });
  });
  return out;
}

/** Splits YAML text into documents with the `yaml` library; syntax errors become problems with their position. */
export function parseYamlWithLibrary(text: string, file: string, problems: RuleProblem[]): YamlDocument[] {
  const lineCounter = new LineCounter();
  const out: YamlDocument[] = [];
  let docs;
  try {
    // The library's own unique-key check compares every key with every other (minutes for a map of 100,000
    // keys); duplicateKeys does it with a set.
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch (err) {
    problems.push({
      file,
      line: 1,
      column: 1,
      severity: 'invalid',
      reason: `YAML cannot be parsed: ${yamlFailure(err)}`,
    });
    return out;
  }
  if (!Array.isArray(docs)) return out;
  const pos = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  docs.forEach((doc, index) => {
    const errors = [
      ...doc.errors.map((e) => ({ offset: e.pos[0], reason: yamlFailure(e) })),
      ...duplicateKeys(doc).map((offset) => ({ offset, reason: 'Map keys must be unique' })),
    ].sort((a, b) => a.offset - b.offset);
    if (errors.length > 0) {
      for (const e of errors.slice(0, 3)) {
        problems.push({ file, ...pos(e.offset), severity: 'invalid', reason: `YAML syntax: ${e.reason}` });
      }
      return;
    }
    let data: unknown;
    const start = pos(doc.range[0]);
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // Aliases (the usual cause) are placed at the first one in the document.
      let at = start;
      visit(doc, {
        Alias(_key, node) {
          if (node.range) at = pos(node.range[0]);
          return visit.BREAK;
        },
      });
      problems.push({ file, ...at, severity: 'invalid', reason: `YAML cannot be read: ${yamlFailure(err)}` });
      return;
    }
    if (data === null || data === undefined) return; // an empty document (e.g. a trailing '---')
    out.push({
      file,
      index,
      data,
      locate(path) {
        const range = nodesAt(doc.contents as Node | null, path).found?.range;
        return range ? pos(range[0]) : start;
      },
      locateInValue(path, offset) {
        const { found, value } = nodesAt(doc.contents as Node | null, path);
        // Inside a one-line plain or quoted string the offset maps to a column; otherwise point at the key.
        if (isScalar(value) && value.range && typeof value.source === 'string') {
          const quoted = value.type === 'QUOTE_DOUBLE' || value.type === 'QUOTE_SINGLE';
          if (
            (quoted || value.type === 'PLAIN') &&
            !text.slice(value.range[0], value.range[1]).includes('\n')
          ) {
            return pos(value.range[0] + (quoted ? 1 : 0) + offset);
          }
        }
        return found?.range ? pos(found.range[0]) : start;
      },
    });
  });
  return out;
}

/** Offsets of the scalar keys that repeat an earlier key of the same map (the library's uniqueKeys rule). */
function duplicateKeys(doc: { contents: unknown }): number[] {
  const out: number[] = [];
  visit(doc.contents as Node, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const value: unknown = pair.key.value;
        const id = `${typeof value}:${String(value)}`;
        if (seen.has(id)) out.push(pair.key.range?.[0] ?? 0);
        else seen.add(id);
      }
    },
  });
  return out;
}

/** A reason for what the `yaml` library could not do, saying what to change in the rule. */
function yamlFailure(err: unknown): string {
  const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  if (err instanceof RangeError || message.includes('call stack'))
    return 'nested too deeply to read (Sigma rules nest a few levels)';
  if (/alias/i.test(message)) return `${message}; write the values out instead of YAML aliases`;
  return message;
}

/** Reads a rule file's text, or says why it cannot be read (size-capped; never throws). */
export async function readRuleText(file: string): Promise<{ text: string } | { error: string }> {
  // Synchronous calls: rule files are small, and the loader reads thousands of them on a thread of its own,
  // where four thread-pool round trips per file (open, stat, read, close) cost more than the reads.
  let fd: number | undefined;
  try {
    // Size is checked on the open file before reading, so a huge or endless file is never read into memory.
    fd = openSync(file, 'r');
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > MAX_RULE_FILE) {
      return { error: 'not a regular rule file of at most 4 MiB; refusing to parse it' };
    }
    return { text: readFileSync(fd, 'utf8') };
  } catch (err) {
    return { error: `cannot read: ${(err as Error).message}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads a file and splits it into YAML documents (problems on failure, never throws). */
export async function readYamlFile(file: string, problems: RuleProblem[]): Promise<YamlDocument[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    problems.push({ file, severity: 'invalid', reason: `cannot read: ${(err as Error).message}` });
    return [];
  }
  if (text.length > 4 * 1024 * 1024) {
    problems.push({ file, severity: 'invalid', reason: 'rule file larger than 4 MiB; refusing to parse it' });
    return [];
  }
  return parseYamlDocuments(text, file, problems);
}
