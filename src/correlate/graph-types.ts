// The entity graph as plain data: what a hunt worker sends to the main thread (structured-clone safe).
//
// Everything here is per entity (host, account, address, edge between two entities, logon session), never per
// record; every list is capped, so a snapshot's size depends on how many entities the logs name, not on how many
// records they hold.

/** A bounded sample of something seen at a time (archive names, service installs, remote processes). */
export interface TimedSample {
  readonly time: number;
  /** What it was: archive base name, service or task name, process name. */
  readonly value: string;
  /** Where or how: full path, `psexec`, `service`, `scheduled-task`, `wmi`, `winrm`. */
  readonly detail: string;
  readonly account?: string;
  /** Record it came from, for evidence. */
  readonly file?: string;
  readonly recordId?: number;
}

export interface HostSnapshot {
  /** `tenant|shortname`. */
  readonly key: string;
  /** The `Computer` name as logged (first seen). */
  readonly name: string;
  readonly tenant: string;
  readonly first: number;
  readonly last: number;
  /** Kerberos tickets issued here (4768/4769/4770/4771): only domain controllers log these. */
  readonly kerberos: number;
  /** NTLM credential validations logged here (4776). */
  readonly ntlm: number;
  /** Directory Service channel / NTDS events logged here. */
  readonly directory: number;
  /** Netlogon secure-channel events 5805, 5723, 5827-5831. */
  readonly netlogon: number;
  /** Computer-account changes (4742), SYSVOL/NETLOGON share access: domain controller duties. */
  readonly dcDuties: number;
  /** Accesses to ordinary (non-admin, non-IPC, non-SYSVOL) shares, and the distinct sources (capped). */
  readonly shareAccess: number;
  readonly shareSources: readonly string[];
  readonly interactiveLogons: number;
  readonly networkLogonsIn: number;
  /** Sysmon 3 and 22 events seen here: past a few hundred only a sample is read (addresses rarely change). */
  readonly netEvents: number;
  readonly dnsEvents: number;
  /** The host's own addresses, learnt from Sysmon 3 and machine-account logons. */
  readonly addresses: readonly string[];
  readonly archives: readonly TimedSample[];
  readonly remoteExec: readonly TimedSample[];
}

export interface AccountSnapshot {
  /** `domain\user` or `user`, lower case. */
  readonly key: string;
  readonly names: readonly string[];
  readonly sids: readonly string[];
  readonly tenants: readonly {
    readonly tenant: string;
    readonly first: number;
    readonly last: number;
    readonly count: number;
  }[];
  /** Host keys the account logged on to or acted on (capped), and how many there were in all. */
  readonly hosts: readonly string[];
  readonly hostCount: number;
}

export interface AddressSnapshot {
  readonly address: string;
  /** Who claims the address: `host:<key>` (the host's own Sysmon/logon data) or `name:<short>` (a name for it). */
  readonly owners: readonly { readonly ref: string; readonly tenant: string; readonly count: number }[];
}

/**
 * A directed edge: `src` did something to `dst`. Refs are `host:<tenant|short>` (a host that logs), `name:<short>`
 * (a host name another host reported) or `ip:<address>`; names and addresses are resolved when intrusions are built.
 */
export interface EdgeSnapshot {
  readonly src: string;
  /** A second ref for the source (its address when `src` is a name), resolved if `src` is not. */
  readonly srcAlt: string;
  readonly dst: string;
  /** Tenant of the host that logged the edge. */
  readonly tenant: string;
  /** `logon`, `rdp`, `explicit-credentials`, `admin-share`, `share`, `psexec`, `wmi`, `winrm`, ... */
  readonly how: string;
  readonly account: string;
  readonly logonType: number;
  readonly count: number;
  readonly first: number;
  readonly last: number;
  /** Sample of times (the first few and the latest), for matching against detections. */
  readonly times: readonly number[];
}

/** A remote logon session: who came from where into which host. */
export interface SessionSnapshot {
  readonly host: string;
  readonly logonId: string;
  readonly src: string;
  readonly srcAlt: string;
  readonly account: string;
}

/** Processes started by a remote-execution service (WmiPrvSE, wsmprovhost, PSEXESVC) in a logon session. */
export interface ProcessSessionSnapshot {
  readonly host: string;
  readonly logonId: string;
  readonly how: string;
  readonly first: number;
  readonly last: number;
  readonly count: number;
}

/** The whole graph as plain data. */
export interface EntityGraphSnapshot {
  readonly version: 1;
  readonly hosts: readonly HostSnapshot[];
  readonly accounts: readonly AccountSnapshot[];
  readonly addresses: readonly AddressSnapshot[];
  readonly edges: readonly EdgeSnapshot[];
  readonly sessions: readonly SessionSnapshot[];
  readonly processSessions: readonly ProcessSessionSnapshot[];
  /** Entities not kept because a cap was reached (memory stays bounded; the count says what was lost). */
  readonly dropped: number;
  /** Account observations not kept past GRAPH_LIMITS.accounts (correlation does not use the account table). */
  readonly droppedAccounts?: number;
  /**
   * Hosts (`tenant|short` keys) the hunt saw detections on while filling the graph, with the highest level index
   * (LEVELS): merging keeps the edges touching them when the edge table is full (see edge-cap.ts).
   */
  readonly detectedHosts?: readonly { readonly key: string; readonly level: number }[];
}
