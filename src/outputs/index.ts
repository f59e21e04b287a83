// Public face of outputs: the formats a hunt writes.
export {
  buildNavigatorLayer,
  NavigatorTally,
  NAVIGATOR_VERSION,
  type NavigatorLayer,
  type NavigatorOptions,
  type NavigatorTechnique,
} from './navigator.js';
export { buildStixBundle, StixSightings, type StixBundle, type StixInput, type StixObject } from './stix.js';
export { DWELL_STIX_NAMESPACE, stixId, stixTime, uuidV5 } from './stix-ids.js';
export {
  escapeHtml,
  jsonForScript,
  renderHtmlReport,
  writeHtmlReport,
  type HtmlReportInput,
} from './html-report.js';
export {
  CsvTimelineWriter,
  CSV_COLUMNS,
  LineFileWriter,
  csvCell,
  csvLine,
  detailsText,
  isoTime,
} from './csv.js';
export { JsonlWriter, detectionToTimesketch } from './jsonl.js';
export {
  SummaryBuilder,
  buildSummary,
  formatSummary,
  type DamagedFile,
  type HuntSummary,
  type SummaryCounters,
} from './summary.js';
export { mergeRuleStats, sortedRuleStats, writeRuleStats, type RuleStat } from './rule-stats.js';
export { createProgress, type Progress, type ProgressState } from './progress.js';
