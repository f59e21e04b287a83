// The parsed (not yet compiled) form of Sigma documents: rules, their detection sections and conditions.

/** One thing wrong with a rule, placed so that a rule author can find and fix it. */
export interface RuleProblem {
  file: string;
  line?: number;
  column?: number;
  ruleId?: string;
  /** invalid: the rule breaks the specification; unsupported: valid but Dwell cannot run it; warning: runs. */
  severity: 'invalid' | 'unsupported' | 'warning';
  reason: string;
}

/** A line/column position (1-based) inside a rule file. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A scalar value written in a detection: strings keep wildcards/escapes for the matcher to interpret. */
export type SigmaScalar = string | number | boolean | null;

/** One `field|mod1|mod2: values` entry of a selection (field undefined for keyword search). */
export interface DetectionItem {
  readonly field: string | undefined;
  readonly modifiers: readonly string[];
  readonly values: readonly SigmaScalar[];
  /** Where the key (or the keyword list) is written. */
  readonly position?: SourcePosition;
}

/** A named search identifier: an OR of alternatives, each an AND of items. */
export interface Selection {
  readonly name: string;
  readonly alternatives: readonly (readonly DetectionItem[])[];
}

/** The condition grammar as a tree. */
export type ConditionNode =
  | { readonly type: 'and' | 'or'; readonly children: readonly ConditionNode[] }
  | { readonly type: 'not'; readonly child: ConditionNode }
  | { readonly type: 'ref'; readonly name: string }
  | { readonly type: 'quantified'; readonly quantifier: 'one' | 'all'; readonly pattern: string };

/** The logsource triple (plus anything else written there). */
export interface Logsource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

/** A detection rule after parsing and validation, ready to compile. */
export interface ParsedRule {
  readonly id: string;
  readonly title: string;
  readonly name?: string;
  readonly level: string;
  readonly status?: string;
  readonly description?: string;
  readonly author?: string;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  readonly logsource: Logsource;
  readonly selections: ReadonlyMap<string, Selection>;
  /** One or more conditions (a list in YAML means OR). */
  readonly conditions: readonly ConditionNode[];
  readonly file: string;
  readonly position?: SourcePosition;
  /** The whole document as plain data (for correlation and explain). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A Sigma filter document: extra selections and a condition that exclude matches of the rules it names. */
export interface ParsedFilter {
  readonly id?: string;
  readonly title: string;
  readonly name?: string;
  /** Rule ids or names the filter applies to. */
  readonly rules: readonly string[];
  readonly logsource: Logsource;
  readonly selections: ReadonlyMap<string, Selection>;
  readonly conditions: readonly ConditionNode[];
  readonly file: string;
  readonly position?: SourcePosition;
}
