// CSV rows from text that arrives in pieces (a file read in chunks, or one whole string): RFC 4180 quoting,
// CRLF or LF, linear in the input, with memory bounded by one row and one piece. A quote opens a quoted field
// only at the start of a field (`5" floppy` is plain text). A quoted field left open at the end of the text
// would swallow every row after it, so that row is reported and reading starts again on the line after the
// row's start, from then on with quoted fields ending at their line (at most two passes over the text).

const QUOTE_MARK = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** One CSV row: its fields and the line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly fields: string[];
}

/** A line that could not be read as a row. */
export interface CsvRowProblem {
  readonly line: number;
  readonly reason: string;
}

/** Delivers the text from its start, piece by piece, each time it is called (a second pass calls it again). */
export type TextSource = (emit: (piece: string) => void) => void;

const UNTERMINATED = 'unterminated quoted field: the row is skipped';

/**
 * Reads every row of the text `source` delivers, in order; `maxRowChars` bounds the characters a row may
 * span (a longer row is reported and skipped, and only one piece of it is ever held).
 */
export function readCsvRows(
  source: TextSource,
  onRow: (row: CsvRow) => void,
  onProblem: (problem: CsvRowProblem) => void,
  maxRowChars = Infinity,
): void {
  let scanner = new CsvRowScanner(onRow, onProblem, 1, true, maxRowChars);
  source((piece) => scanner.push(piece));
  let stop = scanner.end();
  if (!stop) return;
  onProblem({ line: stop.line, reason: UNTERMINATED });
  // Second pass: from the line after the open row's start, quoted fields end at their line, so no row
  // can be left open except on the last line, and no third pass is needed.
  const restartAt = stop.index;
  scanner = new CsvRowScanner(onRow, onProblem, stop.line + 1, false, maxRowChars);
  let delivered = 0;
  let started = false;
  source((piece) => {
    if (started) {
      scanner.push(piece);
      return;
    }
    const pieceStart = delivered;
    delivered += piece.length;
    if (delivered <= restartAt) return;
    const lf = piece.indexOf('\n', Math.max(0, restartAt - pieceStart));
    if (lf < 0) return;
    started = true;
    scanner.push(piece.slice(lf + 1));
  });
  stop = scanner.end();
  if (stop) onProblem({ line: stop.line, reason: UNTERMINATED });
}

/** Incremental row splitter: `push` pieces, then `end`. */
class CsvRowScanner {
  private fields: string[] = [];
  private field = '';
  private fieldStart = true;
  private inQuotes = false;
  private line: number;
  private rowLine: number;
  /** Characters before the current piece. */
  private base = 0;
  /** Where the current row began, in characters from the start of the text scanned. */
  private rowIndex = 0;
  /** The row has grown past the bound: its text is no longer kept. */
  private oversized = false;
  /** A character held back from the end of the last piece because its meaning depends on the next one. */
  private carry = '';

  constructor(
    private readonly onRow: (row: CsvRow) => void,
    private readonly onProblem: (problem: CsvRowProblem) => void,
    firstLine: number,
    private readonly multiLine: boolean,
    private readonly maxRowChars: number,
  ) {
    this.line = firstLine;
    this.rowLine = firstLine;
  }

  /** Scans the next piece of text. */
  push(piece: string): void {
    const text = this.carry === '' ? piece : this.carry + piece;
    this.base -= this.carry.length;
    this.carry = '';
    this.scan(text, false);
  }

  /** Ends the text: emits the last row, or returns where the row holding a quoted field still open began. */
  end(): { index: number; line: number } | undefined {
    const text = this.carry;
    this.base -= text.length;
    this.carry = '';
    this.scan(text, true);
    if (this.inQuotes) return { index: this.rowIndex, line: this.rowLine };
    this.fields.push(this.field);
    this.emitRow();
    return undefined;
  }

  private emitRow(): void {
    const fields = this.fields;
    if (this.oversized)
      this.onProblem({
        line: this.rowLine,
        reason: `row longer than ${this.maxRowChars} characters: the row is skipped`,
      });
    else if (fields.length > 1 || fields[0] !== '') this.onRow({ line: this.rowLine, fields });
  }

  private endRow(next: number): void {
    this.fields.push(this.field);
    if (this.base + next - this.rowIndex > this.maxRowChars) this.oversized = true;
    this.emitRow();
    this.startRow(next);
  }

  private startRow(next: number): void {
    this.fields = [];
    this.field = '';
    this.fieldStart = true;
    this.oversized = false;
    this.rowLine = this.line;
    this.rowIndex = this.base + next;
  }

  // Fields are cut out as slices between special characters (appending character by character cost
  // ~150 ns each). A quote or CR at the end of a piece waits for the next piece, which tells its meaning.
  private scan(text: string, last: boolean): void {
    let seg = 0; // start of the text not yet appended to `field`
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (!last && i === n - 1 && (c === CR || (c === QUOTE_MARK && this.inQuotes))) {
        this.field += text.slice(seg, i);
        this.carry = text.slice(i);
        seg = n;
        break;
      }
      if (this.inQuotes) {
        if (c === QUOTE_MARK) {
          this.field += text.slice(seg, i);
          if (text.charCodeAt(i + 1) === QUOTE_MARK) {
            this.field += '"';
            i++;
          } else this.inQuotes = false;
          seg = i + 1;
        } else if (c === LF) {
          if (!this.multiLine) {
            // Single-line mode: the open quote ends with its line and the row is reported.
            this.onProblem({ line: this.rowLine, reason: UNTERMINATED });
            this.inQuotes = false;
            this.line++;
            this.startRow(i + 1);
            seg = i + 1;
          } else this.line++;
        } else {
          // Inside quotes only a quote or a line break matters: skip the run before the next one.
          let j = i + 1;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === QUOTE_MARK || d === LF) break;
            j++;
          }
          i = j - 1;
        }
        continue;
      }
      if (c === QUOTE_MARK && this.fieldStart) {
        this.inQuotes = true;
        this.fieldStart = false;
        seg = i + 1;
      } else if (c === COMMA) {
        this.field += text.slice(seg, i);
        this.fields.push(this.field);
        this.field = '';
        this.fieldStart = true;
        seg = i + 1;
      } else if (c === LF || c === CR) {
        this.field += text.slice(seg, i);
        if (c === CR && text.charCodeAt(i + 1) === LF) i++;
        this.line++;
        this.endRow(i + 1);
        seg = i + 1;
      } else {
        // Within an unquoted field only a comma or a line break matters (a quote there is text).
        this.fieldStart = false;
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === COMMA || d === LF || d === CR) break;
          j++;
        }
        i = j - 1;
      }
    }
    if (seg < n) this.field += text.slice(seg);
    this.base += n;
    // Bound what an unfinished row holds: past the limit its text is dropped, its end still looked for.
    if (this.base - this.rowIndex > this.maxRowChars) {
      this.oversized = true;
      this.fields = [];
      this.field = '';
    }
  }
}
