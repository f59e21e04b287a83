// evtx_dump-compatible JSON: elements become keys, attributes go under "#attributes", text under "#text"
// when the element also has attributes, <Data Name="X"> becomes key X, repeated keys get _1, _2 suffixes.
import type { FieldValue } from '../event/types.js';
import { VALUE } from './constants.js';
import type { TemplateValues } from './instance.js';
import {
  NODE_CDATA,
  NODE_CHARREF,
  NODE_ELEMENT,
  NODE_ENTITYREF,
  NODE_SUBST,
  NODE_TEXT,
  charRefText,
  entityText,
  type ContentNode,
  type Node,
} from './nodes.js';

/** A JSON value as rendered (bigint for 64-bit integers beyond 2^53). */
export type JsonValue = FieldValue | JsonObject;
/** A JSON object; null-prototype so that event data can never touch Object.prototype. */
export interface JsonObject {
  [key: string]: JsonValue;
}

interface Frame {
  container: JsonObject;
  key: string;
  gotText: boolean;
  /** An unnamed <Data>: keeps its position in the "#text" array even when empty. */
  unnamedData: boolean;
}

function newObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmptyPlaceholder(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (!isObject(v)) return false;
  for (const _ in v) return false;
  return true;
}

class JsonBuilder {
  readonly root = newObject();
  private readonly stack: Frame[] = [];

  /** The object the current element's children go into (turning a placeholder into an object). */
  private parentObject(): JsonObject {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) return this.root;
    const v = top.container[top.key];
    if (isObject(v)) return v;
    const obj = newObject();
    if (v !== undefined && v !== null) obj['#text'] = v;
    top.container[top.key] = obj;
    return obj;
  }

  /** Inserts key with a null placeholder; a concrete earlier value moves to the first free key_N. */
  private insertPlaceholder(parent: JsonObject, key: string): void {
    const old = parent[key];
    parent[key] = null;
    if (!isEmptyPlaceholder(old)) {
      let n = 1;
      while (parent[key + '_' + n] !== undefined) n++;
      parent[key + '_' + n] = old;
    }
    this.stack.push({ container: parent, key, gotText: false, unnamedData: false });
  }

  open(name: string, attrs: [string, JsonValue][]): void {
    const parent = this.parentObject();
    if (name === 'Data') {
      const named = attrs.find((a) => a[0] === 'Name');
      if (named !== undefined) this.insertPlaceholder(parent, String(named[1]));
      // Unnamed <Data>: its text lands in "Data": {"#text": ...}.
      else this.stack.push({ container: parent, key: 'Data', gotText: false, unnamedData: true });
      return;
    }
    if (attrs.length === 0) {
      this.insertPlaceholder(parent, name);
      return;
    }
    let obj = parent[name];
    if (!isObject(obj)) {
      obj = newObject();
      parent[name] = obj;
    }
    const a = newObject();
    for (const [k, v] of attrs) a[k] = v;
    obj['#attributes'] = a;
    this.stack.push({ container: parent, key: name, gotText: false, unnamedData: false });
  }

  text(v: JsonValue): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) return;
    const cur = top.container[top.key];
    if (top.gotText) {
      // Several text pieces in one element are concatenated.
      if (isObject(cur)) cur['#text'] = textPiece(cur['#text']) + textPiece(v);
      else top.container[top.key] = textPiece(cur) + textPiece(v);
      return;
    }
    top.gotText = true;
    if (cur === undefined) {
      const obj = newObject();
      obj['#text'] = v;
      top.container[top.key] = obj;
    } else if (cur === null) {
      top.container[top.key] = v;
    } else if (isObject(cur)) {
      const prev = cur['#text'];
      // Repeated unnamed <Data> elements collect into an array.
      if (prev === undefined) cur['#text'] = v;
      else if (Array.isArray(prev)) cur['#text'] = [...prev, v as FieldValue];
      else cur['#text'] = [prev as FieldValue, v as FieldValue];
    } else {
      top.container[top.key] = textPiece(cur) + textPiece(v);
    }
  }

  close(): void {
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined && top.unnamedData && !top.gotText) this.text(null);
    this.stack.pop();
  }
}

function textPiece(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => textPiece(x as JsonValue)).join(',');
  if (typeof v === 'object') return '';
  return String(v);
}

function attrValue(parts: readonly ContentNode[], tv: TemplateValues): JsonValue {
  if (parts.length === 1 && parts[0].kind === NODE_SUBST) return tv.slotValue(parts[0].slot, false);
  if (parts.length === 0) return '';
  return tv.partsText(parts, false);
}

/**
 * Node visits left for the current render. A template may reference a nested-BinXML slot many times and
 * nested templates may do the same, so unbounded expansion could grow exponentially on hostile input.
 */
let budget = 0;
/** Most element/value visits one record's rendering may take (real records need a few hundred). */
export const RENDER_BUDGET = 200_000;

function walk(nodes: readonly Node[], tv: TemplateValues, b: JsonBuilder, depth: number): void {
  for (const n of nodes) {
    if (--budget < 0) return;
    switch (n.kind) {
      case NODE_ELEMENT: {
        const attrs: [string, JsonValue][] = [];
        for (const a of n.attrs) {
          const v = attrValue(a.parts, tv);
          if (v !== null) attrs.push([a.name, v]);
        }
        b.open(n.name, attrs);
        walk(n.children, tv, b, depth);
        b.close();
        break;
      }
      case NODE_TEXT:
      case NODE_CDATA:
        b.text(n.text);
        break;
      case NODE_CHARREF:
        b.text(charRefText(n.code));
        break;
      case NODE_ENTITYREF:
        b.text(entityText(n.name));
        break;
      case NODE_SUBST: {
        const type = tv.slotType(n.slot);
        if (type === VALUE.BINXML) {
          const nested = tv.nested(n.slot);
          if (nested !== null && depth < 16) walk(nested.shape.nodes, nested, b, depth + 1);
        } else if (type !== VALUE.NULL) {
          b.text(tv.slotValue(n.slot, false));
        }
        break;
      }
    }
  }
}

/** Renders a record (or any template instance) as an object in evtx_dump's JSON layout. */
export function renderJson(record: TemplateValues): JsonObject {
  const b = new JsonBuilder();
  budget = RENDER_BUDGET;
  walk(record.shape.nodes, record, b, 0);
  return b.root;
}

// Strings with nothing to escape (the vast majority) are quoted directly; others go through JSON.stringify.
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(s: string): string {
  return NEEDS_JSON_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

const PADS: string[] = [];

function pad(indent: string, level: number): string {
  if (indent !== '  ') return '\n' + indent.repeat(level);
  let p = PADS[level];
  if (p === undefined) PADS[level] = p = '\n' + indent.repeat(level);
  return p;
}

/** Serialises rendered JSON like serde_json's pretty printer (2-space indent); bigints as plain digits. */
export function stringifyJson(v: JsonValue, indent = '  ', level = 0): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
  }
  const compact = indent === '';
  const inner = compact ? '' : pad(indent, level + 1);
  const outer = compact ? '' : pad(indent, level);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += inner + stringifyJson(v[i] as JsonValue, indent, level + 1);
    }
    return out + outer + ']';
  }
  const obj = v as JsonObject;
  let out = '{';
  let first = true;
  for (const k in obj) {
    if (!first) out += ',';
    first = false;
    out += inner + quote(k) + (compact ? ':' : ': ') + stringifyJson(obj[k], indent, level + 1);
  }
  return first ? '{}' : out + outer + '}';
}
