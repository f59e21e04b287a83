// The intrusion model: what correlation produces from detections and entity facts, and what reports show.
import type { Detection } from '../engine/types.js';
import type { AttributionMatch } from '../intel/attack-types.js';

export type HostRole =
  'domain_controller' | 'file_server' | 'jump_host' | 'server' | 'workstation' | 'unknown';

/**
 * A compact, thread-transferable fact pulled from one record by `extractFacts` (logons, remote execution,
 * share access, role hints). Correlation keeps state per entity, never per record.
 */
export interface EntityFact {
  readonly kind:
    | 'logon'
    | 'explicit_credentials'
    | 'kerberos'
    | 'ntlm'
    | 'service_install'
    | 'scheduled_task'
    | 'share_access'
    | 'remote_exec'
    | 'role_hint'
    | 'address';
  readonly timestamp: number;
  /** The host that logged the record. */
  readonly host: string;
  readonly tenant?: string;
  /** Account involved, normalised `domain\user` in lower case where known. */
  readonly account?: string;
  readonly sid?: string;
  /** Where it came from: a host name or an IP address. */
  readonly sourceHost?: string;
  readonly sourceAddress?: string;
  readonly logonType?: number;
  readonly logonId?: string;
  /** Free detail: service/task name, share name, role hint reason. */
  readonly detail?: string;
  readonly role?: HostRole;
}

export interface IntrusionHost {
  readonly name: string;
  readonly tenant?: string;
  readonly roles: readonly HostRole[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly detections: number;
}

/** One piece of evidence: what was seen, where and when, and which detection (or fact) shows it. */
export interface Evidence {
  readonly time: string;
  readonly host: string;
  readonly tenant?: string;
  readonly description: string;
  readonly ruleId?: string;
  readonly ruleTitle?: string;
  readonly recordId?: number;
  readonly file?: string;
}

export interface CrossTenantLink {
  /** The tenant the activity was seen in first, and the tenant it was seen in next. */
  readonly fromTenant: string;
  readonly toTenant: string;
  readonly firstSeenFrom: string;
  readonly firstSeenTo: string;
  /** What is shared: account, credential, hash, command, archive, indicator, logon. */
  readonly via: string;
  readonly value: string;
}

/** A known group ranked against an intrusion's techniques (intel's type: correlate imports intel). */
export type { AttributionMatch };

export interface Intrusion {
  readonly id: string;
  readonly score: number;
  readonly tenants: readonly string[];
  readonly hosts: readonly IntrusionHost[];
  readonly accounts: readonly string[];
  readonly firstMalicious: string;
  readonly lastMalicious: string;
  readonly dwellDays: number;
  /** ATT&CK tactics reached, in kill-chain order (tactic short names such as `credential-access`). */
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly domainControllerReach: {
    readonly reached: boolean;
    readonly hosts: readonly string[];
    readonly evidence: readonly Evidence[];
  };
  readonly staging: readonly Evidence[];
  readonly exfiltration: readonly Evidence[];
  readonly crossTenant: readonly CrossTenantLink[];
  /** The intrusion's tenants in the order its malicious activity reached them (first malicious time each). */
  readonly hopChain?: readonly { readonly tenant: string; readonly firstMalicious: string }[];
  readonly attribution: readonly AttributionMatch[];
  /** Lateral movement edges seen between the intrusion's hosts, in time order. */
  readonly lateralMovement: readonly {
    readonly time: string;
    readonly from: string;
    readonly to: string;
    readonly account?: string;
    readonly how: string;
  }[];
  /**
   * The intrusion's detections, time-ordered; repetitions are capped (25 per rule and host, 5,000 in all,
   * highest levels kept) so one noisy rule cannot swell the output. `detectionCount` is the full number.
   */
  readonly detections: readonly Detection[];
  readonly detectionCount?: number;
}
