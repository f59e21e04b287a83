// Plain-data inputs of the correlation engine: they cross worker threads, so no classes and no records.

/** One match of a rule that some correlation references, with the fields the correlation needs. */
export interface CorrelationHit {
  readonly ruleId: string;
  readonly ruleName?: string;
  /** Event time in ms since the Unix epoch. */
  readonly timestamp: number;
  /** Field values of the event: at least the fields `fieldsNeeded` named for this rule. */
  readonly values: Readonly<Record<string, string>>;
  readonly host: string;
  readonly channel: string;
  readonly eventId: number;
  readonly recordId: number;
  readonly file: string;
  readonly tenant?: string;
}

/** Memory bounds of the streaming windows. */
export interface CorrelationLimits {
  /** Groups kept per correlation rule; the least recently used group is closed and dropped beyond it. */
  readonly maxGroups?: number;
  /** Events kept per group (the oldest are dropped beyond it; event_count keeps at least threshold + 1). */
  readonly maxEventsPerGroup?: number;
}

/** Counters for reports and tests. */
export interface CorrelationStats {
  readonly hits: number;
  readonly detections: number;
  /** Groups closed early because of the group cap. */
  readonly evictedGroups: number;
  /** Events dropped because a group was full. */
  readonly droppedEvents: number;
  /** Hits ignored because a group-by field was missing. */
  readonly ungroupedHits: number;
  /** Hits with no usable timestamp. */
  readonly untimedHits: number;
  readonly liveGroups: number;
}
