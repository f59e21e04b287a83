// Inline Sigma rules and records for engine tests: rules are written to a temporary folder and loaded through
// the real loader; records are ObjectRecords in the evtx_dump layout.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, loadRuleSet, type Detection, type RuleSet } from '../../src/engine/index.js';
import type { LoadOptions } from '../../src/engine/load.js';
import { ObjectRecord } from '../../src/event/object-record.js';
import type { EventRecord } from '../../src/event/types.js';

export const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

let counter = 0;

/** Writes YAML texts (one file each) into a fresh folder and loads them. */
export async function loadRules(texts: string[], opts: LoadOptions = {}): Promise<RuleSet> {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-rules-'));
  texts.forEach((t, i) => writeFileSync(join(dir, `rule${i}.yml`), t));
  return loadRuleSet([dir], opts);
}

/** A rule with the given logsource and detection block (YAML, indented by 4). */
export function rule(
  detection: string,
  logsource = 'product: windows\n    category: process_creation',
  extra = '',
): string {
  counter++;
  const id = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return `title: Test rule ${counter}\nid: ${id}\nstatus: test\nlogsource:\n    ${logsource}\ndetection:\n${detection}\nlevel: high\n${extra}`;
}

/** A record in a channel with an event id and event data. */
export function record(
  channel: string,
  eventId: number,
  data: Record<string, unknown>,
  provider = 'P',
): EventRecord {
  return new ObjectRecord(
    {
      Event: {
        System: {
          Provider: { '#attributes': { Name: provider } },
          EventID: eventId,
          Channel: channel,
          Computer: 'host1',
          EventRecordID: 7,
          TimeCreated: { '#attributes': { SystemTime: '2024-05-01T10:20:30.000Z' } },
        },
        EventData: data,
      },
    },
    { file: 'test.evtx' },
  );
}

/** Process creation record from Sysmon (event 1). */
export function proc(data: Record<string, unknown>): EventRecord {
  return record(SYSMON, 1, data);
}

/** Runs an engine over records and returns the detections. */
export function run(rs: RuleSet, records: EventRecord[]): Detection[] {
  const engine = new Engine(rs);
  const out: Detection[] = [];
  for (const r of records) engine.match(r, (d) => out.push(d));
  engine.flush((d) => out.push(d));
  return out;
}

/** True when a single-rule set fires on the record. */
export async function fires(detection: string, rec: EventRecord, logsource?: string): Promise<boolean> {
  const rs = await loadRules([rule(detection, logsource)]);
  if (rs.rules.length === 0) throw new Error(`rule did not compile: ${JSON.stringify(rs.problems)}`);
  return run(rs, [rec]).length > 0;
}
