// De-duplication of detections: the same record seen twice (shadow copies, backups, overlapping collections)
// counts once. We key detections, not records: only records that fired are hashed (in the worker), and the
// main thread keeps one 53-bit number and the rank of the job that found it per detection (in typed arrays, ~22
// bytes each), so memory grows with findings, never with input size.
import type { EventRecord } from '../event/types.js';
import { SYSTEM_FIELD_NAMES, fieldText } from '../event/types.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Two independent 32-bit hashes of a string, combined into one 53-bit number. */
export function hash53(s: string): number {
  const a = fnv(FNV_OFFSET, s);
  const b = fnv(0x9747b28c, s) & 0x1fffff;
  return b * 0x100000000 + a;
}

// System fields are already in the key or differ between export formats of the same event (an EVTX record
// and its JSON export), so only event data is hashed.
const SYSTEM_FIELDS: ReadonlySet<string> = new Set(SYSTEM_FIELD_NAMES);

/** The identity of a record: host, channel, record id, time, plus a hash of its event data. */
export function recordKey(record: EventRecord): string {
  let h1 = FNV_OFFSET;
  let h2 = 0x9747b28c;
  // EVTX records skip decoding their System fields (GUIDs, times, SIDs as text), which the key leaves out anyway.
  const fields = record.fieldsExcept ? record.fieldsExcept(SYSTEM_FIELDS) : record.fields();
  for (const [name, value] of fields) {
    if (SYSTEM_FIELDS.has(name)) continue;
    const text = fieldText(value) ?? '';
    h1 = fnv(fnv(h1, name), text);
    h2 = fnv(fnv(h2, text), name);
  }
  return `${record.computer}\u0001${record.channel}\u0001${record.recordId}\u0001${record.timestamp}\u0001${h1.toString(36)}${h2.toString(36)}`;
}

/** Slots of a fresh NumberRanks (a power of two). */
const INITIAL_SLOTS = 1 << 12;

/**
 * A map from 53-bit numbers to small ranks (job indexes) in a Float64Array and an Int32Array (open addressing,
 * linear probing, at most 3/4 full): ~16 bytes an entry instead of ~80 for a JS Map of non-Smi numbers, and no
 * 2^24 entry limit. 0 marks an empty slot, so numbers are stored plus one.
 */
class NumberRanks {
  private slots = new Float64Array(INITIAL_SLOTS);
  private ranks = new Int32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  size = 0;

  /** Stores n (0 ≤ n < 2^53) with the lower of its ranks; returns the rank it had, or -1 when it is new. */
  keepLowest(n: number, rank: number): number {
    const v = n + 1;
    const slots = this.slots;
    let i = (v >>> 0) & this.mask;
    for (;;) {
      const s = slots[i]!;
      if (s === 0) break;
      if (s === v) {
        const had = this.ranks[i]!;
        if (rank < had) this.ranks[i] = rank;
        return had;
      }
      i = (i + 1) & this.mask;
    }
    slots[i] = v;
    this.ranks[i] = rank;
    if (++this.size * 4 > slots.length * 3) this.grow();
    return -1;
  }

  private grow(): void {
    const old = this.slots;
    const oldRanks = this.ranks;
    this.slots = new Float64Array(old.length * 2);
    this.ranks = new Int32Array(old.length * 2);
    this.mask = this.slots.length - 1;
    for (let j = 0; j < old.length; j++) {
      const v = old[j]!;
      if (v === 0) continue;
      let i = (v >>> 0) & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = v;
      this.ranks[i] = oldRanks[j]!;
    }
  }
}

/** Remembers (rule, record) pairs already reported. */
export class DetectionDeduper {
  private readonly seen = new NumberRanks();
  dropped = 0;

  /** True the first time a (rule id, record key) pair is offered, false for repeats. */
  firstTime(ruleId: string, key: string): boolean {
    return this.firstHash(hash53(ruleId + '\u0002' + key));
  }

  /** The same for a pair already hashed (hash53 of rule id, U+0002, record key; see detection-batch.ts). */
  firstHash(hash: number): boolean {
    return this.offer(hash, 0) === 'first';
  }

  /**
   * Offers a hashed pair found by the job of rank `rank`. The copy of the lowest rank is the one kept, so what a
   * hunt keeps does not depend on which worker finished first: 'first' (keep it), 'repeat' (drop it: a copy
   * of the same or a lower rank is kept), or the rank of the job whose copy it replaces (keep it; drop that one).
   */
  offer(hash: number, rank: number): 'first' | 'repeat' | number {
    const had = this.seen.keepLowest(hash, rank);
    if (had < 0) return 'first';
    this.dropped++;
    return rank < had ? had : 'repeat';
  }

  /** Pairs remembered. */
  get size(): number {
    return this.seen.size;
  }
}
