// The hunt: `runHunt` runs the whole job (inputs → rules on worker threads → dedup → correlation → outputs).
export { runHunt, huntRulePaths } from './run.js';
export type { HuntOptions, HuntResult, HuntWarning, RuleFilter } from './types.js';
export { ruleSelector, dwellRulesDir, packageRoot, loadMuteList } from './rules.js';
export { DetectionDeduper, recordKey, hash53 } from './dedup.js';
export { DetectionSorter, compareDetections } from './sort.js';
export { planHunt, type HuntPlan, type PlanProblem } from './plan.js';
export type { HuntJob, JobResult } from './scan.js';
export type { DetectionBatch } from './detection-batch.js';
