// CRC32 (IEEE 802.3, reflected, polynomial 0xEDB88320) with slicing-by-8 tables: EVTX chunk checksums.
import * as zlib from 'node:zlib';

const TABLES = buildTables();

function buildTables(): Uint32Array[] {
  const tables: Uint32Array[] = [];
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t0[n] = c >>> 0;
  }
  tables.push(t0);
  for (let t = 1; t < 8; t++) {
    const prev = tables[t - 1];
    const cur = new Uint32Array(256);
    for (let n = 0; n < 256; n++) cur[n] = (prev[n] >>> 8) ^ t0[prev[n] & 0xff];
    tables.push(cur);
  }
  return tables;
}

// node >= 20.15 has a native CRC32 (zlib's, several times faster than the tables below); older nodes use them.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** Continues a CRC32 over buf[start, end); pass the previous result as `crc` to checksum several ranges. */
export function crc32(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  if (nativeCrc32) {
    const from = Math.max(0, start);
    const to = Math.min(end, buf.length);
    return to > from ? nativeCrc32(buf.subarray(from, to), crc) >>> 0 : crc >>> 0;
  }
  return crc32Tables(buf, start, end, crc);
}

/** The same CRC32 in plain JavaScript (slicing-by-8), for Node versions without zlib.crc32. */
export function crc32Tables(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let c = ~crc >>> 0;
  let i = Math.max(0, start);
  const stop = Math.min(end, buf.length);
  for (; i + 8 <= stop; i += 8) {
    const a = c ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    c =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[buf[i + 4]] ^
      t2[buf[i + 5]] ^
      t1[buf[i + 6]] ^
      t0[buf[i + 7]];
  }
  for (; i < stop; i++) c = t0[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
