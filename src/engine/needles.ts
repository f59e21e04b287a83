// The needle algebra behind the prefilter: for each piece of a rule, the literals that must occur for it to
// match, as a disjunction of conjunctions. `undefined` means "no usable constraint", `[]` "never matches".
import type { PrefilterNeedle } from './prefilter/index.js';

/** Alternatives: the piece can match only if every needle of at least one alternative occurs. */
export type Needles = readonly (readonly PrefilterNeedle[])[] | undefined;

const MAX_AND_PRODUCT = 64;
/** Children multiplied into an AND's needles: any subset is sound, and an AND of thousands must stay linear. */
const MAX_AND_CHILDREN = 16;
const MAX_OR_ALTERNATIVES = 8192;

/** Needles of an OR: all children must be constrained, and their alternatives are pooled. */
export function orNeedles(children: readonly Needles[]): Needles {
  const out: (readonly PrefilterNeedle[])[] = [];
  for (const c of children) {
    if (c === undefined) return undefined;
    out.push(...c);
    if (out.length > MAX_OR_ALTERNATIVES) return undefined;
  }
  return out;
}

/**
 * Needles of an AND: any subset of the children's constraints is sound, so take the most selective children
 * whose alternatives can be multiplied out within a small bound.
 */
export function andNeedles(children: readonly Needles[]): Needles {
  const defined = children.filter((c): c is readonly (readonly PrefilterNeedle[])[] => c !== undefined);
  if (defined.length === 0) return undefined;
  if (defined.some((c) => c.length === 0)) return [];
  defined.sort((a, b) => a.length - b.length || weight(b) - weight(a));
  let result: PrefilterNeedle[][] = defined[0]!.map((alt) => [...alt]);
  for (let i = 1; i < Math.min(defined.length, MAX_AND_CHILDREN); i++) {
    const next = defined[i]!;
    if (result.length * next.length > MAX_AND_PRODUCT) continue;
    const product: PrefilterNeedle[][] = [];
    for (const a of result) for (const b of next) product.push([...a, ...b]);
    result = product;
  }
  return result.map(dedupe);
}

function weight(alts: readonly (readonly PrefilterNeedle[])[]): number {
  let min = Infinity;
  for (const alt of alts) {
    let len = 0;
    for (const n of alt) len += n.needle.length;
    min = Math.min(min, len);
  }
  return min;
}

/** The alternative without repeated needles (alternatives are short: a pairwise check beats building keys). */
function dedupe(alt: PrefilterNeedle[]): PrefilterNeedle[] {
  if (alt.length < 2) return alt;
  const out: PrefilterNeedle[] = [];
  next: for (const n of alt) {
    for (const m of out) if (m === n || (m.needle === n.needle && m.field === n.field)) continue next;
    out.push(n);
  }
  return out;
}
