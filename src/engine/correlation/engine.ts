// The correlation engine: takes hits of the rules that correlations reference (plain data, so they can come from
// worker threads), keeps bounded streaming windows per correlation and group, and emits a Detection when a
// window meets its condition. Chained correlations receive the results of the correlations they reference.
import type { CorrelationRule } from '../../sigma/correlation-types.js';
import type { Detection, Level, RuleInfo } from '../types.js';
import { CorrelationWindow, valueOf, type WindowResult } from './window.js';
import type { CorrelationHit, CorrelationLimits, CorrelationStats } from './types.js';

interface Subscriber {
  readonly window: CorrelationWindow;
  readonly ruleIndex: number;
}

/** Hits between two sweeps of expired windows. */
const SWEEP_EVERY = 512;
const MAX_FIELD_TEXT = 2_000;
/** Longest field value kept in a window; longer (attacker-sized) values keep a prefix and a hash of the whole. */
const MAX_VALUE_TEXT = 1_024;

/** 32-bit FNV-1a of a string's UTF-16 units: tells apart long values that share their kept prefix. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The hit with every value capped, so that windows hold bounded memory whatever the events carry. */
export function boundHit(hit: CorrelationHit): CorrelationHit {
  let long = false;
  for (const v of Object.values(hit.values)) if (v.length > MAX_VALUE_TEXT) long = true;
  if (!long) return hit;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(hit.values)) {
    values[k] = v.length > MAX_VALUE_TEXT ? `${v.slice(0, MAX_VALUE_TEXT)}…#${fnv1a(v).toString(16)}` : v;
  }
  return { ...hit, values };
}

/** Evaluates correlation rules over a stream of rule hits. */
export class CorrelationEngine {
  private readonly windows: CorrelationWindow[];
  private readonly byRef = new Map<string, Subscriber[]>();
  private readonly info = new Map<CorrelationRule, RuleInfo>();
  private readonly silent: ReadonlySet<string>;
  private readonly results: WindowResult[] = [];
  private sinceSweep = 0;
  private hits = 0;
  private detections = 0;
  private untimed = 0;

  /**
   * Builds windows for the rules (ideally linked and ordered by `linkCorrelations`). Correlations referenced by
   * another correlation without `generate: true` are not reported themselves; pass `suppressed` to override.
   */
  constructor(
    rules: readonly CorrelationRule[],
    limits: CorrelationLimits = {},
    suppressed?: ReadonlySet<string>,
  ) {
    this.windows = rules.map((rule) => new CorrelationWindow(rule, limits));
    for (const window of this.windows) {
      window.rule.rules.forEach((ref, ruleIndex) => {
        let subs = this.byRef.get(ref);
        if (!subs) this.byRef.set(ref, (subs = []));
        subs.push({ window, ruleIndex });
      });
    }
    if (suppressed) this.silent = suppressed;
    else {
      const silent = new Set<string>();
      for (const rule of rules) if (!rule.generate) for (const ref of rule.rules) silent.add(ref);
      this.silent = silent;
    }
  }

  /** True when some correlation references the rule (by id or name): its hits must be passed to onHit. */
  references(ruleId: string, ruleName?: string): boolean {
    return this.byRef.has(ruleId) || (ruleName !== undefined && this.byRef.has(ruleName));
  }

  /**
   * True when the rule must not report its own detections (a correlation consumes it without `generate: true`).
   * The Engine asks this once per rule at setup.
   */
  suppresses(ruleId: string, ruleName?: string): boolean {
    return this.silent.has(ruleId) || (ruleName !== undefined && this.silent.has(ruleName));
  }

  /** Fields whose values a hit of this rule must carry (group-by fields after aliases, aggregated fields). */
  fieldsNeeded(ruleIdOrName: string, ...otherRefs: string[]): string[] {
    const fields = new Set<string>();
    const refs = [ruleIdOrName, ...otherRefs];
    for (const ref of refs) {
      for (const { window } of this.byRef.get(ref) ?? []) {
        for (const name of window.rule.groupBy) {
          let field = name;
          const alias = window.rule.aliases[name];
          if (alias) field = refs.map((r) => alias[r]).find((f) => f !== undefined) ?? name;
          fields.add(field);
        }
        for (const f of window.rule.condition?.field ?? []) fields.add(f);
      }
    }
    return [...fields];
  }

  /** Feeds one hit; emits the detections of every correlation (and chained correlation) it completes. */
  onHit(hit: CorrelationHit, emit: (d: Detection) => void): void {
    this.hits++;
    if (!Number.isFinite(hit.timestamp)) {
      this.untimed++;
      return;
    }
    const subs = this.subscribersOf(hit);
    if (subs.length === 0) return;
    const bounded = boundHit(hit);
    for (const { window, ruleIndex } of subs) window.add(bounded, ruleIndex, this.results);
    this.drain(emit);
    if (++this.sinceSweep >= SWEEP_EVERY) {
      this.sinceSweep = 0;
      for (const window of this.windows) window.sweep(this.results);
      this.drain(emit);
    }
  }

  /** End of input: judges windows that are still open (chains included) and emits what fires. */
  flush(emit: (d: Detection) => void): void {
    // In dependency order, so a chained correlation sees the late results of the ones it references.
    for (const window of this.windows) {
      window.flush(this.results);
      this.drain(emit);
    }
  }

  /** Counters for the hunt summary. */
  stats(): CorrelationStats {
    let evicted = 0;
    let dropped = 0;
    let ungrouped = 0;
    let live = 0;
    for (const w of this.windows) {
      evicted += w.evictedGroups;
      dropped += w.droppedEvents;
      ungrouped += w.ungroupedHits;
      live += w.size;
    }
    return {
      hits: this.hits,
      detections: this.detections,
      evictedGroups: evicted,
      droppedEvents: dropped,
      ungroupedHits: ungrouped,
      untimedHits: this.untimed,
      liveGroups: live,
    };
  }

  private subscribersOf(hit: CorrelationHit): Subscriber[] {
    const byId = this.byRef.get(hit.ruleId);
    const byName = hit.ruleName !== undefined ? this.byRef.get(hit.ruleName) : undefined;
    if (!byName) return byId ?? [];
    if (!byId) return byName;
    return [
      ...byId,
      ...byName.filter((s) => !byId.some((b) => b.window === s.window && b.ruleIndex === s.ruleIndex)),
    ];
  }

  private drain(emit: (d: Detection) => void): void {
    while (this.results.length > 0) {
      const result = this.results.shift()!;
      const detection = this.toDetection(result);
      const rule = result.rule;
      if (!this.suppresses(rule.id, rule.name)) {
        this.detections++;
        emit(detection);
      }
      // Chains: the result is a hit of this correlation for the correlations that reference it.
      if (this.references(rule.id, rule.name)) {
        const last = result.entries[result.entries.length - 1]!.hit;
        const chained: CorrelationHit = {
          ruleId: rule.id,
          ...(rule.name !== undefined ? { ruleName: rule.name } : {}),
          timestamp: detection.timestamp,
          values: { ...last.values, ...result.groupBy },
          host: last.host,
          channel: last.channel,
          eventId: last.eventId,
          recordId: last.recordId,
          file: last.file,
          ...(last.tenant !== undefined ? { tenant: last.tenant } : {}),
        };
        for (const { window, ruleIndex } of this.subscribersOf(chained))
          window.add(chained, ruleIndex, this.results);
      }
    }
  }

  private ruleInfo(rule: CorrelationRule): RuleInfo {
    let info = this.info.get(rule);
    if (!info) {
      info = {
        id: rule.id,
        title: rule.title,
        level: rule.level as Level,
        ...(rule.status !== undefined ? { status: rule.status } : {}),
        tags: rule.tags,
        path: rule.file,
        ...(rule.description !== undefined ? { description: rule.description } : {}),
        ...(rule.author !== undefined ? { author: rule.author } : {}),
        references: rule.references,
        falsepositives: rule.falsepositives,
        kind: rule.type,
      };
      this.info.set(rule, info);
    }
    return info;
  }

  private toDetection(result: WindowResult): Detection {
    const { rule, entries, groupBy, value } = result;
    const first = entries[0]!;
    const last = entries[entries.length - 1]!;
    const rules: string[] = [];
    for (const e of entries) if (!rules.includes(e.hit.ruleId)) rules.push(e.hit.ruleId);
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(groupBy)) fields[k] = v.slice(0, MAX_FIELD_TEXT);
    fields.correlation = `${rule.type} = ${Number.isInteger(value) ? value : value.toFixed(2)} over ${entries.length} event(s) within ${rule.timespan}`;
    const valueField = rule.condition?.field;
    if (valueField && valueField.length === 1) {
      const distinct = [
        ...new Set(entries.map((e) => valueOf(e.hit, valueField[0]!)).filter((v) => v !== undefined)),
      ];
      fields[valueField[0]!] = distinct.slice(0, 20).join(', ').slice(0, MAX_FIELD_TEXT);
    }
    return {
      rule: this.ruleInfo(rule),
      timestamp: last.ts,
      host: last.hit.host,
      channel: last.hit.channel,
      eventId: last.hit.eventId,
      recordId: last.hit.recordId,
      file: last.hit.file,
      ...(last.hit.tenant !== undefined ? { tenant: last.hit.tenant } : {}),
      fields,
      correlation: { groupBy: { ...groupBy }, value, rules, firstTimestamp: first.ts },
    };
  }
}
