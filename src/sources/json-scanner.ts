// Splits a byte stream of JSON into top-level values without parsing them: a JSON array of objects,
// concatenated (pretty) objects as evtx_dump writes them, or JSON Lines. Only braces, brackets, strings and
// newlines are tracked (no regex, one pass), each value is bounded in size and nesting depth, and a broken
// value is reported and skipped so the values after it still come out. With `arrayKey` (element mode) a
// top-level object holding that key yields the elements of the array under it one by one instead of itself
// (a STIX bundle's "objects"), so a file of any size is read one element at a time.

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;

// Element mode: what a top-level object's key and colon have shown so far.
const KEY_NONE = 0;
const KEY_MATCHED = 1;
const KEY_COLON = 2;
// Element mode: a scalar element of a top array being skipped.
const SCALAR_NONE = 0;
const SCALAR_BARE = 1;
const SCALAR_STRING = 2;
const SCALAR_ESCAPED = 3;

/** One complete top-level value, its text and where it started. */
export interface JsonValueText {
  readonly text: string;
  /** 1-based line where the value starts. */
  readonly line: number;
  /** Byte offset where the value starts. */
  readonly offset: number;
  /** Element mode only: a top-level object yielded whole because it held no array under the key. */
  readonly whole?: boolean;
}

/** Choices beyond the size bounds. */
export interface JsonScanOptions {
  /**
   * Element mode: a top-level object with an array under this key yields that array's elements, one value
   * each, and none of its other members; one without it is yielded whole (`whole: true`). Scalar elements
   * (null, numbers, strings) of a top array are skipped silently instead of being reported.
   */
  readonly arrayKey?: string;
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
  /** Element mode: the key, or undefined when off. */
  private readonly arrayKey: string | undefined;
  private readonly keyBytes: Buffer | undefined;
  /** Element mode: inside a top-level object (the envelope), outside the array under the key. */
  private envelopeOpen = false;
  /** The envelope's own nesting depth (1 = its members). */
  private envDepth = 0;
  private envDeepest = 0;
  private envMembers = 0;
  private envInString = false;
  private envEscaped = false;
  /**
   * The raw bytes of the string read at depth 1 (escapes undecoded), kept while it may still spell the key: a
   * key may be written with escapes (`"obj\u0065cts"` is `objects` to JSON.parse). At most 6 bytes per UTF-16
   * unit of the key (`\uXXXX`); `keyRawLength` is -1 once the string cannot be the key.
   */
  private keyRaw: Buffer = Buffer.alloc(0);
  private keyRawLength = -1;
  private keyEscaped = false;
  private keyState = KEY_NONE;
  /** The envelope's bytes while it may still be yielded whole; size -1 once over the bound, -2 once not kept. */
  private envParts: Buffer[] = [];
  private envSize = 0;
  private envFrom = -1;
  private envLine = 0;
  private envOffset = 0;
  private scalar = SCALAR_NONE;

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
    options: JsonScanOptions = {},
  ) {
    this.arrayKey = options.arrayKey;
    this.keyBytes = options.arrayKey !== undefined ? Buffer.from(options.arrayKey, 'utf8') : undefined;
    if (options.arrayKey !== undefined) this.keyRaw = Buffer.alloc(6 * options.arrayKey.length);
  }

  /** Scans the next chunk of input. */
  push(chunk: Buffer): void {
    let valueFrom = this.depth > 0 ? 0 : -1;
    const n = chunk.length;
    const elementMode = this.keyBytes !== undefined;
    if (elementMode) this.envFrom = this.envelopeOpen && this.envSize >= 0 ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const c = chunk[i]!;
      const here = this.offset + i;
      if (c === NEWLINE) this.line++;
      if (this.skipping) {
        if (c === NEWLINE) this.skipping = false;
        continue;
      }
      if (this.depth === 0) {
        if (elementMode && this.stepOutside(chunk, i, c, here)) continue;
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
        } else {
          // Plain string bytes change no state: skip the run up to the next quote, backslash or line break
          // in a tight loop (the bytes stay in the value through `valueFrom`). Strings are most of the bytes.
          let j = i + 1;
          while (j < n) {
            const d = chunk[j]!;
            if (d === QUOTE || d === BACKSLASH || d === NEWLINE) break;
            j++;
          }
          i = j - 1;
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
          if (this.size === 0 && i + 1 - valueFrom <= this.maxValueBytes) {
            // The whole value is in this chunk: decoded from it in place, no copy (many tiny values in a
            // row cost ~3x as much through the copied parts).
            this.size = i + 1 - valueFrom;
            this.finishValue(chunk, valueFrom);
          } else {
            this.appendPart(chunk, valueFrom, i + 1);
            this.finishValue();
          }
          valueFrom = -1;
        }
      } else if (c === NEWLINE && this.lineMode) {
        this.abandon(`value starting at line ${this.startLine} ends at the line break`);
        valueFrom = -1;
      }
    }
    if (this.depth > 0 && valueFrom >= 0) this.appendPart(chunk, valueFrom, n);
    if (elementMode && this.envelopeOpen && this.envFrom >= 0) this.appendEnvelope(chunk, this.envFrom, n);
    this.offset += n;
  }

  /**
   * Element mode, outside any value: walks a top-level object looking for `"key": [`, and skips scalar
   * elements of a top array. Returns false for the bytes the ordinary between-values handling takes.
   */
  private stepOutside(chunk: Buffer, i: number, c: number, here: number): boolean {
    if (this.inTopArray) {
      if (this.scalar !== SCALAR_NONE) {
        if (this.scalar === SCALAR_STRING) {
          if (c === BACKSLASH) this.scalar = SCALAR_ESCAPED;
          else if (c === QUOTE) this.scalar = SCALAR_NONE;
          return true;
        }
        if (this.scalar === SCALAR_ESCAPED) {
          this.scalar = SCALAR_STRING;
          return true;
        }
        if (c !== COMMA && c !== CLOSE_BRACKET && !isSpace(c)) return true;
        this.scalar = SCALAR_NONE;
      }
      if (c === QUOTE) {
        this.scalar = SCALAR_STRING;
        return true;
      }
      if (c === MINUS || (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) {
        this.scalar = SCALAR_BARE;
        return true;
      }
      if (c === CLOSE_BRACKET && this.envelopeOpen) {
        // The keyed array ends: the rest of the envelope is skipped.
        this.inTopArray = false;
        this.keyState = KEY_NONE;
        return true;
      }
      return false;
    }
    if (!this.envelopeOpen) {
      if (c !== OPEN_BRACE) return false;
      this.envelopeOpen = true;
      this.sawFirstToken = true;
      this.envDepth = 1;
      this.envDeepest = 1;
      this.envMembers = 0;
      this.envInString = false;
      this.envEscaped = false;
      this.keyState = KEY_NONE;
      this.envParts = [];
      this.envSize = 0;
      this.envFrom = i;
      this.envLine = this.line;
      this.envOffset = here;
      return true;
    }
    if (this.envInString) {
      if (this.envEscaped) this.envEscaped = false;
      else if (c === BACKSLASH) {
        this.envEscaped = true;
        this.keyEscaped = true;
      } else if (c === QUOTE) {
        this.envInString = false;
        if (this.keyRawLength >= 0 && this.rawIsKey()) this.keyState = KEY_MATCHED;
        return true;
      }
      if (this.keyRawLength >= 0) {
        if (this.keyRawLength === this.keyRaw.length) this.keyRawLength = -1;
        else this.keyRaw[this.keyRawLength++] = c;
      }
      return true;
    }
    if (isSpace(c)) return true;
    if (c === QUOTE) {
      this.envInString = true;
      this.keyRawLength = this.envDepth === 1 ? 0 : -1;
      this.keyEscaped = false;
      this.keyState = KEY_NONE;
      return true;
    }
    if (c === COLON) {
      this.envMembers++;
      this.keyState = this.keyState === KEY_MATCHED && this.envDepth === 1 ? KEY_COLON : KEY_NONE;
      return true;
    }
    if (c === OPEN_BRACKET && this.keyState === KEY_COLON) {
      // Found the array: its elements come out as values; the envelope is no longer kept.
      this.keyState = KEY_NONE;
      this.inTopArray = true;
      this.envParts = [];
      this.envSize = -2;
      this.envFrom = -1;
      return true;
    }
    this.keyState = KEY_NONE;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++this.envDepth > this.envDeepest) this.envDeepest = this.envDepth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--this.envDepth === 0) this.finishEnvelope(chunk, i);
    }
    return true;
  }

  /** Whether the depth-1 string just read spells the key, as JSON.parse would decode it. */
  private rawIsKey(): boolean {
    const key = this.keyBytes!;
    if (!this.keyEscaped) {
      // Byte by byte: most strings at depth 1 are other keys and values, and this runs for each of them.
      if (this.keyRawLength !== key.length) return false;
      for (let k = 0; k < key.length; k++) if (this.keyRaw[k] !== key[k]) return false;
      return true;
    }
    try {
      return JSON.parse(`"${this.keyRaw.toString('utf8', 0, this.keyRawLength)}"`) === this.arrayKey;
    } catch {
      return false; // not a valid JSON string: not the key
    }
  }

  private appendEnvelope(chunk: Buffer, from: number, to: number): void {
    if (this.envSize < 0) return;
    this.envSize += to - from;
    if (this.envSize > this.maxValueBytes) {
      this.envParts = [];
      this.envSize = -1; // reported if the envelope ends without the array
      return;
    }
    this.envParts.push(Buffer.from(chunk.subarray(from, to)));
  }

  private finishEnvelope(chunk: Buffer, i: number): void {
    if (this.envFrom >= 0) this.appendEnvelope(chunk, this.envFrom, i + 1);
    this.envFrom = -1;
    this.envelopeOpen = false;
    const at = { line: this.envLine, offset: this.envOffset };
    if (this.envSize === -2) {
      // The array was found: its elements were the values.
    } else if (this.envSize === -1)
      this.onProblem({ ...at, reason: `value larger than ${this.maxValueBytes} bytes skipped` });
    else if (this.envDeepest > this.maxDepth)
      this.onProblem({ ...at, reason: `value nested deeper than ${this.maxDepth} levels skipped` });
    else if (this.envMembers > this.maxMembers)
      this.onProblem({ ...at, reason: `value with more than ${this.maxMembers} object members skipped` });
    else {
      const text = Buffer.concat(this.envParts).toString('utf8');
      this.onValue({ text, ...at, whole: true });
    }
    this.envParts = [];
  }

  /** Reports a value left open at the end of input. */
  end(): void {
    if (this.depth > 0 || this.envelopeOpen) {
      const inValue = this.depth > 0;
      this.onProblem({
        line: inValue ? this.startLine : this.envLine,
        offset: inValue ? this.startOffset : this.envOffset,
        reason: 'input ends inside a value (file cut short?)',
      });
    }
    this.reset();
    if (this.keyBytes !== undefined) {
      this.envelopeOpen = false;
      this.envParts = [];
      this.inTopArray = false;
      this.scalar = SCALAR_NONE;
    }
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
      // Keep scanning to its end, but keep no bytes. Reported when the value ends, not here: a value broken
      // later (a line break in a string) got this problem or not depending on where the chunks were cut.
      this.parts = [];
      this.size = -1;
      return;
    }
    // Copy: the caller may reuse the chunk's memory.
    this.parts.push(Buffer.from(chunk.subarray(from, to)));
  }

  /** Ends the current value; `chunk` and `from` when it lies whole in the chunk (`size` bytes from `from`). */
  private finishValue(chunk?: Buffer, from = 0): void {
    if (this.firstValueLine < 0) {
      this.firstValueLine = this.startLine;
      this.lineMode = this.startLine === this.line && !this.inTopArray;
    }
    this.sawFirstToken = true;
    if (this.size < 0) {
      this.onProblem({
        line: this.startLine,
        offset: this.startOffset,
        reason: `value larger than ${this.maxValueBytes} bytes skipped`,
      });
    } else if (this.deepest > this.maxDepth) {
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
    } else {
      const text = chunk
        ? chunk.toString('utf8', from, from + this.size)
        : this.parts.length === 1
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
