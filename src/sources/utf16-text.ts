// UTF-16 text inputs: the encoding their first bytes announce (XML and JSON), and JSON read as UTF-8. Windows
// PowerShell 5 writes `Out-File` and `>` redirections as UTF-16LE with a byte-order mark, so `Get-WinEvent ... |
// ConvertTo-Json > events.json` gives a JSON file in UTF-16. The JSON scanner works on UTF-8 bytes; utf8Chunks
// turns such a stream into UTF-8 chunk by chunk (never the whole file).
import { TextDecoder } from 'node:util';

/**
 * The UTF-16 encoding the first bytes announce: a byte-order mark, or a zero byte beside a first character the
 * format opens with (`opens`: `<` for XML, `{` or `[` for JSON); undefined for anything else.
 */
export function utf16Encoding(
  head: Buffer,
  opens: (c: number | undefined) => boolean,
): 'utf-16le' | 'utf-16be' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (opens(head[0]) && head[1] === 0x00) return 'utf-16le';
  if (head[0] === 0x00 && opens(head[1])) return 'utf-16be';
  return undefined;
}

/** utf16Encoding for JSON text, which opens with `{` or `[`. */
export function utf16JsonEncoding(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  return utf16Encoding(head, (c) => c === 0x7b || c === 0x5b);
}

/**
 * The chunks as UTF-8 when they hold UTF-16 text (decided on their first two bytes, see utf16JsonEncoding; the
 * byte-order mark is dropped, unpaired surrogates become U+FFFD), else unchanged.
 */
export async function* utf8Chunks(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  let decoder: TextDecoder | undefined;
  for await (const chunk of chunks) {
    let bytes = chunk;
    if (head !== undefined) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 2) continue;
      bytes = head;
      head = undefined;
      const encoding = utf16JsonEncoding(bytes);
      if (encoding) decoder = new TextDecoder(encoding);
    }
    if (!decoder) yield bytes;
    else {
      const text = decoder.decode(bytes, { stream: true });
      if (text !== '') yield Buffer.from(text, 'utf8');
    }
  }
  if (head !== undefined && head.length > 0) yield head;
  else if (decoder) {
    const rest = decoder.decode();
    if (rest !== '') yield Buffer.from(rest, 'utf8');
  }
}
