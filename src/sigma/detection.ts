// Reads a rule's `detection:` section into named selections (OR of AND-ed items) and parsed conditions,
// reporting every structural mistake with its position.
import { ConditionError, parseCondition, referencedNames } from './condition.js';
import { planModifiers } from './modifiers/index.js';
import type {
  ConditionNode,
  DetectionItem,
  RuleProblem,
  Selection,
  SigmaScalar,
  SourcePosition,
} from './types.js';
import type { YamlDocument } from './yaml-source.js';

/** The parsed detection section of one document. */
export interface ParsedDetection {
  readonly selections: Map<string, Selection>;
  readonly conditions: ConditionNode[];
}

type Report = (
  path: (string | number)[],
  severity: RuleProblem['severity'],
  reason: string,
  at?: SourcePosition,
) => void;

const MAX_VALUES = 10_000;

function isScalar(v: unknown): v is SigmaScalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function readItem(
  key: string,
  value: unknown,
  path: (string | number)[],
  doc: YamlDocument,
  report: Report,
): DetectionItem | undefined {
  const [fieldPart, ...modifiers] = key.split('|');
  const field = fieldPart === '' ? undefined : fieldPart;
  const planned = planModifiers(modifiers);
  if ('error' in planned) {
    report(path, 'invalid', `in '${key}': ${planned.error}`);
    return undefined;
  }
  let values: SigmaScalar[];
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => !isScalar(v));
    if (bad >= 0) {
      report(
        [...path, bad],
        'invalid',
        `'${key}' lists a ${typeof value[bad]} value; list items must be plain values`,
      );
      return undefined;
    }
    values = value as SigmaScalar[];
    if (values.length === 0) {
      report(path, 'invalid', `'${key}' has an empty list of values`);
      return undefined;
    }
  } else if (isScalar(value)) {
    values = [value];
  } else {
    report(path, 'invalid', `'${key}' has a nested map as value; a field takes a value or a list of values`);
    return undefined;
  }
  if (values.length > MAX_VALUES) {
    report(path, 'invalid', `'${key}' lists more than ${MAX_VALUES} values`);
    return undefined;
  }
  const plan = planned.plan;
  if (plan.all && values.length === 1) {
    report(path, 'warning', `'all' on a single value has no effect (the specification disallows it)`);
  }
  if (plan.kind === 'exists' && (values.length !== 1 || typeof values[0] !== 'boolean')) {
    report(path, 'invalid', `'${key}': 'exists' takes a single true or false`);
    return undefined;
  }
  if (field === undefined && (plan.kind === 'exists' || plan.fieldref)) {
    report(
      path,
      'invalid',
      `'${key}': '${plan.kind === 'exists' ? 'exists' : 'fieldref'}' needs a field name`,
    );
    return undefined;
  }
  return { field, modifiers, values, position: doc.locate(path) };
}

function readSelection(
  name: string,
  value: unknown,
  doc: YamlDocument,
  report: Report,
): Selection | undefined {
  const path = ['detection', name];
  const fromMap = (map: Record<string, unknown>, p: (string | number)[]): DetectionItem[] | undefined => {
    const items: DetectionItem[] = [];
    const keys = Object.keys(map);
    if (keys.length === 0) {
      report(p, 'invalid', `selection '${name}' has an empty map`);
      return undefined;
    }
    for (const key of keys) {
      const item = readItem(key, map[key], [...p, key], doc, report);
      if (!item) return undefined;
      items.push(item);
    }
    return items;
  };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const items = fromMap(value as Record<string, unknown>, path);
    return items ? { name, alternatives: [items] } : undefined;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      report(path, 'invalid', `selection '${name}' is an empty list`);
      return undefined;
    }
    if (value.every(isScalar)) {
      return {
        name,
        alternatives: [[{ field: undefined, modifiers: [], values: value, position: doc.locate(path) }]],
      };
    }
    if (value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
      const alternatives: DetectionItem[][] = [];
      for (let i = 0; i < value.length; i++) {
        const items = fromMap(value[i] as Record<string, unknown>, [...path, i]);
        if (!items) return undefined;
        alternatives.push(items);
      }
      return { name, alternatives };
    }
    report(path, 'invalid', `selection '${name}' mixes maps and plain values in one list`);
    return undefined;
  }
  if (typeof value === 'string' || typeof value === 'number') {
    return {
      name,
      alternatives: [[{ field: undefined, modifiers: [], values: [value], position: doc.locate(path) }]],
    };
  }
  report(path, 'invalid', `selection '${name}' must be a map, a list of maps or a list of keywords`);
  return undefined;
}

/** Parses `detection:`; returns undefined (with problems reported) when the section cannot be used. */
export function parseDetection(
  detection: unknown,
  doc: YamlDocument,
  report: Report,
  section = 'detection',
): ParsedDetection | undefined {
  if (detection === null || typeof detection !== 'object' || Array.isArray(detection)) {
    report([section], 'invalid', `'${section}' must be a map of selections plus a 'condition'`);
    return undefined;
  }
  const det = detection as Record<string, unknown>;
  const selections = new Map<string, Selection>();
  let ok = true;
  for (const [name, value] of Object.entries(det)) {
    if (name === 'condition') continue;
    if (name === 'timeframe') {
      report([section, name], 'warning', `'timeframe' in detection is Sigma 1.0; use a correlation rule`);
      continue;
    }
    const sel = readSelection(name, value, doc, (p, s, r) => report([section, ...p.slice(1)], s, r));
    if (sel) selections.set(name, sel);
    else ok = false;
  }
  const rawCondition = det.condition;
  if (rawCondition === undefined) {
    report([section], 'invalid', `'${section}' has no 'condition'`);
    return undefined;
  }
  const texts = Array.isArray(rawCondition) ? rawCondition : [rawCondition];
  const conditions: ConditionNode[] = [];
  const names = [...selections.keys()];
  texts.forEach((text, i) => {
    const path = Array.isArray(rawCondition) ? [section, 'condition', i] : [section, 'condition'];
    if (typeof text !== 'string') {
      report(path, 'invalid', `condition must be a string`);
      ok = false;
      return;
    }
    try {
      const node = parseCondition(text);
      for (const ref of referencedNames(node, names)) {
        if (!selections.has(ref) && ok) {
          report(path, 'invalid', `condition refers to '${ref}', which is not defined in '${section}'`);
          ok = false;
        }
      }
      checkPatterns(node, names, (reason) => {
        report(path, 'invalid', reason);
        ok = false;
      });
      conditions.push(node);
    } catch (err) {
      if (err instanceof ConditionError) {
        // Placed on the offending character of the condition when the condition is a one-line string.
        const at = doc.locateInValue(path, err.offset);
        report(path, 'invalid', `condition '${text}': ${err.message}`, at);
      } else {
        report(path, 'invalid', `condition cannot be parsed: ${(err as Error).message}`);
      }
      ok = false;
    }
  });
  return ok ? { selections, conditions } : undefined;
}

function checkPatterns(node: ConditionNode, names: string[], fail: (reason: string) => void): void {
  switch (node.type) {
    case 'and':
    case 'or':
      node.children.forEach((c) => checkPatterns(c, names, fail));
      return;
    case 'not':
      checkPatterns(node.child, names, fail);
      return;
    case 'quantified': {
      const hit = referencedNames(node, names);
      if (hit.size === 0) {
        fail(`'${node.quantifier === 'all' ? 'all' : '1'} of ${node.pattern}' matches no selection name`);
      }
      return;
    }
    case 'ref':
      return;
  }
}
