// CRC32 (IEEE, as EVTX uses it) for the writer: node's native zlib.crc32 when present, else a table.
import * as zlib from 'node:zlib';

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** Table-driven CRC32 of `data`, continuing from `previous` (pass the CRC of the bytes before). */
export function crc32Table(data: Uint8Array, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC32 of `data`, continuing from `previous`; uses the native implementation when node has one. */
export const crc32: (data: Uint8Array, previous?: number) => number = native
  ? (data, previous = 0) => native(data, previous)
  : crc32Table;
