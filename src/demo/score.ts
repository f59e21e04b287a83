// Scores a hunt against the demo's ground truth: which stages were detected, by which rules, and which
// detections of Dwell's own rules fell on benign records.
import { isAbsolute, relative, resolve } from 'node:path';
import type { Detection } from '../engine/types.js';
import type { DemoTruth } from './truth.js';

export interface StageScore {
  readonly id: string;
  readonly name: string;
  readonly row: number;
  readonly detected: boolean;
  /** Titles of the rules that fired on the stage's records. */
  readonly rules: readonly string[];
}

export interface DemoScore {
  readonly stages: StageScore[];
  readonly detectedStages: number;
  /** Detections on records that are not in the truth (correlations excluded: they summarise groups). */
  readonly benignDetections: Detection[];
}

/** Compares detections with truth.json; `demoDir` is the folder truth.json's file paths are relative to. */
export function scoreDemo(truth: DemoTruth, detections: Iterable<Detection>, demoDir: string): DemoScore {
  const stageOfRecord = new Map<string, number>();
  truth.stages.forEach((stage, index) => {
    for (const r of stage.records) stageOfRecord.set(`${r.file}#${r.recordId}`, index);
  });
  const rulesByStage = truth.stages.map(() => new Set<string>());
  const benignDetections: Detection[] = [];
  const base = resolve(demoDir);
  for (const d of detections) {
    if (d.correlation) continue;
    const file = (isAbsolute(d.file) ? relative(base, d.file) : relative(base, resolve(d.file)))
      .split('\\')
      .join('/');
    const index = stageOfRecord.get(`${file}#${d.recordId}`);
    if (index === undefined) benignDetections.push(d);
    else rulesByStage[index].add(d.rule.title);
  }
  const stages = truth.stages.map((s, i) => ({
    id: s.id,
    name: s.name,
    row: s.row,
    detected: rulesByStage[i].size > 0,
    rules: [...rulesByStage[i]].sort(),
  }));
  return { stages, detectedStages: stages.filter((s) => s.detected).length, benignDetections };
}
