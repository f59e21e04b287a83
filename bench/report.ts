// `npm run bench:report`: the cost of the report outputs against writing the same detections as JSON lines
// (the cheapest output, measured in the same run as the baseline). Synthetic detections: 5 Cicada-style rules,
// 500 hosts over 7 tenants, fields up to ~400 characters, one intrusion holding 1% of them.
//
// Usage: npm run bench:report [-- --detections 100000]
import type { Intrusion } from '../src/correlate/types.js';
import type { Detection, RuleInfo } from '../src/engine/types.js';
import { attribute, loadAttackTable } from '../src/intel/index.js';
import { buildNavigatorLayer, buildStixBundle, renderHtmlReport } from '../src/outputs/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const count = arg('--detections', 100_000);
const rule = (n: number, level: RuleInfo['level'], tags: string[]): RuleInfo => ({
  id: `bench-rule-${n}`,
  title: `Bench rule ${n}`,
  level,
  tags,
  kind: 'rule',
});
const rules = [
  rule(1, 'high', ['attack.credential-access', 'attack.t1003.003']),
  rule(2, 'medium', ['attack.lateral-movement', 'attack.t1021.001']),
  rule(3, 'high', ['attack.collection', 'attack.t1560.001', 'attack.t1074.002']),
  rule(4, 'medium', ['attack.execution', 'attack.persistence', 'attack.t1053.005']),
  rule(5, 'critical', ['attack.defense-evasion', 'attack.t1070.001']),
];
const t0 = Date.UTC(2024, 0, 1);
const detections: Detection[] = [];
for (let i = 0; i < count; i++) {
  detections.push({
    rule: rules[i % rules.length],
    timestamp: t0 + i * 60_000,
    host: `host${i % 500}.tenant${i % 7}.local`,
    channel: 'Security',
    eventId: 4688,
    recordId: i,
    file: `logs/tenant${i % 7}/host${i % 500}/Security.evtx`,
    tenant: `tenant${i % 7}`,
    fields: {
      CommandLine: `cmd.exe /c whoami ${'x'.repeat(i % 400)}`,
      User: `CORP\\user${i % 100}`,
      ParentImage: 'C:\\Windows\\explorer.exe',
    },
  });
}
const iso = (ms: number) => new Date(ms).toISOString();
const held = detections.filter((_, i) => i % 100 === 0);
const intrusion: Intrusion = {
  id: 'bench-intrusion',
  score: 100,
  tenants: ['tenant0', 'tenant1'],
  hosts: [...new Set(held.map((d) => d.host))].slice(0, 50).map((name) => ({
    name,
    roles: ['server'],
    firstSeen: iso(t0),
    lastSeen: iso(t0 + count * 60_000),
    detections: 1,
  })),
  accounts: ['corp\\user1'],
  firstMalicious: iso(t0),
  lastMalicious: iso(t0 + count * 60_000),
  dwellDays: Math.round(count / 1440),
  tactics: ['credential-access', 'lateral-movement'],
  techniques: ['T1003.003', 'T1021.001'],
  domainControllerReach: { reached: false, hosts: [], evidence: [] },
  staging: [],
  exfiltration: [],
  crossTenant: [],
  attribution: [],
  lateralMovement: [],
  detections: held,
};

function time(label: string, fn: () => number): number {
  const started = performance.now();
  const size = fn();
  const ms = performance.now() - started;
  console.log(
    `${label.padEnd(28)} ${ms.toFixed(0).padStart(7)} ms  ${(size / 1e6).toFixed(1).padStart(6)} MB`,
  );
  return ms;
}

const table = loadAttackTable();
console.log(
  `${count.toLocaleString('en-US')} detections, ${rules.length} rules, 1 intrusion of ${held.length}`,
);
const baseline = time('baseline: JSON lines', () => {
  let bytes = 0;
  for (const d of detections) bytes += JSON.stringify(d).length + 1;
  return bytes;
});
const report = time(
  'HTML report',
  () => renderHtmlReport({ detections, intrusions: [intrusion], table }).length,
);
const layer = time('Navigator layer', () => JSON.stringify(buildNavigatorLayer(detections, table)).length);
const stix = time(
  'STIX bundle',
  () =>
    JSON.stringify(buildStixBundle({ detections, intrusions: [intrusion], table, ruleText: () => undefined }))
      .length,
);
const techniques = [
  'T1199',
  'T1078',
  'T1021.001',
  'T1047',
  'T1053.005',
  'T1003.003',
  'T1560.001',
  'T1074.002',
];
attribute(techniques, table);
const rounds = 1000;
const attr = time(`attribute() x${rounds}`, () => {
  for (let i = 0; i < rounds; i++) attribute(techniques, table);
  return 0;
});
console.log(
  `ratios to baseline: report ${(report / baseline).toFixed(2)}x, navigator ${(layer / baseline).toFixed(2)}x, ` +
    `stix ${(stix / baseline).toFixed(2)}x; attribute ${((attr / rounds) * 1000).toFixed(0)} µs per call`,
);
console.log(`peak RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
