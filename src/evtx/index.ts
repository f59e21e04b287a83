// Public face of the EVTX reader (and writer): read files or buffers into lazy records, render them.
export { CHUNK_SIZE, FILE_HEADER_SIZE } from './constants.js';
export { crc32 } from './crc32.js';
export { parseChunk, readFileHeader } from './chunk.js';
export type { ChunkHeaderInfo, ChunkLocation, ChunkOptions, ChunkResult } from './chunk.js';
export type { TemplateIds } from './instance.js';
export { EvtxRecord } from './record.js';
export { EvtxReader, StaleCopyFilter, openEvtx, parseEvtxBuffer, readEvtxFile } from './reader.js';
export { renderJson, stringifyJson } from './render-json.js';
export type { JsonObject, JsonValue } from './render-json.js';
export { renderXml } from './render-xml.js';
export type { EvtxFileHeader, EvtxFileStats, EvtxReadOptions, EvtxWarning } from './types.js';
export { EvtxEncoder, EvtxFileWriter, buildFileHeader, writeEvtx } from './writer.js';
export type { EvtxWriteSummary } from './writer.js';
export type { EventDataValue, EventSpec, TypedValue } from './writer-types.js';
export { ChunkPool, planChunkJobs, runChunkJobs, tuneJitForWorkers } from './parallel.js';
export type { ChunkJob, ChunkPoolOptions } from './parallel.js';
export { readChunks, readHeaderBlock } from './parallel-read.js';
export type { JobChunk } from './parallel-read.js';
