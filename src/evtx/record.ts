// The lazy EVTX record: a template shape plus the record's value array in the chunk buffer. Nothing is
// decoded until a field is asked for; the System fields engines touch on every record are cached.
import type { EventRecord, FieldValue, RecordSource } from '../event/types.js';
import { VALUE } from './constants.js';
import { TemplateValues, type ChunkContext } from './instance.js';
import type { Shape } from './shape.js';
import { filetimeToMs } from './values.js';

function toNumber(v: FieldValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

function toText(v: FieldValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}

function jsonSafe(v: FieldValue): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x as FieldValue));
  return v;
}

/** One event record read from an EVTX chunk; implements EventRecord with lazy field decoding. */
export class EvtxRecord extends TemplateValues implements EventRecord {
  private cachedEventId: number | undefined = undefined;
  private cachedChannel: string | undefined = undefined;
  private cachedProvider: string | undefined = undefined;
  private cachedComputer: string | undefined = undefined;
  private cachedTimestamp: number | undefined = undefined;
  private cachedSource: RecordSource | undefined = undefined;

  constructor(
    ctx: ChunkContext,
    shape: Shape,
    descStart: number,
    count: number,
    dataStart: number,
    /** Offset of the record inside its chunk. */
    readonly chunkOffset: number,
    /** Record size in bytes (header to trailing size copy). */
    readonly size: number,
    /** Event record identifier from the record header. */
    readonly recordId: number,
    /** True when carved from slack space or a damaged chunk. */
    readonly recovered: boolean,
  ) {
    super(ctx, shape, descStart, count, dataStart, 0);
  }

  /** The value of a field by its Windows/Sigma name (see src/event/types.ts), decoded now. */
  get(name: string): FieldValue | undefined {
    return this.lookup(name);
  }

  /** Every field, System first, then EventData/UserData. */
  fields(): Iterable<readonly [string, FieldValue]> {
    const out: [string, FieldValue][] = [];
    this.collect(out, new Set());
    return out;
  }

  /** fields() without the named fields, which are not decoded (they count as already seen). */
  fieldsExcept(names: ReadonlySet<string>): Iterable<readonly [string, FieldValue]> {
    const out: [string, FieldValue][] = [];
    this.collect(out, new Set(names));
    return out;
  }

  get eventId(): number {
    return (this.cachedEventId ??= toNumber(this.lookup('EventID')));
  }

  get channel(): string {
    return (this.cachedChannel ??= toText(this.lookup('Channel')));
  }

  get provider(): string {
    return (this.cachedProvider ??= toText(this.lookup('Provider_Name')));
  }

  get computer(): string {
    return (this.cachedComputer ??= toText(this.lookup('Computer')));
  }

  get timestamp(): number {
    if (this.cachedTimestamp === undefined) {
      const slot = this.shape.timeSlot;
      if (slot >= 0 && this.slotType(slot) === VALUE.FILETIME && this.slotSize(slot) >= 8) {
        this.cachedTimestamp = filetimeToMs(this.ctx.buf, this.slotOffset(slot));
      } else {
        const t = this.lookup('TimeCreated');
        this.cachedTimestamp = typeof t === 'string' ? Date.parse(t) : NaN;
      }
    }
    return this.cachedTimestamp;
  }

  /** The time the record was written (record header FILETIME), in Unix milliseconds. */
  get writtenTime(): number {
    return filetimeToMs(this.ctx.buf, this.chunkOffset + 16);
  }

  /** Offset of the record in its file. */
  get fileOffset(): number {
    return this.ctx.fileOffset + this.chunkOffset;
  }

  /** A plain summary (not the chunk buffer) when a record is JSON.stringify'd; 64-bit values as text. */
  toJSON(): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of this.fields()) fields[k] = jsonSafe(v);
    return { source: this.source, recordId: this.recordId, fields };
  }

  /** console.log / util.inspect show the fields, not 64 KiB of chunk bytes. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON();
  }

  get source(): RecordSource {
    return (this.cachedSource ??= this.recovered
      ? { file: this.ctx.file, offset: this.fileOffset, recovered: true }
      : { file: this.ctx.file, offset: this.fileOffset });
  }
}
