// Streaming correlation: the specification's examples fire, near misses do not, memory stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundHit, CorrelationEngine, type CorrelationHit } from '../../src/engine/correlation/index.js';
import type { CorrelationRule } from '../../src/sigma/correlation-types.js';
import type { Detection } from '../../src/engine/types.js';
import { lcg } from '../helpers/random.js';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

function corr(partial: Partial<CorrelationRule> & Pick<CorrelationRule, 'type' | 'rules'>): CorrelationRule {
  return {
    id: partial.name ?? 'c1',
    title: 'test correlation',
    level: 'high',
    tags: [],
    references: [],
    falsepositives: [],
    groupBy: [],
    timespan: '5m',
    timespanMs: 5 * MIN,
    aliases: {},
    generate: false,
    file: 'mr_test.yml',
    warnings: [],
    ...partial,
  };
}

let recordId = 0;
function hit(
  ruleId: string,
  minute: number,
  values: Record<string, string> = {},
  extra: Partial<CorrelationHit> = {},
) {
  return {
    ruleId,
    timestamp: T0 + minute * MIN,
    values,
    host: 'ws01',
    channel: 'Security',
    eventId: 4625,
    recordId: ++recordId,
    file: 'sec.evtx',
    ...extra,
  } satisfies CorrelationHit;
}

function run(engine: CorrelationEngine, hits: CorrelationHit[]): Detection[] {
  const out: Detection[] = [];
  for (const h of hits) engine.onHit(h, (d) => out.push(d));
  engine.flush((d) => out.push(d));
  return out;
}

const bruteForce = corr({
  type: 'event_count',
  rules: ['failed_login'],
  groupBy: ['TargetUserName'],
  condition: { gte: 5 },
});

test('event_count: brute force fires once per user reaching the count within the timespan', () => {
  const hits = [
    ...[0, 1, 1, 2, 3].map((m) => hit('failed_login', m, { TargetUserName: 'alice' })),
    // bob: 5 failures, but spread over 10 minutes (no 5 within 5 minutes)
    ...[0, 2, 4, 6, 8, 10].map((m) => hit('failed_login', m, { TargetUserName: 'bob' })),
    // carol: only 4
    ...[0, 1, 2, 3].map((m) => hit('failed_login', m, { TargetUserName: 'carol' })),
  ];
  const out = run(new CorrelationEngine([bruteForce]), hits);
  assert.equal(out.length, 1);
  const d = out[0]!;
  assert.equal(d.rule.kind, 'event_count');
  assert.equal(d.rule.level, 'high');
  assert.deepEqual(d.correlation?.groupBy, { TargetUserName: 'alice' });
  assert.equal(d.correlation?.value, 5);
  assert.deepEqual(d.correlation?.rules, ['failed_login']);
  assert.equal(d.correlation?.firstTimestamp, T0);
  assert.equal(d.timestamp, T0 + 3 * MIN);
  assert.equal(d.host, 'ws01');
  assert.equal(d.fields.TargetUserName, 'alice');
});

test('event_count: out-of-order input inside the window still counts; boundaries are inclusive', () => {
  const minutes = [5, 0, 4, 1, 2];
  const out = run(
    new CorrelationEngine([bruteForce]),
    minutes.map((m) => hit('failed_login', m, { TargetUserName: 'a' })),
  );
  assert.equal(out.length, 1);
  const tooWide = [0, 1, 2, 3, 5.01];
  assert.equal(
    run(
      new CorrelationEngine([bruteForce]),
      tooWide.map((m) => hit('failed_login', m, { TargetUserName: 'a' })),
    ).length,
    0,
  );
});

test('event_count: a second episode needs a fresh set of events', () => {
  const out = run(
    new CorrelationEngine([bruteForce]),
    Array.from({ length: 12 }, (_, i) => hit('failed_login', i * 0.1, { TargetUserName: 'a' })),
  );
  assert.equal(out.length, 2);
});

test('groups span tenants unless a rule groups by Tenant; value_count of Tenant finds cloud hopping', () => {
  const hits = [0, 1, 2].flatMap((m) => [
    hit('failed_login', m, { TargetUserName: 'admin' }, { tenant: 'acme' }),
    hit('failed_login', m, { TargetUserName: 'admin' }, { tenant: 'globex' }),
  ]);
  const six = corr({ ...bruteForce, condition: { gte: 6 } });
  assert.equal(run(new CorrelationEngine([six]), hits).length, 1);
  const perTenant = corr({ ...bruteForce, groupBy: ['Tenant', 'TargetUserName'], condition: { gte: 3 } });
  const out = run(new CorrelationEngine([perTenant]), hits);
  assert.deepEqual(out.map((d) => d.correlation?.groupBy.Tenant).sort(), ['acme', 'globex']);
  assert.equal(run(new CorrelationEngine([corr({ ...perTenant, condition: { gte: 4 } })]), hits).length, 0);
  const hopping = corr({
    type: 'value_count',
    rules: ['remote_logon'],
    groupBy: ['TargetUserName'],
    timespan: '30d',
    timespanMs: 30 * 1440 * MIN,
    condition: { field: ['Tenant'], gte: 3 },
  });
  const logons = ['acme', 'globex', 'initech'].map((tenant, i) =>
    hit('remote_logon', i * 1440, { TargetUserName: 'svc_msp' }, { tenant }),
  );
  const hop = run(new CorrelationEngine([hopping]), logons);
  assert.equal(hop.length, 1);
  assert.equal(hop[0]!.fields.Tenant, 'acme, globex, initech');
  assert.equal(run(new CorrelationEngine([hopping]), logons.slice(0, 2)).length, 0);
});

test('hits missing a group-by field are not grouped together; ComputerName falls back to the host', () => {
  const e = new CorrelationEngine([bruteForce]);
  assert.equal(
    run(
      e,
      [0, 1, 2, 3, 4].map((m) => hit('failed_login', m, {})),
    ).length,
    0,
  );
  assert.equal(e.stats().ungroupedHits, 5);
  const byHost = corr({ ...bruteForce, groupBy: ['ComputerName'] });
  assert.equal(
    run(
      new CorrelationEngine([byHost]),
      [0, 1, 2, 3, 4].map((m) => hit('failed_login', m, {})),
    ).length,
    1,
  );
});

test('value_count: distinct users from one source (password spraying), duplicates do not count', () => {
  const spray = corr({
    type: 'value_count',
    rules: ['failed_login'],
    groupBy: ['IpAddress'],
    condition: { field: ['TargetUserName'], gte: 3 },
  });
  const sprayHits = ['u1', 'u2', 'u3'].map((u, i) =>
    hit('failed_login', i, { IpAddress: '10.0.0.9', TargetUserName: u }),
  );
  const repeatHits = ['u1', 'u1', 'u1', 'u2'].map((u, i) =>
    hit('failed_login', i, { IpAddress: '10.0.0.8', TargetUserName: u }),
  );
  const out = run(new CorrelationEngine([spray]), [...sprayHits, ...repeatHits]);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.correlation?.value, 3);
  assert.deepEqual(out[0]!.correlation?.groupBy, { IpAddress: '10.0.0.9' });
  assert.equal(out[0]!.fields.TargetUserName, 'u1, u2, u3');
  const e = new CorrelationEngine([spray]);
  assert.deepEqual(e.fieldsNeeded('failed_login').sort(), ['IpAddress', 'TargetUserName']);
  assert.deepEqual(e.fieldsNeeded('other'), []);
});

const recon = corr({
  name: 'recon',
  type: 'temporal_ordered',
  rules: ['whoami', 'net_group', 'adfind'],
  groupBy: ['User'],
});

test('temporal_ordered: recon sequence in order fires; wrong order or too slow does not', () => {
  const v = { User: 'corp\\eve' };
  assert.equal(
    run(new CorrelationEngine([recon]), [hit('whoami', 0, v), hit('net_group', 1, v), hit('adfind', 2, v)])
      .length,
    1,
  );
  assert.equal(
    run(new CorrelationEngine([recon]), [hit('adfind', 0, v), hit('net_group', 1, v), hit('whoami', 2, v)])
      .length,
    0,
  );
  assert.equal(
    run(new CorrelationEngine([recon]), [hit('whoami', 0, v), hit('net_group', 3, v), hit('adfind', 6, v)])
      .length,
    0,
  );
  // Noise between the steps does not matter; a different user does not complete someone else's sequence.
  const mixed = [
    hit('whoami', 0, v),
    hit('adfind', 0.5, v),
    hit('net_group', 1, v),
    hit('adfind', 2, { User: 'bob' }),
    hit('adfind', 3, v),
  ];
  const out = run(new CorrelationEngine([recon]), mixed);
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]!.correlation?.rules, ['whoami', 'adfind', 'net_group']);
  assert.equal(out[0]!.rule.kind, 'temporal_ordered');
});

test('temporal: any order within the timespan; a condition can ask for fewer rules', () => {
  const t = corr({ ...recon, type: 'temporal' });
  const v = { User: 'x' };
  assert.equal(
    run(new CorrelationEngine([t]), [hit('adfind', 0, v), hit('whoami', 1, v), hit('net_group', 2, v)])
      .length,
    1,
  );
  assert.equal(
    run(new CorrelationEngine([t]), [hit('adfind', 0, v), hit('whoami', 1, v), hit('whoami', 2, v)]).length,
    0,
  );
  const two = corr({ ...t, condition: { gte: 2 } });
  assert.equal(
    run(new CorrelationEngine([two]), [hit('adfind', 0, v), hit('adfind', 1, v), hit('whoami', 2, v)]).length,
    1,
  );
});

test('aliases: group by the same address seen in different fields of different rules', () => {
  const rule = corr({
    type: 'temporal',
    rules: ['internal_error', 'new_network_connection'],
    groupBy: ['internal_ip'],
    timespan: '10s',
    timespanMs: 10_000,
    aliases: { internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' } },
  });
  const e = new CorrelationEngine([rule]);
  assert.deepEqual(e.fieldsNeeded('internal_error'), ['destination.ip']);
  assert.deepEqual(e.fieldsNeeded('new_network_connection'), ['source.ip']);
  const a = hit('internal_error', 0, { 'destination.ip': '10.1.1.1' });
  const b = hit('new_network_connection', 0.1, { 'source.ip': '10.1.1.1' });
  const c = hit('new_network_connection', 0.1, { 'source.ip': '10.9.9.9' });
  assert.equal(run(e, [a, b]).length, 1);
  assert.equal(run(new CorrelationEngine([rule]), [a, c]).length, 0);
});

test('chained correlations (spec example): many failures then a success; inner results stay silent', () => {
  const many = corr({
    id: 'mfl-id',
    name: 'multiple_failed_login',
    type: 'event_count',
    rules: ['failed_login'],
    groupBy: ['User'],
    condition: { gte: 3 },
    timespan: '10m',
    timespanMs: 10 * MIN,
  });
  const outer = corr({
    id: 'outer',
    type: 'temporal_ordered',
    rules: ['multiple_failed_login', 'successful_login'],
    groupBy: ['User'],
    timespan: '10m',
    timespanMs: 10 * MIN,
  });
  const e = new CorrelationEngine([many, outer]);
  assert.ok(
    e.suppresses('failed_login') &&
      e.suppresses('x', 'successful_login') &&
      e.suppresses('mfl-id', 'multiple_failed_login'),
  );
  assert.ok(!e.suppresses('outer'));
  const u = { User: 'admin' };
  const out = run(e, [
    hit('failed_login', 0, u),
    hit('failed_login', 1, u),
    hit('failed_login', 2, u),
    hit('successful_login', 3, u, { eventId: 4624 }),
  ]);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.rule.id, 'outer');
  assert.equal(out[0]!.eventId, 4624);
  assert.deepEqual(out[0]!.correlation?.rules, ['mfl-id', 'successful_login']);
  // Success before the failures: nothing.
  const e2 = new CorrelationEngine([many, outer]);
  assert.equal(
    run(e2, [
      hit('successful_login', 0, u),
      hit('failed_login', 1, u),
      hit('failed_login', 2, u),
      hit('failed_login', 3, u),
    ]).length,
    0,
  );
  // generate: true on the outer makes the inner correlation report too.
  const e3 = new CorrelationEngine([many, { ...outer, generate: true }]);
  const out3 = run(e3, [
    hit('failed_login', 0, u),
    hit('failed_login', 1, u),
    hit('failed_login', 2, u),
    hit('successful_login', 3, u),
  ]);
  assert.deepEqual(
    out3.map((d) => d.rule.id),
    ['mfl-id', 'outer'],
  );
});

test('value_sum, value_avg, value_median, value_percentile judge closed windows', () => {
  const base = { rules: ['net'], groupBy: ['User'], timespan: '1h', timespanMs: 60 * MIN } as const;
  const bytes = (u: string, list: number[], start = 0) =>
    list.map((b, i) => hit('net', start + i, { User: u, BytesOut: String(b) }));
  const sum = corr({ ...base, type: 'value_sum', condition: { field: ['BytesOut'], gt: 1000 } });
  assert.equal(
    run(new CorrelationEngine([sum]), [...bytes('a', [400, 700]), ...bytes('b', [400, 500])]).length,
    1,
  );
  const avg = corr({ ...base, type: 'value_avg', condition: { field: ['BytesOut'], gt: 500 } });
  const avgOut = run(new CorrelationEngine([avg]), [
    ...bytes('a', [400, 700]),
    ...bytes('b', [100, 200, 'x' as unknown as number]),
  ]);
  assert.deepEqual(
    avgOut.map((d) => [d.correlation?.groupBy.User, d.correlation?.value]),
    [['a', 550]],
  );
  const med = corr({ ...base, type: 'value_median', condition: { field: ['BytesOut'], gte: 100, lte: 200 } });
  const medOut = run(new CorrelationEngine([med]), [
    ...bytes('a', [1, 150, 9999]),
    ...bytes('b', [1, 2, 9999]),
  ]);
  assert.deepEqual(
    medOut.map((d) => d.correlation?.groupBy.User),
    ['a'],
  );
  // Windows are anchored at their first event: events an hour later start a new window.
  const split = run(new CorrelationEngine([avg]), [...bytes('a', [600]), ...bytes('a', [100, 100], 61)]);
  assert.deepEqual(
    split.map((d) => d.correlation?.value),
    [600],
  );
  const rare = corr({
    ...base,
    groupBy: ['Computer'],
    type: 'value_percentile',
    condition: { field: ['Image'], lte: 10 },
  });
  const images = [...Array(19).fill('svchost.exe'), 'evil.exe'].map((img, i) =>
    hit('net', i, { Computer: 'h', Image: img }),
  );
  const rareOut = run(new CorrelationEngine([rare]), images);
  assert.equal(rareOut.length, 1);
  assert.equal(rareOut[0]!.correlation?.value, 5);
});

test('upper-bound conditions are judged when the window closes (lt), not on the first event', () => {
  const few = corr({ type: 'event_count', rules: ['beacon'], groupBy: ['Host'], condition: { lt: 3 } });
  const out = run(new CorrelationEngine([few]), [
    hit('beacon', 0, { Host: 'a' }),
    hit('beacon', 1, { Host: 'a' }),
    ...[0, 1, 2, 3].map((m) => hit('beacon', m, { Host: 'b' })),
  ]);
  assert.deepEqual(
    out.map((d) => [d.correlation?.groupBy.Host, d.correlation?.value]),
    [['a', 2]],
  );
});

test('hits without a valid time are counted and ignored', () => {
  const e = new CorrelationEngine([bruteForce]);
  run(e, [hit('failed_login', NaN, { TargetUserName: 'a' })]);
  assert.equal(e.stats().untimedHits, 1);
});

test('memory is bounded: groups are LRU-capped and expire as time advances', () => {
  const e = new CorrelationEngine([corr({ ...bruteForce, condition: { gte: 1000 } })], {
    maxGroups: 100,
    maxEventsPerGroup: 50,
  });
  for (let i = 0; i < 20_000; i++)
    e.onHit(hit('failed_login', i * 0.01, { TargetUserName: `user${i % 5000}` }), () => {});
  const s = e.stats();
  assert.ok(s.liveGroups <= 100, `live groups ${s.liveGroups}`);
  assert.ok(s.evictedGroups > 0);
  // Time moves on: old groups expire on their own.
  const e2 = new CorrelationEngine([bruteForce]);
  for (let i = 0; i < 5000; i++) e2.onHit(hit('failed_login', i, { TargetUserName: `user${i}` }), () => {});
  assert.ok(e2.stats().liveGroups < 600, `live groups ${e2.stats().liveGroups}`);
  // Per-group cap: one user hammering does not grow without bound.
  const e3 = new CorrelationEngine(
    [corr({ ...bruteForce, condition: { lt: 3 }, timespan: '1h', timespanMs: 60 * MIN })],
    {
      maxEventsPerGroup: 16,
    },
  );
  for (let i = 0; i < 20_000; i++) e3.onHit(hit('failed_login', i / 1e4, { TargetUserName: 'a' }), () => {});
  assert.ok(e3.stats().droppedEvents >= 20_000 - 16);
});

test('attacker-sized values are capped in windows but stay distinct', () => {
  const a = 'x'.repeat(100_000) + 'a';
  const b = 'x'.repeat(100_000) + 'b';
  const ha = boundHit(hit('failed_login', 0, { TargetUserName: a }));
  const hb = boundHit(hit('failed_login', 0, { TargetUserName: b }));
  assert.ok(ha.values.TargetUserName!.length < 1_100);
  assert.notEqual(ha.values.TargetUserName, hb.values.TargetUserName);
  const small = hit('failed_login', 0, { TargetUserName: 'alice' });
  assert.equal(boundHit(small), small);
  // Two long distinct users are two groups; the same long user five times is one.
  const e = new CorrelationEngine([bruteForce]);
  const out = run(
    e,
    [0, 1, 2, 3].flatMap((m) => [
      hit('failed_login', m, { TargetUserName: a }),
      hit('failed_login', m, { TargetUserName: b }),
    ]),
  );
  assert.equal(out.length, 0);
  assert.equal(
    run(
      new CorrelationEngine([bruteForce]),
      [0, 1, 2, 3, 4].map((m) => hit('failed_login', m, { TargetUserName: a })),
    ).length,
    1,
  );
});

test('fuzz: random, out-of-order, hostile hits never throw, stay bounded, and every window fits its timespan', () => {
  const rand = lcg(17);
  const types = [
    'event_count',
    'value_count',
    'temporal',
    'temporal_ordered',
    'value_sum',
    'value_avg',
    'value_median',
    'value_percentile',
  ] as const;
  const rules = types.map((type, i) =>
    corr({
      id: `c${i}`,
      type,
      rules: ['r0', 'r1', 'r2'],
      groupBy: ['User'],
      condition: type.startsWith('temporal') ? undefined : { field: ['V'], gte: 2 },
      generate: true,
    }),
  );
  const e = new CorrelationEngine(rules, { maxGroups: 50, maxEventsPerGroup: 64 });
  const out: Detection[] = [];
  const times = [NaN, Infinity, -1e15, 8.64e15];
  for (let i = 0; i < 30_000; i++) {
    const ts =
      rand() < 0.01 ? times[Math.floor(rand() * times.length)]! : T0 + Math.floor(rand() * 3_600_000);
    const values: Record<string, string> = {
      User: `u${Math.floor(rand() * 80)}`,
      V: String(Math.floor(rand() * 10)),
    };
    if (rand() < 0.05) delete values.User;
    if (rand() < 0.05) values.V = 'not a number';
    e.onHit({ ...hit(`r${Math.floor(rand() * 3)}`, 0, values), timestamp: ts }, (d) => out.push(d));
    if (i % 500 === 0) assert.ok(e.stats().liveGroups <= 50 * rules.length);
  }
  e.flush((d) => out.push(d));
  assert.ok(out.length > 0);
  for (const d of out) {
    assert.ok(d.timestamp - d.correlation!.firstTimestamp <= 5 * MIN, `${d.rule.kind} window too wide`);
    assert.ok(Number.isFinite(d.timestamp));
  }
  assert.equal(e.stats().liveGroups, 0);
});

test('a full group table closes its least recently used sixteenth at once (finding the oldest key is not free)', () => {
  const e = new CorrelationEngine([corr({ ...bruteForce, condition: { gte: 1000 } })], { maxGroups: 160 });
  for (let i = 0; i < 160; i++)
    e.onHit(hit('failed_login', i * 0.001, { TargetUserName: `u${i}` }), () => {});
  // u0 is used again, so u1 … u10 are now the least recently used.
  e.onHit(hit('failed_login', 0.2, { TargetUserName: 'u0' }), () => {});
  assert.deepEqual([e.stats().liveGroups, e.stats().evictedGroups], [160, 0]);
  e.onHit(hit('failed_login', 0.3, { TargetUserName: 'new' }), () => {});
  assert.deepEqual([e.stats().liveGroups, e.stats().evictedGroups], [151, 10]);
  // The survivors keep counting: u0 (recently used) and u11 were not closed.
  for (const user of ['u0', 'u11']) e.onHit(hit('failed_login', 0.4, { TargetUserName: user }), () => {});
  assert.equal(e.stats().liveGroups, 151);
});
