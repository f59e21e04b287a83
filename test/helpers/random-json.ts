// Valid JSON text of a document written the many ways JSON allows: random whitespace between tokens, and
// characters of keys and strings written as \u escapes at random. JSON.parse of the text gives the document.

/** JSON text of `doc` with random whitespace and escapes drawn from `rand` (a seeded generator). */
export function randomJsonText(rand: () => number, doc: unknown): string {
  const ws = (): string => (rand() < 0.6 ? '' : [' ', '\n', '\t', '\r\n'][Math.floor(rand() * 4)]!);
  const str = (s: string): string => {
    let out = '"';
    for (const ch of s) {
      const code = ch.codePointAt(0)!;
      if (ch === '"' || ch === '\\') out += `\\${ch}`;
      else if (code < 0x20 || (rand() < 0.15 && code < 0x10000))
        out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += ch;
    }
    return `${out}"`;
  };
  const write = (v: unknown): string => {
    if (typeof v === 'string') return str(v);
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${ws()}${v.map(write).join(`${ws()},${ws()}`)}${ws()}]`;
    const members = Object.entries(v).map(([k, x]) => `${str(k)}${ws()}:${ws()}${write(x)}`);
    return `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`;
  };
  return `${ws()}${write(doc)}${ws()}`;
}
