// A growable byte buffer that bytes are appended to: detection batches and sort runs both hold their JSON lines
// this way (outside the JS heap, where a few MB of text would otherwise live as strings and objects).

/** Bytes appended at the end of one reused buffer, grown by doubling up to a capacity. */
export class ByteBuffer {
  private buf: Buffer;
  private used = 0;

  /** `capacity`: bytes the buffer grows to by doubling (beyond it, only by what an append needs). */
  constructor(
    initial: number,
    private readonly capacity = Infinity,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1, Math.min(initial, capacity)));
  }

  /** Bytes held. */
  get length(): number {
    return this.used;
  }

  /** The bytes held: a view of the buffer, valid until the next append or clear. */
  view(start = 0, end = this.used): Buffer {
    return this.buf.subarray(start, end);
  }

  /** Appends source[start, end). */
  append(source: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    this.buf.set(source.subarray(start, end), this.used);
    this.used += end - start;
  }

  /** Appends text as UTF-8. */
  appendText(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.reserve(text.length * 3);
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  /** Forgets the bytes (the buffer is kept for reuse). */
  clear(): void {
    this.used = 0;
  }

  private reserve(extra: number): void {
    const need = this.used + extra;
    if (need <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(need, Math.min(this.buf.length * 2, this.capacity)));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }
}
