// One record as the matchers see it: field text and its lower-cased form, each computed at most once per
// record and reused by every rule that looks at the field. One view is reused for all records (no per-record
// allocation beyond the cached strings).
import { fieldText, type EventRecord, type FieldValue } from '../event/types.js';
import { KEYWORD_FIELD, KEYWORD_SEPARATOR } from './prefilter/index.js';

const MISSING = null;
const MAX_SLOTS = 1 << 16;

/**
 * Per-record cache of field text and lower-cased text; call reset() before each record. Each field name gets a
 * slot once (rules read a fixed set of names); a slot's cached value is valid while its stamp equals the
 * record's epoch, so moving to the next record clears nothing and allocates nothing.
 */
export class RecordView {
  record!: EventRecord;
  private readonly slots = new Map<string, number>();
  private rawValues: (string | null)[] = [];
  private lowerValues: (string | null)[] = [];
  private rawStamp: Uint32Array = new Uint32Array(64);
  private lowerStamp: Uint32Array = new Uint32Array(64);
  private epoch = 1;
  private keywordRawValues: string[] | undefined;
  private keywordLowerValues: string[] | undefined;
  private keywordJoined: string | undefined;

  /** Points the view at a new record and forgets the previous record's values. */
  reset(record: EventRecord): void {
    this.record = record;
    if (++this.epoch === 0xffffffff) {
      this.epoch = 1;
      this.rawStamp.fill(0);
      this.lowerStamp.fill(0);
    }
    this.keywordRawValues = undefined;
    this.keywordLowerValues = undefined;
    this.keywordJoined = undefined;
  }

  private slotOf(field: string): number {
    let slot = this.slots.get(field);
    if (slot === undefined) {
      // Field names come from rules, but keyword lookups add record field names: cap the table.
      if (this.slots.size >= MAX_SLOTS) return -1;
      slot = this.slots.size;
      this.slots.set(field, slot);
      if (slot >= this.rawStamp.length) {
        const grow = (a: Uint32Array): Uint32Array => {
          const b = new Uint32Array(a.length * 2);
          b.set(a);
          return b;
        };
        this.rawStamp = grow(this.rawStamp);
        this.lowerStamp = grow(this.lowerStamp);
      }
    }
    return slot;
  }

  private read(field: string): string | null {
    let value: FieldValue | undefined;
    try {
      value = this.record.get(field);
    } catch {
      value = undefined; // a field that cannot be decoded is treated as absent
    }
    return value === undefined ? MISSING : (fieldText(value) ?? '');
  }

  /** The field's text (numbers in decimal, arrays joined), or undefined when the record has no such field. */
  raw(field: string): string | undefined {
    const slot = this.slotOf(field);
    if (slot < 0) return this.read(field) ?? undefined;
    if (this.rawStamp[slot] !== this.epoch) {
      this.rawValues[slot] = this.read(field);
      this.rawStamp[slot] = this.epoch;
    }
    return this.rawValues[slot] ?? undefined;
  }

  /** True when the record has the field at all (even with a null value). */
  has(field: string): boolean {
    return this.raw(field) !== undefined;
  }

  /** The field's text lower-cased (computed once per record). */
  lower(field: string): string | undefined {
    if (field === KEYWORD_FIELD) return this.keywordText();
    const slot = this.slotOf(field);
    if (slot < 0) return this.raw(field)?.toLowerCase();
    if (this.lowerStamp[slot] !== this.epoch) {
      const raw = this.raw(field);
      this.lowerValues[slot] = raw === undefined ? MISSING : raw.toLowerCase();
      this.lowerStamp[slot] = this.epoch;
    }
    return this.lowerValues[slot] ?? undefined;
  }

  /** The lower-cased text of a field if some rule already asked for it in this record, else undefined. */
  private cachedLower(field: string): string | null | undefined {
    const slot = this.slots.get(field);
    if (slot === undefined || this.lowerStamp[slot] !== this.epoch) return undefined;
    return this.lowerValues[slot];
  }

  /** Every field value of the record as text (for keyword detections). */
  keywordRaw(): string[] {
    if (!this.keywordRawValues) {
      const out: string[] = [];
      try {
        for (const [, value] of this.record.fields()) {
          const t = fieldText(value);
          if (t !== undefined && t !== '') out.push(t);
        }
      } catch {
        // keep what could be read
      }
      this.keywordRawValues = out;
    }
    return this.keywordRawValues;
  }

  /** Every field value lower-cased. */
  keywordLower(): string[] {
    if (!this.keywordLowerValues) this.keywordLowerValues = this.keywordRaw().map((s) => s.toLowerCase());
    return this.keywordLowerValues;
  }

  /** All lower-cased values joined by the prefilter's separator (the KEYWORD_FIELD text). */
  keywordText(): string {
    if (this.keywordJoined === undefined) {
      // Values some rule already lower-cased are reused; the rest are lower-cased here.
      let text = '';
      let first = true;
      try {
        for (const [name, value] of this.record.fields()) {
          const cached = this.cachedLower(name);
          const t = cached === undefined ? fieldText(value)?.toLowerCase() : (cached ?? undefined);
          if (t === undefined || t === '') continue;
          text = first ? t : text + KEYWORD_SEPARATOR + t;
          first = false;
        }
      } catch {
        // keep what could be read
      }
      this.keywordJoined = text;
    }
    return this.keywordJoined;
  }
}
