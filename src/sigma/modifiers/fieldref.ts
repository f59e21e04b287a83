// The fieldref modifier: the rule's value names another field of the same event, and the two values are
// compared (equality by default, or contains/startswith/endswith), case-insensitively unless `cased`.

/** How a field is compared with the referenced field. */
export type FieldrefMode = 'equals' | 'contains' | 'startswith' | 'endswith';

/** Compares a field's value with the referenced field's value (both already in the same case). */
export function fieldrefMatches(value: string, referenced: string, mode: FieldrefMode): boolean {
  switch (mode) {
    case 'equals':
      return value === referenced;
    case 'contains':
      return value.includes(referenced);
    case 'startswith':
      return value.startsWith(referenced);
    case 'endswith':
      return value.endsWith(referenced);
  }
}
