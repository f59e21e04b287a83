// Finds the compiled template for an event's shape without building a key string per event: a trie whose
// steps are (name, value type) pairs. Names are usually interned property names whose hash V8 caches, so a
// step is one Map lookup plus an array index.
import { compileTemplate, type TemplateShape } from './writer-template.js';
import { maxDefinitionSize } from './writer-chunk.js';

/** Step kinds beyond value types (0..255): they open the EventData and UserData parts of a shape. */
export const STEP = { DATA: 256, USER_ELEMENT: 257, USER_XMLNS: 258, USER_NO_XMLNS: 259 } as const;

/** A template plus the most room its definition can take in a chunk. */
export interface CompiledShape {
  readonly shape: TemplateShape;
  readonly maxDefinition: number;
}

class ShapeNode {
  readonly next = new Map<string, (ShapeNode | undefined)[]>();
  compiled: CompiledShape | undefined = undefined;
}

// Shapes compile the same way for every file, so all writers in a thread share one trie (the demo writes
// hundreds of files of the same few shapes). It is dropped and rebuilt if it ever grows past MAX_NODES.
const MAX_NODES = 200_000;
let sharedRoot = new ShapeNode();
let sharedNodes = 0;

/** The shapes seen so far; walk with start()/step(), then take compiled(). */
export class ShapeIndex {
  private root: ShapeNode;
  private node: ShapeNode;
  // The steps of the current walk, kept to compile a shape the first time it is seen.
  private readonly names: string[] = [];
  private readonly kinds: number[] = [];
  private steps = 0;

  /** A walker over the thread's shared trie, or over its own when `isolated` (tests). */
  constructor(private readonly isolated = false) {
    this.root = isolated ? new ShapeNode() : sharedRoot;
    this.node = this.root;
  }

  /** Starts a new event. */
  start(): void {
    if (!this.isolated) {
      if (sharedNodes > MAX_NODES) {
        sharedRoot = new ShapeNode();
        sharedNodes = 0;
      }
      this.root = sharedRoot;
    }
    this.node = this.root;
    this.steps = 0;
  }

  /** One step: a data name with its value type, or a STEP marker with its text. */
  step(name: string, kind: number): void {
    let byKind = this.node.next.get(name);
    if (byKind === undefined) {
      byKind = [];
      this.node.next.set(name, byKind);
    }
    let child = byKind[kind];
    if (child === undefined) {
      child = new ShapeNode();
      byKind[kind] = child;
      if (!this.isolated) sharedNodes++;
    }
    this.node = child;
    this.names[this.steps] = name;
    this.kinds[this.steps] = kind;
    this.steps++;
  }

  /** The compiled template for the walked shape (compiled now if new). */
  compiled(): CompiledShape {
    const hit = this.node.compiled;
    if (hit !== undefined) return hit;
    let dataNames: string[] | undefined;
    let element: string | undefined;
    let xmlns: string | undefined;
    const userNames: string[] = [];
    const types: number[] = [];
    let key = '';
    let inUser = false;
    for (let i = 0; i < this.steps; i++) {
      const name = this.names[i];
      const kind = this.kinds[i];
      key += `${kind}:${name.length}:${name};`;
      if (kind === STEP.DATA) dataNames = [];
      else if (kind === STEP.USER_ELEMENT) {
        element = name;
        inUser = true;
      } else if (kind === STEP.USER_XMLNS) xmlns = name;
      else if (kind === STEP.USER_NO_XMLNS) xmlns = undefined;
      else {
        types.push(kind);
        if (inUser) userNames.push(name);
        else dataNames?.push(name);
      }
    }
    const userData = element !== undefined ? { element, xmlns, names: userNames } : undefined;
    const shape = compileTemplate({ dataNames, userData, types }, key);
    const compiled = { shape, maxDefinition: maxDefinitionSize(shape) };
    this.node.compiled = compiled;
    return compiled;
  }
}
