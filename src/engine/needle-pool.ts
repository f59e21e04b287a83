// Compact, shared prefilter needles. A compiled rule's needles are built by merging its items' alternatives
// (arrays grown by push, strings cut from lower-cased values), and thousands of rules repeat the same needles
// (`\powershell.exe`, `-enc`): 95,671 needles in 49,692 alternatives, of which 24,504 and 36,847 distinct on
// the SigmaHQ tree. One object per distinct needle and alternative, in exact-size arrays of flat strings, saves
// ~6 MB of heap per matcher (measured: 24-26 MB of needle structures down to 17-19 MB).
import type { PrefilterNeedle } from './prefilter/index.js';
import type { Needles } from './needles.js';

const NEVER: Needles = [];

/** V8 keeps strings shorter than this flat and unshared (slices and concatenations start at 13). */
const V8_MIN_SHARED_LENGTH = 13;

/** A string with storage of its own: needles are cut from bigger strings, and a V8 slice keeps its parent alive. */
export function flatCopy(s: string): string {
  return s.length < V8_MIN_SHARED_LENGTH ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

/** A canonical needle or alternative with its number (for the keys of what contains it). */
interface Numbered<T> {
  readonly id: number;
  readonly value: T;
}

/** Interns needles across the rules of one rule set (drop the pool once they are compiled). */
export class NeedlePool {
  /** Needle objects already seen (compiled items share theirs between alternatives). */
  private readonly byObject = new Map<PrefilterNeedle, Numbered<PrefilterNeedle>>();
  /** field → needle text → canonical needle. */
  private readonly byText = new Map<string, Map<string, Numbered<PrefilterNeedle>>>();
  /** Needle numbers joined → canonical alternative. */
  private readonly alternatives = new Map<string, Numbered<readonly PrefilterNeedle[]>>();
  /** Alternative numbers joined → canonical list. */
  private readonly lists = new Map<string, Needles>();

  /** The same needles, as shared compact arrays; `undefined` (no constraint) and `[]` (never) as they are. */
  intern(needles: Needles): Needles {
    if (needles === undefined) return undefined;
    if (needles.length === 0) return NEVER;
    let listKey = '';
    const alts = new Array<readonly PrefilterNeedle[]>(needles.length);
    for (let i = 0; i < needles.length; i++) {
      const alt = this.alternative(needles[i]!);
      listKey += `${alt.id},`;
      alts[i] = alt.value;
    }
    let list = this.lists.get(listKey);
    if (!list) this.lists.set(listKey, (list = alts));
    return list;
  }

  private alternative(alt: readonly PrefilterNeedle[]): Numbered<readonly PrefilterNeedle[]> {
    let key = '';
    const out = new Array<PrefilterNeedle>(alt.length);
    for (let j = 0; j < alt.length; j++) {
      const n = this.needle(alt[j]!);
      key += `${n.id},`;
      out[j] = n.value;
    }
    let shared = this.alternatives.get(key);
    if (!shared) this.alternatives.set(key, (shared = { id: this.alternatives.size, value: out }));
    return shared;
  }

  private needle(n: PrefilterNeedle): Numbered<PrefilterNeedle> {
    let shared = this.byObject.get(n);
    if (shared) return shared;
    let byNeedle = this.byText.get(n.field);
    if (!byNeedle) this.byText.set(n.field, (byNeedle = new Map()));
    shared = byNeedle.get(n.needle);
    if (!shared) {
      shared = { id: this.byObject.size, value: { field: flatCopy(n.field), needle: flatCopy(n.needle) } };
      byNeedle.set(n.needle, shared);
    }
    this.byObject.set(n, shared);
    return shared;
  }
}
