// An EVTX fixture for carving: a two-chunk file whose second chunk holds all its records in slack space (its
// free-space offset moved to the end of the chunk header, checksums recomputed), and whose template there has
// an overwritten element name, as slack space often has. Carving must decode those records with the first
// chunk's copy of the template.
import { CHUNK_SIZE, FILE_HEADER_SIZE } from '../../src/evtx/index.js';
import { CHUNK_HEADER_SIZE } from '../../src/evtx/constants.js';
import { crc32 } from '../../src/evtx/crc32.js';
import { writeEvtx } from '../../src/evtx/writer.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';

/** The file's bytes, and where its second chunk starts. */
export function slackWithOverwrittenTemplate(events: readonly EventSpec[]): {
  bytes: Buffer;
  second: number;
} {
  const bytes = Buffer.from(writeEvtx([...events]));
  const second = FILE_HEADER_SIZE + CHUNK_SIZE;
  if (bytes.length < second + CHUNK_SIZE) throw new Error('slack fixture: the events do not fill two chunks');
  // The first record of chunk 1 defines its template inline; its first element name ("Event") follows the
  // definition header. Flip the case of one character: the name's stored hash no longer matches.
  const name = bytes.indexOf(Buffer.from('Event', 'utf16le'), second + CHUNK_HEADER_SIZE);
  if (name < 0 || name >= second + CHUNK_SIZE) throw new Error('slack fixture: no template name in chunk 1');
  bytes[name] ^= 0x20;
  const chunk = bytes.subarray(second, second + CHUNK_SIZE);
  chunk.writeUInt32LE(CHUNK_HEADER_SIZE, 0x30); // free space starts right after the header
  chunk.writeUInt32LE(crc32(chunk, CHUNK_HEADER_SIZE, CHUNK_HEADER_SIZE), 0x34);
  chunk.writeUInt32LE(crc32(chunk, CHUNK_HEADER_SIZE - 384, CHUNK_HEADER_SIZE, crc32(chunk, 0, 120)), 0x7c);
  return { bytes, second };
}
