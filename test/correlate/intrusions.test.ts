import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIntrusions, EntityGraph, observeRecord, type Intrusion } from '../../src/correlate/index.js';
import type { Detection } from '../../src/engine/types.js';
import { loadAttackTable } from '../../src/intel/index.js';
import { detection, logon, record, sysmon } from './fixtures.js';

const HASH = `SHA256=${'ab'.repeat(32)}`;

/** A provider (msp) → client (acme) → client (beta) intrusion, a clean tenant (gamma) and benign noise. */
function scenario(): { graph: EntityGraph; detections: Detection[] } {
  const graph = new EntityGraph();
  const records = [
    sysmon(3, 'JUMP01.msp.local', '2026-01-01T08:00:00Z', 'msp', {
      Initiated: 'true',
      SourceIp: '10.9.0.2',
      DestinationIp: '10.1.0.10',
    }),
    sysmon(3, 'SRV01.acme.local', '2026-01-02T08:00:00Z', 'acme', {
      Initiated: 'true',
      SourceIp: '10.1.0.10',
      DestinationIp: '10.1.0.2',
    }),
    record({
      id: 4768,
      computer: 'DC01.acme.local',
      time: '2026-01-02T08:00:00Z',
      tenant: 'acme',
      data: { TargetUserName: 'bob' },
    }),
    logon('SRV01.acme.local', 'acme', '2026-01-01T09:00:00Z', 'tech', 'MSP', '10.9.0.2', 10),
    logon('DC01.acme.local', 'acme', '2026-01-10T09:00:00Z', 'tech', 'MSP', '10.1.0.10', 3),
    logon('WS01.beta.local', 'beta', '2026-02-01T09:00:00Z', 'tech', 'MSP', '10.9.0.2', 10),
    // The provider's technician also works, legitimately, in the clean tenant.
    logon('WS01.gamma.local', 'gamma', '2026-01-15T09:00:00Z', 'tech', 'MSP', '10.9.0.2', 10),
    sysmon(11, 'FS01.beta.local', '2026-02-03T10:00:00Z', 'beta', {
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
      tenant: 'msp',
      time: '2026-01-01T08:30:00Z',
      fields: { ...tech, Image: 'C:\\Users\\tech\\AppData\\Local\\Temp\\tscon.exe' },
    }),
    detection({
      rule: 'sideload',
      level: 'high',
      tags: ['attack.persistence', 'attack.defense-evasion', 'attack.t1574.001'],
      host: 'SRV01.acme.local',
      tenant: 'acme',
      time: '2026-01-05T10:00:00Z',
      fields: { ...tech, Image: 'C:\\ProgramData\\policytool.exe', Hashes: HASH },
    }),
    detection({
      rule: 'adfind',
      level: 'high',
      tags: ['attack.discovery', 'attack.t1087.002'],
      host: 'SRV01.acme.local',
      tenant: 'acme',
      time: '2026-01-08T10:00:00Z',
      fields: { ...tech, CommandLine: 'adfind.exe -f objectcategory=computer' },
    }),
    detection({
      rule: 'zerologon',
      level: 'critical',
      tags: ['attack.lateral-movement', 'attack.t1210'],
      host: 'DC01.acme.local',
      tenant: 'acme',
      time: '2026-01-10T09:05:00Z',
      eventId: 5829,
      fields: {},
    }),
    detection({
      rule: 'ntdsutil',
      level: 'high',
      tags: ['attack.credential-access', 'attack.t1003.003'],
      host: 'DC01.acme.local',
      tenant: 'acme',
      time: '2026-01-12T10:00:00Z',
      fields: { ...tech, CommandLine: 'ntdsutil "ac i ntds" "ifm" "create full c:\\perflogs\\x" q q' },
    }),
    detection({
      rule: 'rar-password',
      level: 'high',
      tags: ['attack.collection', 'attack.t1560.001'],
      host: 'SRV01.acme.local',
      tenant: 'acme',
      time: '2026-01-20T10:00:00Z',
      fields: { ...tech, CommandLine: 'r.exe a -hpPass C:\\$Recycle.Bin\\ss.rar \\\\fs01\\hr' },
    }),
    detection({
      rule: 'rclone',
      level: 'high',
      tags: ['attack.exfiltration', 'attack.t1567.002'],
      host: 'SRV01.acme.local',
      tenant: 'acme',
      time: '2026-01-21T10:00:00Z',
      fields: { ...tech, CommandLine: 'rclone.exe copy C:\\$Recycle.Bin\\ss.rar remote:bucket' },
    }),
    detection({
      rule: 'sideload',
      level: 'high',
      tags: ['attack.persistence', 'attack.defense-evasion', 'attack.t1574.001'],
      host: 'WS01.beta.local',
      tenant: 'beta',
      time: '2026-02-01T10:00:00Z',
      fields: { ...tech, Image: 'C:\\ProgramData\\policytool.exe', Hashes: HASH },
    }),
    detection({
      rule: 'rar-password',
      level: 'high',
      tags: ['attack.collection', 'attack.t1560.001'],
      host: 'FS01.beta.local',
      tenant: 'beta',
      time: '2026-02-03T10:00:00Z',
      fields: { ...tech, CommandLine: 'r.exe a -hpPass C:\\$Recycle.Bin\\ss.rar d:\\shares' },
    }),
    // Benign noise: the clean tenant and an unrelated acme workstation.
    detection({
      rule: 'whoami',
      level: 'low',
      tags: ['attack.discovery'],
      host: 'WS01.gamma.local',
      tenant: 'gamma',
      time: '2026-01-15T09:30:00Z',
      fields: tech,
    }),
    detection({
      rule: 'net-user',
      level: 'medium',
      tags: ['attack.discovery'],
      host: 'WS02.gamma.local',
      tenant: 'gamma',
      time: '2026-01-16T09:30:00Z',
      fields: { SubjectUserName: 'admin' },
    }),
    detection({
      rule: 'encoded-ps',
      level: 'medium',
      tags: ['attack.execution'],
      host: 'WS09.acme.local',
      tenant: 'acme',
      time: '2025-12-01T09:30:00Z',
      fields: { SubjectUserName: 'carol' },
    }),
  ];
  return { graph, detections };
}

function only(intrusions: Intrusion[]): Intrusion {
  assert.equal(
    intrusions.length,
    1,
    `intrusions: ${intrusions.map((i) => `${i.id} ${i.tenants}`).join('; ')}`,
  );
  return intrusions[0];
}

test('an intrusion across a provider and two clients is one story; the clean tenant and noise stay out', () => {
  const { graph, detections } = scenario();
  const i = only(buildIntrusions({ graph, detections, attack: loadAttackTable() }));
  assert.deepEqual(i.tenants, ['msp', 'acme', 'beta']);
  assert.deepEqual(
    i.hopChain?.map((h) => h.tenant),
    ['msp', 'acme', 'beta'],
  );
  const names = i.hosts.map((h) => h.name).sort();
  assert.deepEqual(names, [
    'DC01.acme.local',
    'FS01.beta.local',
    'JUMP01.msp.local',
    'SRV01.acme.local',
    'WS01.beta.local',
  ]);
  assert.ok(!i.tenants.includes('gamma'));
  assert.ok(!i.detections.some((d) => d.tenant === 'gamma' || d.host === 'WS09.acme.local'));
  assert.equal(i.firstMalicious, '2026-01-01T08:30:00.000Z');
  assert.equal(i.lastMalicious, '2026-02-03T10:00:00.000Z');
  assert.ok(Math.abs(i.dwellDays - 33.06) < 0.01, String(i.dwellDays));
  assert.ok(i.accounts.includes('msp\\tech'));
});

test('domain-controller reach, roles, staging, exfiltration and lateral movement carry evidence', () => {
  const { graph, detections } = scenario();
  const i = only(buildIntrusions({ graph, detections }));
  assert.equal(i.domainControllerReach.reached, true);
  assert.deepEqual(i.domainControllerReach.hosts, ['DC01.acme.local']);
  assert.ok(i.domainControllerReach.evidence.some((e) => e.ruleId === 'zerologon'));
  assert.ok(
    i.domainControllerReach.evidence.some((e) =>
      e.description.startsWith('logon from SRV01.acme.local as msp\\tech'),
    ),
  );
  assert.deepEqual(i.hosts.find((h) => h.name === 'DC01.acme.local')?.roles, ['domain_controller']);
  assert.ok(i.hosts.find((h) => h.name === 'JUMP01.msp.local')?.roles.includes('jump_host'));
  assert.ok(i.staging.some((e) => e.ruleId === 'rar-password'));
  assert.ok(i.staging.some((e) => e.description.includes('Recycle Bin') && e.host === 'FS01.beta.local'));
  assert.ok(i.exfiltration.some((e) => e.ruleId === 'rclone'));
  assert.ok(
    i.lateralMovement.some(
      (l) => l.from === 'JUMP01.msp.local' && l.to === 'SRV01.acme.local' && l.how === 'rdp',
    ),
  );
  assert.deepEqual(i.tactics, [
    'initial-access',
    'persistence',
    'defense-evasion',
    'credential-access',
    'discovery',
    'lateral-movement',
    'collection',
    'exfiltration',
  ]);
});

test('cross-tenant links name direction and time; attribution keeps five groups with matched techniques', () => {
  const { graph, detections } = scenario();
  const i = only(buildIntrusions({ graph, detections, attack: loadAttackTable() }));
  const hash = i.crossTenant.find((l) => l.via === 'hash');
  assert.ok(hash);
  assert.equal(hash.fromTenant, 'acme');
  assert.equal(hash.toTenant, 'beta');
  assert.equal(hash.firstSeenFrom, '2026-01-05T10:00:00.000Z');
  const logons = i.crossTenant.filter((l) => l.via === 'logon');
  assert.ok(logons.some((l) => l.fromTenant === 'msp' && l.toTenant === 'acme'));
  assert.ok(logons.some((l) => l.fromTenant === 'msp' && l.toTenant === 'beta'));
  assert.ok(!i.crossTenant.some((l) => l.toTenant === 'gamma' || l.fromTenant === 'gamma'));
  const times = i.crossTenant.map((l) => l.firstSeenTo);
  assert.deepEqual(times, [...times].sort());
  assert.equal(i.attribution.length, 5);
  assert.ok(
    i.attribution.some((a) => a.groupId === 'G0045'),
    JSON.stringify(i.attribution.map((a) => a.groupId)),
  );
  for (const a of i.attribution) assert.ok(a.matched.length + a.unmatched.length === i.techniques.length);
});

test('scattered low and medium hits never become intrusions', () => {
  const detections: Detection[] = [];
  for (let h = 0; h < 30; h++) {
    for (const level of ['low', 'medium'] as const) {
      detections.push(
        detection({
          rule: `noise-${level}`,
          level,
          tags: ['attack.discovery', 'attack.execution', 'attack.persistence'],
          host: `WS${h}`,
          tenant: 'a',
          time: `2026-01-${String((h % 28) + 1).padStart(2, '0')}T10:00:00Z`,
          fields: { SubjectUserName: 'helpdesk', CommandLine: 'whoami /all' },
        }),
      );
    }
  }
  assert.deepEqual(buildIntrusions({ detections }), []);
  // One isolated high hit with a single tactic is not an intrusion either.
  detections.push(
    detection({
      rule: 'lone-high',
      level: 'high',
      tags: ['attack.execution'],
      host: 'WS99',
      tenant: 'a',
      time: '2026-01-03T10:00:00Z',
    }),
  );
  assert.deepEqual(buildIntrusions({ detections }), []);
});

test('a weak shared account does not pull a clean tenant into an intrusion', () => {
  const { graph, detections } = scenario();
  // A medium detection in the clean tenant names the provider account the attacker also used.
  detections.push(
    detection({
      rule: 'provider-admin',
      level: 'medium',
      tags: ['attack.execution'],
      host: 'WS03.gamma.local',
      tenant: 'gamma',
      time: '2026-01-20T10:00:00Z',
      fields: { SubjectUserName: 'tech', SubjectDomainName: 'MSP' },
    }),
  );
  const i = only(buildIntrusions({ graph, detections }));
  assert.ok(!i.tenants.includes('gamma'));
});

test('intrusions are ranked by score, ids are stable, and no graph is needed', () => {
  const { detections } = scenario();
  const a = buildIntrusions({ detections });
  const b = buildIntrusions({ detections: [...detections].reverse() });
  assert.ok(a.length >= 1);
  assert.deepEqual(
    a.map((i) => i.id),
    b.map((i) => i.id),
  );
  for (let k = 1; k < a.length; k++) assert.ok(a[k - 1].score >= a[k].score);
  assert.match(a[0].id, /^INT-[0-9a-f]{10}$/);
});
