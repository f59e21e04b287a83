// Inputs: find files, detect their format from content, stream their records; tenants per file.
export type {
  SourceFormat,
  SourceWarning,
  RecordSink,
  SourceInput,
  SourceKind,
  SourceStats,
} from './types.js';
export {
  discoverFiles,
  hasLogExtension,
  LOG_EXTENSIONS,
  type FoundFile,
  type DiscoverProblem,
} from './discover.js';
export { detectFormat, sniffFormat, type Detected } from './detect.js';
export { readSource, SOURCE_KINDS, registerSourceKind } from './registry.js';
export { recordFromJson, jsonLayoutOf } from './json-layouts.js';
export { JsonValueScanner } from './json-scanner.js';
export { parseXmlElement, eventNodeToObject, decodeEntities } from './xml-element.js';
export { Glob } from './glob.js';
export {
  parseTenantMap,
  loadTenantMap,
  tenantResolver,
  type TenantRule,
  type TenantResolver,
} from './tenants.js';
export { openByteStream, contentOf } from './byte-stream.js';
export { evtxKind, evtxChunkCount } from './evtx.js';
/** Reads a byte stream (stdin, a live feed): `readStream(bytes, { name, tenant, recover }, sink)`. */
export { readStream, type StreamOptions, type StreamStats } from './stream.js';
