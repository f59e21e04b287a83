// The demo scenario: a provider and three client tenants, months of benign activity and a Cicada-style
// intrusion, written as real EVTX with its ground truth.
export { generateDemo, channelFileName, type DemoOptions, type DemoResult } from './generate.js';
export { SCALES, type DemoScale } from './tenants.js';
export type { DemoTruth, TruthStage, TruthTenant, TruthRecord } from './truth.js';
export { scoreDemo, type DemoScore, type StageScore } from './score.js';
export { generateDemoParallel } from './parallel.js';
