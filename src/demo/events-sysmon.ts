// Sysmon event builders (process creation, network, DNS, file, image load) with Sysmon's own field sets.
import type { EventSpec } from '../evtx/writer-types.js';
import { basename, hashesOf, processGuid, stableGuid, utcTime } from './events-common.js';
import type { DemoHost } from './tenants.js';

const SYSMON = {
  provider: 'Microsoft-Windows-Sysmon',
  providerGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
  channel: 'Microsoft-Windows-Sysmon/Operational',
} as const;
export interface ProcessArgs {
  image: string;
  commandLine: string;
  parentImage: string;
  parentCommandLine: string;
  user: string;
  originalFileName?: string;
  hashes?: string;
  currentDirectory?: string;
  integrityLevel?: string;
  description?: string;
  company?: string;
}

/** Sysmon 1: process creation. */
export function sysmonProcess(host: DemoHost, time: number, a: ProcessArgs): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 1,
    version: 5,
    level: 4,
    task: 1,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    processId: 3060,
    threadId: 4120,
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 1000 + (time % 60000),
      Image: a.image,
      FileVersion: '-',
      Description: a.description ?? '-',
      Product: '-',
      Company: a.company ?? '-',
      OriginalFileName: a.originalFileName ?? basename(a.image),
      CommandLine: a.commandLine,
      CurrentDirectory: a.currentDirectory ?? 'C:\\Windows\\system32\\',
      User: a.user,
      LogonGuid: stableGuid(host, a.user),
      LogonId: '0x3e7',
      TerminalSessionId: 0,
      IntegrityLevel: a.integrityLevel ?? 'High',
      Hashes: a.hashes ?? hashesOf(a.image),
      ParentProcessGuid: stableGuid(host, a.parentImage),
      ParentProcessId: 500 + (time % 4000),
      ParentImage: a.parentImage,
      ParentCommandLine: a.parentCommandLine,
      ParentUser: a.user,
    },
  };
}

/** Sysmon 3: network connection. */
export function sysmonNetwork(
  host: DemoHost,
  time: number,
  a: {
    image: string;
    user: string;
    destinationIp: string;
    destinationPort: number;
    destinationHostname?: string;
  },
): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 3,
    version: 5,
    level: 4,
    task: 3,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 2000 + (time % 9000),
      Image: a.image,
      User: a.user,
      Protocol: 'tcp',
      Initiated: true,
      SourceIsIpv6: false,
      SourceIp: host.ip,
      SourceHostname: host.fqdn,
      SourcePort: 49152 + (time % 16000),
      SourcePortName: '-',
      DestinationIsIpv6: false,
      DestinationIp: a.destinationIp,
      DestinationHostname: a.destinationHostname ?? '-',
      DestinationPort: a.destinationPort,
      DestinationPortName:
        a.destinationPort === 443 ? 'https' : a.destinationPort === 445 ? 'microsoft-ds' : '-',
    },
  };
}

/** Sysmon 22: DNS query. */
export function sysmonDns(
  host: DemoHost,
  time: number,
  a: { image: string; query: string; result: string },
): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 22,
    version: 5,
    level: 4,
    task: 22,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 2000 + (time % 9000),
      QueryName: a.query,
      QueryStatus: '0',
      QueryResults: `::ffff:${a.result};`,
      Image: a.image,
      User: 'NT AUTHORITY\\SYSTEM',
    },
  };
}

/** Sysmon 11: file created. */
export function sysmonFile(
  host: DemoHost,
  time: number,
  a: { image: string; target: string; user: string },
): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 11,
    version: 2,
    level: 4,
    task: 11,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 2000 + (time % 9000),
      Image: a.image,
      TargetFilename: a.target,
      CreationUtcTime: utcTime(time),
      User: a.user,
    },
  };
}

/** Sysmon 7: image loaded. */
export function sysmonImageLoad(
  host: DemoHost,
  time: number,
  a: { image: string; loaded: string; user: string; hashes?: string; signed?: boolean; signature?: string },
): EventSpec {
  return {
    provider: SYSMON.provider,
    providerGuid: SYSMON.providerGuid,
    channel: SYSMON.channel,
    eventId: 7,
    version: 3,
    level: 4,
    task: 7,
    keywords: 0x8000000000000000n,
    time,
    computer: host.fqdn,
    userSid: 'S-1-5-18',
    data: {
      RuleName: '-',
      UtcTime: utcTime(time),
      ProcessGuid: processGuid(host),
      ProcessId: 2000 + (time % 9000),
      Image: a.image,
      ImageLoaded: a.loaded,
      FileVersion: '-',
      Description: '-',
      Product: '-',
      Company: '-',
      OriginalFileName: basename(a.loaded),
      Hashes: a.hashes ?? hashesOf(a.loaded),
      Signed: a.signed ?? true,
      Signature: a.signature ?? 'Microsoft Windows',
      SignatureStatus: 'Valid',
      User: a.user,
    },
  };
}
