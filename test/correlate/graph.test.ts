import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EntityGraph,
  GRAPH_LIMITS,
  observeRecord,
  type EntityGraphSnapshot,
} from '../../src/correlate/index.js';
import { HostResolver } from '../../src/correlate/resolve.js';
import { derivedEdges } from '../../src/correlate/derived-edges.js';
import { hostRoles } from '../../src/correlate/roles.js';
import { logon, record, sysmon } from './fixtures.js';

const T = '2026-01-10T10:00:00.000Z';

function observeAll(graph: EntityGraph, records: ReturnType<typeof record>[]): EntityGraph {
  for (const r of records) observeRecord(r, graph);
  return graph;
}

test('an RDP logon from an address becomes an edge from the host that owns the address', () => {
  const g = observeAll(new EntityGraph(), [
    // WS01 learns its own address from a Sysmon network connection it initiated.
    sysmon(3, 'WS01.acme.local', T, 'acme', {
      Initiated: 'true',
      SourceIp: '10.0.0.21',
      DestinationIp: '10.0.0.5',
    }),
    logon('SRV02.acme.local', 'acme', T, 'Alice', 'ACME', '10.0.0.21', 10),
  ]);
  const snap = g.snapshot();
  const resolver = new HostResolver(snap);
  const edges = resolver.edges(snap);
  assert.equal(edges.length, 1);
  assert.equal(edges[0].src, 'acme|ws01');
  assert.equal(edges[0].dst, 'acme|srv02');
  assert.equal(edges[0].edge.how, 'rdp');
  assert.equal(edges[0].edge.account, 'acme\\alice');
});

test('workstation names and machine-account logons resolve sources, preferring the same tenant', () => {
  const g = observeAll(new EntityGraph(), [
    record({ id: 4688, computer: 'WS07.acme.local', time: T, tenant: 'acme', data: {} }),
    record({ id: 4688, computer: 'WS07.other.local', time: T, tenant: 'other', data: {} }),
    // A machine account TGT request on the DC says 10.0.0.30 is WS07.
    record({
      id: 4768,
      computer: 'DC01.acme.local',
      time: T,
      tenant: 'acme',
      data: { TargetUserName: 'WS07$', TargetDomainName: 'ACME', IpAddress: '::ffff:10.0.0.30' },
    }),
    logon('FS01.acme.local', 'acme', T, 'bob', 'ACME', '10.0.0.30', 3),
  ]);
  const snap = g.snapshot();
  const edges = new HostResolver(snap).edges(snap);
  assert.equal(edges.length, 1);
  assert.equal(edges[0].src, 'acme|ws07');
});

test('roles: Kerberos issuance makes a DC, many share sources a file server, logons a workstation', () => {
  const records = [
    record({
      id: 4769,
      computer: 'DC01',
      time: T,
      tenant: 'a',
      data: { TargetUserName: 'bob', IpAddress: '10.0.0.9' },
    }),
    record({
      id: 4624,
      computer: 'WS01',
      time: T,
      tenant: 'a',
      data: { LogonType: 2, TargetUserName: 'bob' },
    }),
  ];
  for (let s = 0; s < 6; s++) {
    for (let i = 0; i < 5; i++) {
      records.push(
        record({
          id: 5140,
          computer: 'FS01',
          time: T,
          tenant: 'a',
          data: { ShareName: '\\\\*\\Projects', IpAddress: `10.0.1.${s + 1}`, SubjectUserName: `user${s}` },
        }),
      );
    }
  }
  const snap = observeAll(new EntityGraph(), records).snapshot();
  const host = (k: string) => snap.hosts.find((h) => h.key === k);
  assert.deepEqual(hostRoles(host('a|dc01'), {}), ['domain_controller']);
  assert.deepEqual(hostRoles(host('a|fs01'), {}), ['file_server']);
  assert.deepEqual(hostRoles(host('a|ws01'), {}), ['workstation']);
  // Five accesses from one source is not a file server.
  const few = observeAll(new EntityGraph(), records.slice(2, 7)).snapshot();
  assert.deepEqual(hostRoles(few.hosts[0], {}), ['unknown']);
});

test('a WMI child process joins the remote logon session it ran in, even across workers', () => {
  const workerA = observeAll(new EntityGraph(), [
    sysmon(3, 'WS01', T, 'a', { Initiated: 'true', SourceIp: '10.0.0.21', DestinationIp: '10.0.0.40' }),
    logon('SRV09', 'a', T, 'eve', 'A', '10.0.0.21', 3, '-', '0xBEEF'),
  ]);
  const workerB = observeAll(new EntityGraph(), [
    sysmon(1, 'SRV09', '2026-01-10T10:00:05.000Z', 'a', {
      Image: 'C:\\Windows\\System32\\cmd.exe',
      ParentImage: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
      LogonId: '0xbeef',
    }),
  ]);
  const main = new EntityGraph();
  main.merge(structuredClone(workerA.snapshot()));
  main.merge(structuredClone(workerB.snapshot()));
  const snap = main.snapshot();
  const resolver = new HostResolver(snap);
  const derived = derivedEdges(snap, resolver, resolver.edges(snap));
  const wmi = derived.find((e) => e.edge.how === 'wmi');
  assert.ok(wmi, 'wmi edge');
  assert.equal(wmi.src, 'a|ws01');
  assert.equal(wmi.dst, 'a|srv09');
  assert.equal(wmi.edge.account, 'a\\eve');
});

test('a PSEXESVC service install right after an admin-share logon becomes a psexec edge', () => {
  const snap = observeAll(new EntityGraph(), [
    sysmon(3, 'JUMP01', T, 'a', { Initiated: 'true', SourceIp: '10.9.0.2', DestinationIp: '10.0.0.40' }),
    logon('SRV09', 'a', T, 'eve', 'A', '10.9.0.2', 3),
    record({
      id: 7045,
      channel: 'System',
      provider: 'Service Control Manager',
      computer: 'SRV09',
      time: '2026-01-10T10:00:03.000Z',
      tenant: 'a',
      data: { ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe' },
    }),
  ]).snapshot();
  const resolver = new HostResolver(snap);
  const derived = derivedEdges(snap, resolver, resolver.edges(snap));
  assert.equal(derived.length, 1);
  assert.equal(derived[0].edge.how, 'psexec');
  assert.equal(derived[0].src, 'a|jump01');
});

test('snapshots merge to the same graph as observing everything in one place', () => {
  const records = [
    logon('SRV01', 'a', T, 'alice', 'A', '10.0.0.1'),
    logon('SRV01', 'a', '2026-01-11T10:00:00.000Z', 'alice', 'A', '10.0.0.1'),
    logon('SRV02', 'b', T, 'alice', 'A', '10.0.0.1', 10),
    record({
      id: 4768,
      computer: 'DC01',
      time: T,
      tenant: 'a',
      data: { TargetUserName: 'alice', TargetDomainName: 'A' },
    }),
    sysmon(11, 'SRV01', T, 'a', { TargetFilename: 'C:\\$Recycle.Bin\\ss.rar' }),
  ];
  const whole = observeAll(new EntityGraph(), records).snapshot();
  const merged = new EntityGraph();
  merged.merge(observeAll(new EntityGraph(), records.slice(0, 2)).snapshot());
  merged.merge(observeAll(new EntityGraph(), records.slice(2)).snapshot());
  const canon = (s: EntityGraphSnapshot) =>
    JSON.stringify({
      hosts: [...s.hosts].sort((x, y) => (x.key < y.key ? -1 : 1)),
      accounts: [...s.accounts].map((a) => ({
        ...a,
        tenants: [...a.tenants].sort((x, y) => (x.tenant < y.tenant ? -1 : 1)),
      })),
      edges: [...s.edges].sort((x, y) => (x.dst + x.how < y.dst + y.how ? -1 : 1)),
    });
  assert.equal(canon(merged.snapshot()), canon(whole));
  const alice = whole.accounts.find((a) => a.key === 'a\\alice');
  assert.ok(alice);
  assert.deepEqual(alice.tenants.map((t) => t.tenant).sort(), ['a', 'b']);
  assert.equal(whole.hosts.find((h) => h.key === 'a|srv01')?.archives[0].value, 'ss.rar');
});

test('uninteresting records add nothing; repeated records do not grow the graph', () => {
  const g = new EntityGraph();
  for (let i = 0; i < 1000; i++) {
    observeRecord(record({ id: 4663, computer: 'WS01', time: T, tenant: 'a', data: { ObjectName: 'x' } }), g);
  }
  assert.equal(g.size(), 0);
  const r = logon('SRV01', 'a', T, 'alice', 'A', '10.0.0.1');
  observeRecord(r, g);
  const size = g.size();
  for (let i = 0; i < 20_000; i++) observeRecord(r, g);
  assert.equal(g.size(), size);
  assert.equal(g.snapshot().edges[0].count, 20_001);
  assert.ok(g.snapshot().edges[0].times.length <= GRAPH_LIMITS.edgeTimes);
});

test('per-entity lists stay capped: one account on thousands of hosts', () => {
  const g = new EntityGraph();
  for (let i = 0; i < 3000; i++)
    observeRecord(logon(`SRV${i}`, 'a', T, 'svc_backup', 'A', `10.1.${i >> 8}.${i & 255}`), g);
  const acct = g.snapshot().accounts.find((a) => a.key === 'a\\svc_backup');
  assert.ok(acct);
  assert.equal(acct.hosts.length, GRAPH_LIMITS.accountHosts);
  assert.equal(acct.hostCount, 3000);
});

test('hostile field values do not throw and stay bounded', () => {
  const g = new EntityGraph();
  const huge = 'x'.repeat(200_000);
  observeRecord(
    record({
      id: 4624,
      computer: huge,
      time: 'not a time',
      tenant: 'a',
      data: {
        LogonType: 'ten',
        TargetUserName: huge,
        IpAddress: huge,
        WorkstationName: huge,
        TargetLogonId: huge,
      },
    }),
    g,
  );
  observeRecord(
    sysmon(22, 'WS01', T, 'a', { QueryName: huge, QueryResults: `${'1.2.3.4;'.repeat(10_000)}` }),
    g,
  );
  const json = JSON.stringify(g.snapshot());
  assert.ok(json.length < 10_000, `snapshot ${json.length} chars`);
});

test('logon sessions stay bounded however many logons there are', () => {
  const g = new EntityGraph();
  const n = GRAPH_LIMITS.sessions + 10_000;
  for (let i = 0; i < n; i++) {
    observeRecord(
      logon('SRV01', 'a', T, 'alice', 'A', '10.0.0.1', 3, '-', `0x${(i + 0x10000).toString(16)}`),
      g,
    );
  }
  const snap = g.snapshot();
  assert.ok(snap.sessions.length <= GRAPH_LIMITS.sessions, `${snap.sessions.length} sessions`);
  assert.ok(snap.sessions.length >= GRAPH_LIMITS.sessions / 2);
  assert.ok(snap.dropped > 0);
  // The newest session is kept.
  assert.ok(snap.sessions.some((s) => s.logonId === `0x${(n - 1 + 0x10000).toString(16)}`));
});

test('a logon session on a host whose name holds a NUL keeps its host and logon id in snapshots', () => {
  const g = new EntityGraph();
  observeRecord(logon('SRV\u000001', 'a', T, 'alice', 'A', '10.0.0.1', 3, '-', '0x1a2b3c'), g);
  const sessions = g.snapshot().sessions;
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0]!.host, 'a|srv\u000001');
  assert.equal(sessions[0]!.logonId, '0x1a2b3c');
});
