// The intrusion score: ranks multi-stage, multi-host activity above scattered noise, and the threshold below
// which a cluster of detections is not reported as an intrusion (see docs/intrusions.md).
import { LEVELS, type Detection } from '../engine/types.js';
import { levelOf, type LevelFn } from './cluster.js';

/** Points per distinct rule by level (informational, low, medium, high, critical). */
const RULE_POINTS = [0, 1, 3, 8, 12];

/** Minimum score, and the shape a cluster needs, to be reported as an intrusion. */
export const INTRUSION_THRESHOLD = {
  minScore: 40,
  /** At least one high or critical detection (correlation and IOC hits count as high). */
  minLevel: 'high',
  /** At least this many tactics, or at least two hosts joined by evidence. */
  minTactics: 2,
} as const;

/** What the score is computed from. */
export interface ScoreInput {
  readonly detections: readonly Detection[];
  readonly tactics: number;
  readonly hosts: number;
  readonly lateralEdges: number;
  readonly domainControllerReached: boolean;
  readonly staging: boolean;
  readonly exfiltration: boolean;
  readonly tenants: number;
  readonly crossTenantLinks: number;
}

/** The score (0..~300): tactics breadth, rule levels, hosts, lateral movement, DC reach, staging/exfil, tenants. */
export function intrusionScore(s: ScoreInput, levelFn: LevelFn = levelOf): number {
  const ruleLevel = new Map<string, number>();
  let iocs = 0;
  for (const d of s.detections) {
    const l = levelFn(d);
    if ((ruleLevel.get(d.rule.id) ?? -1) < l) ruleLevel.set(d.rule.id, l);
  }
  let rulePoints = 0;
  for (const [id, l] of ruleLevel) {
    rulePoints += RULE_POINTS[l] ?? 0;
    if (id.startsWith('ioc:')) iocs++;
  }
  const correlationRules = new Set(s.detections.filter((d) => d.rule.kind !== 'rule').map((d) => d.rule.id))
    .size;
  let score = 0;
  score += 8 * s.tactics;
  score += Math.min(80, rulePoints);
  score += Math.min(40, 4 * Math.max(0, s.hosts - 1));
  score += Math.min(30, 3 * s.lateralEdges);
  score += s.domainControllerReached ? 25 : 0;
  score += s.staging ? 10 : 0;
  score += s.exfiltration ? 15 : 0;
  score += s.tenants > 1 ? 15 + 5 * (s.tenants - 2) : 0;
  score += Math.min(15, 3 * s.crossTenantLinks);
  score += Math.min(30, 10 * correlationRules);
  score += Math.min(20, 10 * iocs);
  return Math.round(score);
}

/** True when a scored cluster is an intrusion rather than scattered noise. */
export function isIntrusion(score: number, s: ScoreInput, levelFn: LevelFn = levelOf): boolean {
  if (score < INTRUSION_THRESHOLD.minScore) return false;
  const high = LEVELS.indexOf(INTRUSION_THRESHOLD.minLevel);
  if (!s.detections.some((d) => levelFn(d) >= high)) return false;
  return s.tactics >= INTRUSION_THRESHOLD.minTactics || (s.hosts >= 2 && s.lateralEdges > 0);
}
