// Splits a byte stream of JSON into top-level values without parsing them: a JSON array of objects,
// concatenated (pretty) objects as evtx_dump writes them, or JSON Lines. Only braces, brackets, strings and
// newlines are tracked (no regex, one pass), each value is bounded in size and nesting depth, and a broken
// value is reported and skipped so the values after it still come out.

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const COLON = 0x3a;

/** One complete top-level value, its text and where it started. */
export interface JsonValueText {
  readonly text: string;
  /** 1-based line where the value starts. */
  readonly line: number;
  /** Byte offset where the value starts. */
  readonly offset: number;
}

/** A stretch of input that could not be a value. */
export interface JsonScanProblem {
  readonly line: number;
  readonly offset: number;
  readonly reason: string;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xef || c === 0xbb || c === 0xbf;
}

/** Incremental splitter: feed chunks with `push`, call `end` at the end of input. */
export class JsonValueScanner {
  private depth = 0;
  /** Deepest nesting of the current value. */
  private deepest = 0;
  /** Object members (colons outside strings) in the current value. */
  private members = 0;
  private inString = false;
  private escaped = false;
  private parts: Buffer[] = [];
  private size = 0;
  private startLine = 0;
  private startOffset = 0;
  private line = 1;
  private offset = 0;
  /** Inside the top-level array of a `[ {...}, ... ]` file. */
  private inTopArray = false;
  private sawFirstToken = false;
  /** Set once the first value began and ended on one line: newlines inside a value then mean breakage. */
  private lineMode = false;
  private firstValueLine = -1;
  /** Skipping junk until the next newline after an error. */
  private skipping = false;

  constructor(
    private readonly onValue: (value: JsonValueText) => void,
    private readonly onProblem: (problem: JsonScanProblem) => void,
    private readonly maxValueBytes = 16 * 1024 * 1024,
    /**
     * Deepest nesting a value may have (the XML reader's limit too). JSON.parse copes with any depth, but
     * what consumes a record walks its values recursively: a line of 100,000 nested arrays overflowed the
     * stack and ended the file's reading.
     */
    private readonly maxDepth = 64,
    /**
     * Most object members a value may have: far more than an event has (an EVTX record holds at most ~16k
     * values). Objects with hundreds of thousands of keys cost V8 superlinear time to enumerate: one 15 MB
     * line of 900,000 keys took ~4 s of CPU to turn into a record.
     */
    private readonly maxMembers = 65536,
  ) {}

  /** Scans the next chunk of input. */
  push(chunk: Buffer): void {
    let valueFrom = this.depth > 0 ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk[i]!;
      const here = this.offset + i;
      if (c === NEWLINE) this.line++;
      if (this.skipping) {
        if (c === NEWLINE) this.skipping = false;
        continue;
      }
      if (this.depth === 0) {
        if (isSpace(c)) continue;
        if (c === OPEN_BRACE || (c === OPEN_BRACKET && this.inTopArray)) {
          this.beginValue(here);
          valueFrom = i;
          this.depth = 1;
          continue;
        }
        if (!this.sawFirstToken && c === OPEN_BRACKET) {
          this.sawFirstToken = true;
          this.inTopArray = true;
          continue;
        }
        if (this.inTopArray && (c === COMMA || c === CLOSE_BRACKET)) {
          if (c === CLOSE_BRACKET) this.inTopArray = false;
          continue;
        }
        this.sawFirstToken = true;
        this.onProblem({
          line: this.line,
          offset: here,
          reason: `unexpected character '${String.fromCharCode(c)}' between values`,
        });
        this.skipping = c !== NEWLINE;
        continue;
      }
      // Inside a value.
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        else if (c === NEWLINE) {
          this.abandon(`line break inside a string (value starting at line ${this.startLine} is cut)`);
          valueFrom = -1;
        }
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === COLON) this.members++;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++this.depth > this.deepest) this.deepest = this.depth;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          this.appendPart(chunk, valueFrom, i + 1);
          valueFrom = -1;
          this.finishValue();
        }
      } else if (c === NEWLINE && this.lineMode) {
        this.abandon(`value starting at line ${this.startLine} ends at the line break`);
        valueFrom = -1;
      }
    }
    if (this.depth > 0 && valueFrom >= 0) this.appendPart(chunk, valueFrom, n);
    this.offset += n;
  }

  /** Reports a value left open at the end of input. */
  end(): void {
    if (this.depth > 0) {
      this.onProblem({
        line: this.startLine,
        offset: this.startOffset,
        reason: 'input ends inside a value (file cut short?)',
      });
    }
    this.reset();
  }

  private beginValue(offset: number): void {
    this.parts = [];
    this.size = 0;
    this.startLine = this.line;
    this.startOffset = offset;
    this.inString = false;
    this.escaped = false;
  }

  private appendPart(chunk: Buffer, from: number, to: number): void {
    if (this.size < 0) return;
    this.size += to - from;
    if (this.size > this.maxValueBytes) {
      this.onProblem({
        line: this.startLine,
        offset: this.startOffset,
        reason: `value larger than ${this.maxValueBytes} bytes skipped`,
      });
      this.parts = [];
      this.size = -1; // keep scanning to its end, but keep no bytes
      return;
    }
    // Copy: the caller may reuse the chunk's memory.
    this.parts.push(Buffer.from(chunk.subarray(from, to)));
  }

  private finishValue(): void {
    if (this.firstValueLine < 0) {
      this.firstValueLine = this.startLine;
      this.lineMode = this.startLine === this.line && !this.inTopArray;
    }
    this.sawFirstToken = true;
    if (this.deepest > this.maxDepth) {
      this.onProblem({
        line: this.startLine,
        offset: this.startOffset,
        reason: `value nested deeper than ${this.maxDepth} levels skipped`,
      });
    } else if (this.members > this.maxMembers) {
      this.onProblem({
        line: this.startLine,
        offset: this.startOffset,
        reason: `value with more than ${this.maxMembers} object members skipped`,
      });
    } else if (this.size >= 0) {
      const text =
        this.parts.length === 1
          ? this.parts[0]!.toString('utf8')
          : Buffer.concat(this.parts).toString('utf8');
      this.onValue({ text, line: this.startLine, offset: this.startOffset });
    }
    this.reset();
  }

  private abandon(reason: string): void {
    this.onProblem({ line: this.startLine, offset: this.startOffset, reason });
    this.reset();
  }

  private reset(): void {
    this.depth = 0;
    this.deepest = 0;
    this.members = 0;
    this.inString = false;
    this.escaped = false;
    this.parts = [];
    this.size = 0;
  }
}
