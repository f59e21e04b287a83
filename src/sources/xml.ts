// XML inputs: wevtutil/evtxexport exports (`<Events><Event>...</Event>...`), UTF-8 or UTF-16, streamed
// element by element with indexOf scans (linear, no regex), each element bounded in size.
import { TextDecoder } from 'node:util';
import { contentOf } from './byte-stream.js';
import { eventNodeToObject, parseXmlElement } from './xml-element.js';
import { ObjectRecord } from '../event/object-record.js';
import type { RecordSink, SourceInput, SourceKind, SourceStats } from './types.js';
import { utf16Encoding } from './utf16-text.js';

const MAX_ELEMENT_CHARS = 8 * 1024 * 1024;

/** UTF-16 by its byte-order mark or a `<` beside a zero byte, else UTF-8. */
function encodingOf(head: Buffer): 'utf-8' | 'utf-16le' | 'utf-16be' {
  return utf16Encoding(head, (c) => c === 0x3c) ?? 'utf-8';
}

/** Index of the next `<Event` start tag (not `<Events` or `<EventData`) at or after `from`, or -1. */
function findEventStart(text: string, from: number): number {
  let i = from;
  for (;;) {
    const at = text.indexOf('<Event', i);
    if (at < 0 || at + 6 >= text.length) return at < 0 ? -1 : at;
    const c = text[at + 6];
    if (c === '>' || c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '/') return at;
    i = at + 6;
  }
}

async function readXml(input: SourceInput, sink: RecordSink): Promise<SourceStats> {
  const stats: SourceStats = { records: 0, warnings: 0, unreadable: false };
  let decoder: TextDecoder | undefined;
  let pending = '';
  let elements = 0;
  let bytes = 0;
  const warn = (reason: string, record?: number) => {
    stats.warnings++;
    sink.warning({ file: input.path, record, reason });
  };
  const emit = (xml: string) => {
    elements++;
    try {
      const node = parseXmlElement(xml);
      stats.records++;
      sink.record(new ObjectRecord(eventNodeToObject(node), { file: input.path, tenant: input.tenant }));
    } catch (err) {
      warn(`malformed <Event> element: ${(err as Error).message}`, elements);
    }
  };
  // While an element is open, `pending` starts with it and `endFrom` is where the search for its end tag
  // resumes, so each character is scanned once. An element over the size limit is dropped (`discarding`)
  // and reading resumes after its end tag.
  let endFrom = 0;
  let discarding = false;
  const drain = (final: boolean) => {
    let pos = 0;
    for (;;) {
      if (discarding) {
        const close = pending.indexOf('</Event>', pos);
        if (close < 0) {
          pending = pending.slice(Math.max(pos, pending.length - 7));
          return;
        }
        discarding = false;
        pos = close + 8;
        continue;
      }
      const start = findEventStart(pending, pos);
      if (start < 0) {
        // Keep only a tail long enough to hold a split '<Event' token.
        pending = pending.slice(Math.max(pos, pending.length - 6));
        endFrom = 0;
        return;
      }
      if (start + 6 >= pending.length && !final) {
        pending = pending.slice(start);
        endFrom = 0;
        return;
      }
      const end = pending.indexOf('</Event>', Math.max(start, start + endFrom));
      if (end < 0) {
        if (final) {
          elements++;
          warn('input ends inside an <Event> element (file cut short?)', elements);
          pending = '';
          return;
        }
        pending = pending.slice(start);
        endFrom = Math.max(0, pending.length - 7);
        if (pending.length > MAX_ELEMENT_CHARS) {
          elements++;
          warn(`<Event> element larger than ${MAX_ELEMENT_CHARS} characters skipped`, elements);
          discarding = true;
          pending = pending.slice(pending.length - 7);
          endFrom = 0;
        }
        return;
      }
      emit(pending.slice(start, end + 8));
      endFrom = 0;
      pos = end + 8;
    }
  };
  // A byte stream with neither an <Event> element nor an <Events> root is not an event export (an HTML error
  // page fetched instead of the log, say): it is warned about, so it counts as unreadable, not as read and
  // empty. Files are not: a folder's other XML files (scheduled tasks, configuration) are read quietly.
  let rooted = false;
  let rootTail = '';
  // The encoding is decided on the first bytes, held until there are enough of them (a stream may deliver
  // its bytes one at a time).
  let head: Buffer | undefined = Buffer.alloc(0);
  const decode = (chunk: Buffer, final: boolean) => {
    if (head) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 4 && !final) return;
      chunk = head;
      head = undefined;
      decoder = new TextDecoder(encodingOf(chunk), { fatal: false, ignoreBOM: false });
    }
    const text = decoder!.decode(chunk, { stream: !final });
    if (!rooted && elements === 0) {
      // Only the new text and the tail before it are searched, so each character is looked at once.
      rooted = (rootTail + text).includes('<Events');
      rootTail = text.length >= 6 ? text.slice(-6) : (rootTail + text).slice(-6);
    }
    pending += text;
    drain(false);
  };
  try {
    for await (const chunk of contentOf(input)) {
      bytes += chunk.length;
      decode(chunk, false);
    }
    decode(Buffer.alloc(0), true);
  } catch (err) {
    warn(`read failed: ${(err as Error).message}`);
  }
  drain(true);
  if (input.bytes && elements === 0 && !rooted && bytes > 0 && stats.warnings === 0)
    warn('no <Event> element and no <Events> root: not a Windows event log export');
  stats.unreadable = stats.records === 0 && bytes > 0 && stats.warnings > 0;
  return stats;
}

/** The XML kind: content starts with `<` (UTF-8 or UTF-16). */
export const xmlKind: SourceKind = {
  format: 'xml',
  extensions: ['xml'],
  sniff(head) {
    const enc = encodingOf(head);
    let i =
      enc === 'utf-8'
        ? head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf
          ? 3
          : 0
        : head[0] === 0x3c || head[1] === 0x3c
          ? 0
          : 2;
    const step = enc === 'utf-8' ? 1 : 2;
    const lo = enc === 'utf-16be' ? 1 : 0;
    for (; i + lo < head.length; i += step) {
      const c = head[i + lo]!;
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
      return c === 0x3c;
    }
    return false;
  },
  read: readXml,
};
