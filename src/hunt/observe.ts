// The correlation observer run on every record inside workers: H7's entity graph, snapshotted at the end.
import { EntityGraph, observeDetection, observeRecord, type GraphLimitOptions } from '../correlate/index.js';
import type { Detection } from '../engine/types.js';
import type { EventRecord } from '../event/types.js';

/** A per-worker entity graph and its record observer. */
export interface Observer {
  /** Observes a record, told the detections it matched (their hosts' edges survive a full edge table). */
  observe(record: EventRecord, detections: readonly Detection[]): void;
  snapshot(): unknown;
  /** The graph itself, for a hunt on the main thread (adopted as is: no snapshot, no merged copy). */
  readonly graph: EntityGraph;
}

/** Builds an observer feeding a fresh entity graph (with lowered caps, for tests). */
export async function createObserver(limits: GraphLimitOptions = {}): Promise<Observer> {
  const graph = new EntityGraph(limits);
  return {
    graph,
    observe: (record, detections) => {
      // Detections first: a sweep of the edge table this record's edge may start already knows its host.
      for (const d of detections) observeDetection(d, graph);
      observeRecord(record, graph);
    },
    // Posted straight away (structured clone copies it), so the no-copy view suffices: a full snapshot first
    // held the graph twice in each worker at the end of the scan.
    snapshot: () => graph.view(),
  };
}
