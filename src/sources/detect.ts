// Decides a file's format from its content (magic bytes, first significant character), gzip included.
import { readFileHead, readGzipHead } from './byte-stream.js';
import { SOURCE_KINDS } from './registry.js';
import type { SourceFormat } from './types.js';

const HEAD = 4096;

/** The detected format of a file, or why none could be found. */
export type Detected =
  | { readonly format: SourceFormat; readonly gzip: boolean }
  | { readonly format?: undefined; readonly reason: string; readonly empty?: boolean };

/** Sniffs the first bytes (already decompressed) against every registered kind. */
export function sniffFormat(head: Buffer): SourceFormat | undefined {
  for (const kind of SOURCE_KINDS) if (kind.sniff(head)) return kind.format;
  return undefined;
}

/** Detects the format of a file by reading its first bytes (decompressing gzip). Never throws. */
export async function detectFormat(path: string): Promise<Detected> {
  let head: Buffer;
  try {
    head = readFileHead(path, HEAD);
  } catch (err) {
    return { reason: `cannot read: ${(err as Error).message}` };
  }
  if (head.length === 0) return { reason: 'empty file', empty: true };
  let gzip = false;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    gzip = true;
    head = await readGzipHead(path, HEAD);
    if (head.length === 0) return { reason: 'gzip file that decompresses to nothing (damaged?)' };
  }
  const format = sniffFormat(head);
  if (format) return { format, gzip };
  return { reason: `not a recognised log format (EVTX, JSON, JSONL, XML${gzip ? ' inside gzip' : ''})` };
}
