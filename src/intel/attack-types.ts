// The compact ATT&CK table Dwell ships (data/attack-table.json) and everything intel computes from it.

/** Identifies the compact table format; a file without it is treated as a STIX bundle. */
export const ATTACK_TABLE_FORMAT = 'dwell-attack-table/1';

/** One tactic of the Enterprise matrix. */
export interface AttackTactic {
  /** ATT&CK id, e.g. `TA0006`. */
  readonly id: string;
  /** Short name used in kill-chain phases and Sigma tags, e.g. `credential-access`. */
  readonly shortName: string;
  readonly name: string;
}

/** One technique or sub-technique (revoked and deprecated ones are dropped by the builder). */
export interface AttackTechnique {
  /** `T1003` or `T1003.003`. */
  readonly id: string;
  readonly name: string;
  /** Tactic short names, in kill-chain order. */
  readonly tactics: readonly string[];
}

/** One intrusion set (group) with the techniques ATT&CK says it uses. */
export interface AttackGroup {
  /** `G0045`. */
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  /** Techniques the group uses directly, or through a campaign attributed to it (sorted). */
  readonly techniques: readonly string[];
  /** Techniques only reached through software the group uses (sorted, disjoint from `techniques`). */
  readonly softwareTechniques: readonly string[];
}

/** The compact table: tactics in kill-chain order, techniques, groups. */
export interface AttackTable {
  readonly format: string;
  /** ATT&CK release the table was built from, e.g. `18.1`. */
  readonly attackVersion: string;
  /** Where it came from (file name, source commit) and when the newest object was modified. */
  readonly source: { readonly file: string; readonly commit?: string; readonly modified?: string };
  readonly tactics: readonly AttackTactic[];
  readonly techniques: readonly AttackTechnique[];
  readonly groups: readonly AttackGroup[];
}

/** A group ranked against observed techniques, with the techniques that match and those that don't. */
export interface AttributionMatch {
  readonly groupId: string;
  readonly name: string;
  readonly aliases: readonly string[];
  /** 0..1; higher means the observed techniques look more like this group's. */
  readonly score: number;
  /** Observed techniques the group is known to use (exactly, via a parent/sub-technique, or via software). */
  readonly matched: readonly string[];
  /** Observed techniques the group is not known to use. */
  readonly unmatched: readonly string[];
}
