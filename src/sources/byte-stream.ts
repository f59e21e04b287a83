// Reads a file as a stream of byte chunks, decompressing gzip on the fly, so no input is ever held whole.
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { SourceInput } from './types.js';

const CHUNK = 256 * 1024;
/**
 * Compressed bytes handed to zlib at a time: the output of one write is held before it is yielded (at most
 * ~1,000 times this, 64 MiB, for a gzip bomb), and damage inside the data loses the output of the write that
 * meets it (zlib hands out nothing from a failing call). 16 KiB cost ~25% more CPU than 64 KiB or pipeline().
 */
const GUNZIP_PIECE = 64 * 1024;

/** Emitted on the decompressor when a write is done (an event, so one listener set serves every wait). */
const WRITTEN = Symbol('written');

/**
 * Starts `action` and waits until it is done, the stream ends or it fails: a write that meets damage never calls
 * back (zlib destroys the stream instead), so the wait also ends on 'close'.
 */
function settled(zlib: Gunzip, action: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      zlib.off(WRITTEN, done).off('end', done).off('close', done);
      resolve();
    };
    zlib.on(WRITTEN, done).on('end', done).on('close', done);
    action();
  });
}

/**
 * Decompresses a gzip byte stream (every member of a concatenated one). What decompresses before a cut is
 * yielded whole, then the error is thrown, however the bytes are chunked and however slowly they are read.
 */
export async function* gunzipChunks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // Why not pipeline(): zlib drops the output of the inflate call that fails, and a stream destroyed by an
  // error drops what its reader had not read yet; with pipe(), the last piece is often inflated in the same
  // call as the end-of-input check. A truncated .gz then lost up to ~256 KiB of records before its cut,
  // depending on chunking and on how fast the reader was. Here each piece is inflated on its own, its output
  // taken as it comes ('data' in flowing mode), and the end is checked by a call of its own.
  const zlib = createGunzip({ chunkSize: CHUNK });
  const out: Buffer[] = [];
  let failure: Error | undefined;
  zlib.on('data', (b: Buffer) => out.push(b));
  zlib.on('error', (err: Error) => (failure ??= err));
  try {
    for await (const chunk of source) {
      for (let at = 0; at < chunk.length && !failure; at += GUNZIP_PIECE) {
        const piece = chunk.subarray(at, at + GUNZIP_PIECE);
        await settled(zlib, () => zlib.write(piece, () => zlib.emit(WRITTEN)));
        while (out.length > 0) yield out.shift()!;
      }
      if (failure) break;
    }
    if (!failure) await settled(zlib, () => zlib.end());
    while (out.length > 0) yield out.shift()!;
    if (failure) throw failure;
  } finally {
    zlib.destroy();
  }
}

/** The file's bytes (decompressed when gzip) as an async iterable of chunks. */
export function openByteStream(path: string, gzip: boolean): AsyncIterable<Buffer> {
  // The file stream closes itself at its end, on an error, and when its reader stops early.
  const raw = createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
  return gzip ? gunzipChunks(raw) : raw;
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
  try {
    // Leaving the loop early closes the decompressor and the file.
    for await (const chunk of openByteStream(path, true)) {
      parts.push(chunk);
      total += chunk.length;
      if (total >= size) break;
    }
  } catch {
    // A damaged gzip stream still yields whatever decompressed before the damage.
  }
  return Buffer.concat(parts).subarray(0, size);
}
