// Resolving what correlation rules reference: every `rules` entry must name a loaded detection rule or another
// correlation (by id or name), chains must not loop, and the rules a correlation consumes without
// `generate: true` must stay silent on their own.
import type { CorrelationRule } from './correlation-types.js';
import type { RuleProblem } from './types.js';

/** The identity of a loaded detection rule. */
export interface RuleIdentity {
  readonly id: string;
  readonly name?: string;
}

/** Result of linking correlations to the loaded rules. */
export interface CorrelationLinks {
  /** Correlations whose references all resolve (in dependency order: referenced correlations first). */
  readonly correlations: CorrelationRule[];
  /** Why the others were dropped. */
  readonly problems: RuleProblem[];
  /** Ids of rules (detection rules and correlations) that must not report their own matches. */
  readonly suppressed: ReadonlySet<string>;
}

/** Checks references and cycles, orders correlations so a chain's inner links come first, finds silent rules. */
export function linkCorrelations(
  correlations: readonly CorrelationRule[],
  rules: readonly RuleIdentity[],
): CorrelationLinks {
  const problems: RuleProblem[] = [];
  const ruleByRef = new Map<string, string>();
  for (const r of rules) {
    ruleByRef.set(r.id, r.id);
    if (r.name) ruleByRef.set(r.name, r.id);
  }
  const corrByRef = new Map<string, CorrelationRule>();
  for (const c of correlations) {
    corrByRef.set(c.id, c);
    if (c.name) corrByRef.set(c.name, c);
  }
  const invalid = (c: CorrelationRule, reason: string): RuleProblem => ({
    file: c.file,
    ...(c.position ?? {}),
    ruleId: c.id,
    severity: 'invalid',
    reason,
  });

  // Drop correlations with dangling references, repeatedly (a correlation over a dropped one is dropped too).
  const alive = new Map(correlations.map((c) => [c.id, c]));
  for (let changed = true; changed;) {
    changed = false;
    for (const c of [...alive.values()]) {
      for (const ref of c.rules) {
        const target = corrByRef.get(ref);
        if (target && alive.has(target.id)) continue;
        if (!target && ruleByRef.has(ref)) continue;
        problems.push(
          invalid(
            c,
            target
              ? `references correlation '${ref}', which is invalid`
              : `references rule '${ref}', which is not loaded (give its id or name, and load its file)`,
          ),
        );
        alive.delete(c.id);
        changed = true;
        break;
      }
    }
  }

  // Topological order with cycle detection (depth-first).
  const ordered: CorrelationRule[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: CorrelationRule, path: string[]): boolean => {
    const s = state.get(c.id);
    if (s === 'done') return true;
    if (s === 'visiting') {
      problems.push(invalid(c, `correlation chain loops: ${[...path, c.id].join(' → ')}`));
      return false;
    }
    state.set(c.id, 'visiting');
    for (const ref of c.rules) {
      const target = corrByRef.get(ref);
      if (target && alive.has(target.id) && !visit(target, [...path, c.id])) {
        alive.delete(c.id);
        state.set(c.id, 'done');
        return false;
      }
    }
    state.set(c.id, 'done');
    if (alive.has(c.id)) ordered.push(c);
    return alive.has(c.id);
  };
  for (const c of correlations) if (alive.has(c.id)) visit(c, []);

  const suppressed = new Set<string>();
  for (const c of ordered) {
    if (c.generate) continue;
    for (const ref of c.rules) {
      const target = corrByRef.get(ref);
      suppressed.add(target ? target.id : ruleByRef.get(ref)!);
    }
  }
  return { correlations: ordered.filter((c) => alive.has(c.id)), problems, suppressed };
}
