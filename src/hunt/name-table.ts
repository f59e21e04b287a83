// Strings kept once, referred to by index: the file names and rule ids of detections held as columns
// (detection batches crossing threads, sort runs), so each detection stores two small numbers.

/** An append-only table of distinct strings; `intern` returns a string's index, adding it when new. */
export class NameTable {
  /** The strings, in the order they were first interned. */
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  /** The index of `s`, added at the end when the table does not hold it yet. */
  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}
