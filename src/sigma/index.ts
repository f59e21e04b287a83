// Sigma: reading and validating rules, filters and correlation documents, conditions, modifiers, logsources.
export * from './types.js';
export { listRuleFiles, parseYamlDocuments, readYamlFile, type YamlDocument } from './yaml-source.js';
export { parseCondition, ConditionError, namePatternMatches, referencedNames } from './condition.js';
export { parseDetection, type ParsedDetection } from './detection.js';
export { parseDocument, type DocumentResult } from './rule.js';
export {
  loadLogsourceMapping,
  resolveLogsource,
  defaultMappingFile,
  defaultExpandDir,
  type LogsourceTarget,
  type LogsourceMappingEntry,
  type LogsourceResolution,
} from './logsource.js';
export * as modifiers from './modifiers/index.js';
export { parseCorrelation, isCorrelationDocument, isRuleProblem, parseTimespan } from './correlation.js';
export { linkCorrelations, type CorrelationLinks, type RuleIdentity } from './correlation-links.js';
export * from './correlation-types.js';
