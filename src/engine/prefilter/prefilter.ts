// The literal-needle prefilter ("fast pattern" of network IDS engines, applied across the whole rule set): per
// field, one Aho-Corasick automaton over every needle that some rule requires in that field. Scanning a
// record's few fields once tells which rules can still match; only those are evaluated.
//
// A rule's requirement is a disjunction of conjunctions: it can match only if, for at least one alternative,
// every needle of that alternative occurs in its field's lower-cased value. The prefilter never drops a rule
// that can match (it is a superset test); it may keep rules that then fail their full evaluation.
import { AhoCorasick } from './aho-corasick.js';

/** Pseudo-field for keyword (unfielded) needles: its value is every field value of the record. */
export const KEYWORD_FIELD = '\u0000keywords';

/** Separator callers put between values when they build the KEYWORD_FIELD text (never inside a needle). */
export const KEYWORD_SEPARATOR = '\u0000';

/**
 * Every character (lower-cased) that the text of a non-string field value can hold: decimal and float numbers
 * (NaN, Infinity, exponents), booleans, hex and binary, GUIDs, SIDs, ISO times, and arrays joined by ", ". A
 * keyword needle with some other character can only occur in string values.
 */
export const NON_STRING_VALUE_CHARS = '0123456789abcdefilnrstuxyz+-.:{}, ';

/**
 * Needles are scanned for by a prefix of at least this many characters (see shortenNeedles): a text holding
 * the needle holds its prefix, so the test stays a superset one. Measured on the SigmaHQ tree: 16 characters
 * keep 2.5× fewer automaton states than whole needles (hash lists: `md5=` + 32 hex digits) at no cost in
 * candidates worth measuring.
 */
export const PREFIX_MIN_LENGTH = 16;

/**
 * Maps each needle (distinct, lower-cased) to the prefix the automaton looks for: the needle itself when at
 * most minLength long, else its shortest prefix of at least minLength characters that is no other needle's
 * prefix (so distinct needles stay distinct and a found prefix rarely misleads).
 */
export function shortenNeedles(
  needles: Iterable<string>,
  minLength = PREFIX_MIN_LENGTH,
): Map<string, string> {
  const sorted = [...new Set(needles)].sort();
  const lcp = (a: string, b: string): number => {
    const limit = Math.min(a.length, b.length);
    let i = 0;
    while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    return i;
  };
  const out = new Map<string, string>();
  for (let i = 0; i < sorted.length; i++) {
    const needle = sorted[i]!;
    if (needle.length <= minLength) {
      out.set(needle, needle);
      continue;
    }
    const shared = Math.max(
      i > 0 ? lcp(sorted[i - 1]!, needle) : 0,
      i + 1 < sorted.length ? lcp(needle, sorted[i + 1]!) : 0,
    );
    out.set(needle, needle.slice(0, Math.min(needle.length, Math.max(minLength, shared + 1))));
  }
  return out;
}

/** Per field: each needle (lower-cased) → the prefix the automaton looks for. */
export type NeedlePrefixes = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The prefixes (shortenNeedles) of the needles of some rules' alternatives, per field. */
export function needlePrefixes(
  rules: Iterable<readonly (readonly PrefilterNeedle[])[] | undefined>,
  prefixLength = PREFIX_MIN_LENGTH,
): NeedlePrefixes {
  const fieldNeedles = new Map<string, Set<string>>();
  for (const alternatives of rules) {
    for (const alternative of alternatives ?? []) {
      for (const { field, needle } of alternative) {
        let set = fieldNeedles.get(field);
        if (!set) fieldNeedles.set(field, (set = new Set()));
        set.add(needle.toLowerCase());
      }
    }
  }
  const prefixes = new Map<string, Map<string, string>>();
  for (const [field, set] of fieldNeedles) prefixes.set(field, shortenNeedles(set, prefixLength));
  return prefixes;
}

/** Receives a record's keyword texts for the prefilter (see KeywordFeed). */
export interface KeywordSink {
  /** False when no keyword needle can occur in a non-string value's text: such values may be left out. */
  readonly nonStringValues: boolean;
  /** One value's text (any case). */
  text(value: string): void;
  /** One string value as UTF-16LE bytes buf[start, end) (any case; trailing NULs and spaces allowed). */
  utf16(buf: Buffer, start: number, end: number): void;
}

/**
 * Hands the sink the text of every field value of the current record (a superset is fine: extra texts can only
 * keep more rules as candidates), or returns false to have the prefilter ask for KEYWORD_FIELD instead.
 */
export type KeywordFeed = (sink: KeywordSink) => boolean;

/**
 * Hands the sink one field's text where it lies (a string value as UTF-16LE bytes) and returns true, or returns
 * false to have the prefilter ask valueOf for the field instead (absent fields, other types, other sources).
 */
export type FieldFeed = (field: string, sink: KeywordSink) => boolean;

/** One literal a rule requires: `needle` (lower-cased) must occur in the lower-cased value of `field`. */
export interface PrefilterNeedle {
  readonly field: string;
  readonly needle: string;
}

/** A rule's needles: `undefined` = always a candidate; `[]` = can never match; else any alternative suffices. */
export interface PrefilterEntry {
  readonly rule: number;
  readonly alternatives: readonly (readonly PrefilterNeedle[])[] | undefined;
}

/** The rules that can still match one record; reused between calls (copy it to keep it). */
export interface CandidateSet {
  /** True when the rule may match. */
  has(rule: number): boolean;
  /** Number of candidate rules. */
  readonly count: number;
  /** Candidate rule numbers in ascending order (a view valid until the next `candidates` call). */
  readonly rules: Int32Array;
}

interface FieldScanner {
  readonly field: string;
  /** The field's needles (lower-cased), in automaton id order. */
  readonly needles: readonly string[];
  /** Built on the first record that has the field (a bucket's rules name many fields its records lack). */
  automaton: AhoCorasick | undefined;
  /** Global needle id of each of the automaton's needles. */
  readonly globalId: Int32Array;
  /** The sink a KeywordFeed (KEYWORD_FIELD) or FieldFeed fills (built with the automaton). */
  sink: KeywordSink | undefined;
}

/** Sorts a[0, n) ascending in place: insertion sort for the few hits of a record, the built-in sort beyond. */
function sortPrefix(a: Int32Array, n: number): void {
  if (n > 16) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** True when some needle consists only of characters a non-string value's text can hold. */
function needsNonStringValues(needles: readonly string[]): boolean {
  return needles.some((n) => [...n].every((c) => NON_STRING_VALUE_CHARS.includes(c)));
}

function sinkFor(automaton: AhoCorasick, needles: readonly string[]): KeywordSink {
  return {
    nonStringValues: needsNonStringValues(needles),
    text: (value) => automaton.addText(value),
    utf16: (buf, start, end) => automaton.addUtf16(buf, start, end),
  };
}

/** Prefilter build options. */
export interface PrefilterOptions {
  /**
   * Automata shared between prefilters (key: needle list). Buckets of one rule index often need the
   * same automaton for a field (e.g. the process-creation CommandLine needles under Sysmon 1 and Security
   * 4688); sharing builds and holds it once. Safe because a scan's results are read before the next scan.
   */
  readonly automata?: Map<string, AhoCorasick>;
  /** Prefix length for the needles (see shortenNeedles; default PREFIX_MIN_LENGTH; Infinity: whole needles). */
  readonly prefixLength?: number;
  /**
   * The prefixes, computed once (needlePrefixes) over the needles of every rule the caller will build
   * prefilters for: cheaper than per prefilter, and one needle list per field gets one prefix list (so more
   * automata are shared). prefixLength is then ignored.
   */
  readonly prefixes?: NeedlePrefixes;
}

/** Builds per-field automata over the rules' required needles and answers which rules can match a record. */
export class Prefilter {
  /** Fields the prefilter reads (KEYWORD_FIELD included when some rule has keyword needles). */
  readonly fields: readonly string[];
  /** Rules that have no needles and are therefore always candidates (ascending). */
  readonly alwaysRules: readonly number[];

  private readonly scanners: FieldScanner[];
  private readonly shared: Map<string, AhoCorasick> | undefined;
  /**
   * For each global needle: the alternatives it triggers (CSR layout). Each alternative is triggered by its
   * needle that the fewest alternatives share (a common needle such as `\cmd.exe`, in hundreds of them, then
   * triggers few): a found needle visits only the alternatives it triggers, whose other needles are checked
   * once the record's fields are all scanned.
   */
  private readonly needleAltStart: Int32Array;
  private readonly needleAlt: Int32Array;
  /** For each alternative: its needles other than the trigger (CSR layout), and its rule. */
  private readonly altRestStart: Int32Array;
  private readonly altRest: Int32Array;
  private readonly altRule: Int32Array;
  private readonly always: Uint8Array;
  // Per-call scratch, stamped with an epoch so nothing is cleared between records.
  private epoch = 0;
  private readonly needleStamp: Uint32Array;
  /** Triggered alternatives with other needles to check after the scans. */
  private readonly pending: Int32Array;
  private pendingCount = 0;
  private readonly ruleStamp: Uint32Array;
  private readonly hitRules: Int32Array;
  private hitCount = 0;
  private readonly out: Int32Array;
  /** views[n] = out.subarray(0, n), made on first use. */
  private readonly views: Int32Array[] = [];
  private readonly result: { count: number; rules: Int32Array; has: (rule: number) => boolean };

  /** Compiles the entries; rule numbers are small non-negative integers (indexes into the caller's rules). */
  constructor(entries: readonly PrefilterEntry[], options: PrefilterOptions = {}) {
    let maxRule = -1;
    for (const e of entries) {
      if (!Number.isInteger(e.rule) || e.rule < 0)
        throw new RangeError(`prefilter: bad rule number ${e.rule}`);
      maxRule = Math.max(maxRule, e.rule);
    }
    this.always = new Uint8Array(maxRule + 1);
    const always: number[] = [];

    // The prefix each needle is looked for by, per field.
    const prefixes =
      options.prefixes ??
      needlePrefixes(
        entries.map((e) => e.alternatives),
        options.prefixLength,
      );

    // Intern (field, prefix) pairs into global ids, grouped per field.
    const perField = new Map<string, Map<string, number>>();
    const altNeedles: number[][] = [];
    const altRule: number[] = [];
    let needleCount = 0;
    for (const entry of entries) {
      if (entry.alternatives === undefined) {
        if (!this.always[entry.rule]) always.push(entry.rule);
        this.always[entry.rule] = 1;
        continue;
      }
      for (const alternative of entry.alternatives) {
        if (alternative.length === 0) {
          // An alternative without needles is always satisfied.
          if (!this.always[entry.rule]) always.push(entry.rule);
          this.always[entry.rule] = 1;
          continue;
        }
        const ids: number[] = [];
        for (const { field, needle } of alternative) {
          let needles = perField.get(field);
          if (!needles) perField.set(field, (needles = new Map()));
          const lowered = needle.toLowerCase();
          // (A needle the given prefixes lack is looked for whole: still a superset test.)
          const prefix = prefixes.get(field)?.get(lowered) ?? lowered;
          let id = needles.get(prefix);
          if (id === undefined) needles.set(prefix, (id = needleCount++));
          if (!ids.includes(id)) ids.push(id);
        }
        altNeedles.push(ids);
        altRule.push(entry.rule);
      }
    }
    this.alwaysRules = always.sort((a, b) => a - b);

    this.shared = options.automata;
    this.scanners = [];
    for (const [field, needles] of perField) {
      this.scanners.push({
        field,
        needles: [...needles.keys()],
        automaton: undefined,
        globalId: Int32Array.from(needles.values()),
        sink: undefined,
      });
    }
    this.fields = this.scanners.map((s) => s.field);

    const altTotal = altNeedles.length;
    this.altRule = Int32Array.from(altRule);
    // Each alternative's trigger: its needle in the fewest alternatives (ties: the lower id).
    const uses = new Int32Array(needleCount);
    for (const ids of altNeedles) for (const id of ids) uses[id]++;
    const trigger = altNeedles.map((ids) =>
      ids.reduce((best, id) => (uses[id] < uses[best] || (uses[id] === uses[best] && id < best) ? id : best)),
    );
    const counts = new Int32Array(needleCount + 1);
    for (const id of trigger) counts[id + 1]++;
    for (let i = 0; i < needleCount; i++) counts[i + 1] += counts[i];
    this.needleAltStart = counts.slice();
    this.needleAlt = new Int32Array(altTotal);
    const fill = counts.slice();
    trigger.forEach((id, alt) => {
      this.needleAlt[fill[id]++] = alt;
    });
    this.altRestStart = new Int32Array(altTotal + 1);
    altNeedles.forEach((ids, alt) => {
      this.altRestStart[alt + 1] = this.altRestStart[alt] + ids.length - 1;
    });
    this.altRest = new Int32Array(this.altRestStart[altTotal]);
    altNeedles.forEach((ids, alt) => {
      let k = this.altRestStart[alt];
      for (const id of ids) if (id !== trigger[alt]) this.altRest[k++] = id;
    });

    this.needleStamp = new Uint32Array(needleCount);
    this.pending = new Int32Array(altTotal);
    this.ruleStamp = new Uint32Array(maxRule + 1);
    this.hitRules = new Int32Array(maxRule + 1);
    this.out = new Int32Array(maxRule + 1);
    this.result = {
      count: 0,
      rules: this.out.subarray(0, 0),
      has: (rule: number): boolean =>
        rule >= 0 &&
        rule < this.always.length &&
        (this.always[rule] === 1 || this.ruleStamp[rule] === this.epoch),
    };
  }

  /** Total number of distinct (field, needle) pairs. */
  get needleCount(): number {
    return this.needleStamp.length;
  }

  /**
   * The rules that can match a record whose field text valueOf returns: undefined when the record lacks the
   * field, else its text in any case (matching ignores case, so raw text saves a lower-cased copy) or a list of
   * texts (for KEYWORD_FIELD, every value of the record; or values joined by KEYWORD_SEPARATOR). A keyword feed,
   * when given, supplies the KEYWORD_FIELD texts instead (unless it declines); a field feed, when given, the other
   * fields' texts where it can (no string is decoded for a field no rule then evaluates). Allocation-free.
   */
  candidates(
    valueOf: (field: string) => string | readonly string[] | undefined,
    keywords?: KeywordFeed,
    fields?: FieldFeed,
  ): CandidateSet {
    this.nextEpoch();
    this.hitCount = 0;
    this.pendingCount = 0;
    for (const scanner of this.scanners) {
      if (scanner.field === KEYWORD_FIELD && keywords) {
        const automaton = scanner.automaton ?? this.build(scanner);
        automaton.beginCollect();
        if (keywords(scanner.sink!)) {
          const n = automaton.collected();
          const found = automaton.found;
          for (let i = 0; i < n; i++) this.markNeedle(scanner.globalId[found[i]]);
          continue;
        }
      }
      if (fields && scanner.automaton) {
        // (A field's automaton is built the first time valueOf finds the field, below.)
        const automaton = scanner.automaton;
        automaton.beginCollect();
        if (fields(scanner.field, scanner.sink!)) {
          const n = automaton.collected();
          const found = automaton.found;
          for (let i = 0; i < n; i++) this.markNeedle(scanner.globalId[found[i]]);
          continue;
        }
      }
      const value = valueOf(scanner.field);
      if (value === undefined) continue;
      const automaton = scanner.automaton ?? this.build(scanner);
      const found = automaton.found;
      const globalId = scanner.globalId;
      if (typeof value === 'string') {
        const n = automaton.collect(value);
        for (let i = 0; i < n; i++) this.markNeedle(globalId[found[i]]);
      } else {
        const n = automaton.collectAll(value);
        for (let i = 0; i < n; i++) this.markNeedle(globalId[found[i]]);
      }
    }
    this.resolvePending();
    // Merge the always-candidates (sorted) with the rules hit by needles (sorted here; usually a handful).
    const hits = this.hitRules;
    const hitCount = this.hitCount;
    if (hitCount > 1) sortPrefix(hits, hitCount);
    const always = this.alwaysRules;
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < always.length || j < hitCount) {
      if (j >= hitCount || (i < always.length && always[i] < hits[j])) this.out[n++] = always[i++];
      else if (i < always.length && always[i] === hits[j]) {
        this.out[n++] = always[i++];
        j++;
      } else this.out[n++] = hits[j++];
    }
    this.result.count = n;
    // One view per count, made once: a record's call allocates nothing.
    let view = this.views[n];
    if (view === undefined) view = this.views[n] = this.out.subarray(0, n);
    this.result.rules = view;
    return this.result;
  }

  /** Bytes held by the automata and tables (for memory reports). */
  memoryBytes(): number {
    let total =
      this.needleAlt.byteLength +
      this.needleAltStart.byteLength +
      this.altRestStart.byteLength +
      this.altRest.byteLength +
      this.altRule.byteLength * 2;
    for (const s of this.scanners) total += (s.automaton?.memoryBytes() ?? 0) + s.globalId.byteLength;
    return total + this.needleStamp.byteLength + this.ruleStamp.byteLength * 3;
  }

  /** Builds (or takes from the shared cache) a scanner's automaton. */
  private build(scanner: FieldScanner): AhoCorasick {
    const shared = this.shared;
    // Keyed by the needles alone: fields that rules name alike (Image under Sysmon, NewProcessName under
    // Security 4688 through the field mapping) share one automaton.
    const cacheKey = shared ? JSON.stringify(scanner.needles) : '';
    let automaton = shared?.get(cacheKey);
    if (!automaton) {
      automaton = new AhoCorasick(scanner.needles);
      shared?.set(cacheKey, automaton);
    }
    scanner.automaton = automaton;
    scanner.sink = sinkFor(automaton, scanner.needles);
    return automaton;
  }

  private markNeedle(id: number): void {
    const epoch = this.epoch;
    if (this.needleStamp[id] === epoch) return;
    this.needleStamp[id] = epoch;
    for (let k = this.needleAltStart[id]; k < this.needleAltStart[id + 1]; k++) {
      const alt = this.needleAlt[k];
      if (this.altRestStart[alt] === this.altRestStart[alt + 1]) this.hit(this.altRule[alt]);
      else if (this.ruleStamp[this.altRule[alt]] !== epoch) this.pending[this.pendingCount++] = alt; // once a record
    }
  }

  /** Keeps the triggered alternatives whose other needles were all found too. */
  private resolvePending(): void {
    const epoch = this.epoch;
    for (let i = 0; i < this.pendingCount; i++) {
      const alt = this.pending[i];
      const rule = this.altRule[alt];
      if (this.ruleStamp[rule] === epoch) continue;
      let all = true;
      for (let k = this.altRestStart[alt]; k < this.altRestStart[alt + 1]; k++) {
        if (this.needleStamp[this.altRest[k]] !== epoch) {
          all = false;
          break;
        }
      }
      if (all) this.hit(rule);
    }
  }

  private hit(rule: number): void {
    if (this.ruleStamp[rule] !== this.epoch && this.always[rule] === 0) {
      this.ruleStamp[rule] = this.epoch;
      this.hitRules[this.hitCount++] = rule;
    }
  }

  private nextEpoch(): void {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      // Wrapped after 2^32 records: clear the stamps once so no stale mark survives.
      this.needleStamp.fill(0);
      this.ruleStamp.fill(0);
      this.epoch = 1;
    }
  }
}
