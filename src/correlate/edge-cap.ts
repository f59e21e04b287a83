// What the entity graph keeps when its edge table is full. Intrusions only use an edge whose ends are hosts with
// detections (clustering needs both, lateral movement one), so a full table frees its least useful share in one
// sweep: ordinary share accesses (no intrusion step reads them) first, then edges between hosts with no
// detection, the oldest (by event time) first among equals. A flood of routine or sprayed logons between clean
// hosts can no longer push out the movement between detected hosts.
import { REMOTE_EXEC_EDGES } from './cluster.js';
import type { EdgeSnapshot } from './graph-types.js';
import { nameOfHostKey } from './normalize.js';
import { ACTION_EDGES } from './roles.js';

/** Share of the edge table one sweep frees: each sweep costs O(table), so inserts stay amortised O(1). */
export const EDGE_EVICTION_SHARE = 0.25;

/** Level indexes (LEVELS) run 0-4; a tier packs two of them and the remote-execution bit. */
const LEVEL_STEPS = 5;
/** Event times (ms) below this fit beside a tier in one float without loss (2^47 ms is year 6429). */
const TIME_SPAN = 2 ** 47;

/** The highest detection level seen per host, under the refs edges carry (`host:<key>` and `name:<short>`). */
export class DetectedHosts {
  private readonly levels = new Map<string, number>();
  private hosts = 0;

  /** At most `cap` hosts are remembered (later ones are ignored: memory stays bounded). */
  constructor(private readonly cap: number) {}

  /** Records a detection of level index `level` (LEVELS; informational, 0, counts as none) on host `key`. */
  mark(key: string, level: number): void {
    if (key === '' || !(level > 0)) return;
    const ref = `host:${key}`;
    const had = this.levels.get(ref);
    if (had === undefined) {
      if (this.hosts >= this.cap) return;
      this.hosts++;
    } else if (had >= level) return;
    this.levels.set(ref, level);
    // Edges name hosts other than the logging one by short name (resolved later, across tenants): the highest
    // level of any host with that short name stands for it.
    const name = `name:${nameOfHostKey(key)}`;
    if ((this.levels.get(name) ?? 0) < level) this.levels.set(name, level);
  }

  /** Level recorded for a `host:` or `name:` ref (0 when none). */
  levelOf(ref: string): number {
    return this.levels.get(ref) ?? 0;
  }

  /** Number of hosts marked. */
  get size(): number {
    return this.hosts;
  }

  /** The hosts marked, as plain data (host key, level). */
  list(): { key: string; level: number }[] {
    const out: { key: string; level: number }[] = [];
    for (const [ref, level] of this.levels)
      if (ref.startsWith('host:')) out.push({ key: ref.slice(5), level });
    return out;
  }
}

/** The owners claimed for an address (`host:<key>` / `name:<short>` refs), to judge `ip:` ends. */
export type AddressOwners = (address: string) => readonly { readonly ref: string }[] | undefined;

/** Detection level of one end of an edge: its own ref's, or for an address the highest of its owners'. */
function endLevel(ref: string, detected: DetectedHosts, owners: AddressOwners): number {
  if (ref === '') return 0;
  if (!ref.startsWith('ip:')) return detected.levelOf(ref);
  let best = 0;
  for (const o of owners(ref.slice(3)) ?? []) best = Math.max(best, detected.levelOf(o.ref));
  return best;
}

/**
 * How much intrusions could use an edge, as one number (higher is kept longer): edges that are no action of one
 * host on another (ordinary share access: no intrusion step reads them) lowest, then the lower and the higher
 * detection level of its two ends, then remote execution over plain logons, then its latest time.
 */
export function edgeUsefulness(e: EdgeSnapshot, detected: DetectedHosts, owners: AddressOwners): number {
  const last = e.last > 0 ? Math.min(e.last, TIME_SPAN - 1) : 0;
  if (!ACTION_EDGES.has(e.how)) return last;
  // The address of a named source only counts when the name says nothing (it is the same host, usually).
  let src = endLevel(e.src, detected, owners);
  if (src === 0) src = endLevel(e.srcAlt, detected, owners);
  const dst = endLevel(e.dst, detected, owners);
  // 1 + (0..24) * 2 + (0..1): tiers 1-50 over the non-action tier 0; 50 * 2^47 < 2^53, so no precision is lost.
  const tier =
    1 + (Math.min(src, dst) * LEVEL_STEPS + Math.max(src, dst)) * 2 + (REMOTE_EXEC_EDGES.has(e.how) ? 1 : 0);
  return tier * TIME_SPAN + last;
}

/**
 * The k-th smallest (0-based) of `values`, reordering them: Hoare's selection, no randomness. Median-of-three
 * pivots keep sorted, reversed and constant tables linear; inputs built to defeat them (edge times are written
 * by whoever writes the logs) could make it quadratic, so past 2·log2(n) + 8 partitioning rounds the rest is
 * sorted instead: O(n log n) at worst.
 */
export function kthSmallest(
  values: Float64Array,
  k: number,
  maxRounds = 2 * Math.ceil(Math.log2(values.length + 1)) + 8,
): number {
  let lo = 0;
  let hi = values.length - 1;
  let rounds = maxRounds;
  while (lo < hi) {
    if (rounds-- === 0) {
      values.subarray(lo, hi + 1).sort();
      return values[k];
    }
    // Median of three as the pivot keeps sorted and reversed tables linear too.
    const mid = lo + ((hi - lo) >> 1);
    const a = values[lo];
    const b = values[mid];
    const c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/**
 * Which of `scores` to drop to free `count` slots: every score below `threshold`, and the first `ties` scores
 * equal to it (in table order, so the choice is deterministic).
 */
export function evictionCut(scores: Float64Array, count: number): { threshold: number; ties: number } {
  const n = Math.min(count, scores.length);
  if (n <= 0) return { threshold: -Infinity, ties: 0 };
  const threshold = kthSmallest(scores.slice(), n - 1);
  let below = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] < threshold) below++;
  return { threshold, ties: n - below };
}

/**
 * Frees EDGE_EVICTION_SHARE of a full edge table, least useful first; returns the observations dropped (each
 * edge's count), which the graph adds to its `dropped` count.
 */
export function evictEdges<E extends EdgeSnapshot>(
  table: Map<string, E>,
  detected: DetectedHosts,
  owners: AddressOwners,
): number {
  const n = table.size;
  if (n === 0) return 0;
  const count = Math.max(1, Math.floor(n * EDGE_EVICTION_SHARE));
  const scores = new Float64Array(n);
  let i = 0;
  for (const e of table.values()) scores[i++] = edgeUsefulness(e, detected, owners);
  const { threshold, ties } = evictionCut(scores, count);
  let left = ties;
  let observations = 0;
  i = 0;
  // Deleting the entry just visited is safe while iterating a Map; the scores stay aligned with the entries.
  // forEach, not for-of over entries: no [key, value] pair allocated per edge.
  table.forEach((e, key) => {
    const s = scores[i++];
    if (s < threshold || (s === threshold && left-- > 0)) {
      table.delete(key);
      observations += Math.max(1, e.count);
    }
  });
  return observations;
}
