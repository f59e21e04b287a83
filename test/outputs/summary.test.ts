import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSummary, formatSummary } from '../../src/outputs/summary.js';
import { detection } from './csv-fixtures.js';

const counters = {
  files: 3,
  filesRead: 2,
  bytes: 2 * 1048576,
  records: 1000,
  duplicatesDropped: 1,
  damagedFiles: [
    { file: '/x/bad.evtx', warnings: 2, unreadable: true, reasons: ['not a recognised log format'] },
  ],
  rules: { loaded: 10, selected: 8, problems: 1 },
  workers: 2,
  elapsedMs: 500,
};

test('summary counts levels, rules, hosts, tactics, tenants and rates', () => {
  const low = {
    id: 'r-2',
    title: 'Low rule',
    level: 'low' as const,
    tags: ['attack.discovery'],
    kind: 'rule' as const,
  };
  const s = buildSummary(
    [detection(), detection(), detection({ rule: low, host: 'ws1', tenant: 'beta' })],
    counters,
  );
  assert.equal(s.detections, 3);
  assert.deepEqual(s.byLevel, { informational: 0, low: 1, medium: 0, high: 2, critical: 0 });
  assert.deepEqual(s.topRules[0], { id: 'r-1', title: 'Suspicious, "quoted" rule', level: 'high', hits: 2 });
  assert.deepEqual(s.topHosts[0], { host: 'dc1.corp', tenant: 'acme', detections: 2 });
  assert.deepEqual(
    s.tactics.map((t) => t.tactic),
    ['credential-access', 'discovery'],
  );
  assert.equal(s.recordsPerSecond, 2000);
  const text = formatSummary(s);
  assert.match(text, /1,000 records/);
  assert.match(text, /high 2/);
  assert.match(text, /unreadable: \/x\/bad\.evtx/);
  assert.ok(!text.includes('\u001b['), 'no colour unless asked');
  assert.ok(formatSummary(s, { color: true }).length >= text.length);
});

test('summary names the rules left out because their logsource is not a Windows log', () => {
  const without = formatSummary(buildSummary([], counters));
  assert.ok(!without.includes('not run'), 'nothing said when no rule was left out');
  const s = buildSummary([], { ...counters, rules: { loaded: 10, selected: 8, problems: 0, unmapped: 726 } });
  assert.equal(s.rules.unmapped, 726);
  assert.match(formatSummary(s), /726 more not run: their logsource is not a Windows event log/);
});

test('event and rule text reaches the terminal without escape sequences or line breaks', () => {
  const hostile = {
    id: 'r-esc',
    title: 'Rule \u001b]0;pwned\u0007 title',
    level: 'high' as const,
    tags: ['attack.discovery'],
    kind: 'rule' as const,
  };
  const s = buildSummary(
    [
      detection({ rule: hostile, host: 'ws\u001b[2J\nFAKE LINE', tenant: 'acme\u202e' }),
      // Bidi marks (RLM, LRM, ALM) reorder digits and extensions as overrides do.
      detection({ rule: hostile, host: 'dc01\u200f.corp\u200e\u061c', tenant: 'acme\u202e' }),
    ],
    counters,
  );
  const text = formatSummary(s);
  assert.ok(
    !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202e]/.test(text),
    JSON.stringify(text),
  );
  assert.match(text, /Rule \\u001b\]0;pwned\\u0007 title/);
  assert.match(text, /ws\\u001b\[2J\\u000aFAKE LINE {2}\[acme\\u202e\]/);
  assert.match(text, /dc01\\u200f\.corp\\u200e\\u061c/);
});
