// Encoding modifiers: utf16le / wide, utf16be, utf16 (with byte-order mark), base64 and base64offset. They turn
// a rule's value into the text it would appear as inside an event (e.g. a PowerShell -EncodedCommand).

/** The byte encodings a value can be converted to before base64. */
export type TextEncodingName = 'utf8' | 'utf16le' | 'utf16be' | 'utf16';

/** Encodes text into bytes with the given encoding (utf16 = little endian with a BOM). */
export function encodeText(text: string, encoding: TextEncodingName): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'utf16': {
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    }
    case 'utf16be': {
      const le = Buffer.from(text, 'utf16le');
      for (let i = 0; i + 1 < le.length; i += 2) {
        const a = le[i]!;
        le[i] = le[i + 1]!;
        le[i + 1] = a;
      }
      return le;
    }
  }
}

/** Plain base64 of the bytes (with padding), as the `base64` modifier produces. */
export function base64Of(bytes: Buffer): string {
  return bytes.toString('base64');
}

/**
 * The three base64 forms of `bytes` when they sit at offset 0, 1 or 2 (mod 3) inside a longer encoded text:
 * only the characters that do not depend on the unknown neighbouring bytes are kept.
 */
export function base64OffsetVariants(bytes: Buffer): string[] {
  const out: string[] = [];
  const startTrim = [0, 2, 3];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const encoded = padded.toString('base64');
    const endTrim = [0, 3, 2][(bytes.length + shift) % 3]!;
    const variant = encoded.slice(startTrim[shift]!, encoded.length - endTrim);
    if (variant.length > 0) out.push(variant);
  }
  return out;
}
