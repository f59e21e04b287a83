// XML rendering in evtxexport's layout (two-space indent, GUIDs in braces, 100 ns timestamps), with
// proper escaping of event data.
import { VALUE } from './constants.js';
import type { TemplateValues } from './instance.js';
import { NODE_ELEMENT, NODE_PI, NODE_SUBST, type ContentNode, type ElementNode, type Node } from './nodes.js';

const NEEDS_ESCAPE = /[&<>"]/;

function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** True when an element's content holds elements (directly or via nested BinXML values). */
function hasElementContent(el: ElementNode, tv: TemplateValues): boolean {
  for (const c of el.children) {
    if (c.kind === NODE_ELEMENT) return true;
    if (c.kind === NODE_SUBST && tv.slotType(c.slot) === VALUE.BINXML) return true;
  }
  return false;
}

function attrText(parts: readonly ContentNode[], tv: TemplateValues): string | null {
  if (parts.length === 1 && parts[0].kind === NODE_SUBST) {
    const t = tv.slotType(parts[0].slot);
    if (t === VALUE.NULL) return null;
  }
  return tv.partsText(parts, true);
}

function element(el: ElementNode, tv: TemplateValues, indent: string, depth: number): string {
  let s = indent + '<' + el.name;
  for (const a of el.attrs) {
    const v = attrText(a.parts, tv);
    if (v !== null) s += ' ' + a.name + '="' + escapeXml(v) + '"';
  }
  if (!hasElementContent(el, tv)) {
    const text = tv.partsText(el.children as ContentNode[], true);
    return text === '' ? s + '/>\n' : s + '>' + escapeXml(text) + '</' + el.name + '>\n';
  }
  s += '>\n' + nodes(el.children, tv, indent + '  ', depth) + indent + '</' + el.name + '>\n';
  return s;
}

function nodes(list: readonly Node[], tv: TemplateValues, indent: string, depth: number): string {
  let s = '';
  let pending: ContentNode[] | null = null;
  const flush = (): void => {
    if (pending === null) return;
    const text = tv.partsText(pending, true);
    if (text !== '') s += indent + escapeXml(text) + '\n';
    pending = null;
  };
  for (const n of list) {
    if (n.kind === NODE_ELEMENT) {
      flush();
      s += element(n, tv, indent, depth);
    } else if (n.kind === NODE_SUBST && tv.slotType(n.slot) === VALUE.BINXML) {
      flush();
      const nested = tv.nested(n.slot);
      if (nested !== null && depth < 16) s += nodes(nested.shape.nodes, nested, indent, depth + 1);
    } else if (n.kind === NODE_PI) {
      flush();
      s += indent + '<?' + n.target + (n.data ? ' ' + n.data : '') + '?>\n';
    } else {
      (pending ??= []).push(n);
    }
  }
  flush();
  return s;
}

/** Renders a record (or any template instance) as XML text, one element per line, ending in a newline. */
export function renderXml(record: TemplateValues): string {
  return nodes(record.shape.nodes, record, '', 0);
}
