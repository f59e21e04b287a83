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
}

/** Wraps intrusions into the documented JSON document (write it with `JSON.stringify(doc, null, 2)`). */
export function intrusionsDocument(
  intrusions: readonly Intrusion[],
  generated = new Date(),
): IntrusionsDocument {
  return {
    format: INTRUSIONS_SCHEMA_ID,
    generated: generated.toISOString(),
    count: intrusions.length,
    intrusions,
  };
}
