// A fast reader for the YAML that Sigma rules are written in: block maps and sequences, one-line plain and
// quoted scalars, one-line flow sequences, literal and folded block scalars, comments and `---` documents.
// It gives the same data as the `yaml` library (YAML 1.2 core schema) and the offset of every key and item, at
// a fraction of the cost (parsing was ~2/3 of rule loading). Anything else — anchors, tags, flow maps,
// multi-line plain or quoted scalars, duplicate keys, tabs, CR, odd indentation — returns undefined, and the
// caller parses the file with the library, which also reports every problem with its position.
import { indexOfKey } from './key-index.js';

/** A parsed value with where it was written: `at` is the offset of its first character. */
export type FastNode = FastMap | FastSeq | FastScalar;

/** A block map: keys in order, each with the offset of the key. */
export interface FastMap {
  readonly kind: 'map';
  readonly at: number;
  readonly keys: string[];
  readonly keyAt: number[];
  readonly values: FastNode[];
}

/** A block or flow sequence. */
export interface FastSeq {
  readonly kind: 'seq';
  readonly at: number;
  readonly items: FastNode[];
}

/** A scalar: plain and quoted ones are on one line (offsets inside them map to columns); block ones are not. */
export interface FastScalar {
  readonly kind: 'scalar';
  readonly at: number;
  readonly style: 'plain' | 'quoted' | 'block';
  readonly value: unknown;
}

/** One document: its data (as the library's toJS gives it) and its root node; null for an empty document. */
export interface FastDocument {
  readonly data: unknown;
  readonly root: FastNode | null;
}

/** Deepest nesting of maps and sequences read here (rules nest ~6 deep; deeper text goes to the library). */
const MAX_DEPTH = 64;

/** Raised inside the reader when the text leaves the supported subset. */
class Unsupported extends Error {}
const NO = new Unsupported();

const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;
/** First characters a plain scalar cannot start with (or that this reader leaves to the library). */
const PLAIN_START_BAD = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

/** The core-schema value of a plain scalar. */
function plainValue(s: string): unknown {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  const c = s.charCodeAt(0);
  // Numbers start with a digit, a sign or a dot.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (INT.test(s)) return parseInt(s, 10);
    if (OCT.test(s)) return parseInt(s.slice(2), 8);
    if (HEX.test(s)) return parseInt(s.slice(2), 16);
    if (FLOAT.test(s)) return parseFloat(s);
    if (INF.test(s)) return s[0] === '-' ? -Infinity : Infinity;
    if (NAN.test(s)) return NaN;
  }
  return s;
}

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  '"': '"',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  ' ': ' ',
};

/**
 * A quoted scalar starting at `pos` of `line`: its value and where it ends. Single-line only; escapes beyond
 * the common ones are left to the library.
 */
function quoted(line: string, pos: number): { value: string; end: number } {
  const q = line[pos];
  let out = '';
  let i = pos + 1;
  for (;;) {
    if (i >= line.length) throw NO;
    const ch = line[i]!;
    if (q === "'") {
      if (ch === "'") {
        if (line[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        return { value: out, end: i + 1 };
      }
    } else if (ch === '"') return { value: out, end: i + 1 };
    else if (ch === '\\') {
      const e = line[i + 1];
      if (e === 'x' || e === 'u') {
        const n = e === 'x' ? 2 : 4;
        const hex = line.slice(i + 2, i + 2 + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw NO;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2 + n;
        continue;
      }
      const r = e === undefined ? undefined : ESCAPES[e];
      if (r === undefined) throw NO;
      out += r;
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
}

/** Only spaces, or spaces then a comment, from `pos` on. */
function restIsBlank(line: string, pos: number): boolean {
  for (let i = pos; i < line.length; i++) {
    const ch = line[i];
    if (ch === '#') return i > pos || pos === 0 || line[i - 1] === ' ';
    if (ch !== ' ') return false;
  }
  return true;
}

/** A plain scalar's text from `pos`: up to a ` #` comment, trailing spaces trimmed; undefined when unsupported. */
function plainText(line: string, pos: number): string {
  let end = line.length;
  const hash = line.indexOf(' #', pos);
  if (hash >= 0) end = hash;
  const text = line.slice(pos, end).trimEnd();
  // `: ` would make it a map; a trailing ':' too.
  if (text.includes(': ') || text.endsWith(':') || text.includes('\t')) throw NO;
  return text;
}

/** The reader of one document's lines. */
class DocReader {
  private i: number;
  /** Maps and sequences open around the current line: bounds the recursion, so no input overflows the stack. */
  private depth = 0;

  constructor(
    private readonly lines: readonly string[],
    private readonly starts: readonly number[],
    first: number,
    private readonly end: number,
  ) {
    this.i = first;
  }

  /** Skips blank and comment lines; the indentation of the next content line, or -1 at the end. */
  private peekIndent(): number {
    while (this.i < this.end) {
      const line = this.lines[this.i]!;
      let n = 0;
      while (line.charCodeAt(n) === 32) n++;
      if (n === line.length || line[n] === '#') {
        this.i++;
        continue;
      }
      return n;
    }
    return -1;
  }

  /** The document's root (null when it has no content). */
  root(): FastNode | null {
    const indent = this.peekIndent();
    if (indent < 0) return null;
    if (indent !== 0) throw NO;
    const node = this.block(0);
    if (this.peekIndent() >= 0) throw NO;
    return node;
  }

  /** A block node whose first line is the current one, at indentation `indent`. */
  private block(indent: number): FastNode {
    const line = this.lines[this.i]!;
    if (line[indent] === '-' && (line.length === indent + 1 || line[indent + 1] === ' '))
      return this.seq(indent);
    return this.map(indent, indent);
  }

  /** A block map whose keys sit at `indent`; its first key may start at column `firstCol` of the current line. */
  private map(indent: number, firstCol: number): FastMap {
    const node: FastMap = {
      kind: 'map',
      at: this.starts[this.i]! + firstCol,
      keys: [],
      keyAt: [],
      values: [],
    };
    if (++this.depth > MAX_DEPTH) throw NO;
    // Duplicate keys go to the library (which reports them); a set keeps a map of many keys linear.
    const seen = new Set<string>();
    let col = firstCol;
    for (;;) {
      const line = this.lines[this.i]!;
      const keyEnd = this.keyEnd(line, col);
      const key = line.slice(col, keyEnd);
      if (key.length === 0 || key.length > 1000 || PLAIN_START_BAD.has(key[0]!) || key.trimEnd() !== key)
        throw NO;
      if (key === '<<' || key.includes(' #')) throw NO;
      if (typeof plainValue(key) !== 'string' || seen.has(key)) throw NO;
      seen.add(key);
      node.keys.push(key);
      node.keyAt.push(this.starts[this.i]! + col);
      node.values.push(this.valueAfter(line, keyEnd + 1, indent));
      const next = this.peekIndent();
      if (next < indent) {
        this.depth--;
        return node;
      }
      if (next > indent) throw NO;
      const l = this.lines[this.i]!;
      if (l[indent] === '-' && (l.length === indent + 1 || l[indent + 1] === ' ')) throw NO;
      col = indent;
    }
  }

  /** End of a plain key starting at `col`: the first ':' followed by a space or the line end. */
  private keyEnd(line: string, col: number): number {
    let k = col;
    for (;;) {
      k = line.indexOf(':', k);
      if (k < 0) throw NO;
      if (k + 1 === line.length || line[k + 1] === ' ') return k;
      k++;
    }
  }

  /** The value of a key whose ':' ends before `pos`; the key sits at `indent`. Moves past the value's lines. */
  private valueAfter(line: string, pos: number, indent: number): FastNode {
    let p = pos;
    while (line.charCodeAt(p) === 32) p++;
    const at = this.starts[this.i]! + p;
    if (p >= line.length || line[p] === '#') {
      if (p < line.length && line[p - 1] !== ' ') throw NO;
      this.i++;
      const next = this.peekIndent();
      if (next > indent) return this.block(next);
      // A sequence may sit at its key's indentation.
      const l = this.lines[this.i];
      if (
        next === indent &&
        l !== undefined &&
        l[indent] === '-' &&
        (l.length === indent + 1 || l[indent + 1] === ' ')
      )
        return this.seq(indent);
      // An empty plain scalar where the value would start (the library places it there too).
      return { kind: 'scalar', at, style: 'plain', value: null };
    }
    return this.inline(line, p, at, indent);
  }

  /** A value written on the current line from `p` (its offset `at`); block scalars read the lines below. */
  private inline(line: string, p: number, at: number, indent: number): FastNode {
    const ch = line[p]!;
    if (ch === '"' || ch === "'") {
      const q = quoted(line, p);
      if (!restIsBlank(line, q.end)) throw NO;
      this.i++;
      return { kind: 'scalar', at, style: 'quoted', value: q.value };
    }
    if (ch === '[') {
      const seq = this.flowSeq(line, p, at);
      this.i++;
      return seq;
    }
    if (ch === '|' || ch === '>') return this.blockScalar(line, p, at, indent);
    // '-', '?' and ':' may start a plain scalar when a non-space follows (`-enc`).
    if (PLAIN_START_BAD.has(ch) && !('-?:'.includes(ch) && p + 1 < line.length && line[p + 1] !== ' '))
      throw NO;
    const text = plainText(line, p);
    this.i++;
    return { kind: 'scalar', at, style: 'plain', value: plainValue(text) };
  }

  /** A one-line flow sequence of scalars. */
  private flowSeq(line: string, p: number, at: number): FastSeq {
    const items: FastNode[] = [];
    let i = p + 1;
    const base = at - p;
    for (;;) {
      while (line[i] === ' ') i++;
      if (line[i] === ']' && items.length === 0) {
        i++;
        break;
      }
      const ch = line[i];
      if (ch === undefined) throw NO;
      if (ch === '"' || ch === "'") {
        const q = quoted(line, i);
        items.push({ kind: 'scalar', at: base + i, style: 'quoted', value: q.value });
        i = q.end;
      } else {
        if (PLAIN_START_BAD.has(ch)) throw NO;
        let j = i;
        while (j < line.length && line[j] !== ',' && line[j] !== ']') j++;
        const text = line.slice(i, j).trimEnd();
        if (/[[{}#:]/.test(text) || text.length === 0) throw NO;
        items.push({ kind: 'scalar', at: base + i, style: 'plain', value: plainValue(text) });
        i = j;
      }
      while (line[i] === ' ') i++;
      if (line[i] === ',') {
        i++;
        continue;
      }
      if (line[i] === ']') {
        i++;
        break;
      }
      throw NO;
    }
    if (!restIsBlank(line, i)) throw NO;
    return { kind: 'seq', at, items };
  }

  /** A literal (|) or folded (>) block scalar with clip or strip chomping. */
  private blockScalar(line: string, p: number, at: number, indent: number): FastScalar {
    const literal = line[p] === '|';
    let q = p + 1;
    let strip = false;
    if (line[q] === '-') {
      strip = true;
      q++;
    }
    if (!restIsBlank(line, q) || (q < line.length && line[q] !== ' ')) throw NO;
    this.i++;
    // Content: every following line more indented than the key, or empty; the first sets the indentation.
    const content: string[] = [];
    let contentIndent = -1;
    while (this.i < this.end) {
      const l = this.lines[this.i]!;
      let n = 0;
      while (l.charCodeAt(n) === 32) n++;
      if (n === l.length) {
        if (contentIndent < 0) throw NO; // leading empty lines: left to the library
        content.push('');
        this.i++;
        continue;
      }
      if (n <= indent) break;
      if (contentIndent < 0) contentIndent = n;
      else if (n < contentIndent) throw NO;
      if (l.includes('\t') || (!literal && n > contentIndent)) throw NO;
      content.push(l.slice(contentIndent));
      this.i++;
    }
    // Trailing empty lines belong to the chomping, not the text (and to no following node).
    while (content.length > 0 && content[content.length - 1] === '') content.pop();
    if (content.length === 0) throw NO;
    let text: string;
    if (literal) text = content.join('\n');
    else {
      text = content[0]!;
      for (let k = 1; k < content.length; k++) {
        if (content[k] === '') {
          let e = k;
          while (content[e] === '') e++;
          text += '\n'.repeat(e - k) + content[e];
          k = e;
        } else text += ' ' + content[k];
      }
    }
    return { kind: 'scalar', at, style: 'block', value: strip ? text : text + '\n' };
  }

  /** A block sequence whose dashes sit at `indent`. */
  private seq(indent: number): FastSeq {
    const node: FastSeq = { kind: 'seq', at: this.starts[this.i]! + indent, items: [] };
    if (++this.depth > MAX_DEPTH) throw NO;
    for (;;) {
      const line = this.lines[this.i]!;
      let p = indent + 1;
      while (line.charCodeAt(p) === 32) p++;
      if (p >= line.length || line[p] === '#') {
        if (p < line.length && line[p - 1] !== ' ') throw NO;
        // "-" alone: the item is the more indented block below.
        this.i++;
        const next = this.peekIndent();
        if (next <= indent) throw NO;
        node.items.push(this.block(next));
      } else if (line[p] === '-' && (p + 1 === line.length || line[p + 1] === ' ')) throw NO;
      else if (this.isMapEntry(line, p)) node.items.push(this.map(p, p));
      else node.items.push(this.inline(line, p, this.starts[this.i]! + p, indent));
      const next = this.peekIndent();
      const l = this.lines[this.i];
      const more =
        next === indent && l![indent] === '-' && (l!.length === indent + 1 || l![indent + 1] === ' ');
      if (next < indent || (next === indent && !more)) {
        // Below the sequence, or a map key after a sequence at its key's indentation.
        this.depth--;
        return node;
      }
      if (!more) throw NO;
    }
  }

  /** True when a sequence item starting at `p` is a `key: value` map entry. */
  private isMapEntry(line: string, p: number): boolean {
    const ch = line[p]!;
    if (ch === '"' || ch === "'" || ch === '[' || ch === '{' || ch === '|' || ch === '>') return false;
    const hash = line.indexOf(' #', p);
    const stop = hash < 0 ? line.length : hash;
    for (let k = line.indexOf(':', p); k >= 0 && k < stop; k = line.indexOf(':', k + 1))
      if (k + 1 === line.length || line[k + 1] === ' ') return true;
    return false;
  }
}

/** The library's plain data for a node. */
function toData(node: FastNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toData);
  const out: Record<string, unknown> = {};
  node.keys.forEach((k, i) => {
    out[k] = toData(node.values[i]!);
  });
  return out;
}

/** Offsets where each line starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Reads a rule file's documents, or undefined when the text is outside the supported subset. */
export function fastParseYaml(text: string): FastDocument[] | undefined {
  if (/[\r\t\uFEFF]/.test(text) || text.startsWith('%')) return undefined;
  const starts = lineStarts(text);
  const lines = text.split('\n');
  const docs: FastDocument[] = [];
  try {
    let first = 0;
    let leading = true;
    for (let i = 0; i <= lines.length; i++) {
      const l = lines[i];
      const marker = l !== undefined && l.startsWith('---') && l.slice(3).trim() === '';
      if (l !== undefined && (l.startsWith('...') || (l.startsWith('---') && !marker))) return undefined;
      if (!marker && i < lines.length) continue;
      const root = new DocReader(lines, starts, first, i).root();
      // Content before the first marker is a document; an empty stretch there is not.
      if (!(leading && root === null)) docs.push({ data: root === null ? null : toData(root), root });
      leading = false;
      first = i + 1;
    }
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  return docs;
}

/** Key indexes of the maps with many keys (see key-index.ts). */
const keyIndexes = new WeakMap<FastMap, Map<string, number>>();

/** The node at a key path, with the key (or item) node the path last named; the walk stops at a missing step. */
export function fastNodesAt(
  root: FastNode | null,
  path: readonly (string | number)[],
): { foundAt: number | undefined; value: FastNode | undefined } {
  let node: FastNode | undefined = root ?? undefined;
  let foundAt = root?.at;
  for (const seg of path) {
    if (node?.kind === 'map') {
      const keys = node.keys;
      const k = indexOfKey(node, keys.length, (i) => keys[i], String(seg), keyIndexes);
      if (k < 0) return { foundAt, value: undefined };
      foundAt = node.keyAt[k];
      node = node.values[k];
    } else if (node?.kind === 'seq' && typeof seg === 'number') {
      const item: FastNode | undefined = node.items[seg];
      if (!item) return { foundAt, value: undefined };
      foundAt = item.at;
      node = item;
    } else return { foundAt, value: undefined };
  }
  return { foundAt, value: node };
}
