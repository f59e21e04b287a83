// De-duplication of detections: the same record seen twice (shadow copies, backups, overlapping collections)
// counts once. We key detections, not records: only records that fired are hashed (in the worker), and the
// main thread keeps one 53-bit number per detection, so memory grows with findings, never with input size.
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
  for (const [name, value] of record.fields()) {
    if (SYSTEM_FIELDS.has(name)) continue;
    const text = fieldText(value) ?? '';
    h1 = fnv(fnv(h1, name), text);
    h2 = fnv(fnv(h2, text), name);
  }
  return `${record.computer}\u0001${record.channel}\u0001${record.recordId}\u0001${record.timestamp}\u0001${h1.toString(36)}${h2.toString(36)}`;
}

/** Remembers (rule, record) pairs already reported. */
export class DetectionDeduper {
  // A JS Set holds at most 2^24 entries: keep a list of sets.
  private readonly sets: Set<number>[] = [new Set<number>()];
  dropped = 0;

  /** True the first time a (rule id, record key) pair is offered, false for repeats. */
  firstTime(ruleId: string, key: string): boolean {
    const h = hash53(ruleId + '\u0002' + key);
    for (const set of this.sets) {
      if (set.has(h)) {
        this.dropped++;
        return false;
      }
    }
    let last = this.sets[this.sets.length - 1]!;
    if (last.size >= 8_000_000) this.sets.push((last = new Set<number>()));
    last.add(h);
    return true;
  }

  /** Pairs remembered. */
  get size(): number {
    let n = 0;
    for (const set of this.sets) n += set.size;
    return n;
  }
}
