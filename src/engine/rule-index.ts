// The rule index: compiled rules keyed by (channel, event id). A record is only shown the rules of its own
// bucket; each bucket with enough rules gets its own needle prefilter over just the fields its rules read.
import { needlePrefixes, Prefilter, type AhoCorasick, type NeedlePrefixes } from './prefilter/index.js';
import type { CompiledRule } from './compile-rule.js';

/** The rules a record of one (channel, event id) can match, with their prefilter. */
export interface Bucket {
  /** Rule numbers (indexes into the engine's rule list), ascending. */
  readonly rules: Int32Array;
  /** Prefilter over this bucket's rules (local numbers = positions in `rules`), when worth it. */
  readonly prefilter?: Prefilter;
}

const ANY = '*';
const PREFILTER_MIN_RULES = 4;
const MAX_CACHED_BUCKETS = 20_000;

function key(channel: string, eventId: number | '*'): string {
  return `${channel}\u0000${eventId}`;
}

/** Maps (channel, event id) to the rules that may match there; merged buckets are built lazily and cached. */
export class RuleIndex {
  private readonly exact = new Map<string, number[]>();
  /** channel → event id → merged bucket (two levels, so a lookup builds no key string). */
  private readonly cache = new Map<string, Map<number, Bucket>>();
  private cached = 0;
  private readonly bySignature = new Map<string, Bucket>();
  private readonly empty: Bucket = { rules: new Int32Array(0) };
  /** Per-field automata shared by every bucket's prefilter (identical needle lists are built once). */
  private readonly automata = new Map<string, AhoCorasick>();
  /** The needles' prefixes over all rules, computed when the first prefilter is built. */
  private prefixes: NeedlePrefixes | undefined;

  constructor(private readonly rules: readonly CompiledRule[]) {
    rules.forEach((rule, n) => {
      const channels = rule.channels.length > 0 ? rule.channels : [ANY];
      const ids: (number | '*')[] = rule.eventIds ? [...rule.eventIds] : [ANY];
      for (const ch of channels) for (const id of ids) this.add(key(ch, id), n);
    });
  }

  private add(k: string, rule: number): void {
    const list = this.exact.get(k);
    if (list) {
      if (list[list.length - 1] !== rule) list.push(rule);
    } else this.exact.set(k, [rule]);
  }

  /** Index keys and rule counts (for explain and stats). */
  keys(): { channel: string; eventId: string; rules: number }[] {
    return [...this.exact].map(([k, v]) => {
      const [channel, eventId] = k.split('\u0000') as [string, string];
      return { channel, eventId, rules: v.length };
    });
  }

  /** The bucket for a record's channel (already lower-cased) and event id. */
  bucket(channelLower: string, eventId: number): Bucket {
    const byId = this.cache.get(channelLower);
    const hit = byId?.get(eventId);
    if (hit) return hit;
    const k = key(channelLower, eventId);
    const merged = new Set<number>();
    for (const kk of [k, key(channelLower, ANY), key(ANY, eventId), key(ANY, ANY)]) {
      for (const r of this.exact.get(kk) ?? []) merged.add(r);
    }
    let bucket = this.empty;
    if (merged.size > 0) {
      const rules = Int32Array.from([...merged].sort((a, b) => a - b));
      // Buckets with the same rules (e.g. every event id of a channel only channel-wide rules cover) share one
      // bucket and prefilter (H4): on the corpus 776 buckets hold 108 distinct rule sets.
      const signature = rules.join(',');
      const same = this.bySignature.get(signature);
      if (same) return this.remember(channelLower, eventId, byId, same);
      let prefilter: Prefilter | undefined;
      // Small buckets too when a rule has needles: a keyword rule costs far more to evaluate than one scan.
      if (rules.length >= PREFILTER_MIN_RULES || rules.some((r) => this.rules[r]!.needles !== undefined)) {
        prefilter = new Prefilter(
          Array.from(rules, (r, local) => ({ rule: local, alternatives: this.rules[r]!.needles })),
          {
            automata: this.automata,
            prefixes: (this.prefixes ??= needlePrefixes(this.rules.map((r) => r.needles))),
          },
        );
      }
      bucket = { rules, prefilter };
      if (this.bySignature.size < MAX_CACHED_BUCKETS) this.bySignature.set(signature, bucket);
    }
    return this.remember(channelLower, eventId, byId, bucket);
  }

  private remember(
    channelLower: string,
    eventId: number,
    byId: Map<number, Bucket> | undefined,
    bucket: Bucket,
  ): Bucket {
    if (this.cached < MAX_CACHED_BUCKETS) {
      if (!byId) this.cache.set(channelLower, (byId = new Map()));
      byId.set(eventId, bucket);
      this.cached++;
    }
    return bucket;
  }
}
