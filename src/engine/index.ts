// The Sigma engine: load and compile rule sets, match records, report per-rule statistics.
export {
  loadRuleSet,
  readRuleSources,
  compileRuleSources,
  type RuleSet,
  type RuleSources,
  type RuleOutcome,
  type LoadOptions,
  type CompileOptions,
} from './load.js';
export { Engine, type EngineOptions, type EngineError, type RuleStat } from './engine.js';
export type { CompiledRule } from './compile-rule.js';
export { RecordView } from './record-view.js';
export { RuleIndex } from './rule-index.js';
export { CONTEXT_FIELDS } from './detection-fields.js';
export { BIDI_CONTROLS, terminalText, unicodeEscape } from './terminal-text.js';
export type { RuleProblem } from '../sigma/types.js';
export { LEVELS, type Detection, type RuleInfo, type Level } from './types.js';
export {
  checkReport,
  formatCheckReport,
  explainRule,
  findRule,
  type RuleCheckReport,
  type FolderCounts,
} from './rule-report.js';
