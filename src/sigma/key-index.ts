// Key lookups in YAML maps for both readers (fast-yaml.ts, yaml-source.ts). Rules look up a few keys in small
// maps; a hostile rule can hold a map of 100,000 keys and ask for each, so past a handful of keys a map gets an
// index (first occurrence of each key wins), built on its first lookup and kept as long as the map lives.

/** Maps with at most this many keys are scanned instead of indexed. */
const SCAN_LIMIT = 16;

/**
 * Position of the first of `count` keys (`keyAt(i)`, undefined for keys that are not plain text) that equals
 * `key`, or -1. `indexes` holds the index of each big map, keyed by the map object.
 */
export function indexOfKey<M extends object>(
  map: M,
  count: number,
  keyAt: (i: number) => string | undefined,
  key: string,
  indexes: WeakMap<M, Map<string, number>>,
): number {
  if (count <= SCAN_LIMIT) {
    for (let i = 0; i < count; i++) if (keyAt(i) === key) return i;
    return -1;
  }
  let index = indexes.get(map);
  if (!index) {
    index = new Map();
    for (let i = 0; i < count; i++) {
      const k = keyAt(i);
      if (k !== undefined && !index.has(k)) index.set(k, i);
    }
    indexes.set(map, index);
  }
  return index.get(key) ?? -1;
}
