// The Sigma 2.1 modifier chain of a detection key (`field|mod1|mod2`) read into one description of how to
// compare, with every mistake reported. The families live beside this file, one module each.
import type { NumericOperator } from './numeric.js';
import type { TimePart } from './time.js';
import type { TextEncodingName } from './encoding.js';

export * from './string.js';
export * from './regex.js';
export * from './numeric.js';
export * from './time.js';
export * from './cidr.js';
export * from './encoding.js';
export * from './fieldref.js';
export * from './expand.js';

/** The comparison a detection item performs on each value. */
export type MatchKind =
  'equals' | 'contains' | 'startswith' | 'endswith' | 're' | 'cidr' | 'exists' | 'numeric' | 'neq';

/** Everything the modifiers of one key say about comparing its values. */
export interface ModifierPlan {
  readonly kind: MatchKind;
  readonly numericOp?: NumericOperator;
  readonly timePart?: TimePart;
  readonly all: boolean;
  readonly cased: boolean;
  readonly windash: boolean;
  readonly expand: boolean;
  readonly fieldref: boolean;
  readonly textEncoding?: TextEncodingName;
  readonly base64?: 'base64' | 'base64offset';
  readonly reFlags: { i: boolean; m: boolean; s: boolean };
}

/** Every modifier name Sigma 2.1 defines. */
export const KNOWN_MODIFIERS: ReadonlySet<string> = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'm',
  's',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'cidr',
  'expand',
  'fieldref',
]);

const SHAPE = new Set(['contains', 'startswith', 'endswith']);
const NUMERIC = new Set(['lt', 'lte', 'gt', 'gte']);
const TIME = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);

/** Reads a modifier chain into a plan, or the reason the chain is invalid. */
export function planModifiers(modifiers: readonly string[]): { plan: ModifierPlan } | { error: string } {
  let kind: MatchKind = 'equals';
  const kinds: string[] = [];
  let numericOp: NumericOperator | undefined;
  let timePart: TimePart | undefined;
  let textEncoding: TextEncodingName | undefined;
  let base64: 'base64' | 'base64offset' | undefined;
  const flags = { i: false, m: false, s: false };
  const seen = new Set<string>();
  for (const raw of modifiers) {
    const m = raw.trim();
    if (!KNOWN_MODIFIERS.has(m)) {
      return { error: `unknown modifier '${raw}' (Sigma 2.1 modifiers: ${[...KNOWN_MODIFIERS].join(', ')})` };
    }
    if (seen.has(m)) return { error: `modifier '${m}' is given twice` };
    seen.add(m);
    if (SHAPE.has(m) || m === 're' || m === 'cidr' || m === 'exists' || m === 'neq') {
      kinds.push(m);
      kind = m as MatchKind;
    } else if (NUMERIC.has(m)) {
      kinds.push(m);
      kind = 'numeric';
      numericOp = m as NumericOperator;
    } else if (TIME.has(m)) {
      if (timePart) return { error: `only one date-part modifier is allowed, got '${timePart}' and '${m}'` };
      timePart = m as TimePart;
    } else if (m === 'utf16le' || m === 'wide' || m === 'utf16be' || m === 'utf16') {
      if (textEncoding)
        return { error: `only one text encoding modifier is allowed ('${textEncoding}', '${m}')` };
      textEncoding = m === 'wide' ? 'utf16le' : m;
    } else if (m === 'base64' || m === 'base64offset') {
      if (base64) return { error: `'base64' and 'base64offset' cannot be combined` };
      base64 = m;
    } else if (m === 'i' || m === 'm' || m === 's') {
      flags[m] = true;
    }
  }
  if (kinds.length > 1) {
    // fieldref may be shaped by contains/startswith/endswith; nothing else combines.
    return {
      error: `modifiers '${kinds.join("' and '")}' cannot be combined: each decides how values compare`,
    };
  }
  if ((flags.i || flags.m || flags.s) && kind !== 're') {
    return { error: `'i', 'm' and 's' are sub-modifiers of 're' and need it` };
  }
  if (textEncoding && !base64) {
    return { error: `'${textEncoding}' only makes sense before 'base64' or 'base64offset'` };
  }
  if (base64 && (kind === 're' || kind === 'cidr' || kind === 'numeric' || kind === 'exists')) {
    return { error: `'${base64}' cannot be combined with '${kind === 'numeric' ? numericOp : kind}'` };
  }
  if (base64 === 'base64offset' && kind !== 'contains') {
    return {
      error: `'base64offset' must be followed by 'contains' (its values only match inside a longer text)`,
    };
  }
  if (timePart && kind !== 'equals' && kind !== 'numeric') {
    return { error: `date-part modifier '${timePart}' only combines with lt/lte/gt/gte` };
  }
  const fieldref = seen.has('fieldref');
  if (fieldref && kind !== 'equals' && kind !== 'neq' && !SHAPE.has(kind)) {
    return { error: `'fieldref' only combines with contains, startswith, endswith or neq` };
  }
  if (seen.has('windash') && (kind === 're' || kind === 'cidr' || kind === 'numeric' || kind === 'exists')) {
    return { error: `'windash' applies to plain strings and cannot be combined with '${kind}'` };
  }
  return {
    plan: {
      kind,
      numericOp,
      timePart,
      all: seen.has('all'),
      cased: seen.has('cased'),
      windash: seen.has('windash'),
      expand: seen.has('expand'),
      fieldref,
      textEncoding,
      base64,
      reFlags: flags,
    },
  };
}
