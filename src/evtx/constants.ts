// Fixed sizes, signatures, BinXML token and value type codes of the EVTX format (libyal's EVTX notes).

/** Size of the file header block; the first chunk starts here. */
export const FILE_HEADER_SIZE = 4096;
/** Every chunk is 64 KiB. */
export const CHUNK_SIZE = 65536;
/** Chunk header size; event records start at this offset inside a chunk. */
export const CHUNK_HEADER_SIZE = 512;
/** Size of an event record header (signature, size, record id, written time). */
export const RECORD_HEADER_SIZE = 24;
/** "**\0\0" as a little-endian uint32: the event record signature. */
export const RECORD_SIGNATURE = 0x00002a2a;

/** BinXML token codes (the 0x40 "more data / has attributes" flag is masked off before comparing). */
export const TOKEN = {
  EOF: 0x00,
  OPEN_START_ELEMENT: 0x01,
  CLOSE_START_ELEMENT: 0x02,
  CLOSE_EMPTY_ELEMENT: 0x03,
  END_ELEMENT: 0x04,
  VALUE: 0x05,
  ATTRIBUTE: 0x06,
  CDATA: 0x07,
  CHAR_REF: 0x08,
  ENTITY_REF: 0x09,
  PI_TARGET: 0x0a,
  PI_DATA: 0x0b,
  TEMPLATE_INSTANCE: 0x0c,
  NORMAL_SUBSTITUTION: 0x0d,
  OPTIONAL_SUBSTITUTION: 0x0e,
  FRAGMENT_HEADER: 0x0f,
} as const;

/** BinXML value types; OR with ARRAY_FLAG for an array of that type. */
export const VALUE = {
  NULL: 0x00,
  STRING: 0x01,
  ANSI_STRING: 0x02,
  INT8: 0x03,
  UINT8: 0x04,
  INT16: 0x05,
  UINT16: 0x06,
  INT32: 0x07,
  UINT32: 0x08,
  INT64: 0x09,
  UINT64: 0x0a,
  REAL32: 0x0b,
  REAL64: 0x0c,
  BOOL: 0x0d,
  BINARY: 0x0e,
  GUID: 0x0f,
  SIZE_T: 0x10,
  FILETIME: 0x11,
  SYSTEMTIME: 0x12,
  SID: 0x13,
  HEX32: 0x14,
  HEX64: 0x15,
  EVT_HANDLE: 0x20,
  BINXML: 0x21,
  EVT_XML: 0x23,
} as const;

/** Set on a value type to mark an array of that type. */
export const ARRAY_FLAG = 0x80;

/** Deepest element nesting (and nested BinXML) we follow; hostile files cannot recurse beyond it. */
export const MAX_DEPTH = 64;
