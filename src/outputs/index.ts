// Public face of outputs: the formats a hunt writes.
export {
  buildNavigatorLayer,
  NAVIGATOR_VERSION,
  type NavigatorLayer,
  type NavigatorOptions,
  type NavigatorTechnique,
} from './navigator.js';
export { buildStixBundle, type StixBundle, type StixInput, type StixObject } from './stix.js';
export { DWELL_STIX_NAMESPACE, stixId, stixTime, uuidV5 } from './stix-ids.js';
export { escapeHtml, jsonForScript, renderHtmlReport, type HtmlReportInput } from './html-report.js';
