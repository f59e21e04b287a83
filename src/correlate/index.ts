// Public face of correlate: the entity graph hunt workers fill, and the intrusions built from it.
export { EntityGraph, GRAPH_LIMITS, type GraphLimitOptions } from './graph.js';
export { EDGE_EVICTION_SHARE } from './edge-cap.js';
export type {
  AccountSnapshot,
  AddressSnapshot,
  EdgeSnapshot,
  EntityGraphSnapshot,
  HostSnapshot,
  ProcessSessionSnapshot,
  SessionSnapshot,
  TimedSample,
} from './graph-types.js';
export { observeDetection, observeRecord } from './observe.js';
export {
  buildIntrusions,
  newIntrusionBuildStats,
  type BuildIntrusionsOptions,
  type IntrusionBuildStats,
} from './intrusions.js';
export {
  DetectionDigest,
  DIGEST_LIMITS,
  byDetectionOrder,
  type DigestSize,
  type PairDigest,
} from './digest.js';
export { SPAN_GAP_MS, addTime, nearSpans, spansMeet, unionSpans, type Spans } from './spans.js';
export { INTRUSION_THRESHOLD, intrusionScore, isIntrusion } from './score.js';
export { FILE_SERVER_MIN_ACCESSES, FILE_SERVER_MIN_SOURCES } from './roles.js';
export {
  intrusionsDocument,
  INTRUSIONS_SCHEMA_ID,
  type CorrelationCaps,
  type IntrusionsDocument,
} from './document.js';
export {
  accountUser,
  hostKey,
  isGenericAccount,
  isMachineAccount,
  machineAccountHost,
  normalizeAccount,
  normalizeAddress,
  normalizeLogonId,
  shortHostName,
} from './normalize.js';
export type * from './types.js';
