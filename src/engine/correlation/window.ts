// The streaming state of one correlation rule: per group-by key, the hits inside the timespan. Memory is bounded
// (groups are LRU-capped, events per group capped, expired events dropped as time advances) and input may
// arrive out of order within the timespan (entries are kept sorted by time).
import type { CorrelationRule } from '../../sigma/correlation-types.js';
import { isMonotone, measure, satisfies, type WindowEntry } from './aggregate.js';
import type { CorrelationHit } from './types.js';

/** A window that met its condition: the events it covered and the measured value. */
export interface WindowResult {
  readonly rule: CorrelationRule;
  readonly groupBy: Readonly<Record<string, string>>;
  readonly entries: readonly WindowEntry[];
  readonly value: number;
}

interface Group {
  readonly groupBy: Record<string, string>;
  /** Sorted by ts (ties keep arrival order). */
  entries: WindowEntry[];
}

const HOST_FIELDS = new Set(['computername', 'computer', 'hostname', 'host']);
const DEFAULT_MAX_GROUPS = 10_000;
const DEFAULT_MAX_EVENTS = 1_024;
const MAX_EVENTS_CEILING = 100_000;

/** Streaming windows of one correlation rule. */
export class CorrelationWindow {
  readonly monotone: boolean;
  private readonly groups = new Map<string, Group>();
  private readonly maxGroups: number;
  private readonly maxEvents: number;
  private readonly ruleCount: number;
  private readonly valueFields: readonly string[];
  /** Highest event time seen by this rule: windows that ended more than a timespan before it are closed. */
  private watermark = -Infinity;
  evictedGroups = 0;
  droppedEvents = 0;
  ungroupedHits = 0;

  constructor(
    readonly rule: CorrelationRule,
    limits: { maxGroups?: number; maxEventsPerGroup?: number } = {},
  ) {
    this.monotone = isMonotone(rule.type, rule.condition);
    this.maxGroups = Math.max(1, limits.maxGroups ?? DEFAULT_MAX_GROUPS);
    let maxEvents = Math.max(1, limits.maxEventsPerGroup ?? DEFAULT_MAX_EVENTS);
    const c = rule.condition;
    if (rule.type === 'event_count' && c) {
      // Keep enough events to reach the threshold at all.
      const need = Math.max((c.gt ?? 0) + 1, c.gte ?? 0, (c.lt ?? 0) + 1, c.lte ?? 0, c.eq ?? 0) + 1;
      maxEvents = Math.max(maxEvents, Math.min(MAX_EVENTS_CEILING, Math.ceil(need)));
    }
    this.maxEvents = maxEvents;
    this.ruleCount = rule.rules.length;
    this.valueFields = rule.condition?.field ?? [];
  }

  /** Number of live groups. */
  get size(): number {
    return this.groups.size;
  }

  /** The event field that carries group-by name `name` for hits of the given rule (alias-resolved). */
  fieldFor(name: string, ruleId: string, ruleName: string | undefined): string {
    const alias = this.rule.aliases[name];
    if (!alias) return name;
    return (ruleName !== undefined ? alias[ruleName] : undefined) ?? alias[ruleId] ?? name;
  }

  /** Adds a hit of referenced rule number ruleIndex; returns the windows that met their condition. */
  add(hit: CorrelationHit, ruleIndex: number, out: WindowResult[]): void {
    const groupBy: Record<string, string> = {};
    let key = '';
    for (const name of this.rule.groupBy) {
      const field = this.fieldFor(name, hit.ruleId, hit.ruleName);
      const v = valueOf(hit, field);
      if (v === undefined) {
        this.ungroupedHits++;
        return;
      }
      groupBy[name] = v;
      key += '\u0001' + v;
    }
    let value: string | undefined;
    if (this.valueFields.length === 1) value = valueOf(hit, this.valueFields[0]!);
    else if (this.valueFields.length > 1) {
      const parts = this.valueFields.map((f) => valueOf(hit, f));
      value = parts.some((p) => p === undefined) ? undefined : parts.join('\u0001');
    }
    const entry: WindowEntry = { ts: hit.timestamp, ruleIndex, value, hit };

    let group = this.groups.get(key);
    if (group) {
      this.groups.delete(key); // re-inserted below: Map order is least-recently-used first
    } else {
      group = { groupBy, entries: [] };
      if (this.groups.size >= this.maxGroups) this.evictOldest(out, Math.max(1, this.maxGroups >> 4));
    }
    this.groups.set(key, group);
    let at = insertSorted(group.entries, entry);
    if (group.entries.length > this.maxEvents) {
      // Drop the oldest eighth at once so a full group costs amortised O(1) per event, not a shift each time.
      const drop = Math.max(1, this.maxEvents >> 3);
      group.entries.splice(0, drop);
      this.droppedEvents += drop;
      at -= drop;
    }
    if (hit.timestamp > this.watermark) this.watermark = hit.timestamp;

    if (this.monotone) {
      if (at >= 0) this.fireSliding(group, at, out);
    } else this.closeAnchored(group, this.watermark - this.rule.timespanMs, out);
    if (group.entries.length === 0) this.groups.delete(key);
  }

  /** Drops expired events and closes finished windows; call now and then as time advances. */
  sweep(out: WindowResult[]): void {
    const span = this.rule.timespanMs;
    // One timespan of grace for out-of-order input.
    const horizon = this.watermark - 2 * span;
    for (const [key, group] of this.groups) {
      if (this.monotone) {
        let drop = 0;
        while (drop < group.entries.length && group.entries[drop]!.ts < horizon) drop++;
        if (drop) group.entries.splice(0, drop);
      } else {
        this.closeAnchored(group, this.watermark - span, out);
      }
      if (group.entries.length === 0) this.groups.delete(key);
    }
  }

  /** End of input: judges every open window. */
  flush(out: WindowResult[]): void {
    if (!this.monotone) for (const group of this.groups.values()) this.closeAnchored(group, Infinity, out);
    this.groups.clear();
  }

  /** Monotone measures: check every window (of one timespan) that contains the new entry, fire the first. */
  private fireSliding(group: Group, at: number, out: WindowResult[]): void {
    const entries = group.entries;
    const span = this.rule.timespanMs;
    const t = entries[at]!.ts;
    for (let end = at; end < entries.length && entries[end]!.ts <= t + span; end++) {
      const start = lowerBound(entries, entries[end]!.ts - span);
      const value = measure(this.rule.type, entries, start, end, this.ruleCount);
      if (this.conditionHolds(value)) {
        out.push({ rule: this.rule, groupBy: group.groupBy, entries: entries.slice(start, end + 1), value });
        // Start a fresh episode: the events that made this detection cannot make another one.
        entries.splice(start, end - start + 1);
        return;
      }
    }
  }

  /** Other measures: windows anchored at their first event, judged once no more events can fall inside. */
  private closeAnchored(group: Group, closedBefore: number, out: WindowResult[]): void {
    const entries = group.entries;
    const span = this.rule.timespanMs;
    while (entries.length > 0 && entries[0]!.ts + span < closedBefore) {
      const end = upperBound(entries, entries[0]!.ts + span) - 1;
      const value = measure(this.rule.type, entries, 0, end, this.ruleCount);
      if (this.conditionHolds(value)) {
        out.push({ rule: this.rule, groupBy: group.groupBy, entries: entries.slice(0, end + 1), value });
      }
      entries.splice(0, end + 1);
    }
  }

  private conditionHolds(value: number): boolean {
    const c = this.rule.condition;
    if (c) return satisfies(c, value);
    // temporal types without a condition: every referenced rule must have fired (in order, for ordered).
    return value >= this.ruleCount;
  }

  /**
   * Closes and drops the `count` least recently used groups. A sixteenth of the cap goes at once: finding a Map's
   * first entry walks over the slots of entries deleted since its last rehash (every touched group is deleted
   * and re-inserted), so one group per new key cost ~10,000 steps per hit once millions of keys streamed by.
   */
  private evictOldest(out: WindowResult[], count: number): void {
    let left = count;
    for (const [key, group] of this.groups) {
      if (left-- === 0) break;
      if (!this.monotone) this.closeAnchored(group, Infinity, out);
      this.groups.delete(key);
      this.evictedGroups++;
    }
  }
}

/**
 * A field of the hit's event. Host and tenant have fallbacks: `ComputerName`/`Computer`/`Hostname` → the
 * record's computer, `Tenant` → the tenant Dwell assigned (groups span tenants unless a rule groups by it).
 */
export function valueOf(hit: CorrelationHit, field: string): string | undefined {
  const v = hit.values[field];
  if (v !== undefined) return v;
  const lower = field.toLowerCase();
  if (HOST_FIELDS.has(lower)) return hit.host || undefined;
  if (lower === 'tenant') return hit.tenant;
  return undefined;
}

/** Inserts keeping ts order (after equal timestamps); returns the index used. Usually appends in O(1). */
function insertSorted(entries: WindowEntry[], entry: WindowEntry): number {
  let i = entries.length;
  if (i === 0 || entries[i - 1]!.ts <= entry.ts) {
    entries.push(entry);
    return i;
  }
  i = upperBound(entries, entry.ts);
  entries.splice(i, 0, entry);
  return i;
}

/** First index whose ts is >= t. */
function lowerBound(entries: readonly WindowEntry[], t: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose ts is > t. */
function upperBound(entries: readonly WindowEntry[], t: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.ts <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
