// The Sigma condition grammar: `and`, `or`, `not`, parentheses, `1 of` / `all of` a selection name, a wildcard
// pattern of names (`selection_*`) or `them`. Parsed once by recursive descent into a ConditionNode tree.
import type { ConditionNode } from './types.js';

/** A condition that cannot be parsed; `offset` is the 0-based character offset in the condition text. */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface Token {
  readonly text: string;
  readonly lower: string;
  readonly offset: number;
}

const MAX_CONDITION_LENGTH = 10_000;
const MAX_DEPTH = 64;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '|') {
      tokens.push({ text: c, lower: c, offset: i });
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && !' \t\n\r()|'.includes(text[i]!)) i++;
    const word = text.slice(start, i);
    tokens.push({ text: word, lower: word.toLowerCase(), offset: start });
  }
  return tokens;
}

const RESERVED = new Set(['and', 'or', 'not', 'of', 'them']);
const IDENTIFIER = /^[\w.*-]+$/;

/** Parses a condition string into a tree; throws ConditionError naming the offending position. */
export function parseCondition(text: string): ConditionNode {
  if (text.length > MAX_CONDITION_LENGTH)
    throw new ConditionError('condition is longer than 10,000 characters', 0);
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const where = (): number => peek()?.offset ?? text.length;

  const primary = (depth: number): ConditionNode => {
    const tok = peek();
    if (!tok) throw new ConditionError('condition ends where a selection name was expected', text.length);
    if (tok.text === '|') {
      throw new ConditionError(
        'Sigma 1.0 aggregation (`| count() ...`) is not part of Sigma 2.x; rewrite it as a correlation rule',
        tok.offset,
      );
    }
    if (tok.text === '(') {
      pos++;
      const inner = orExpr(depth + 1);
      if (peek()?.text !== ')') throw new ConditionError('missing closing parenthesis', where());
      pos++;
      return inner;
    }
    if (tok.lower === 'all' || /^\d+$/.test(tok.text)) {
      const next = tokens[pos + 1];
      if (next?.lower === 'of') {
        if (tok.lower !== 'all' && tok.text !== '1') {
          throw new ConditionError(
            `'${tok.text} of' is not Sigma; only '1 of' and 'all of' exist`,
            tok.offset,
          );
        }
        pos += 2;
        const target = peek();
        if (!target || target.text === '(' || target.text === ')' || target.text === '|') {
          throw new ConditionError(
            `'${tok.text} of' must be followed by a selection name, pattern or 'them'`,
            where(),
          );
        }
        pos++;
        const pattern = target.lower === 'them' ? 'them' : target.text;
        if (target.lower !== 'them' && !IDENTIFIER.test(pattern)) {
          throw new ConditionError(`'${pattern}' is not a valid selection name pattern`, target.offset);
        }
        return { type: 'quantified', quantifier: tok.lower === 'all' ? 'all' : 'one', pattern };
      }
    }
    if (RESERVED.has(tok.lower) || tok.text === ')') {
      throw new ConditionError(`unexpected '${tok.text}' where a selection name was expected`, tok.offset);
    }
    if (!IDENTIFIER.test(tok.text)) {
      throw new ConditionError(`'${tok.text}' is not a valid selection name`, tok.offset);
    }
    if (tok.text.includes('*')) {
      throw new ConditionError(`wildcards in names need '1 of' or 'all of': '${tok.text}'`, tok.offset);
    }
    pos++;
    return { type: 'ref', name: tok.text };
  };

  const notExpr = (depth: number): ConditionNode => {
    if (depth > MAX_DEPTH) throw new ConditionError('condition nests too deeply', where());
    if (peek()?.lower === 'not') {
      pos++;
      return { type: 'not', child: notExpr(depth + 1) };
    }
    return primary(depth);
  };

  const andExpr = (depth: number): ConditionNode => {
    const children = [notExpr(depth)];
    while (peek()?.lower === 'and') {
      pos++;
      children.push(notExpr(depth));
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  };

  const orExpr = (depth: number): ConditionNode => {
    if (depth > MAX_DEPTH) throw new ConditionError('condition nests too deeply', where());
    const children = [andExpr(depth)];
    while (peek()?.lower === 'or') {
      pos++;
      children.push(andExpr(depth));
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  };

  if (tokens.length === 0) throw new ConditionError('condition is empty', 0);
  const tree = orExpr(0);
  const rest = peek();
  if (rest) {
    if (rest.text === '|') {
      throw new ConditionError(
        'Sigma 1.0 aggregation (`| count() ...`) is not part of Sigma 2.x; rewrite it as a correlation rule',
        rest.offset,
      );
    }
    throw new ConditionError(
      `unexpected '${rest.text}' after a complete condition (missing 'and'/'or'?)`,
      rest.offset,
    );
  }
  return tree;
}

/** True when a selection name matches a `1 of`/`all of` pattern (`*` matches any run of characters). */
export function namePatternMatches(pattern: string, name: string): boolean {
  // `them` is every selection except those whose name starts with an underscore (pySigma's convention).
  if (pattern === 'them') return !name.startsWith('_');
  if (!pattern.includes('*')) return pattern === name;
  const parts = pattern.split('*');
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last))
    return false;
  let at = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const idx = name.indexOf(parts[i]!, at);
    if (idx < 0 || idx + parts[i]!.length > end) return false;
    at = idx + parts[i]!.length;
  }
  return true;
}

/** Every selection name a condition refers to, directly or by pattern, resolved against the defined names. */
export function referencedNames(node: ConditionNode, defined: readonly string[]): Set<string> {
  const out = new Set<string>();
  const visit = (n: ConditionNode): void => {
    switch (n.type) {
      case 'and':
      case 'or':
        n.children.forEach(visit);
        break;
      case 'not':
        visit(n.child);
        break;
      case 'ref':
        out.add(n.name);
        break;
      case 'quantified':
        for (const name of defined) if (namePatternMatches(n.pattern, name)) out.add(name);
        break;
    }
  };
  visit(node);
  return out;
}
