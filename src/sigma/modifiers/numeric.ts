// Numeric comparison modifiers lt, lte, gt, gte: the field value is read as a number (decimal or 0x-hex).

/** The comparison operators of the numeric modifiers. */
export type NumericOperator = 'lt' | 'lte' | 'gt' | 'gte';

/** Reads a field value as a number; undefined when it is not one. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** True when `value <op> bound`. */
export function compareNumber(value: number, op: NumericOperator, bound: number): boolean {
  switch (op) {
    case 'lt':
      return value < bound;
    case 'lte':
      return value <= bound;
    case 'gt':
      return value > bound;
    case 'gte':
      return value >= bound;
  }
}
