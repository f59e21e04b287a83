// The correlation observer run on every record inside workers: H7's entity graph, snapshotted at the end.
import { EntityGraph, observeRecord } from '../correlate/index.js';
import type { EventRecord } from '../event/types.js';

/** A per-worker entity graph and its record observer. */
export interface Observer {
  observe(record: EventRecord): void;
  snapshot(): unknown;
  /** The graph itself, for a hunt on the main thread (adopted as is: no snapshot, no merged copy). */
  readonly graph: EntityGraph;
}

/** Builds an observer feeding a fresh entity graph. */
export async function createObserver(): Promise<Observer> {
  const graph = new EntityGraph();
  return {
    graph,
    observe: (record) => observeRecord(record, graph),
    // Posted straight away (structured clone copies it), so the no-copy view suffices: a full snapshot first
    // held the graph twice in each worker at the end of the scan.
    snapshot: () => graph.view(),
  };
}
