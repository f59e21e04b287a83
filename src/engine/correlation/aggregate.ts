// What a correlation measures over the events of one window, and whether its condition holds.
import type { CorrelationCondition, CorrelationType } from '../../sigma/correlation-types.js';
import type { CorrelationHit } from './types.js';

/** One base-rule hit kept in a group's window. */
export interface WindowEntry {
  readonly ts: number;
  /** Index of the referenced rule (position in the correlation's `rules`) that produced the hit. */
  readonly ruleIndex: number;
  /** The aggregated field's value (value_* types), undefined when the event lacks it. */
  readonly value: string | undefined;
  /** The hit itself (to report host, record and file of the event that completed the window). */
  readonly hit: CorrelationHit;
}

/** The measured quantity of entries[start..end] (inclusive) for a correlation type. */
export function measure(
  type: CorrelationType,
  entries: readonly WindowEntry[],
  start: number,
  end: number,
  ruleCount: number,
): number {
  switch (type) {
    case 'event_count':
      return end - start + 1;
    case 'value_count': {
      const distinct = new Set<string>();
      for (let i = start; i <= end; i++) {
        const v = entries[i]!.value;
        if (v !== undefined) distinct.add(v);
      }
      return distinct.size;
    }
    case 'temporal': {
      const seen = new Uint8Array(ruleCount);
      let n = 0;
      for (let i = start; i <= end; i++) {
        const r = entries[i]!.ruleIndex;
        if (!seen[r]) {
          seen[r] = 1;
          n++;
        }
      }
      return n;
    }
    case 'temporal_ordered': {
      // Length of the longest prefix of `rules` seen in order (greedy is optimal for a fixed sequence).
      let need = 0;
      for (let i = start; i <= end && need < ruleCount; i++) if (entries[i]!.ruleIndex === need) need++;
      return need;
    }
    case 'value_sum':
    case 'value_avg':
    case 'value_median': {
      const nums: number[] = [];
      for (let i = start; i <= end; i++) {
        const v = entries[i]!.value;
        if (v === undefined || v.trim() === '') continue;
        const n = Number(v);
        if (Number.isFinite(n)) nums.push(n);
      }
      if (nums.length === 0) return NaN;
      if (type === 'value_sum') return nums.reduce((a, b) => a + b, 0);
      if (type === 'value_avg') return nums.reduce((a, b) => a + b, 0) / nums.length;
      nums.sort((a, b) => a - b);
      const mid = nums.length >> 1;
      return nums.length % 2 ? nums[mid]! : (nums[mid - 1]! + nums[mid]!) / 2;
    }
    case 'value_percentile': {
      // Share (in %) of the window's events whose value equals the value of the event closing the window:
      // "this value is rarer than N% of the group" (the specification's example: a rare process name).
      const last = entries[end]!.value;
      if (last === undefined) return NaN;
      let same = 0;
      let total = 0;
      for (let i = start; i <= end; i++) {
        const v = entries[i]!.value;
        if (v === undefined) continue;
        total++;
        if (v === last) same++;
      }
      return (same / total) * 100;
    }
  }
}

/** True when every bound of the condition holds for x (NaN never satisfies). */
export function satisfies(condition: CorrelationCondition, x: number): boolean {
  if (Number.isNaN(x)) return false;
  if (condition.gt !== undefined && !(x > condition.gt)) return false;
  if (condition.gte !== undefined && !(x >= condition.gte)) return false;
  if (condition.lt !== undefined && !(x < condition.lt)) return false;
  if (condition.lte !== undefined && !(x <= condition.lte)) return false;
  if (condition.eq !== undefined && x !== condition.eq) return false;
  if (condition.neq !== undefined && x === condition.neq) return false;
  return true;
}

/**
 * True when the measure can only grow as events are added to a window, so a window may fire the moment its
 * condition holds (lower bounds on counts, sums and temporal sequences). Other conditions (upper bounds,
 * equality, averages, medians, shares) are judged once the window has closed.
 */
export function isMonotone(type: CorrelationType, condition: CorrelationCondition | undefined): boolean {
  if (type === 'value_avg' || type === 'value_median' || type === 'value_percentile') return false;
  if (!condition) return true;
  return (
    condition.lt === undefined &&
    condition.lte === undefined &&
    condition.eq === undefined &&
    condition.neq === undefined
  );
}
