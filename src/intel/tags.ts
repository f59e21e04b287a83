// Sigma ATT&CK tags (`attack.t1003.003`, `attack.credential-access`, `attack.credential_access`) → ATT&CK ids.
import type { AttackTactic } from './attack-types.js';

/** The Enterprise tactics in kill-chain order (as in ATT&CK v18), usable without loading a table. */
export const ENTERPRISE_TACTICS: readonly AttackTactic[] = [
  { id: 'TA0043', shortName: 'reconnaissance', name: 'Reconnaissance' },
  { id: 'TA0042', shortName: 'resource-development', name: 'Resource Development' },
  { id: 'TA0001', shortName: 'initial-access', name: 'Initial Access' },
  { id: 'TA0002', shortName: 'execution', name: 'Execution' },
  { id: 'TA0003', shortName: 'persistence', name: 'Persistence' },
  { id: 'TA0004', shortName: 'privilege-escalation', name: 'Privilege Escalation' },
  { id: 'TA0005', shortName: 'defense-evasion', name: 'Defense Evasion' },
  { id: 'TA0006', shortName: 'credential-access', name: 'Credential Access' },
  { id: 'TA0007', shortName: 'discovery', name: 'Discovery' },
  { id: 'TA0008', shortName: 'lateral-movement', name: 'Lateral Movement' },
  { id: 'TA0009', shortName: 'collection', name: 'Collection' },
  { id: 'TA0011', shortName: 'command-and-control', name: 'Command and Control' },
  { id: 'TA0010', shortName: 'exfiltration', name: 'Exfiltration' },
  { id: 'TA0040', shortName: 'impact', name: 'Impact' },
];

const TACTIC_BY_KEY = new Map<string, string>();
for (const t of ENTERPRISE_TACTICS) {
  TACTIC_BY_KEY.set(t.shortName, t.shortName);
  TACTIC_BY_KEY.set(t.shortName.replace(/-/g, '_'), t.shortName);
  TACTIC_BY_KEY.set(t.id.toLowerCase(), t.shortName);
}
// Older Sigma spelling of command-and-control.
TACTIC_BY_KEY.set('command_control', 'command-and-control');
TACTIC_BY_KEY.set('command-control', 'command-and-control');

const RANK = new Map(ENTERPRISE_TACTICS.map((t, i) => [t.shortName, i]));
const TECHNIQUE_TAG = /^t(\d{4})(?:\.(\d{3}))?$/;

/** The part of a tag after `attack.`, lower-cased, or undefined for a non-ATT&CK tag. */
function attackPart(tag: string): string | undefined {
  const lower = tag.trim().toLowerCase();
  return lower.startsWith('attack.') ? lower.slice(7) : undefined;
}

/** Technique ids (`T1003.003`) named by Sigma tags, de-duplicated in tag order. */
export function techniquesOf(tags: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const tag of tags) {
    const part = attackPart(tag);
    const m = part === undefined ? null : TECHNIQUE_TAG.exec(part);
    if (m) out.add(m[2] ? `T${m[1]}.${m[2]}` : `T${m[1]}`);
  }
  return [...out];
}

/** Tactic short names (`credential-access`) named by Sigma tags (either spelling, or TA ids), in kill-chain order. */
export function tacticsOf(tags: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const tag of tags) {
    const part = attackPart(tag);
    const tactic = part === undefined ? undefined : TACTIC_BY_KEY.get(part);
    if (tactic) out.add(tactic);
  }
  return sortTactics(out);
}

/** Position of a tactic in the Enterprise kill chain (unknown tactics sort last). */
export function killChainRank(tactic: string): number {
  return RANK.get(tactic) ?? ENTERPRISE_TACTICS.length;
}

/** Tactic short names sorted in kill-chain order, de-duplicated. */
export function sortTactics(tactics: Iterable<string>): string[] {
  return [...new Set(tactics)].sort(
    (a, b) => killChainRank(a) - killChainRank(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
}

/** The parent of a sub-technique (`T1003.003` → `T1003`), or the id itself. */
export function parentTechnique(id: string): string {
  const dot = id.indexOf('.');
  return dot < 0 ? id : id.slice(0, dot);
}
