// System, Application, PowerShell and Directory Service event builders.
import type { EventSpec } from '../evtx/writer-types.js';
import { fnv } from './events-common.js';
import type { DemoAccount, DemoHost } from './tenants.js';

const SCM = {
  provider: 'Service Control Manager',
  providerGuid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}',
  eventSourceName: 'Service Control Manager',
  channel: 'System',
} as const;
const EVENTLOG_PROVIDER = 'Microsoft-Windows-Eventlog';
const EVENTLOG_GUID = '{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}';
const EVENTLOG_NS = 'http://manifests.microsoft.com/win/2004/08/windows/eventlog';
const POWERSHELL = {
  provider: 'Microsoft-Windows-PowerShell',
  providerGuid: '{A0C1853B-5C40-4B15-8766-3CF1C58F985A}',
  channel: 'Microsoft-Windows-PowerShell/Operational',
} as const;

/** System 104: an event log was cleared. */
export function sysLogCleared(
  host: DemoHost,
  time: number,
  account: DemoAccount,
  channel: string,
): EventSpec {
  return {
    provider: EVENTLOG_PROVIDER,
    providerGuid: EVENTLOG_GUID,
    eventId: 104,
    level: 4,
    task: 104,
    keywords: 0x8000000000000000n,
    time,
    channel: 'System',
    computer: host.fqdn,
    userSid: account.sid,
    userData: {
      element: 'LogFileCleared',
      xmlns: EVENTLOG_NS,
      fields: {
        SubjectUserName: account.user,
        SubjectDomainName: account.domain,
        Channel: channel,
        BackupPath: '',
      },
    },
  };
}

/** System 7045: a service was installed. */
export function sysServiceInstalled(
  host: DemoHost,
  time: number,
  a: { name: string; path: string; account?: string; sid: string },
): EventSpec {
  return {
    provider: SCM.provider,
    providerGuid: SCM.providerGuid,
    eventSourceName: SCM.eventSourceName,
    channel: SCM.channel,
    eventId: 7045,
    qualifiers: 16384,
    level: 4,
    keywords: 0x8080000000000000n,
    time,
    computer: host.fqdn,
    userSid: a.sid,
    data: {
      ServiceName: a.name,
      ImagePath: a.path,
      ServiceType: 'user mode service',
      StartType: 'demand start',
      AccountName: a.account ?? 'LocalSystem',
    },
  };
}

/** System 7036: a service entered a state. */
export function sysServiceState(host: DemoHost, time: number, service: string, state: string): EventSpec {
  return {
    provider: SCM.provider,
    providerGuid: SCM.providerGuid,
    eventSourceName: SCM.eventSourceName,
    channel: SCM.channel,
    eventId: 7036,
    qualifiers: 16384,
    level: 4,
    keywords: 0x8080000000000000n,
    time,
    computer: host.fqdn,
    data: { param1: service, param2: state, Binary: '' },
  };
}

/** System 5829 (NETLOGON): a vulnerable Netlogon secure channel connection was allowed. */
export function netlogonVulnerableAllowed(
  host: DemoHost,
  time: number,
  machine: string,
  domain: string,
  ip: string,
): EventSpec {
  return {
    provider: 'NETLOGON',
    eventSourceName: 'NETLOGON',
    eventId: 5829,
    qualifiers: 0,
    level: 3,
    keywords: 0x80000000000000n,
    time,
    channel: 'System',
    computer: host.fqdn,
    data: [
      ['', machine],
      ['', domain],
      ['', 'Workstation'],
      ['', 'Windows'],
      ['', '10.0'],
      ['', ip],
    ],
  };
}

/** Application 325/326 (ESENT): a database was created or attached. */
export function esentDatabase(
  host: DemoHost,
  time: number,
  eventId: 216 | 325 | 326,
  processName: string,
  path: string,
): EventSpec {
  return {
    provider: 'ESENT',
    eventSourceName: 'ESENT',
    eventId,
    qualifiers: 0,
    level: 4,
    task: 1,
    keywords: 0x80000000000000n,
    time,
    channel: 'Application',
    computer: host.fqdn,
    data: [
      ['', processName],
      ['', String(3000 + (time % 5000))],
      ['', ''],
      ['', '0'],
      ['', path],
    ],
  };
}

/** PowerShell 4104: a script block was logged. */
export function psScriptBlock(host: DemoHost, time: number, script: string, path = ''): EventSpec {
  return {
    provider: POWERSHELL.provider,
    providerGuid: POWERSHELL.providerGuid,
    channel: POWERSHELL.channel,
    eventId: 4104,
    version: 1,
    level: script.includes('Invoke-') ? 3 : 5,
    task: 2,
    opcode: 15,
    keywords: 0n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      MessageNumber: 1,
      MessageTotal: 1,
      ScriptBlockText: script,
      ScriptBlockId: `{${fnv(script, 8)}-${fnv(script + 'a', 4)}-4${fnv(script + 'b', 3)}-8${fnv(script + 'c', 3)}-${fnv(script + 'd', 12)}}`,
      Path: path,
    },
  };
}

/** Directory Service events on a domain controller (LDAP bind summary, replication latency notes). */
export function directoryServiceEvent(
  host: DemoHost,
  time: number,
  eventId: 1644 | 2887 | 1394,
  text: string,
): EventSpec {
  return {
    provider: 'Microsoft-Windows-ActiveDirectory_DomainService',
    providerGuid: '{0e8478c5-3605-4e8c-8497-1e730c959516}',
    eventSourceName: 'NTDS General',
    eventId,
    qualifiers: 16384,
    level: 4,
    task: eventId === 2887 ? 16 : 15,
    keywords: 0x80000000000000n,
    time,
    channel: 'Directory Service',
    computer: host.fqdn,
    userSid: 'S-1-5-7',
    data: [['', text]],
  };
}
