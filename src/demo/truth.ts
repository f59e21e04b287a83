// The ground truth the demo writes beside its logs: which records are malicious, per stage and tenant.

/** A record by file (relative to the demo folder) and EVTX record id. */
export interface TruthRecord {
  readonly file: string;
  readonly recordId: number;
}

export interface TruthStage {
  readonly id: string;
  readonly name: string;
  /** Behaviour row of campaign.md. */
  readonly row: number;
  readonly techniques: readonly string[];
  readonly tenant: string;
  readonly hosts: readonly string[];
  readonly firstTime: string;
  readonly lastTime: string;
  readonly records: TruthRecord[];
}

export interface TruthTenant {
  readonly id: string;
  readonly name: string;
  readonly kind: 'provider' | 'client';
  readonly country: string;
  readonly domain: string;
  readonly compromised: boolean;
  readonly hosts: readonly { name: string; role: string; ip: string }[];
  readonly compromisedHosts: readonly string[];
  readonly compromisedAccounts: readonly string[];
  readonly stages: readonly string[];
}

export interface DemoTruth {
  readonly seed: number;
  readonly scale: string;
  readonly start: string;
  readonly end: string;
  readonly records: number;
  readonly maliciousRecords: number;
  /** Tenants in the order the intruder reached them. */
  readonly hopOrder: readonly string[];
  readonly cleanTenants: readonly string[];
  readonly compromisedAccounts: readonly string[];
  readonly attacker: { readonly sourceIp: string; readonly c2Domain: string; readonly c2Ip: string };
  readonly tenants: readonly TruthTenant[];
  readonly stages: readonly TruthStage[];
}
