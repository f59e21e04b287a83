// Reads a file as a stream of byte chunks, decompressing gzip on the fly, so no input is ever held whole.
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';
import type { SourceInput } from './types.js';

const CHUNK = 256 * 1024;

/** The file's bytes (decompressed when gzip) as an async iterable of chunks. */
export function openByteStream(path: string, gzip: boolean): AsyncIterable<Buffer> {
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  if (!gzip) return raw as AsyncIterable<Buffer>;
  // pipeline forwards read errors to the consumer and closes the file when the consumer stops early.
  return pipeline(raw, createGunzip({ chunkSize: CHUNK }), () => undefined) as AsyncIterable<Buffer>;
}

/** An input's content: its byte stream when it has one, otherwise its file opened (and decompressed). */
export function contentOf(input: SourceInput): AsyncIterable<Buffer> {
  return input.bytes ?? openByteStream(input.path, input.gzip);
}

/** The first `size` bytes of a file (fewer if it is shorter). */
export function readFileHead(path: string, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(size);
    const n = readSync(fd, buf, 0, size, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The first `size` bytes of the decompressed content of a gzip file (fewer if shorter or damaged). */
export async function readGzipHead(path: string, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  const stream = openByteStream(path, true) as Readable;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      total += chunk.length;
      if (total >= size) break;
    }
  } catch {
    // A damaged gzip stream still yields whatever decompressed before the damage.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, size);
}
