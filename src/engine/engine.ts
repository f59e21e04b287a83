// The matching engine: for each record, find its (channel, event id) bucket, let the bucket's needle prefilter
// drop rules that cannot match, evaluate the rest on a per-record cache of field values, and hand matches of
// rules that correlations reference to the streaming correlation engine.
import type { EventRecord } from '../event/types.js';
import type { CorrelationRule } from '../sigma/correlation-types.js';
import { CorrelationEngine } from './correlation/index.js';
import type { CorrelationHit } from './correlation/index.js';
import type { CompiledRule } from './compile-rule.js';
import { detectionFields } from './detection-fields.js';
import type { RuleSet } from './load.js';
import { feedField, feedKeywords } from './keyword-feed.js';
import { KEYWORD_FIELD, type FieldFeed, type KeywordFeed } from './prefilter/index.js';
import { RecordView } from './record-view.js';
import { RuleIndex } from './rule-index.js';
import type { Detection, Level, RuleInfo } from './types.js';

/** Options of the Engine. */
export interface EngineOptions {
  /** Keep only the rules (and correlations) this returns true for. */
  readonly select?: (rule: RuleInfo) => boolean;
  /** Measure time spent per rule (slower; for `--rule-stats`). */
  readonly timing?: boolean;
  /**
   * Route the hits of rules that correlations reference here instead of correlating them in this engine (for
   * hunts that run one central correlation engine over many workers' hits). Suppression still applies.
   */
  readonly onCorrelationHit?: (hit: CorrelationHit) => void;
  /** Told (once per rule) when a rule throws on a record; the rule counts as not matching and the hunt goes on. */
  readonly onError?: (error: EngineError) => void;
}

/** A rule that failed on a record: which rule, which record, why. */
export interface EngineError {
  readonly ruleId: string;
  readonly file: string;
  readonly recordId: number;
  readonly reason: string;
}

/** Per-rule statistics. */
export interface RuleStat {
  ruleId: string;
  title: string;
  hits: number;
  timeMs: number;
}

interface RuleState {
  readonly rule: CompiledRule;
  readonly stat: RuleStat;
  readonly silent: boolean;
  /** Fields a correlation needs from this rule's hits (rule field name → record field name). */
  readonly correlationFields?: readonly (readonly [string, string])[];
}

function correlationInfo(c: CorrelationRule): RuleInfo {
  return {
    id: c.id,
    title: c.title,
    level: c.level as Level,
    status: c.status,
    tags: c.tags,
    path: c.file,
    description: c.description,
    author: c.author,
    references: c.references,
    falsepositives: c.falsepositives,
    kind: c.type,
  };
}

/** Matches records against a compiled rule set. */
export class Engine {
  /** Number of rules (not variants) the engine runs, correlations included. */
  readonly ruleCount: number;
  private readonly states: RuleState[];
  private readonly index: RuleIndex;
  private readonly view = new RecordView();
  private readonly correlation?: CorrelationEngine;
  private readonly timing: boolean;
  private readonly routeHit?: (hit: CorrelationHit) => void;
  private readonly onError?: (error: EngineError) => void;
  private readonly failedRules = new Set<string>();
  private errors = 0;
  private readonly stats_ = new Map<string, RuleStat>();
  private readonly emitted = new Set<RuleInfo>();
  /** Field text for the prefilter (H4): as written, since its automata ignore case; keywords as a value list. */
  private readonly prefilterText = (field: string): string | readonly string[] | undefined =>
    field === KEYWORD_FIELD ? this.view.keywordRaw() : this.view.raw(field);
  /** Keyword texts for the prefilter straight from an EVTX record's buffer (skips decoding every field). */
  private readonly keywordFeed: KeywordFeed = (sink) => feedKeywords(this.view.record, sink);
  /** One field's text for the prefilter from an EVTX record's buffer (decoded later only if a rule reads it). */
  private readonly fieldFeed: FieldFeed = (field, sink) => feedField(this.view.record, field, sink);
  private lastChannel = '';
  private lastChannelLower = '';

  constructor(ruleSet: RuleSet, opts: EngineOptions = {}) {
    const select = opts.select ?? (() => true);
    this.timing = opts.timing === true;
    this.routeHit = opts.onCorrelationHit;
    this.onError = opts.onError;
    const correlations = ruleSet.correlations.filter((c) => select(correlationInfo(c)));
    if (correlations.length > 0)
      this.correlation = new CorrelationEngine(correlations, {}, ruleSet.suppressed);
    const rules = ruleSet.rules.filter((r) => select(r.info));
    this.states = rules.map((rule) => {
      let stat = this.stats_.get(rule.info.id);
      if (!stat) {
        stat = { ruleId: rule.info.id, title: rule.info.title, hits: 0, timeMs: 0 };
        this.stats_.set(rule.info.id, stat);
      }
      const name = rule.name;
      const corr = this.correlation;
      const referenced = corr?.references(rule.info.id, name) ?? false;
      const correlationFields = referenced
        ? corr!
            .fieldsNeeded(rule.info.id, ...(name ? [name] : []))
            .map((f) => [f, rule.fieldMap?.[f] ?? f] as const)
        : undefined;
      return {
        rule,
        stat,
        silent: corr?.suppresses(rule.info.id, name) ?? false,
        correlationFields,
      };
    });
    for (const c of correlations) {
      this.stats_.set(c.id, { ruleId: c.id, title: c.title, hits: 0, timeMs: 0 });
    }
    this.ruleCount = new Set(rules.map((r) => r.info.id)).size + correlations.length;
    this.index = new RuleIndex(rules);
  }

  /** Matches one record; calls onDetection for every rule (and correlation) that fires. */
  match(record: EventRecord, onDetection: (d: Detection) => void): void {
    const channel = record.channel;
    if (channel !== this.lastChannel) {
      this.lastChannel = channel;
      this.lastChannelLower = channel.toLowerCase();
    }
    const bucket = this.index.bucket(this.lastChannelLower, record.eventId);
    const rules = bucket.rules;
    if (rules.length === 0) return;
    const view = this.view;
    view.reset(record);
    if (this.emitted.size > 0) this.emitted.clear();
    const prefilter = bucket.prefilter;
    if (prefilter) {
      const candidates = prefilter.candidates(this.prefilterText, this.keywordFeed, this.fieldFeed);
      const locals = candidates.rules;
      const n = candidates.count;
      for (let i = 0; i < n; i++) this.evaluate(rules[locals[i]!]!, view, onDetection);
    } else {
      for (let i = 0; i < rules.length; i++) this.evaluate(rules[i]!, view, onDetection);
    }
  }

  private evaluate(n: number, view: RecordView, onDetection: (d: Detection) => void): void {
    const state = this.states[n]!;
    let matched: boolean;
    if (this.timing) {
      const t0 = performance.now();
      matched = this.safeMatch(state.rule, view);
      state.stat.timeMs += performance.now() - t0;
    } else {
      matched = this.safeMatch(state.rule, view);
    }
    if (!matched) return;
    const info = state.rule.info;
    if (this.emitted.has(info)) return; // the same rule through a second logsource variant
    this.emitted.add(info);
    state.stat.hits++;
    const record = view.record;
    if (!state.silent) {
      const detection: Detection = {
        rule: info,
        timestamp: record.timestamp,
        host: record.computer,
        channel: record.channel,
        eventId: record.eventId,
        recordId: record.recordId,
        file: record.source.file,
        ...(record.source.tenant !== undefined ? { tenant: record.source.tenant } : {}),
        fields: detectionFields(state.rule, view),
      };
      onDetection(detection);
    }
    if (state.correlationFields && this.correlation) {
      const values: Record<string, string> = {};
      for (const [name, recordField] of state.correlationFields) {
        const v = view.raw(recordField);
        if (v !== undefined) values[name] = v;
      }
      const hit: CorrelationHit = {
        ruleId: info.id,
        ...(state.rule.name ? { ruleName: state.rule.name } : {}),
        timestamp: record.timestamp,
        values,
        host: record.computer,
        channel: record.channel,
        eventId: record.eventId,
        recordId: record.recordId,
        file: record.source.file,
        ...(record.source.tenant !== undefined ? { tenant: record.source.tenant } : {}),
      };
      if (this.routeHit) this.routeHit(hit);
      else this.correlation.onHit(hit, (d) => this.countCorrelation(d, onDetection));
    }
  }

  /** Evaluates a rule; a rule that throws on some odd value counts as not matching and is reported once per rule. */
  private safeMatch(rule: CompiledRule, view: RecordView): boolean {
    try {
      return rule.match(view);
    } catch (err) {
      this.errors++;
      if (this.onError && !this.failedRules.has(rule.info.id)) {
        this.failedRules.add(rule.info.id);
        const r = view.record;
        this.onError({
          ruleId: rule.info.id,
          file: r.source.file,
          recordId: r.recordId,
          reason: `rule '${rule.info.title}' failed on this record: ${(err as Error)?.message ?? String(err)}`,
        });
      }
      return false;
    }
  }

  /** Number of rule evaluations that threw (each counted as no match). */
  errorCount(): number {
    return this.errors;
  }

  private countCorrelation(d: Detection, onDetection: (d: Detection) => void): void {
    const stat = this.stats_.get(d.rule.id);
    if (stat) stat.hits++;
    onDetection(d);
  }

  /** End of input: emits pending correlation results. */
  flush(onDetection: (d: Detection) => void): void {
    if (!this.routeHit) this.correlation?.flush((d) => this.countCorrelation(d, onDetection));
  }

  /** Per-rule statistics: hits and time spent (when timing is on). */
  stats(): RuleStat[] {
    return [...this.stats_.values()].map((s) => ({ ...s }));
  }

  /** Index keys with their rule counts (for `rules explain` and benchmarks). */
  indexKeys(): { channel: string; eventId: string; rules: number }[] {
    return this.index.keys();
  }
}
