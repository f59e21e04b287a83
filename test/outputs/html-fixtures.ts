// Detections and intrusions for the output tests (navigator, STIX, HTML report), built inline.
import type { AttributionMatch, Intrusion } from '../../src/correlate/types.js';
import type { Detection, Level, RuleInfo } from '../../src/engine/types.js';

const DAY = 86_400_000;
export const T0 = Date.UTC(2024, 2, 4, 9, 0, 0);

/** A rule with the given ATT&CK tags. */
export function rule(id: string, title: string, level: Level, tags: string[]): RuleInfo {
  return { id, title, level, tags, kind: 'rule', status: 'test', path: `rules/${id}.yml` };
}

export const RULES = {
  ntds: rule('0f79c4d2-0000-4000-8000-000000000001', 'NTDS.dit dumped with ntdsutil', 'high', [
    'attack.credential-access',
    'attack.t1003.003',
  ]),
  rdp: rule('0f79c4d2-0000-4000-8000-000000000002', 'RDP logon from service provider', 'medium', [
    'attack.lateral-movement',
    'attack.t1021.001',
  ]),
  rar: rule('0f79c4d2-0000-4000-8000-000000000003', 'Archive staged with renamed rar', 'high', [
    'attack.collection',
    'attack.t1560.001',
    'attack.t1074.002',
  ]),
  task: rule('0f79c4d2-0000-4000-8000-000000000004', 'Scheduled task created remotely', 'medium', [
    'attack.execution',
    'attack.persistence',
    'attack.privilege-escalation',
    'attack.t1053.005',
  ]),
  old: rule('0f79c4d2-0000-4000-8000-000000000005', 'Rule tagged with a revoked technique', 'low', [
    'attack.t1086',
  ]),
};

/** One detection of `r` on `host` at `T0 + minutes`. */
export function detection(
  r: RuleInfo,
  host: string,
  minutes: number,
  tenant?: string,
  fields: Record<string, string> = {},
): Detection {
  return {
    rule: r,
    timestamp: T0 + minutes * 60_000,
    host,
    channel: 'Security',
    eventId: 4688,
    recordId: 1000 + minutes,
    file: `logs/${tenant ?? 'x'}/${host}/Security.evtx`,
    tenant,
    fields: { CommandLine: 'ntdsutil "ac i ntds" ifm', ...fields },
  };
}

/** A small two-tenant scenario: an MSP jump host, then a customer DC. */
export function scenario(): { detections: Detection[]; intrusions: Intrusion[] } {
  const detections = [
    detection(RULES.rdp, 'msp-jump01', 0, 'msp'),
    detection(RULES.task, 'acme-fs01', 60 * 24, 'acme'),
    detection(RULES.ntds, 'acme-dc01', 60 * 24 * 10, 'acme'),
    detection(RULES.ntds, 'acme-dc01', 60 * 24 * 10 + 5, 'acme'),
    detection(RULES.rar, 'acme-fs01', 60 * 24 * 20, 'acme'),
    detection(RULES.old, 'acme-ws07', 60 * 24 * 21, 'acme'),
  ];
  const attribution: AttributionMatch[] = [
    {
      groupId: 'G0045',
      name: 'menuPass',
      aliases: ['APT10', 'Cicada'],
      score: 0.35,
      matched: ['T1003.003', 'T1021.001', 'T1053.005', 'T1560.001', 'T1074.002'],
      unmatched: [],
    },
    {
      groupId: 'G0114',
      name: 'Chimera',
      aliases: [],
      score: 0.27,
      matched: ['T1003.003'],
      unmatched: ['T1074.002'],
    },
  ];
  const iso = (m: number) => new Date(T0 + m * 60_000).toISOString();
  const intrusion: Intrusion = {
    id: 'intrusion-1',
    score: 87.5,
    tenants: ['msp', 'acme'],
    hosts: [
      {
        name: 'msp-jump01',
        tenant: 'msp',
        roles: ['jump_host'],
        firstSeen: iso(0),
        lastSeen: iso(0),
        detections: 1,
      },
      {
        name: 'acme-fs01',
        tenant: 'acme',
        roles: ['file_server'],
        firstSeen: iso(1440),
        lastSeen: iso(28800),
        detections: 2,
      },
      {
        name: 'acme-dc01',
        tenant: 'acme',
        roles: ['domain_controller'],
        firstSeen: iso(14400),
        lastSeen: iso(14405),
        detections: 2,
      },
    ],
    accounts: ['msp\\svc_backup', 'acme\\administrator'],
    firstMalicious: iso(0),
    lastMalicious: iso(28800),
    dwellDays: 20,
    tactics: ['execution', 'persistence', 'credential-access', 'lateral-movement', 'collection'],
    techniques: ['T1003.003', 'T1021.001', 'T1053.005', 'T1560.001', 'T1074.002'],
    domainControllerReach: {
      reached: true,
      hosts: ['acme-dc01'],
      evidence: [
        {
          time: iso(14400),
          host: 'acme-dc01',
          tenant: 'acme',
          description: 'ntdsutil IFM',
          ruleId: RULES.ntds.id,
        },
      ],
    },
    staging: [{ time: iso(28800), host: 'acme-fs01', tenant: 'acme', description: 'rar archive r.rar' }],
    exfiltration: [],
    crossTenant: [
      {
        fromTenant: 'msp',
        toTenant: 'acme',
        firstSeenFrom: iso(0),
        firstSeenTo: iso(1440),
        via: 'account',
        value: 'msp\\svc_backup',
      },
    ],
    attribution,
    lateralMovement: [
      {
        time: iso(1440),
        from: 'msp-jump01',
        to: 'acme-fs01',
        account: 'msp\\svc_backup',
        how: 'RDP (4624 type 10)',
      },
      { time: iso(14000), from: 'acme-fs01', to: 'acme-dc01', account: 'acme\\administrator', how: 'WMI' },
    ],
    detections: detections.slice(0, 5),
  };
  return { detections, intrusions: [intrusion] };
}

export { DAY };
