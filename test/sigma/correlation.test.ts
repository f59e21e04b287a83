// Correlation documents: the specification's examples parse; broken ones are refused with file, line and reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlDocuments } from '../../src/sigma/yaml-source.js';
import {
  isCorrelationDocument,
  isRuleProblem,
  parseCorrelation,
  parseTimespan,
} from '../../src/sigma/correlation.js';
import { linkCorrelations } from '../../src/sigma/correlation-links.js';
import type { CorrelationRule } from '../../src/sigma/correlation-types.js';
import type { RuleProblem } from '../../src/sigma/types.js';

function parse(yamlText: string): (CorrelationRule | RuleProblem)[] {
  const problems: RuleProblem[] = [];
  const docs = parseYamlDocuments(yamlText, 'mr_test.yml', problems);
  assert.deepEqual(problems, []);
  return docs.filter((d) => isCorrelationDocument(d.data)).map((d) => parseCorrelation(d));
}

function parseOne(yamlText: string): CorrelationRule {
  const [r] = parse(yamlText);
  assert.ok(r && !isRuleProblem(r), JSON.stringify(r));
  return r as CorrelationRule;
}

function problemOf(yamlText: string): RuleProblem {
  const [r] = parse(yamlText);
  assert.ok(r && isRuleProblem(r), `expected a problem, got ${JSON.stringify(r)}`);
  return r as RuleProblem;
}

const SPEC_EXAMPLE = `title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
falsepositives:
    - Unlikely
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection
`;

test('parses the specification example (chained temporal_ordered over event_count)', () => {
  const rules = parse(SPEC_EXAMPLE);
  assert.equal(rules.length, 2);
  const [outer, inner] = rules as CorrelationRule[];
  assert.equal(outer!.type, 'temporal_ordered');
  assert.deepEqual(outer!.rules, ['multiple_failed_login', 'successful_login']);
  assert.deepEqual(outer!.groupBy, ['User']);
  assert.equal(outer!.timespanMs, 600_000);
  assert.equal(outer!.level, 'high');
  assert.equal(outer!.condition, undefined);
  assert.equal(outer!.generate, false);
  assert.equal(inner!.name, 'multiple_failed_login');
  assert.deepEqual(inner!.condition, { gte: 10 });
  assert.equal(inner!.level, 'medium');
  assert.equal(inner!.position?.line, 16);
});

test('value_count with field, range conditions, aliases and generate', () => {
  const r = parseOne(`title: Many users from one source
correlation:
    type: value_count
    rules: [failed_login]
    group-by: [IpAddress]
    timespan: 1d
    condition:
        field: TargetUserName
        gt: 100
        lte: 200
generate: true
`);
  assert.deepEqual(r.condition, { field: ['TargetUserName'], gt: 100, lte: 200 });
  assert.equal(r.generate, true);
  assert.equal(r.timespanMs, 86_400_000);
  assert.match(r.id, /^correlation:mr_test\.yml#0$/);

  const a = parseOne(`title: alias
correlation:
    type: temporal
    rules: [internal_error, new_network_connection]
    group-by: [internal_ip]
    timespan: 10s
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_network_connection: source.ip
`);
  assert.deepEqual(a.aliases, {
    internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
  });
  assert.deepEqual(a.warnings, []);
});

test('value aggregations from the specification tests parse', () => {
  for (const type of ['value_sum', 'value_avg', 'value_percentile', 'value_median']) {
    const r = parseOne(`title: agg
correlation:
    type: ${type}
    rules: [rule_a]
    group-by: [SourceIP]
    timespan: 24h
    condition:
        field: BytesOut
        gt: 500
`);
    assert.equal(r.type, type);
  }
});

test('invalid documents name the key, its line and what to do', () => {
  const noType = problemOf(`title: x
correlation:
    rules: [a]
    timespan: 5m
    condition: {gte: 1}
`);
  assert.equal(noType.severity, 'invalid');
  assert.match(noType.reason, /type/);
  assert.equal(noType.file, 'mr_test.yml');
  assert.equal(noType.line, 2);

  const badSpan = problemOf(`title: x
correlation:
    type: event_count
    rules: [a]
    group-by: [User]
    timespan: 5 minutes
    condition: {gte: 1}
`);
  assert.match(badSpan.reason, /timespan '5 minutes' is malformed/);
  assert.equal(badSpan.line, 6);

  assert.match(
    problemOf(`title: x
correlation:
    type: event_count
    rules: [a]
    timespan: 5m
`).reason,
    /needs a `condition`/,
  );
  assert.match(
    problemOf(`title: x
correlation:
    type: value_count
    rules: [a]
    timespan: 5m
    condition: {gte: 3}
`).reason,
    /condition.field/,
  );
  const badOp = problemOf(`title: x
correlation:
    type: event_count
    rules: [a]
    timespan: 5m
    condition: {greater: 3}
`);
  assert.match(badOp.reason, /unknown condition key 'greater'/);
  assert.equal(badOp.line, 6);
  assert.match(
    problemOf(
      `title: x\ncorrelation:\n    type: event_count\n    rules: []\n    timespan: 5m\n    condition: {gte: 1}\n`,
    ).reason,
    /rules/,
  );
  assert.match(
    problemOf(`correlation:\n    type: temporal\n    rules: [a, b]\n    timespan: 5m\n`).reason,
    /title/,
  );
  assert.match(
    problemOf(
      `title: x\ncorrelation:\n    type: event_count\n    rules: [a]\n    timespan: 5m\n    condition: {gte: ten}\n`,
    ).reason,
    /needs a number/,
  );
  const unsupported = problemOf(
    `title: x\ncorrelation:\n    type: value_max\n    rules: [a]\n    timespan: 5m\n    condition: {field: a, gte: 1}\n`,
  );
  assert.equal(unsupported.severity, 'unsupported');
  assert.equal(
    problemOf(`title: x\ncorrelation:\n    type: nearby\n    rules: [a]\n    timespan: 5m\n`).severity,
    'invalid',
  );
});

test('warnings for odd but valid rules', () => {
  const r = parseOne(`title: x
correlation:
    type: event_count
    rules: [a]
    timespan: 5m
    condition: {gte: 2, field: User}
`);
  assert.ok(r.warnings.some((w) => /group-by/.test(w.reason)));
  assert.ok(r.warnings.some((w) => /no meaning/.test(w.reason)));
  assert.ok(r.warnings.every((w) => w.severity === 'warning'));
});

test('parseTimespan accepts number+unit only', () => {
  assert.equal(parseTimespan('90s'), 90_000);
  assert.equal(parseTimespan('90m'), 5_400_000);
  assert.equal(parseTimespan('2h'), 7_200_000);
  assert.equal(parseTimespan('1d'), 86_400_000);
  for (const bad of ['1H', '1w', '0s', '-1m', '1.5h', 'm', '', 5, '9999d'])
    assert.equal(parseTimespan(bad), undefined);
});

test('linking: references resolve by id or name, dangling and looping chains are refused, silent rules found', () => {
  const rules = parse(SPEC_EXAMPLE) as CorrelationRule[];
  const base = [
    { id: '53ba33fd-3a50-4468-a5ef-c583635cfa92', name: 'failed_login' },
    { id: '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8', name: 'successful_login' },
  ];
  const links = linkCorrelations(rules, base);
  assert.deepEqual(links.problems, []);
  // The inner correlation comes first.
  assert.deepEqual(
    links.correlations.map((c) => c.name ?? c.id),
    ['multiple_failed_login', 'b180ead8-d58f-40b2-ae54-c8940995b9b6'],
  );
  assert.deepEqual([...links.suppressed].sort(), [
    '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8',
    '53ba33fd-3a50-4468-a5ef-c583635cfa92',
    'a8418a5a-5fc4-46b5-b23b-6c73beb19d41',
  ]);

  const dangling = linkCorrelations(rules, base.slice(0, 1));
  // The outer one references successful_login, which is not loaded.
  assert.equal(dangling.correlations.length, 1);
  assert.match(dangling.problems[0]!.reason, /successful_login.*not loaded/);

  const loop = parse(
    `title: a\nname: a\ncorrelation: {type: temporal, rules: [b, x], timespan: 1m}\n---\ntitle: b\nname: b\ncorrelation: {type: temporal, rules: [a, x], timespan: 1m}\n`,
  ) as CorrelationRule[];
  const looped = linkCorrelations(loop, [{ id: 'x' }]);
  assert.equal(looped.correlations.length, 0);
  assert.ok(looped.problems.some((p) => /loops/.test(p.reason)));

  const generate = parse(
    `title: g\ncorrelation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 2}}\ngenerate: true\n`,
  ) as CorrelationRule[];
  assert.equal(linkCorrelations(generate, [{ id: 'x' }]).suppressed.size, 0);
});
