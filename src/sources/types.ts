// What every input format reader shares: the warning shape, the sink records flow into, and the Kind contract.
import type { EventRecord } from '../event/types.js';
import type { TemplateIds } from '../evtx/index.js';

/** Input formats Dwell reads; gzip is a wrapper around any of them, not a format. */
export type SourceFormat = 'evtx' | 'json' | 'xml';

/** A problem met while reading an input: names the file, where in it, and why. Processing continues. */
export interface SourceWarning {
  readonly file: string;
  /** 1-based record (value/element) number in the file, when known. */
  readonly record?: number;
  /** 1-based line, for text formats. */
  readonly line?: number;
  /** Byte offset (of the decompressed stream for gzip input). */
  readonly offset?: number;
  readonly reason: string;
}

/** Where a reader delivers what it finds. */
export interface RecordSink {
  record(record: EventRecord): void;
  warning(warning: SourceWarning): void;
}

/** One input (a file, or a byte stream such as standard input) as the readers see it. */
export interface SourceInput {
  /** The file to open; for a byte stream (`bytes`), only the name records and warnings carry (`<stdin>`). */
  readonly path: string;
  /**
   * The content as a stream of byte chunks instead of opening `path`, already decompressed (`gzip` then only
   * says it was compressed). Read once, front to back: EVTX is read chunk by chunk, `chunks` is ignored.
   */
  readonly bytes?: AsyncIterable<Buffer>;
  readonly format: SourceFormat;
  readonly gzip: boolean;
  /** Tenant stamped on every record's `source.tenant`. */
  readonly tenant?: string;
  /** EVTX only: carve records from slack space and damaged chunks (default true). */
  readonly recover?: boolean;
  /** EVTX only: read chunks [from, to) of the file (a slice of a big file handled by one worker). */
  readonly chunks?: { readonly from: number; readonly to: number };
  /**
   * EVTX only: templates by id that carved records whose definition was overwritten may borrow (a hunt's
   * catalogue, see readTemplateCatalogue); each reading starts from a copy and adds its own.
   */
  readonly templateIds?: TemplateIds;
}

/** What a reader reports when a file is done. */
export interface SourceStats {
  records: number;
  warnings: number;
  /** True when the file could not be read at all (nothing came out of it and it was not empty). */
  unreadable: boolean;
}

/** One reader per format (Chainsaw-style `Kind`): adding a format is adding a module. */
export interface SourceKind {
  readonly format: SourceFormat;
  /** Usual file extensions (lower case, without dot); a hint only, content decides. */
  readonly extensions: readonly string[];
  /** True when the first bytes (after gzip decompression) look like this format. */
  sniff(head: Buffer): boolean;
  /** Streams the file's records into the sink; never throws for bad content. */
  read(input: SourceInput, sink: RecordSink): Promise<SourceStats>;
}
