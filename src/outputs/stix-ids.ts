// Deterministic STIX identifiers (UUIDv5) and STIX timestamps.
import { createHash } from 'node:crypto';

/** Dwell's UUIDv5 namespace for every STIX id it writes (a fixed random UUID). */
export const DWELL_STIX_NAMESPACE = '6f0b8c1e-4d8a-4f8e-9b57-2f3a1c0d9e42';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** RFC 9562 UUID version 5 of `name` in `namespace`. */
export function uuidV5(name: string, namespace = DWELL_STIX_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A STIX id `type--uuid`, the same for the same type and key in every run. */
export function stixId(type: string, key: string): string {
  return `${type}--${uuidV5(`${type}:${key}`)}`;
}

/** A STIX timestamp (UTC, millisecond precision) or undefined for an invalid time. */
export function stixTime(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return undefined;
  const iso = d.toISOString();
  // Years outside 0000-9999 print as +yyyyyy, which is not a STIX timestamp.
  return iso.length === 24 ? iso : undefined;
}
