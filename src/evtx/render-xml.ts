// XML rendering in evtxexport's layout (two-space indent, GUIDs in braces, 100 ns timestamps), with
// proper escaping of event data.
import type { FieldValue } from '../event/types.js';
import { ARRAY_FLAG, VALUE } from './constants.js';
import { RENDER_BUDGET } from './render-json.js';
import { textOf } from './values.js';
import type { TemplateValues } from './instance.js';
import { NODE_ELEMENT, NODE_PI, NODE_SUBST, type ContentNode, type ElementNode, type Node } from './nodes.js';

const NEEDS_ESCAPE = /[&<>]/;
const NEEDS_ATTR_ESCAPE = /[&<>"]/;

/** Escapes element text (&, <, >); event data may hold markup. */
function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes attribute values (also the quote that delimits them). */
function escapeAttr(s: string): string {
  if (!NEEDS_ATTR_ESCAPE.test(s)) return s;
  return escapeXml(s).replace(/"/g, '&quot;');
}

const BLANK = /^[ \t\r\n]*$/;

/** Whitespace with a line break: evtxexport (like Event Viewer) shows such content as empty. */
function isBlankLines(text: string): boolean {
  return text.includes('\n') && BLANK.test(text);
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

/** Node visits left for the current render: bounds expansion of repeated nested-BinXML references. */
let budget = 0;

function element(el: ElementNode, tv: TemplateValues, indent: string, depth: number): string {
  if (--budget < 0) return '';
  let s = indent + '<' + el.name;
  for (const a of el.attrs) {
    const v = attrText(a.parts, tv);
    if (v !== null) s += ' ' + a.name + '="' + escapeAttr(v) + '"';
  }
  if (!hasElementContent(el, tv)) {
    const only = el.children.length === 1 ? el.children[0] : undefined;
    // An element whose only content is an optional substitution with no value is left out.
    if (
      only !== undefined &&
      only.kind === NODE_SUBST &&
      only.optional &&
      tv.slotType(only.slot) === VALUE.NULL
    ) {
      return '';
    }
    if (only !== undefined && only.kind === NODE_SUBST && (tv.slotType(only.slot) & ARRAY_FLAG) !== 0) {
      // An array value repeats the element once per item (an empty array gives one empty element).
      const items = tv.slotValue(only.slot, true);
      if (Array.isArray(items) && items.length > 0) {
        let out = '';
        for (const item of items) {
          const text = textOf(item as FieldValue);
          out += text === '' ? s + '/>\n' : s + '>' + escapeXml(text) + '</' + el.name + '>\n';
        }
        return out;
      }
    }
    const text = tv.partsText(el.children as ContentNode[], true);
    return text === '' || isBlankLines(text)
      ? s + '/>\n'
      : s + '>' + escapeXml(text) + '</' + el.name + '>\n';
  }
  const inner = nodes(el.children, tv, indent + '  ', depth);
  return inner === '' ? s + '/>\n' : s + '>\n' + inner + indent + '</' + el.name + '>\n';
}

function contentRun(
  list: readonly Node[],
  from: number,
  to: number,
  tv: TemplateValues,
  indent: string,
): string {
  if (from >= to) return '';
  const text = tv.partsText(list.slice(from, to) as ContentNode[], true);
  return text === '' ? '' : indent + escapeXml(text) + '\n';
}

function nodes(list: readonly Node[], tv: TemplateValues, indent: string, depth: number): string {
  let s = '';
  // Start of the current run of text-like content (rendered together on one line), or -1.
  let run = -1;
  for (let i = 0; i < list.length; i++) {
    if (--budget < 0) break;
    const n = list[i];
    if (n.kind === NODE_ELEMENT) {
      if (run >= 0) s += contentRun(list, run, i, tv, indent);
      run = -1;
      s += element(n, tv, indent, depth);
    } else if (n.kind === NODE_SUBST && tv.slotType(n.slot) === VALUE.BINXML) {
      if (run >= 0) s += contentRun(list, run, i, tv, indent);
      run = -1;
      const nested = tv.nested(n.slot);
      if (nested !== null && depth < 16) s += nodes(nested.shape.nodes, nested, indent, depth + 1);
    } else if (n.kind === NODE_PI) {
      if (run >= 0) s += contentRun(list, run, i, tv, indent);
      run = -1;
      s += indent + '<?' + n.target + (n.data ? ' ' + n.data : '') + '?>\n';
    } else if (run < 0) {
      run = i;
    }
  }
  if (run >= 0) s += contentRun(list, run, list.length, tv, indent);
  return s;
}

/** Renders a record (or any template instance) as XML text, one element per line, ending in a newline. */
export function renderXml(record: TemplateValues): string {
  budget = RENDER_BUDGET;
  return nodes(record.shape.nodes, record, '', 0);
}
