import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIntrusions, type Intrusion } from '../../src/correlate/index.js';
import type { Detection } from '../../src/engine/types.js';
import { loadAttackTable } from '../../src/intel/index.js';
import { detection } from './fixtures.js';
import { scenario } from './scenario.js';

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

test('tenant names holding a | or a % (folder names) give the same story under those names', () => {
  const rename = { msp: 'msp|eu', acme: 'acme|jp', beta: '100%beta', gamma: 'gamma|%7C' };
  const { graph, detections } = scenario(rename);
  const i = only(buildIntrusions({ graph, detections, attack: loadAttackTable() }));
  assert.deepEqual(i.tenants, ['msp|eu', 'acme|jp', '100%beta']);
  assert.deepEqual(
    i.hopChain?.map((h) => h.tenant),
    ['msp|eu', 'acme|jp', '100%beta'],
  );
  assert.equal(i.hosts.length, 5);
  for (const h of i.hosts) assert.ok(Object.values(rename).includes(h.tenant ?? ''), JSON.stringify(h));
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

test('a lone high host joins the intrusion active in its tenant, not one in another tenant or far in time', () => {
  const { graph, detections } = scenario();
  const lone = (host: string, tenant: string, time: string) =>
    detection({
      rule: 'macro-certutil',
      level: 'high',
      tags: ['attack.initial-access', 'attack.t1566.001'],
      host,
      tenant,
      time,
      fields: { User: `${tenant}\\${host}`, CommandLine: `certutil -decode ${host}.txt ${host}.exe` },
    });
  detections.push(
    lone('WS30.acme.local', 'acme', '2026-01-25T10:00:00Z'),
    lone('WS31.gamma.local', 'gamma', '2026-01-25T10:00:00Z'),
    lone('WS32.acme.local', 'acme', '2026-04-01T10:00:00Z'),
  );
  const i = only(buildIntrusions({ graph, detections }));
  const names = i.hosts.map((h) => h.name);
  assert.ok(names.includes('WS30.acme.local'));
  assert.ok(!names.includes('WS31.gamma.local'));
  assert.ok(!names.includes('WS32.acme.local'));
  assert.equal(i.lastMalicious, '2026-02-03T10:00:00.000Z');
});

test('provider tenants restrict jump hosts to the provider side', () => {
  const { graph, detections } = scenario();
  const jump = (providerTenants?: string[]) =>
    only(buildIntrusions({ graph, detections, providerTenants })).hosts.find(
      (h) => h.name === 'JUMP01.msp.local',
    )?.roles;
  assert.ok(jump()?.includes('jump_host'));
  assert.ok(jump(['msp'])?.includes('jump_host'));
  assert.ok(!jump(['acme'])?.includes('jump_host'));
});

test('a high rule that fires all over the estate is background and glues nothing together', () => {
  const { graph, detections } = scenario();
  for (const [tenant, count] of [
    ['gamma', 4],
    ['acme', 4],
  ] as const) {
    for (let h = 0; h < count; h++) {
      detections.push(
        detection({
          rule: 'generic-java-sideload',
          level: 'high',
          tags: ['attack.defense-evasion', 'attack.persistence', 'attack.t1574.001'],
          host: `WS${h + 40}.${tenant}.local`,
          tenant,
          time: `2026-01-${10 + h}T10:00:00Z`,
          fields: { Image: 'C:\\Program Files\\Java\\bin\\java.exe', Hashes: `MD5=${'c'.repeat(32)}` },
        }),
      );
    }
  }
  const i = only(buildIntrusions({ graph, detections }));
  assert.ok(!i.tenants.includes('gamma'), `tenants ${i.tenants}`);
  assert.ok(!i.hosts.some((h) => h.name.startsWith('WS4')));
  // On three hosts the rule is not background: hits naming the intrusion's tool hash join it.
  const few = scenario();
  for (let h = 0; h < 3; h++) {
    few.detections.push(
      detection({
        rule: 'generic-java-sideload',
        level: 'high',
        tags: ['attack.defense-evasion', 'attack.t1574.001'],
        host: `WS${h + 40}.acme.local`,
        tenant: 'acme',
        time: `2026-01-${10 + h}T10:00:00Z`,
        fields: { Hashes: `SHA256=${'ab'.repeat(32)}` },
      }),
    );
  }
  const j = only(buildIntrusions(few));
  assert.ok(j.hosts.some((h) => h.name === 'WS40.acme.local'));
});

test('an intrusion lists repetitions of one rule on one host only up to a cap, and counts them all', () => {
  const { graph, detections } = scenario();
  for (let k = 0; k < 100; k++) {
    detections.push(
      detection({
        rule: 'beacon',
        level: 'high',
        tags: ['attack.command-and-control', 'attack.t1071.001'],
        host: 'JUMP01.msp.local',
        tenant: 'msp',
        time: new Date(Date.parse('2026-01-02T00:00:00Z') + k * 3_600_000).toISOString(),
        fields: { SubjectUserName: 'tech', SubjectDomainName: 'MSP' },
      }),
    );
  }
  const i = only(buildIntrusions({ graph, detections }));
  assert.equal(i.detections.filter((d) => d.rule.id === 'beacon').length, 25);
  assert.equal(i.detectionCount, i.detections.length + 75);
  const times = i.detections.map((d) => d.timestamp);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
});

test('hundreds of thousands of detections in one cluster do not overflow anything', () => {
  const { graph, detections } = scenario();
  const base = Date.parse('2026-01-02T00:00:00Z');
  for (let k = 0; k < 150_000; k++) {
    detections.push(
      detection({
        rule: `flood-${k % 3}`,
        level: 'high',
        tags: ['attack.execution'],
        host: `SRV0${k % 2 === 0 ? 1 : 2}.acme.local`,
        tenant: 'acme',
        time: new Date(base + (k % 1000) * 60_000).toISOString(),
        fields: { SubjectUserName: 'tech', SubjectDomainName: 'MSP' },
      }),
    );
  }
  const i = only(buildIntrusions({ graph, detections }));
  assert.ok(i.detections.length <= 5000);
  assert.ok((i.detectionCount ?? 0) > 150_000);
});

test('detections and samples without a valid time never break the build', () => {
  const { graph, detections } = scenario();
  const broken = detection({
    rule: 'no-time',
    level: 'critical',
    tags: ['attack.collection', 'attack.t1560.001'],
    host: 'SRV01.acme.local',
    tenant: 'acme',
    time: 'not a time',
    fields: {
      SubjectUserName: 'tech',
      SubjectDomainName: 'MSP',
      CommandLine: 'r.exe a -hpX ss.rar c:\\data',
    },
  });
  detections.push(broken, { ...broken, timestamp: 8.64e15 + 1 });
  const i = only(buildIntrusions({ graph, detections }));
  assert.equal(i.firstMalicious, '2026-01-01T08:30:00.000Z');
  assert.equal(i.lastMalicious, '2026-02-03T10:00:00.000Z');
  assert.ok(i.staging.length > 0);
});

test('an isolated high false positive on a compromised host does not stretch the dwell time', () => {
  const { graph, detections } = scenario();
  detections.push(
    detection({
      rule: 'av-heuristic',
      level: 'high',
      tags: ['attack.execution'],
      host: 'SRV01.acme.local',
      tenant: 'acme',
      time: '2026-03-20T10:00:00Z',
      fields: { Image: 'C:\\Program Files\\Vendor\\agent.exe' },
    }),
  );
  const i = only(buildIntrusions({ graph, detections }));
  assert.equal(i.lastMalicious, '2026-02-03T10:00:00.000Z');
  assert.ok(
    i.detections.some((d) => d.rule.id === 'av-heuristic'),
    'still listed as context',
  );
});
