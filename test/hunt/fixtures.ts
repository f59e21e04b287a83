// Self-made hunt inputs: a tiny Sigma rule set and Sysmon/Security events written as EVTX (our writer),
// evtx_dump JSON and wevtutil XML, in a temp folder laid out per tenant and host.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EventSpec } from '../../src/evtx/writer-types.js';
import { writeEvtx } from '../../src/evtx/writer.js';

export const RULE_WHOAMI = '6f1d4a4e-1111-4111-8111-000000000001';
export const RULE_NETUSE = '6f1d4a4e-2222-4222-8222-000000000002';

/** A correlation rule: 8 or more whoami detections on one host within 2 hours (the id is the caller's). */
export function whoamiBurstRule(id: string): string {
  return `title: Many whoami on one host
id: ${id}
status: test
level: critical
correlation:
  type: event_count
  rules:
    - ${RULE_WHOAMI}
  group-by:
    - Computer
  timespan: 2h
  condition:
    gte: 8
  generate: true
`;
}

const RULES = `title: Test whoami execution
id: ${RULE_WHOAMI}
status: test
level: high
tags:
  - attack.discovery
  - attack.t1033
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
---
title: Test net use
id: ${RULE_NETUSE}
status: experimental
level: low
tags:
  - attack.lateral-movement
  - attack.t1021.002
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    CommandLine|contains: 'net use'
  condition: selection
`;

const BASE = Date.parse('2024-06-01T10:00:00Z');

/** Sysmon process creations: whoami every third event, `net use` every fifth, with hostile command lines. */
export function sysmonEvents(host: string, count: number, offsetMs = 0): EventSpec[] {
  const out: EventSpec[] = [];
  for (let i = 0; i < count; i++) {
    const whoami = i % 3 === 0;
    const cmd =
      i % 5 === 0 ? `=cmd|' /C net use \\\\fs1\\c$'!A0\r\nnext line "q", ${i}` : `cmd.exe /c echo ${i}`;
    out.push({
      provider: 'Microsoft-Windows-Sysmon',
      eventId: 1,
      channel: 'Microsoft-Windows-Sysmon/Operational',
      computer: host,
      time: BASE + offsetMs + i * 60_000,
      recordId: i + 1,
      data: {
        RuleName: '-',
        UtcTime: new Date(BASE + offsetMs + i * 60_000).toISOString().replace('T', ' ').replace('Z', ''),
        ProcessId: 1000 + i,
        Image: whoami ? 'C:\\Windows\\System32\\whoami.exe' : 'C:\\Windows\\System32\\cmd.exe',
        CommandLine: cmd,
        User: 'CORP\\alice',
        ParentImage: 'C:\\Windows\\explorer.exe',
      },
    });
  }
  return out;
}

/** Expected hits per rule for sysmonEvents(count). */
export function expectedHits(count: number): { whoami: number; netuse: number } {
  let whoami = 0;
  let netuse = 0;
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) whoami++;
    if (i % 5 === 0) netuse++;
  }
  return { whoami, netuse };
}

/** The same events in the evtx_dump JSON layout. */
export function asEvtxDumpJson(specs: EventSpec[]): string {
  return specs
    .map((s) =>
      JSON.stringify(
        {
          Event: {
            '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
            System: {
              Provider: { '#attributes': { Name: s.provider } },
              EventID: s.eventId,
              TimeCreated: { '#attributes': { SystemTime: new Date(s.time as number).toISOString() } },
              EventRecordID: s.recordId,
              Channel: s.channel,
              Computer: s.computer,
            },
            EventData: s.data,
          },
        },
        null,
        2,
      ),
    )
    .join('\n');
}

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

/** The same events as a wevtutil-style XML export. */
export function asXml(specs: EventSpec[]): string {
  const events = specs.map((s) => {
    const data = Object.entries(s.data as Record<string, string | number>)
      .map(([k, v]) => `<Data Name="${k}">${xmlEscape(String(v))}</Data>`)
      .join('');
    return `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="${s.provider}"/><EventID>${s.eventId}</EventID><TimeCreated SystemTime="${new Date(s.time as number).toISOString()}"/><EventRecordID>${s.recordId}</EventRecordID><Channel>${s.channel}</Channel><Computer>${s.computer}</Computer></System><EventData>${data}</EventData></Event>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n${events.join('\n')}\n</Events>\n`;
}

/** A temp case folder with rules; `put` writes a file under it (creating folders). */
export function makeCase(): {
  dir: string;
  rules: string;
  put: (rel: string, data: string | Buffer) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-hunt-'));
  const put = (rel: string, data: string | Buffer) => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
    return p;
  };
  const rules = put('rules/test-rules.yml', RULES);
  return { dir, rules, put, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** EVTX bytes of events. */
export function evtxOf(specs: EventSpec[]): Buffer {
  return writeEvtx(specs);
}
