// Streaming evaluation of Sigma correlation rules (event_count, value_count, temporal, temporal_ordered and
// the value aggregations) over rule hits, with bounded memory.
export { CorrelationEngine, boundHit } from './engine.js';
export { CorrelationWindow, type WindowResult } from './window.js';
export { measure, satisfies, isMonotone, type WindowEntry } from './aggregate.js';
export type { CorrelationHit, CorrelationLimits, CorrelationStats } from './types.js';
