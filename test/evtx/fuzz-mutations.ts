// Seeded mutations of EVTX files for the fuzz test: blind damage (bit flips, truncation, random words, splices)
// and structure-aware damage aimed at what the reader trusts: chunk and record headers, template instances
// (value descriptors, counts, definition offsets), template definitions, string and template tables, nested
// BinXML values, array values, glued files and bare runs of chunks.
import { CHUNK_SIZE, FILE_HEADER_SIZE } from '../../src/evtx/index.js';

const HUGE = [0xffffffff, 0x7fffffff, 0x10000, 0xfffe, 0, 1, 24, 28];

/** Where a record's template instance and values are (file offsets), as far as the bytes allow. */
interface Instance {
  chunk: number;
  token: number;
  /** File offset of the definition, -1 when it is not in this chunk before the instance. */
  def: number;
  countAt: number;
  count: number;
  desc: number;
  data: number;
}

function u32(buf: Buffer, p: number): number {
  return p >= 0 && p + 4 <= buf.length ? buf.readUInt32LE(p) : -1;
}

function w32(buf: Buffer, p: number, v: number): void {
  if (p >= 0 && p + 4 <= buf.length) buf.writeUInt32LE(v >>> 0, p);
}

function recordOffsets(buf: Buffer): number[] {
  const offs: number[] = [];
  let p = buf.indexOf('**\0\0', 0, 'latin1');
  while (p >= 0 && offs.length < 400) {
    offs.push(p);
    p = buf.indexOf('**\0\0', p + 4, 'latin1');
  }
  return offs;
}

function instanceAt(buf: Buffer, record: number): Instance | null {
  const chunk = buf.lastIndexOf('ElfChnk\0', record, 'latin1');
  if (chunk < 0) return null;
  let p = record + 24;
  while (p < buf.length && (buf[p]! & 0x1f) === 0x0f) p += 4;
  if (buf[p] !== 0x0c || p + 14 > buf.length) return null;
  const defRel = buf.readUInt32LE(p + 6);
  let q = p + 10;
  let def = -1;
  if (defRel === q - chunk) {
    def = q;
    const size = u32(buf, q + 20);
    if (size < 0) return null;
    q += 24 + size;
  } else if (defRel < p - chunk) def = chunk + defRel;
  const count = u32(buf, q);
  if (count < 0 || count > 4096 || q + 4 + 4 * count > buf.length) return null;
  return { chunk, token: p, def, countAt: q, count, desc: q + 4, data: q + 4 + 4 * count };
}

/** Applies 1-4 seeded mutations to a copy of `src`. */
export function mutateEvtx(src: Buffer, rand: () => number): Buffer {
  let buf = Buffer.from(src);
  const pick = (n: number): number => Math.floor(rand() * n);
  const chunks = (): number[] => {
    const out: number[] = [];
    for (let p = buf.indexOf('ElfChnk\0', 0, 'latin1'); p >= 0; p = buf.indexOf('ElfChnk\0', p + 8, 'latin1'))
      out.push(p);
    return out;
  };
  const anInstance = (): Instance | null => {
    const offs = recordOffsets(buf);
    for (let tries = 0; tries < 8 && offs.length > 0; tries++) {
      const i = instanceAt(buf, offs[pick(offs.length)]!);
      if (i) return i;
    }
    return null;
  };
  const mutations = 1 + pick(4);
  for (let m = 0; m < mutations; m++) {
    const kind = pick(19);
    if (kind === 0) {
      for (let i = 0, n = 1 + pick(32); i < n; i++) buf[pick(buf.length)] ^= 1 << pick(8);
    } else if (kind === 1) {
      buf = buf.subarray(0, pick(buf.length));
    } else if (kind === 2) {
      // Chunk header: magic, free-space offset, checksums, record numbers and ids, last record offset.
      const all = chunks();
      if (all.length === 0) continue;
      const field = [0, 0x30, 0x34, 0x7c, 0x08, 0x10, 0x18, 0x20, 0x2c][pick(9)]!;
      w32(buf, all[pick(all.length)]! + field, HUGE[pick(HUGE.length)]!);
    } else if (kind === 3 || kind === 4) {
      // Record header size.
      const offs = recordOffsets(buf);
      if (offs.length > 0) w32(buf, offs[pick(offs.length)]! + 4, HUGE[pick(HUGE.length)]!);
    } else if (kind === 5) {
      // Template instance: definition offset to itself, backwards into garbage, or far away.
      const i = anInstance();
      if (!i) continue;
      const rel = i.token - i.chunk;
      w32(buf, i.token + 6, [rel, pick(rel), 0xffffffff, rel + 10, rel - 1][pick(5)]!);
    } else if (kind === 6) {
      // Random 32-bit words somewhere (names, value counts, descriptor sizes).
      for (let i = 0, n = 1 + pick(8); i < n; i++) w32(buf, pick(buf.length), HUGE[pick(HUGE.length)]!);
    } else if (kind === 7) {
      // Value type bytes: every type, including arrays and nested BinXML.
      for (let i = 0, n = 1 + pick(16); i < n; i++)
        buf[pick(buf.length)] = [0x21, 0x81, 0x8f, 0x13, 0x12, 0x0e, 0xa1][pick(7)]!;
    } else if (kind === 8) {
      // Splice a block from elsewhere (duplicated records, overlapping structures).
      const len = 1 + pick(2048);
      const from = pick(Math.max(1, buf.length - len));
      const to = pick(Math.max(1, buf.length - len));
      buf.copy(buf, to, from, Math.min(buf.length, from + len));
    } else if (kind === 9) {
      // Value descriptors: sizes (odd, zero, past the record) and types (any, arrays).
      const i = anInstance();
      if (!i || i.count === 0) continue;
      const d = i.desc + 4 * pick(i.count);
      if (rand() < 0.5) buf.writeUInt16LE([0, 1, 3, 7, 0xffff, 0x8000, 17][pick(7)]!, d);
      else buf[d + 2] = pick(0x26) | (rand() < 0.3 ? 0x80 : 0);
    } else if (kind === 10) {
      // Value count: huge, one more than there is, or exactly what the record could hold.
      const i = anInstance();
      if (i) w32(buf, i.countAt, [0xffffffff, 0x3fffffff, i.count + 1, 0xffff, 16383][pick(5)]!);
    } else if (kind === 11) {
      // Header size and trailing size copy disagree, or agree on a size that swallows the next record.
      const offs = recordOffsets(buf);
      if (offs.length === 0) continue;
      const p = offs[pick(offs.length)]!;
      const size = u32(buf, p + 4);
      if (size < 28) continue;
      const claimed =
        rand() < 0.3 ? size : rand() < 0.5 ? size + [8, 24, 0x200][pick(3)]! : 28 + pick(size - 27);
      w32(buf, p + 4, claimed);
      w32(buf, p + claimed - 4, rand() < 0.3 ? claimed + 8 : claimed);
    } else if (kind === 12) {
      // Array values with odd sizes.
      const i = anInstance();
      if (!i || i.count === 0) continue;
      const d = i.desc + 4 * pick(i.count);
      buf[d + 2] = 0x81 + pick(0x15);
      buf.writeUInt16LE(buf.readUInt16LE(d) | 1, d);
    } else if (kind === 13) {
      // A value turned into nested BinXML: a template instance naming the record's own definition (its
      // descriptors copied, so the nested value holds nested BinXML again), itself, or the record.
      const i = anInstance();
      if (!i || i.count === 0) continue;
      const k = pick(i.count);
      let off = i.data;
      for (let j = 0; j < k; j++) off += buf.readUInt16LE(i.desc + 4 * j);
      const n = Math.min(i.count, 6);
      const frag = Buffer.alloc(18 + 4 * n);
      frag.set([0x0f, 1, 1, 0, 0x0c, 0]);
      frag.writeUInt32LE(i.def >= 0 ? u32(buf, i.def + 4) >>> 0 : 0, 6);
      const rel = off - i.chunk;
      frag.writeUInt32LE([i.def - i.chunk, rel + 4, rel + 14, i.token - i.chunk][pick(4)]! >>> 0, 10);
      frag.writeUInt32LE(n, 14);
      for (let j = 0; j < n; j++) buf.copy(frag, 18 + 4 * j, i.desc + 4 * j, i.desc + 4 * j + 4);
      frag[18 + 4 * (k % n) + 2] = 0x21;
      buf[i.desc + 4 * k + 2] = 0x21;
      buf.writeUInt16LE(Math.max(buf.readUInt16LE(i.desc + 4 * k), frag.length), i.desc + 4 * k);
      if (off < buf.length) frag.copy(buf, off, 0, Math.min(frag.length, buf.length - off));
    } else if (kind === 14) {
      // String and template table entries, and their next-offset chains, pointing back.
      const all = chunks();
      if (all.length === 0) continue;
      const c = all[pick(all.length)]!;
      const slot = c + (rand() < 0.5 ? 0x180 + 4 * pick(32) : 0x80 + 4 * pick(64));
      const target = u32(buf, slot);
      if (target > 0 && target < CHUNK_SIZE && rand() < 0.6)
        w32(buf, c + target, [target, 0x80, slot - c][pick(3)]!);
      else w32(buf, slot, [slot - c, 0xffffffff, 0x200][pick(3)]!);
    } else if (kind === 15) {
      // Inside a template definition: tokens, name offsets, its size.
      const i = anInstance();
      if (!i || i.def < 0) continue;
      const size = u32(buf, i.def + 20);
      const end = Math.min(buf.length, i.def + 24 + Math.max(0, size));
      if (end <= i.def + 24) continue;
      for (let j = 0, n = 1 + pick(6); j < n; j++) {
        const p = i.def + 24 + pick(end - i.def - 24);
        if (rand() < 0.5)
          buf[p] = [0x01, 0x41, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x0d, 0x0e, 0x0f, 0x00][pick(12)]!;
        else w32(buf, p, [0, 0xffffffff, p - i.chunk, i.def - i.chunk][pick(4)]!);
      }
      if (rand() < 0.2) w32(buf, i.def + 20, HUGE[pick(HUGE.length)]!);
    } else if (kind === 16) {
      // File header fields: chunk numbers and count, header size, flags.
      for (const f of [0x08, 0x10, 0x18, 0x28, 0x2a, 0x78])
        if (rand() < 0.4) w32(buf, f, HUGE[pick(HUGE.length)]!);
    } else if (kind === 17) {
      // Glued: the file followed by a piece of itself (a second file header in the middle).
      buf = Buffer.concat([buf, buf.subarray(0, pick(buf.length))]);
    } else if (buf.length > FILE_HEADER_SIZE) {
      // A bare run of chunks: the file header cut off.
      buf = buf.subarray(FILE_HEADER_SIZE);
    }
  }
  return buf;
}
