// A small, non-backtracking parser for one Windows `<Event>` element (the subset wevtutil and evtxexport
// write: elements, attributes, text, CDATA, comments, entities), and its mapping onto the evtx_dump layout.

/** One parsed element. */
export interface XmlNode {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlNode[];
  text: string;
}

const MAX_DEPTH = 64;

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replaces XML entity and character references; unknown ones are kept as written. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const amp = s.indexOf('&', i);
    if (amp < 0) break;
    out += s.slice(i, amp);
    const semi = s.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 12) {
      out += '&';
      i = amp + 1;
      continue;
    }
    const ref = s.slice(amp + 1, semi);
    let rep: string | undefined;
    if (ref.startsWith('#x') || ref.startsWith('#X')) {
      const cp = parseInt(ref.slice(2), 16);
      rep = Number.isFinite(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
    } else if (ref.startsWith('#')) {
      const cp = parseInt(ref.slice(1), 10);
      rep = Number.isFinite(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
    } else rep = NAMED_ENTITIES[ref];
    if (rep === undefined) {
      out += s.slice(amp, semi + 1);
    } else out += rep;
    i = semi + 1;
  }
  return out + s.slice(i);
}

function isNameEnd(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '/' || c === '>';
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** Parses the attributes between a tag's name and its `>` (or `/>`). */
function parseAttributes(s: string): Record<string, string> {
  const attrs = dict() as Record<string, string>;
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0) break;
    const name = s.slice(i, eq).trim();
    let q = eq + 1;
    while (q < s.length && (s[q] === ' ' || s[q] === '\t' || s[q] === '\n' || s[q] === '\r')) q++;
    const quote = s[q];
    if (quote !== '"' && quote !== "'") break;
    const close = s.indexOf(quote, q + 1);
    if (close < 0) break;
    if (name) attrs[localName(name)] = decodeEntities(s.slice(q + 1, close));
    i = close + 1;
  }
  return attrs;
}

/** Parses one element's text into a tree; throws an Error with a reason on malformed input. */
export function parseXmlElement(xml: string): XmlNode {
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      top.text += decodeEntities(xml.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(xml.slice(i, lt));
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw new Error('unterminated CDATA');
      top.text += xml.slice(lt + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<?', lt) || xml.startsWith('<!', lt)) {
      const end = xml.indexOf('>', lt + 2);
      if (end < 0) throw new Error('unterminated declaration');
      i = end + 1;
    } else if (xml[lt + 1] === '/') {
      const end = xml.indexOf('>', lt + 2);
      if (end < 0) throw new Error('unterminated end tag');
      const name = localName(xml.slice(lt + 2, end).trim());
      if (stack.length <= 1 || top.name !== name) throw new Error(`unexpected </${name}>`);
      stack.pop();
      i = end + 1;
    } else {
      const end = xml.indexOf('>', lt + 1);
      if (end < 0) throw new Error('unterminated start tag');
      let nameEnd = lt + 1;
      while (nameEnd < end && !isNameEnd(xml[nameEnd]!)) nameEnd++;
      const name = localName(xml.slice(lt + 1, nameEnd));
      if (!name) throw new Error('element without a name');
      const selfClosing = xml[end - 1] === '/';
      const node: XmlNode = {
        name,
        attrs: parseAttributes(xml.slice(nameEnd, selfClosing ? end - 1 : end)),
        children: [],
        text: '',
      };
      top.children.push(node);
      if (!selfClosing) {
        if (stack.length > MAX_DEPTH) throw new Error(`nesting deeper than ${MAX_DEPTH}`);
        stack.push(node);
      }
      i = end + 1;
    }
  }
  if (stack.length > 1) throw new Error(`element <${stack[stack.length - 1]!.name}> not closed`);
  const event = root.children[0];
  if (!event) throw new Error('no element');
  return event;
}

type Obj = Record<string, unknown>;

/**
 * An object without a prototype, for names taken from the input: a field or attribute named "__proto__" or
 * "constructor" is then a field like any other (on a plain object the first replaced its prototype and `in`
 * found the second on Object.prototype: both fields vanished).
 */
function dict(): Obj {
  return Object.create(null) as Obj;
}

function attrsOrNull(node: XmlNode): Obj | null {
  return Object.keys(node.attrs).length > 0 ? { '#attributes': { ...node.attrs } } : null;
}

function userDataValue(node: XmlNode, depth: number): unknown {
  if (node.children.length === 0 || depth > 8) return node.text;
  const out = dict();
  for (const child of node.children) {
    if (!(child.name in out)) out[child.name] = userDataValue(child, depth + 1);
  }
  return out;
}

/** Maps a parsed `<Event>` onto the evtx_dump JSON layout ObjectRecord reads. */
export function eventNodeToObject(event: XmlNode): Obj {
  const out = dict();
  for (const section of event.children) {
    if (section.name === 'System') {
      const system = dict();
      for (const f of section.children) {
        if (f.children.length === 0 && Object.keys(f.attrs).length === 0) system[f.name] = f.text;
        else if (f.name === 'EventID') system[f.name] = { '#attributes': { ...f.attrs }, '#text': f.text };
        else system[f.name] = attrsOrNull(f);
      }
      out.System = system;
    } else if (section.name === 'EventData') {
      const data = dict();
      const unnamed: string[] = [];
      for (const d of section.children) {
        const name = d.attrs.Name;
        if (d.name === 'Data' && name !== undefined) {
          if (!(name in data)) data[name] = d.text;
        } else if (d.name === 'Data') unnamed.push(d.text);
        else if (!(d.name in data)) data[d.name] = d.text;
      }
      if (unnamed.length === 1) data['#text'] = unnamed[0];
      else if (unnamed.length > 1) data['#text'] = unnamed;
      out.EventData = data;
    } else if (section.name === 'UserData') {
      out.UserData = userDataValue(section, 0);
    }
  }
  return { Event: out };
}
