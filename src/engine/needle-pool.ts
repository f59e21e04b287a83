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
function flatCopy(s: string): string {
  return s.length < V8_MIN_SHARED_LENGTH ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

/** Interns needles across the rules of one rule set (drop the pool once they are compiled). */
export class NeedlePool {
  private readonly needles = new Map<string, PrefilterNeedle>();
  private readonly alternatives = new Map<string, readonly PrefilterNeedle[]>();
  private readonly lists = new Map<string, Needles>();

  /** The same needles, as shared compact arrays; `undefined` (no constraint) and `[]` (never) as they are. */
  intern(needles: Needles): Needles {
    if (needles === undefined) return undefined;
    if (needles.length === 0) return NEVER;
    const altKeys: string[] = new Array<string>(needles.length);
    const alts: (readonly PrefilterNeedle[])[] = new Array<readonly PrefilterNeedle[]>(needles.length);
    for (let i = 0; i < needles.length; i++) {
      const alt = needles[i]!;
      const keys = new Array<string>(alt.length);
      for (let j = 0; j < alt.length; j++) {
        const { field, needle } = alt[j]!;
        // Length-prefixed, so no field or needle text can make two different needles share a key.
        keys[j] = `${field.length}:${field}${needle.length}:${needle}`;
      }
      const altKey = `${alt.length}|${keys.join('')}`;
      let shared = this.alternatives.get(altKey);
      if (!shared) {
        const out = new Array<PrefilterNeedle>(alt.length);
        for (let j = 0; j < alt.length; j++) out[j] = this.needle(keys[j]!, alt[j]!);
        this.alternatives.set(altKey, (shared = out));
      }
      altKeys[i] = altKey;
      alts[i] = shared;
    }
    const listKey = altKeys.join('');
    let list = this.lists.get(listKey);
    if (!list) this.lists.set(listKey, (list = alts));
    return list;
  }

  private needle(key: string, n: PrefilterNeedle): PrefilterNeedle {
    let shared = this.needles.get(key);
    if (!shared) {
      shared = { field: flatCopy(n.field), needle: flatCopy(n.needle) };
      this.needles.set(key, shared);
    }
    return shared;
  }
}
