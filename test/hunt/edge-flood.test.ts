import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IntrusionsDocument } from '../../src/correlate/index.js';
import type { EventSpec } from '../../src/evtx/writer-types.js';
import { runHunt } from '../../src/hunt/index.js';
import { evtxOf, makeCase } from './fixtures.js';

const ATTACK = Date.parse('2026-03-02T10:00:00Z');
const MINUTE = 60_000;
/** The entity graph's edge table, lowered so a few thousand logons overflow it. */
const EDGE_LIMIT = 400;

const RULES = `title: Test tool A
id: 6f1d4a4e-4444-4444-8444-000000000004
status: test
level: high
tags:
  - attack.execution
  - attack.discovery
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\evil-a.exe'
  condition: selection
---
title: Test tool B
id: 6f1d4a4e-5555-4555-8555-000000000005
status: test
level: high
tags:
  - attack.persistence
  - attack.credential-access
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\evil-b.exe'
  condition: selection
`;

/** One Sysmon process creation running `image` as `user`. */
function process(host: string, time: number, image: string, user: string, recordId: number): EventSpec {
  return {
    provider: 'Microsoft-Windows-Sysmon',
    eventId: 1,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    computer: host,
    time,
    recordId,
    data: { ProcessId: 4000 + recordId, Image: image, CommandLine: `${image} -q`, User: user },
  };
}

/** A network logon into `host` from `workstation` as CORP\user. */
function logon(host: string, time: number, workstation: string, user: string, recordId: number): EventSpec {
  return {
    provider: 'Microsoft-Windows-Security-Auditing',
    eventId: 4624,
    channel: 'Security',
    computer: host,
    time,
    recordId,
    data: {
      TargetUserName: user,
      TargetDomainName: 'CORP',
      TargetLogonId: `0x${(0x10000 + recordId).toString(16)}`,
      LogonType: 3,
      WorkstationName: workstation,
      IpAddress: '-',
    },
  };
}

/** Distinct benign logons (one edge each) into hosts that never get a detection, all later than the attack. */
function flood(first: number, count: number): EventSpec[] {
  return Array.from({ length: count }, (_, i) =>
    logon(
      `APP${i % 5}`,
      ATTACK + 6 * 3_600_000 + (first + i) * 1000,
      `PC${first + i}`,
      `user${first + i}`,
      i + 1,
    ),
  );
}

/**
 * A hunt where a flood of benign logon edges is read before (and after) the attacker's logon from WS-A into
 * SRV-B, both hosts with high detections that share no artifact: only that edge can join them.
 */
async function huntFloodedCase(workers: number) {
  const c = makeCase();
  try {
    const rules = c.put('flood-rules/tools.yml', RULES);
    c.put('logs/1-flood/Security.evtx', evtxOf(flood(0, 3 * EDGE_LIMIT)));
    c.put(
      'logs/2-attack/1-WS-A-Sysmon.evtx',
      evtxOf([process('WS-A', ATTACK, 'C:\\Users\\Public\\evil-a.exe', 'CORP\\tech', 1)]),
    );
    c.put(
      'logs/2-attack/2-SRV-B-Sysmon.evtx',
      evtxOf([process('SRV-B', ATTACK + 20 * MINUTE, 'C:\\ProgramData\\evil-b.exe', 'CORP\\svc-b', 1)]),
    );
    c.put(
      'logs/2-attack/3-SRV-B-Security.evtx',
      evtxOf([logon('SRV-B', ATTACK + 10 * MINUTE, 'WS-A', 'tech', 1)]),
    );
    c.put('logs/3-flood/Security.evtx', evtxOf(flood(3 * EDGE_LIMIT, 3 * EDGE_LIMIT)));
    const out = join(c.dir, 'out', 'intrusions.json');
    const result = await runHunt({
      paths: [join(c.dir, 'logs')],
      sigma: [rules],
      noDwellRules: true,
      quiet: true,
      workers,
      intrusions: out,
      graphEdgeLimit: EDGE_LIMIT,
    });
    const document = JSON.parse(readFileSync(out, 'utf8')) as IntrusionsDocument;
    return { result, document };
  } finally {
    c.cleanup();
  }
}

for (const workers of [1, 2]) {
  test(`a logon flood read before the lateral movement does not split the intrusion (${workers} worker(s))`, async () => {
    const { result: r, document } = await huntFloodedCase(workers);
    assert.equal(r.detections.length, 2);
    const joined = (r.intrusions ?? []).find((i) => i.hosts.length === 2);
    assert.ok(
      joined,
      `intrusions: ${JSON.stringify((r.intrusions ?? []).map((i) => i.hosts.map((h) => h.name)))}`,
    );
    assert.deepEqual(joined.hosts.map((h) => h.name).sort(), ['SRV-B', 'WS-A']);
    assert.ok(joined.lateralMovement.some((l) => l.from === 'WS-A' && l.to === 'SRV-B'));
    // Every logon that is not in the graph is counted: 6 x EDGE_LIMIT flood edges and the attacker's, of which
    // the table holds between three quarters of its cap (just after a sweep) and all of it.
    const total = 6 * EDGE_LIMIT + 1;
    const dropped = document.capped?.graphEntities ?? 0;
    assert.ok(dropped >= total - EDGE_LIMIT && dropped <= total - 0.75 * EDGE_LIMIT, `${dropped} dropped`);
    assert.ok(r.warnings.some((w) => w.reason.startsWith(`correlation capped: ${dropped} observations`)));
  });
}
