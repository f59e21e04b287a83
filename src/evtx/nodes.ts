// The parsed form of BinXML: a small node tree per template (built once), walked by field lookup and renderers.

/** Node kinds (small integers keep the node objects monomorphic and the switches fast). */
export const NODE_ELEMENT = 0;
export const NODE_TEXT = 1;
export const NODE_SUBST = 2;
export const NODE_CHARREF = 3;
export const NODE_ENTITYREF = 4;
export const NODE_CDATA = 5;
export const NODE_PI = 6;

/** An attribute of an element. */
export interface AttrNode {
  readonly name: string;
  /** The attribute value: text, substitutions, character and entity references, concatenated. */
  readonly parts: readonly ContentNode[];
}

/** An element with its attributes and content. */
export interface ElementNode {
  readonly kind: typeof NODE_ELEMENT;
  readonly name: string;
  readonly attrs: readonly AttrNode[];
  readonly children: readonly Node[];
}

/** Literal text (a value token in the template). */
export interface TextNode {
  readonly kind: typeof NODE_TEXT;
  readonly text: string;
}

/** A placeholder filled from the template instance's value array at render/lookup time. */
export interface SubstNode {
  readonly kind: typeof NODE_SUBST;
  readonly slot: number;
  /** Optional substitutions with a NULL value drop the attribute they stand in. */
  readonly optional: boolean;
  /** The value type the template declares (the instance's descriptor has the real one). */
  readonly type: number;
}

/** A character reference (`&#NN;`). */
export interface CharRefNode {
  readonly kind: typeof NODE_CHARREF;
  readonly code: number;
}

/** An entity reference (`&amp;` and friends). */
export interface EntityRefNode {
  readonly kind: typeof NODE_ENTITYREF;
  readonly name: string;
}

/** A CDATA section. */
export interface CDataNode {
  readonly kind: typeof NODE_CDATA;
  readonly text: string;
}

/** A processing instruction. */
export interface PINode {
  readonly kind: typeof NODE_PI;
  readonly target: string;
  readonly data: string;
}

/** What may appear in element content or attribute values besides elements. */
export type ContentNode = TextNode | SubstNode | CharRefNode | EntityRefNode | CDataNode;
/** Any node of a parsed template or fragment. */
export type Node = ElementNode | ContentNode | PINode;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The character an entity reference stands for (unknown entities keep their `&name;` spelling). */
export function entityText(name: string): string {
  return Object.prototype.hasOwnProperty.call(ENTITIES, name) ? ENTITIES[name] : '&' + name + ';';
}

/** The character a character reference stands for (invalid code points become U+FFFD). */
export function charRefText(code: number): string {
  return code > 0 && code < 0xd800
    ? String.fromCharCode(code)
    : code >= 0xe000
      ? String.fromCharCode(code)
      : '\ufffd';
}
