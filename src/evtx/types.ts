// Plain data the EVTX reader reports besides records: warnings, header facts and per-file statistics.

/** Something skipped or suspicious in a file; processing continued. */
export interface EvtxWarning {
  readonly file: string;
  /** Chunk index (0-based), or -1 for the file header. */
  readonly chunk: number;
  /** Byte offset in the file where the problem is. */
  readonly offset: number;
  readonly reason: string;
}

/** The EVTX file header. */
export interface EvtxFileHeader {
  readonly firstChunk: number;
  readonly lastChunk: number;
  readonly nextRecordId: number;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly headerBlockSize: number;
  readonly chunkCount: number;
  /** Bit 1: dirty (not closed cleanly), bit 2: full. */
  readonly flags: number;
  readonly dirty: boolean;
  readonly full: boolean;
  readonly checksumOk: boolean;
}

/** What reading a file found; filled in as records are read, complete when iteration ends. */
export interface EvtxFileStats {
  fileSize: number;
  header: EvtxFileHeader | null;
  /** Chunks that held a chunk header or records (all-zero chunks excluded). */
  chunks: number;
  /** Chunks with a bad magic, bad checksums or undecodable records. */
  damagedChunks: number;
  /** Records read normally. */
  records: number;
  /** Records carved from slack space or damaged chunks. */
  recovered: number;
  /** Records whose framing was found but whose content could not be decoded. */
  skipped: number;
}

/** Options for reading EVTX. */
export interface EvtxReadOptions {
  /** Carve records from slack space and damaged chunks (default true). */
  recover?: boolean;
  /** Verify chunk header and record data CRC32s and warn on mismatch (default true). */
  checksums?: boolean;
  /** Called for every warning as it happens (warnings are also collected on the reader). */
  onWarning?: (w: EvtxWarning) => void;
}
