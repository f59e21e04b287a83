// The JSON document `dwell hunt --intrusions FILE` writes (schema: docs/intrusions.schema.json).
import type { Intrusion } from './types.js';

/** Identifies the document format; bump on incompatible changes. */
export const INTRUSIONS_SCHEMA_ID = 'dwell-intrusions/1';

export interface IntrusionsDocument {
  readonly format: typeof INTRUSIONS_SCHEMA_ID;
  readonly generated: string;
  /** How many intrusions there are, and the threshold that kept scattered noise out. */
  readonly count: number;
  readonly intrusions: readonly Intrusion[];
  /** What the correlation's memory caps left out; present only when something was (a flood of entities). */
  readonly capped?: CorrelationCaps;
}

/** Counts of what bounded correlation did not keep (see docs/intrusions.md, "Limits"). */
export interface CorrelationCaps {
  /** Hosts, accounts, addresses, edges and sessions the entity graph did not keep (GRAPH_LIMITS). */
  readonly graphEntities: number;
  /** Detections of (rule, host, tenant) pairs beyond DIGEST_LIMITS.pairs: counted, not correlated. */
  readonly detections: number;
  /** Account observations past GRAPH_LIMITS.accounts (the account table is not used to correlate). */
  readonly accounts?: number;
}

/** Wraps intrusions into the documented JSON document (write it with `JSON.stringify(doc, null, 2)`). */
export function intrusionsDocument(
  intrusions: readonly Intrusion[],
  generated = new Date(),
  capped?: CorrelationCaps,
): IntrusionsDocument {
  const left = capped && (capped.graphEntities > 0 || capped.detections > 0 || (capped.accounts ?? 0) > 0);
  return {
    format: INTRUSIONS_SCHEMA_ID,
    generated: generated.toISOString(),
    count: intrusions.length,
    intrusions,
    ...(left
      ? {
          capped: {
            graphEntities: capped.graphEntities,
            detections: capped.detections,
            ...(capped.accounts ? { accounts: capped.accounts } : {}),
          },
        }
      : {}),
  };
}
