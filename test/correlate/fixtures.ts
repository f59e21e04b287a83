// Hand-built records and detections for correlation tests (no corpus, no EVTX files).
import type { Detection, Level, RuleInfo } from '../../src/engine/types.js';
import { ObjectRecord } from '../../src/event/object-record.js';

let nextRecordId = 1;

/** One record in the evtx_dump layout, with the tenant the hunt's mapping would set. */
export function record(opts: {
  id: number;
  channel?: string;
  provider?: string;
  computer: string;
  time: string;
  tenant?: string;
  data?: Record<string, string | number>;
  userData?: Record<string, string | number>;
}): ObjectRecord {
  const system = {
    Provider: { '#attributes': { Name: opts.provider ?? 'Microsoft-Windows-Security-Auditing' } },
    EventID: opts.id,
    Channel: opts.channel ?? 'Security',
    Computer: opts.computer,
    TimeCreated: { '#attributes': { SystemTime: opts.time } },
    EventRecordID: nextRecordId++,
  };
  const event: Record<string, unknown> = { System: system };
  if (opts.data) event.EventData = opts.data;
  if (opts.userData) event.UserData = { EventXML: opts.userData };
  return new ObjectRecord({ Event: event }, { file: `${opts.computer}.evtx`, tenant: opts.tenant });
}

/** A Sysmon record. */
export function sysmon(
  id: number,
  computer: string,
  time: string,
  tenant: string,
  data: Record<string, string | number>,
): ObjectRecord {
  return record({
    id,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    provider: 'Microsoft-Windows-Sysmon',
    computer,
    time,
    tenant,
    data,
  });
}

/** A network (3) or RDP (10) logon. */
export function logon(
  computer: string,
  tenant: string,
  time: string,
  user: string,
  domain: string,
  ip: string,
  type = 3,
  workstation = '-',
  logonId = '0x1234',
): ObjectRecord {
  return record({
    id: 4624,
    computer,
    time,
    tenant,
    data: {
      LogonType: type,
      TargetUserName: user,
      TargetDomainName: domain,
      IpAddress: ip,
      WorkstationName: workstation,
      TargetLogonId: logonId,
    },
  });
}

/** A detection as the engine would emit it. */
export function detection(opts: {
  rule: string;
  title?: string;
  level: Level;
  tags?: string[];
  host: string;
  tenant?: string;
  time: string;
  fields?: Record<string, string>;
  eventId?: number;
  kind?: RuleInfo['kind'];
}): Detection {
  return {
    rule: {
      id: opts.rule,
      title: opts.title ?? opts.rule,
      level: opts.level,
      tags: opts.tags ?? [],
      kind: opts.kind ?? 'rule',
    },
    timestamp: Date.parse(opts.time),
    host: opts.host,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    eventId: opts.eventId ?? 1,
    recordId: nextRecordId++,
    file: `${opts.host}.evtx`,
    tenant: opts.tenant,
    fields: opts.fields ?? {},
  };
}
