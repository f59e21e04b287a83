// One record as the matchers see it: field text and its lower-cased form, each computed at most once per
// record and reused by every rule that looks at the field. One view is reused for all records (no per-record
// allocation beyond the cached strings).
import { fieldText, type EventRecord, type FieldValue } from '../event/types.js';
import { KEYWORD_FIELD, KEYWORD_SEPARATOR } from './prefilter/index.js';

const MISSING = null;

/** Per-record cache of field text and lower-cased text; call reset() before each record. */
export class RecordView {
  record!: EventRecord;
  private readonly rawCache = new Map<string, string | null>();
  private readonly lowerCache = new Map<string, string | null>();
  private keywordRawValues: string[] | undefined;
  private keywordLowerValues: string[] | undefined;
  private keywordJoined: string | undefined;

  /** Points the view at a new record and forgets the previous record's values. */
  reset(record: EventRecord): void {
    this.record = record;
    this.rawCache.clear();
    this.lowerCache.clear();
    this.keywordRawValues = undefined;
    this.keywordLowerValues = undefined;
    this.keywordJoined = undefined;
  }

  /** The field's text (numbers in decimal, arrays joined), or undefined when the record has no such field. */
  raw(field: string): string | undefined {
    let v = this.rawCache.get(field);
    if (v === undefined) {
      let value: FieldValue | undefined;
      try {
        value = this.record.get(field);
      } catch {
        value = undefined; // a field that cannot be decoded is treated as absent
      }
      v = value === undefined ? MISSING : (fieldText(value) ?? '');
      this.rawCache.set(field, v);
    }
    return v === MISSING ? undefined : v;
  }

  /** True when the record has the field at all (even with a null value). */
  has(field: string): boolean {
    if (this.raw(field) !== undefined) return true;
    return false;
  }

  /** The field's text lower-cased (computed once per record). */
  lower(field: string): string | undefined {
    if (field === KEYWORD_FIELD) return this.keywordText();
    let v = this.lowerCache.get(field);
    if (v === undefined) {
      const raw = this.raw(field);
      v = raw === undefined ? MISSING : raw.toLowerCase();
      this.lowerCache.set(field, v);
    }
    return v === MISSING ? undefined : v;
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
          const cached = this.lowerCache.get(name);
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
